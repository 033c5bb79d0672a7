#!/usr/bin/env python3
"""Calibrate and check the audio measures on the real corpus; prints the tables.

    .venv/bin/python scripts/calibrate_audio.py [snr] [rt60] [muffled] [corpus]
                                                [vad] [weighted] [dnsmos] [real] [cost]

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
* vad     — the voice detector on constructed truth: clean corpus speech (its own speech
            frames, found on the clean track, are the truth) mixed with corpus noise, corpus
            music (liveportrait_s13's sound track, looped) and babble (five other corpus
            talkers summed at equal level) at known SNR: frame agreement, speech missed,
            speech added; and the same noises, music and babble alone (seconds called speech).
* weighted — snr_weighted_db and sii against the known (broadband, CONTRACT) SNR, for the same
            noises and for the music low-passed at 500 Hz (a soft bed under a clean voice).
* dnsmos  — DNSMOS P.835 SIG/BAK/OVRL on the same mixtures.
* real    — corpus/real: speech, foreground, snr_db, snr_weighted_db, sii, DNSMOS.
* cost    — CPU ms per minute of audio of the voice detector (with the 16 kHz decimation) and
            of DNSMOS (its fixed number of windows) on a 60 s mixture.

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

from audio_helpers import (decode, measure_audio, mix_at, mixes,  # noqa: E402
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


SPEECH_SET = ["cmu_arctic_us_aew_a0001.wav", "cmu_arctic_us_axb_a0004.wav",
              "librosa_libri1_5703-47212-0000.ogg", "cmu_arctic_us_aew_a0002.wav",
              "ljspeech_LJ050-0131.wav", "cmu_arctic_us_axb_a0006.wav"]
BABBLE_TALKERS = ["librosa_libri2_3436-172162-0000.ogg", "librosa_libri3_198-209-0000.ogg",
                  "sadtalker_RD_Radio34_002.wav", "sadtalker_RD_Radio40_000.wav",
                  "speechbrain_vad_valid.wav"]
MIX_SNRS = (0, 5, 10, 15, 20, 30)


def babble(n: int, seed: int = 1) -> np.ndarray:
    """Five corpus talkers (none of SPEECH_SET) looped to n samples, summed at equal rms."""
    rng = np.random.default_rng(seed)
    out = np.zeros(n, np.float32)
    for name in BABBLE_TALKERS:
        x = decode(CORPUS / "speech" / name, RATE)
        x = np.roll(np.resize(x, n), int(rng.integers(0, n)))
        out += x / (np.sqrt(np.mean(x ** 2)) + 1e-9) * 0.03
    return out


def music(n: int, lowpass_hz: float | None = None) -> np.ndarray:
    """liveportrait_s13's sound track (music, no speech) looped to n samples."""
    import scipy.signal as ss

    x = np.resize(decode(CORPUS / "video" / "liveportrait_s13_fullbody_smallface.mp4", RATE), n)
    if lowpass_hz:
        x = ss.sosfilt(ss.butter(6, lowpass_hz, fs=RATE, output="sos"), x)
    return x.astype(np.float32)


def backgrounds(n: int) -> dict[str, np.ndarray]:
    out = {name.split("_", 1)[1].rsplit(".", 1)[0]: np.resize(decode(CORPUS / "noise" / name,
                                                                       RATE), n)
           for name in STEADY_NOISES + NONSTEADY_NOISES}
    out["babble5"] = babble(n)
    out["music"] = music(n)
    return out


def table_vad(tmp: Path) -> None:
    speech = speech_track(SPEECH_SET)
    truth = measure_audio(write_wav(tmp / "clean.wav", speech, RATE), ("speech",))["speech"]
    t = truth.mask
    print(f"\n## Voice detector on constructed mixtures ({t.sum() * 0.02:.1f} s of speech in "
          f"{len(speech) / RATE:.1f} s; truth: the frames found on the clean track)")
    print("| background | SNR dB | agree | speech missed | speech added |")
    print("|---|---|---|---|---|")
    for name, noise in backgrounds(len(speech)).items():
        for snr, mix in zip(MIX_SNRS, mixes(speech, noise, MIX_SNRS)):
            got = measure_audio(write_wav(tmp / "mix.wav", mix, RATE), ("speech",))["speech"].mask
            k = min(len(got), len(t))
            g, tt = got[:k], t[:k]
            print(f"| {name} | {snr} | {np.mean(g == tt):.3f} | {np.mean(~g[tt]):.3f} | "
                  f"{np.mean(g[~tt]):.3f} |")
    print("\n| background alone (30 s) | seconds called speech | foreground dB |")
    print("|---|---|---|")
    for name, noise in backgrounds(30 * RATE).items():
        sp = measure_audio(write_wav(tmp / "bg.wav", noise * 0.5, RATE), ("speech",))["speech"]
        fg = sp.activity.foreground_db
        print(f"| {name} | {sp.speech_s:.2f} + {sp.activity.background_speech_s:.2f} set aside | "
              f"{'—' if fg is None else f'{fg:.1f}'} |")


