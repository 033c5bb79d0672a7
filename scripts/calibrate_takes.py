#!/usr/bin/env python3
"""Calibration of `tapecheck takes` (issue 18) on corpus speech with known transformations.

    python scripts/calibrate_takes.py            # every table below
    python scripts/calibrate_takes.py same       # same-read transformations: measured vs true
    python scripts/calibrate_takes.py pauses     # inserted pauses: found where?
    python scripts/calibrate_takes.py text       # same text vs different text: alignment cost
    python scripts/calibrate_takes.py reference  # delivery energy of corpus speech
    python scripts/calibrate_takes.py cost       # seconds of analysis per minute of speech

Sources are ../shared/corpus speech (LibriSpeech, LJSpeech, CMU ARCTIC, GRID's sound,
SadTalker's radio addresses), decoded to 16 kHz mono. A *same read* is a source against a
transformed copy of itself: re-encoded (AAC 32 kb/s), time-stretched ×0.8/0.9/1.1/1.2 and
pitch-shifted ±2 semitones (librosa), gain +6/−6 dB and a gain ramp −6 → +6 dB (the loudness
contour reshaped), pauses of 0.6 s inserted at two known places. A *different text* is two
different sources. Tracks (the pYIN pass) are cached in $TAPECHECK_CALIB_DIR (default
~/.cache/tapecheck-calib-takes): the first run takes several minutes.
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = Path(os.environ.get("TAPECHECK_CALIB_DIR",
                            Path.home() / ".cache" / "tapecheck-calib-takes"))
sys.path.insert(0, str(ROOT / "src"))

from tapecheck.measures.delivery import SAMPLE_RATE, delivery_of, track_of_samples  # noqa: E402
from tapecheck.takes import compare_deliveries  # noqa: E402
from tapecheck.takes.align import align  # noqa: E402

SOURCES = {
    "libri1": "speech/librosa_libri1_5703-47212-0000.ogg",
    "libri2": "speech/librosa_libri2_3436-172162-0000.ogg",
    "libri3": "speech/librosa_libri3_198-209-0000.ogg",
    "lj": "speech/ljspeech_LJ050-0131.wav",
    "aew1": "speech/cmu_arctic_us_aew_a0001.wav",
    "aew2": "speech/cmu_arctic_us_aew_a0002.wav",
    "axb4": "speech/cmu_arctic_us_axb_a0004.wav",
    "axb6": "speech/cmu_arctic_us_axb_a0006.wav",
    "radio34": "speech/sadtalker_RD_Radio34_002.wav",
    "radio40": "speech/sadtalker_RD_Radio40_000.wav",
    "grid_bbaf2n": "video/grid_bbaf2n.mpg",
    "grid_brbk7n": "video/grid_brbk7n.mpg",
    "grid_swwp2s": "video/grid_id2_vcd_swwp2s.mpg",
    "grid_lbax4n": "video/grid_lbax4n.mpg",
    "grid_lrwp9a": "video/grid_lrwp9a.mpg",
    "grid_lwbsza": "video/grid_lwbsza.mpg",
    "grid_swiz3n": "video/grid_swiz3n.mpg",
}
#: Sources the same-read transformations are applied to.
TRANSFORMED = ("libri1", "libri2", "libri3", "lj", "aew1", "axb6", "radio34", "grid_bbaf2n",
               "grid_swiz3n")
STRETCH = (0.8, 0.9, 1.1, 1.2)
SHIFT_ST = (-2.0, 2.0)
PAUSE_S = 0.6


def load(name: str) -> np.ndarray:
    """A corpus source as 16 kHz mono float32 (through ffmpeg, as a take would be)."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(CORPUS / SOURCES[name]), "-vn",
                          "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, np.float32).copy()


