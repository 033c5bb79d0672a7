#!/usr/bin/env python3
"""Calibrate and check the audio measures on the real corpus; prints the tables.

    .venv/bin/python scripts/calibrate_audio.py [snr] [rt60] [muffled] [corpus]

* snr     — clean corpus speech mixed with corpus noise at 5…30 dB SNR, mixed by the
            CONTRACT definition (P.56-style active speech level of the clean speech over its
            speech frames minus the mean level of the noise, 80 Hz–8 kHz), vs measured `snr_db`.
* rt60    — clean corpus speech convolved with each corpus room impulse response: the RIR's
            own T20 (Schroeder backward integration, −5…−25 dB, ISO 3382-2) vs the blind
            `reverb_rt60_s` estimate (after clarity.py's calibration line RT_A·raw + RT_B;
            set RT_A = 1, RT_B = 0 there to print the raw values the line was fitted on).
* muffled — clean speech and the same speech low-passed (mic under clothing / behind an
            object): hf_balance_db and bandwidth_hz.
* corpus  — every speech file and talking-head clip: the audio named measures.

Everything runs through the real ingest (AudioStream at 48 kHz) and the real measures.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from audio_helpers import (decode, measure_audio, mix_at,  # noqa: E402
                           speech_track, write_wav)


CORPUS = ROOT.parent / "shared" / "corpus"
RATE = 48000
CLEAN_SETS = {
    "cmu_arctic×4": ["cmu_arctic_us_aew_a0001.wav", "cmu_arctic_us_axb_a0004.wav",
                     "cmu_arctic_us_aew_a0002.wav", "cmu_arctic_us_axb_a0006.wav"],
    "libri2": ["librosa_libri2_3436-172162-0000.ogg"],
    "ljspeech": ["ljspeech_LJ050-0131.wav"],
}
STEADY_NOISES = ["speechcommands_exercise_bike.wav", "speechbrain_noise1.wav",
                 "speechcommands_running_tap.wav"]
NONSTEADY_NOISES = ["speechcommands_doing_the_dishes.wav"]
SNRS = (5, 10, 15, 20, 25, 30)
RIRS = sorted(p.name for p in (CORPUS / "noise").glob("rir_*.wav"))


def measured_snr(samples: np.ndarray, tmp: Path) -> float | None:
    r = measure_audio(write_wav(tmp / "mix.wav", samples, RATE), ("noise",))
    return r["noise"].snr_db


def table_snr(tmp: Path) -> None:
    print("\n## SNR: known (mixed) vs measured snr_db, dB")
    print("| speech | noise | " + " | ".join(f"{s}" for s in SNRS) + " | max |err| |")
    print("|---|---|" + "---|" * (len(SNRS) + 1))
    for noise_name in STEADY_NOISES + NONSTEADY_NOISES:
        noise = decode(CORPUS / "noise" / noise_name, RATE)
        for set_name, names in CLEAN_SETS.items():
            speech = speech_track(names)
            got = [measured_snr(mix_at(speech, noise, s), tmp) for s in SNRS]
            err = max(abs(g - s) for g, s in zip(got, SNRS) if g is not None)
            print(f"| {set_name} | {noise_name} | " + " | ".join(
                "—" if g is None else f"{g:.1f}" for g in got) + f" | {err:.1f} |")


def t20(rir: np.ndarray) -> float | None:
    """Reverberation time from the impulse response: Schroeder decay, −5…−25 dB fit × 3."""
    h = rir[int(np.argmax(np.abs(rir))):].astype(np.float64)
    edc = np.cumsum((h ** 2)[::-1])[::-1]
    edc_db = 10 * np.log10(np.maximum(edc / edc[0], 1e-12))
    idx = np.flatnonzero((edc_db <= -5) & (edc_db >= -25))
    if len(idx) < 10:
        return None
    slope = np.polyfit(idx / RATE, edc_db[idx], 1)[0]
    return -60.0 / slope if slope < 0 else None


def table_rt60(tmp: Path) -> None:
    from scipy.signal import fftconvolve

    print("\n## Reverberation: RIR T20 vs blind estimate reverb_rt60_s, s")
    print("| RIR | T20 | " + " | ".join(CLEAN_SETS) + " |")
    print("|---|---|" + "---|" * len(CLEAN_SETS))
    dry = []
    for set_name, names in CLEAN_SETS.items():
        r = measure_audio(write_wav(tmp / "dry.wav", speech_track(names), RATE), ("clarity",))
        dry.append(r["clarity"].reverb_rt60_s)
    print("| (dry) | — | " + " | ".join("—" if d is None else f"{d:.2f}" for d in dry) + " |")
    for name in RIRS:
        rir = decode(CORPUS / "noise" / name, RATE)
        truth = t20(rir)
        row = []
        for names in CLEAN_SETS.values():
            wet = fftconvolve(speech_track(names), rir)[: len(speech_track(names)) + len(rir)]
            wet = (wet / (np.abs(wet).max() + 1e-9) * 0.5).astype(np.float32)
            r = measure_audio(write_wav(tmp / "wet.wav", wet, RATE), ("clarity",))
            row.append(r["clarity"].reverb_rt60_s)
        print(f"| {name} | {'—' if truth is None else f'{truth:.2f}'} | " + " | ".join(
            "—" if v is None else f"{v:.2f}" for v in row) + " |")


def table_muffled(tmp: Path) -> None:
    import scipy.signal as ss

    print("\n## Muffled: hf_balance_db (2–5 kHz minus 0.3–1 kHz over speech), dB")
    cuts = (None, 4000, 3000, 2000, 1500)
    print("| speech | " + " | ".join("clean" if c is None else f"low-pass {c} Hz"
                                    for c in cuts) + " |")
    print("|---|" + "---|" * len(cuts))
    for set_name, names in CLEAN_SETS.items():
        x = speech_track(names)
        row = []
        for c in cuts:
            y = x if c is None else ss.sosfilt(ss.butter(4, c, fs=RATE, output="sos"), x)
            r = measure_audio(write_wav(tmp / "m.wav", y.astype(np.float32), RATE), ("clarity",))
            cl = r["clarity"]
            row.append(f"{cl.hf_balance_db:.1f} ({cl.bandwidth_hz / 1000:.0f} k)")
        print(f"| {set_name} | " + " | ".join(row) + " |")


def table_corpus() -> None:
    print("\n## Corpus speech and talking-head clips: audio measures")
    keys = ("speech_ratio", "speech_lufs", "snr_db", "noise_floor_dbfs", "hum_db",
            "bandwidth_hz", "hf_balance_db", "reverb_rt60_s", "bursts")
    print("| file | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    files = sorted((CORPUS / "speech").iterdir()) + sorted((CORPUS / "video").glob("*"))
    for f in files:
        try:
            r = measure_audio(f, ("loudness", "noise", "hum", "clarity"))
        except StopIteration:
            continue  # no audio stream
        vals = {}
        for name in ("speech", "loudness", "noise", "hum", "clarity"):
            res = r[name]
            if hasattr(res, "named"):
                vals.update(res.named())
        cl = r["clarity"]
        vals["hf_balance_db"] = getattr(cl, "hf_balance_db", None)
        vals["bursts"] = len(getattr(cl, "bursts", ()))
        cells = []
        for k in keys:
            v = vals.get(k)
            cells.append("—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)))
        print(f"| {f.name} | " + " | ".join(cells) + " |")


def main(argv: list[str]) -> int:
    which = set(argv) or {"snr", "rt60", "muffled", "corpus"}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "snr" in which:
            table_snr(tmp)
        if "rt60" in which:
            table_rt60(tmp)
        if "muffled" in which:
            table_muffled(tmp)
        if "corpus" in which:
            table_corpus()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