def _mixture_rows(tmp: Path, names: tuple[str, ...], cell) -> None:
    speech = speech_track(SPEECH_SET)
    bgs = backgrounds(len(speech))
    bgs["music_below_500Hz"] = music(len(speech), 500.0)
    print("| background | " + " | ".join(f"{s} dB" for s in MIX_SNRS) + " |")
    print("|---|" + "---|" * len(MIX_SNRS))
    for name, noise in bgs.items():
        row = []
        for snr, mix in zip(MIX_SNRS, mixes(speech, noise, MIX_SNRS)):
            r = measure_audio(write_wav(tmp / "mix.wav", mix, RATE), names)
            row.append(cell(r))
        print(f"| {name} | " + " | ".join(row) + " |")


def table_weighted(tmp: Path) -> None:
    print("\n## snr_weighted_db / sii (snr_db) against the known broadband SNR")

    def cell(r):
        n = r["noise"]
        if n.snr_weighted_db is None:
            return "—"
        p56 = "—" if n.snr_db is None else f"{n.snr_db:.1f}"
        return f"{n.snr_weighted_db:.1f} / {n.sii:.2f} ({p56})"
    _mixture_rows(tmp, ("noise",), cell)


def table_dnsmos(tmp: Path) -> None:
    print("\n## DNSMOS P.835 SIG / BAK / OVRL against the known broadband SNR")

    def cell(r):
        d = r["dnsmos"]
        return "—" if not hasattr(d, "bak") else f"{d.sig:.2f} / {d.bak:.2f} / {d.ovrl:.2f}"
    _mixture_rows(tmp, ("dnsmos",), cell)


def table_real() -> None:
    print("\n## corpus/real: voice and noise measures")
    print("| file | speech s | set aside s | foreground dB | snr_db | snr_weighted_db | sii | "
          "noise from | DNSMOS SIG/BAK/OVRL |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in sorted((CORPUS / "real").iterdir()):
        if f.suffix not in (".mp4", ".mov", ".webm"):
            continue
        try:
            r = measure_audio(f, ("noise", "dnsmos"))
        except StopIteration:
            continue  # no audio stream
        sp, n, d = r["speech"], r["noise"], r["dnsmos"]
        f1 = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
        dn = "—" if not hasattr(d, "bak") else f"{d.sig:.2f}/{d.bak:.2f}/{d.ovrl:.2f}"
        print(f"| {f.name} | {sp.speech_s:.1f} | {sp.activity.background_speech_s:.1f} | "
              f"{f1(sp.activity.foreground_db)} | {f1(n.snr_db)} | {f1(n.snr_weighted_db)} | "
              f"{'—' if n.sii is None else f'{n.sii:.2f}'} | {n.noise_method or '—'} | {dn} |")


def table_cost(tmp: Path) -> None:
    """CPU seconds (time.process_time: robust to other work on the machine), best of 3."""
    import time

    from tapecheck.measures.dnsmos import WINDOWS, score_windows, session
    from tapecheck.measures.vad import Decimator, Silero

    x = next(mixes(speech_track(SPEECH_SET * 2), babble(1), (20,)))[:60 * RATE]
    x = np.resize(x, 60 * RATE).astype(np.float32)

    def cpu(work) -> float:
        best = []
        for _ in range(3):
            t = time.process_time()
            work()
            best.append(time.process_time() - t)
        return min(best) * 1000

    parts: list[np.ndarray] = []

    def decimate():
        dec = Decimator()
        parts[:] = [dec.feed(x[k * RATE:(k + 1) * RATE]) for k in range(60)]

    dec_ms = cpu(decimate)
    x16 = np.concatenate(parts)

    def silero():
        sil = Silero()
        for k in range(60):
            sil.feed(x16[k * 16000:(k + 1) * 16000])

    Silero()   # the library loads once per process
    vad_ms = cpu(silero)
    session()
    dns_ms = cpu(lambda: score_windows([x16[i * 20 * 16000:(i * 20 + 10) * 16000]
                                        for i in range(WINDOWS)]))
    print(f"\n## CPU per minute of audio (one thread): 48→16 kHz {dec_ms:.0f} ms, Silero VAD "
          f"{vad_ms:.0f} ms; DNSMOS {dns_ms:.0f} ms for its {WINDOWS} windows ({dns_ms / WINDOWS:.0f} "
          f"ms each: 3 windows from 27 s of tape, 2 from 13.5 s, 1 below)")


def main(argv: list[str]) -> int:
    tables = {"snr": table_snr, "rt60": table_rt60, "muffled": table_muffled,
              "corpus": lambda tmp: table_corpus(), "vad": table_vad,
              "weighted": table_weighted, "dnsmos": table_dnsmos,
              "real": lambda tmp: table_real(), "cost": table_cost}
    which = [a for a in argv if a in tables] or list(tables)
    with tempfile.TemporaryDirectory() as d:
        for name in which:
            tables[name](Path(d))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