def reencode(y: np.ndarray) -> np.ndarray:
    """AAC at 32 kb/s and back."""
    with tempfile.TemporaryDirectory() as tmp:
        src, enc = Path(tmp) / "a.f32", Path(tmp) / "a.m4a"
        y.astype(np.float32).tofile(src)
        subprocess.run(["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac",
                        "1", "-i", str(src), "-c:a", "aac", "-b:a", "32k", str(enc)],
                       check=True)
        out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(enc), "-ac", "1", "-ar",
                              str(SAMPLE_RATE), "-f", "f32le", "-"],
                             check=True, capture_output=True).stdout
    return np.frombuffer(out, np.float32).copy()


def gain_ramp(y: np.ndarray, lo_db: float, hi_db: float) -> np.ndarray:
    g = np.linspace(lo_db, hi_db, len(y))
    return (y * 10.0 ** (g / 20.0)).astype(np.float32)


def pause_points(name: str, y: np.ndarray) -> list[float]:
    """Two insertion times: the loudest frame within ±0.2 s of 1/3 and 2/3 of the speech,
    inside a phrase (mid-word, so the pause is timed by the inserted silence alone)."""
    d = delivery(name, "orig", y)
    hop = d.track.hop_s
    t0, t1 = d.phrases[0].start_s, d.phrases[-1].end_s
    inside = d.sounding.copy()
    for ph in d.phrases:  # keep 0.1 s clear of every phrase edge
        lo, hi = int(ph.start_s / hop), int(ph.end_s / hop)
        inside[lo:lo + 5] = False
        inside[max(lo, hi - 5):hi] = False
    out = []
    for frac in (1 / 3, 2 / 3):
        c = int((t0 + frac * (t1 - t0)) / hop)
        idx = [i for i in range(c - 10, c + 11) if 0 <= i < len(inside) and inside[i]]
        if idx:
            i = max(idx, key=lambda k: d.track.level_db[k])
            out.append(round((i + 0.5) * hop, 3))
    return sorted(set(out))


def insert_pauses(y: np.ndarray, at_s: list[float]) -> np.ndarray:
    """0.6 s of white noise at the clip's own background level inserted at each time."""
    frame = int(0.02 * SAMPLE_RATE)
    chunks = y[:len(y) // frame * frame].reshape(-1, frame).astype(np.float64)
    rms = float(np.sqrt(np.percentile((chunks ** 2).mean(axis=1), 10)))
    fill = (np.random.default_rng(0).standard_normal(int(PAUSE_S * SAMPLE_RATE)) * rms)
    parts, last = [], 0
    for t in at_s:
        k = int(round(t * SAMPLE_RATE))
        parts += [y[last:k], fill.astype(np.float32)]
        last = k
    parts.append(y[last:])
    return np.concatenate(parts).astype(np.float32)


def variants(name: str, y: np.ndarray) -> dict:
    import librosa

    out = {"self": (y, {}), "reencode": (reencode(y), {})}
    for r in STRETCH:
        out[f"stretch{r}"] = (librosa.effects.time_stretch(y, rate=r), {"pace": r})
    for st in SHIFT_ST:
        out[f"shift{st:+.0f}"] = (librosa.effects.pitch_shift(y, sr=SAMPLE_RATE, n_steps=st),
                                  {"pitch": st})
    out["gain+6"] = (y * 10 ** (6 / 20), {"loud": 6.0})
    out["gain-6"] = (y * 10 ** (-6 / 20), {"loud": -6.0})
    out["ramp-6+6"] = (gain_ramp(y, -6.0, 6.0), {"ramp": (-6.0, 6.0)})
    at = pause_points(name, y)
    out["pauses"] = (insert_pauses(y, at), {"pauses": at})
    return out


_D: dict = {}


def delivery(name: str, variant: str, y: np.ndarray):
    key = (name, variant)
    if key not in _D:
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"{name}__{variant}.pkl"
        if path.exists():
            track = pickle.loads(path.read_bytes())
        else:
            track = track_of_samples(y, SAMPLE_RATE)
            path.write_bytes(pickle.dumps(track))
        _D[key] = delivery_of(track)
    return _D[key]


def same() -> None:
    print("Same read, transformed (b = the transformed copy of a). pace_ratio true = stretch "
          "rate; pitch diff true = shift; loudness diff true = gain.")
    print(f"{'source':<12} {'variant':<10} {'cost':>5} {'pace':>6} {'true':>5} {'pitch':>6} "
          f"{'true':>5} {'loud':>6} {'true':>5} {'r_pitch':>7} {'r_loud':>7} {'pauses':>6} "
          f"{'alike':>5} {'range':>6}")
    worst = {"pace_err": 0.0, "pitch_err": 0.0, "range_err": 0.0, "loud_err": 0.0,
             "r_pitch": 1.0, "r_loud": 1.0, "cost": 0.0}
    rs: list[float] = []
    for name in TRANSFORMED:
        y = load(name)
        base = delivery(name, "orig", y)
        for var, (z, truth) in variants(name, y).items():
            if var == "ramp-6+6":
                continue  # its own table (ramp)
            r = compare_deliveries(base, delivery(name, var, z))
            pace_t = truth.get("pace", 1.0)
            pitch_t = truth.get("pitch", 0.0)
            loud_t = truth.get("loud", None)
            row = (f"{name:<12} {var:<10} {r.cost_ratio:>5.2f} {_f(r.pace_ratio, 3):>6} "
                   f"{pace_t:>5.2f} {_f(r.pitch_median_diff_st, 2):>6} {pitch_t:>5.1f} "
                   f"{_f(r.loudness_diff_lu, 1):>6} {_f(loud_t, 1):>5} "
                   f"{_f(r.pitch_contour_r, 3):>7} {_f(r.loudness_contour_r, 3):>7} "
                   f"{_f(r.pause_match, 2):>6} {_f(r.alike, 2):>5}")
            print(row + f" {_f(r.pitch_range_diff_st, 2):>6}")
            worst["cost"] = max(worst["cost"], r.cost_ratio)
            if var == "pauses":  # its pace and span belong to the pauses table
                continue
            if r.pace_ratio is not None:
                worst["pace_err"] = max(worst["pace_err"], abs(r.pace_ratio / pace_t - 1))
            if r.pitch_median_diff_st is not None:
                worst["pitch_err"] = max(worst["pitch_err"], abs(r.pitch_median_diff_st - pitch_t))
            if r.pitch_range_diff_st is not None:
                worst["range_err"] = max(worst["range_err"], abs(r.pitch_range_diff_st))
            if loud_t is not None and r.loudness_diff_lu is not None:
                worst["loud_err"] = max(worst["loud_err"], abs(r.loudness_diff_lu - loud_t))
            if var != "self":
                for k, v in (("r_pitch", r.pitch_contour_r), ("r_loud", r.loudness_contour_r)):
                    if v is not None:
                        worst[k] = min(worst[k], v)
                        rs.append(v)
    print("worst over the copies (pauses variant left out):",
          {k: round(float(v), 3) for k, v in worst.items()})
    print(f"contour r over the copies (pitch and loudness; self and pauses left out): "
          f"n={len(rs)} "
          f"median {np.median(rs):.3f} 5th pct {np.percentile(rs, 5):.3f} "
          f"10th pct {np.percentile(rs, 10):.3f} "
          f"share >= 0.90 {np.mean(np.asarray(rs) >= 0.9):.0%} >= 0.80 "
          f"{np.mean(np.asarray(rs) >= 0.8):.0%}")


def ramp() -> None:
    print("Gain ramp −6 → +6 dB over the clip: per phrase, measured loudness difference vs "
          "the gain the ramp applied there (mean over the phrase).")
    errs = []
    for name in TRANSFORMED:
        y = load(name)
        base = delivery(name, "orig", y)
        z, _ = variants(name, y)["ramp-6+6"]
        r = compare_deliveries(base, delivery(name, "ramp-6+6", z))
        dur = len(y) / SAMPLE_RATE
        rows = []
        for ln in r.lines:
            if ln.loudness_diff_db is None:
                continue
            mid = (ln.a_start_s + ln.a_end_s) / 2
            true = -6.0 + 12.0 * mid / dur
            rows.append((mid, ln.loudness_diff_db, true))
            errs.append(ln.loudness_diff_db - true)
        corr = np.corrcoef([m for _, m, _ in rows], [t for _, _, t in rows])[0, 1] \
            if len(rows) > 2 else float("nan")
        print(f"{name:<12} phrases {len(rows):>2}  r(measured, true) {corr:.3f}  "
              f"max |err| {max(abs(m - t) for _, m, t in rows):.2f} dB  "
              f"r_loud {_f(r.loudness_contour_r, 3)}  whole-take diff "
              f"{_f(r.loudness_diff_lu, 2)} dB")
    e = np.abs(errs)
    print(f"all phrases: n={len(e)}  median |err| {np.median(e):.2f} dB  95th pct "
          f"{np.percentile(e, 95):.2f} dB  max {e.max():.2f} dB")


def pauses() -> None:
    print(f"Pauses of {PAUSE_S} s inserted at known times: the detected pause of the copy "
          "nearest each insertion, start and end error (s).")
    errs = []
    for name in TRANSFORMED:
        y = load(name)
        z, truth = variants(name, y)["pauses"]
        d = delivery(name, "pauses", z)
        shift = 0.0
        for t in truth["pauses"]:
            start, end = t + shift, t + shift + PAUSE_S
            shift += PAUSE_S
            best = min(d.pauses, key=lambda p: abs(p.start_s - start) + abs(p.end_s - end),
                       default=None)
            if best is None:
                print(f"{name:<12} at {start:6.2f}: NOT FOUND")
                errs.append((9.9, 9.9))
                continue
            e = (best.start_s - start, best.end_s - end)
            errs.append(e)
            print(f"{name:<12} true {start:6.2f}–{end:6.2f}  found {best.start_s:6.2f}–"
                  f"{best.end_s:6.2f}  err {e[0]:+.2f} / {e[1]:+.2f}")
    worst = max(max(abs(a), abs(b)) for a, b in errs)
    print(f"worst |error| {worst:.2f} s over {len(errs)} pauses")


def text() -> None:
    print("Alignment cost (mean path distance / mean pair distance): same text vs different.")
    same_costs = []
    for name in TRANSFORMED:
        y = load(name)
        base = delivery(name, "orig", y)
        for var, (z, _) in variants(name, y).items():
            if var != "self":
                same_costs.append((align(base, delivery(name, var, z)).cost_ratio, name, var))
    diff_costs = []
    ds = {n: delivery(n, "orig", load(n)) for n in SOURCES}
    for a, b in itertools.combinations(SOURCES, 2):
        if ds[a].has_speech and ds[b].has_speech:
            diff_costs.append((align(ds[a], ds[b]).cost_ratio, a, b))
    same_costs.sort()
    diff_costs.sort()
    print(f"same text: n={len(same_costs)}  max {same_costs[-1][0]:.3f} "
          f"({same_costs[-1][1]} {same_costs[-1][2]})  95th pct "
          f"{np.percentile([c for c, *_ in same_costs], 95):.3f}")
    print(f"different: n={len(diff_costs)}  min {diff_costs[0][0]:.3f} "
          f"({diff_costs[0][1]} vs {diff_costs[0][2]})  5th pct "
          f"{np.percentile([c for c, *_ in diff_costs], 5):.3f}")
    print("closest different-text pairs:", ", ".join(f"{a}/{b} {c:.3f}"
                                                     for c, a, b in diff_costs[:5]))
    print("highest same-text pairs:", ", ".join(f"{n} {v} {c:.3f}"
                                                for c, n, v in same_costs[-5:]))


def reference() -> None:
    print("Delivery energy of corpus speech: pitch range (10th–90th percentile, semitones) and "
          "loudness range (400 ms level, 10th–95th percentile, dB) over the sounding frames.")
    from tapecheck.ingest import probe
    from tapecheck.measures.delivery import track_of

    rows = []
    for n in SOURCES:
        d = delivery(n, "orig", load(n))
        rows.append((n, d))
    # corpus/real: only recordings whose label says the voice can be heard (LABELS.csv), so
    # room noise, a silent track or other people talking never stand for ordinary speech
    import csv

    real = CORPUS / "real"
    labels = real / "LABELS.csv"
    heard = set()
    if labels.is_file():
        with open(labels, newline="", encoding="utf-8") as fh:
            heard = {row["file"] for row in csv.DictReader(fh) if row["can_hear_voice"] == "yes"}
    for name in sorted(heard):
        info = probe(str(real / name))
        if info.audio_stream_index is None:
            continue
        path = CACHE / f"real__{Path(name).stem}.pkl"
        if path.exists():
            track = pickle.loads(path.read_bytes())
            track = getattr(track, "track", track)  # older caches held the delivery
        else:
            track = track_of(info)
            path.write_bytes(pickle.dumps(track))
        rows.append((Path(name).stem[:40], delivery_of(track)))
    pr, lr = [], []
    for n, d in rows:
        if d.pitch_range_st is None or d.speaking_s < 2.0:
            print(f"{n:<42} (under 2 s of speech or no pitch: not counted)")
            continue
        pr.append(d.pitch_range_st)
        lr.append(d.loudness_range_db)
        print(f"{n:<42} speaking {d.speaking_s:5.1f} s  F0 {d.pitch_median_hz:6.1f} Hz  "
              f"pitch range {d.pitch_range_st:5.2f} st  loudness range "
              f"{d.loudness_range_db:5.2f} dB  rate {d.articulation_rate or 0:4.2f} syl/s")
    print(f"pitch range: n={len(pr)} min {min(pr):.2f} 10th {np.percentile(pr, 10):.2f} "
          f"median {np.median(pr):.2f} 90th {np.percentile(pr, 90):.2f} max {max(pr):.2f} st")
    print(f"loudness range: n={len(lr)} min {min(lr):.2f} 10th {np.percentile(lr, 10):.2f} "
          f"median {np.median(lr):.2f} 90th {np.percentile(lr, 90):.2f} max {max(lr):.2f} dB")


def cost() -> None:
    y = np.concatenate([load("libri1"), load("libri2"), load("libri3"), load("lj")])
    secs = len(y) / SAMPLE_RATE
    t = time.perf_counter()
    tr = track_of_samples(y, SAMPLE_RATE)
    t_track = time.perf_counter() - t
    t = time.perf_counter()
    d = delivery_of(tr)
    t_del = time.perf_counter() - t
    t = time.perf_counter()
    compare_deliveries(d, d)
    t_cmp = time.perf_counter() - t
    per_min = 60.0 / secs
    print(f"{secs:.1f} s of speech: frames + pYIN {t_track:.2f} s ({t_track * per_min:.1f} s/min), "
          f"delivery {t_del:.3f} s, align + compare with itself {t_cmp:.2f} s "
          f"({t_cmp * per_min:.2f} s/min). Load average: {os.getloadavg()[0]:.1f}")


def _f(v, n: int) -> str:
    return "—" if v is None else f"{v:.{n}f}"


def main() -> None:
    tables = {"same": same, "ramp": ramp, "pauses": pauses, "text": text,
              "reference": reference, "cost": cost}
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("which", nargs="*", help=f"tables to print: {', '.join(tables)} "
                    "(default: all)")
    args = ap.parse_args()
    for name in args.which or list(tables):
        tables[name]()
        print()


if __name__ == "__main__":
    main()
