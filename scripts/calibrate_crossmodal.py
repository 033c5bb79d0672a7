#!/usr/bin/env python3
"""Calibrate and check the cross-modal measures on the real corpus; prints the tables.

    .venv/bin/python scripts/calibrate_crossmodal.py [reader] [sync] [drift] [activity]

* reader   — each GRID clip (the actor) with a corpus speaker (the reader) at +6, 0 and −10 dB
             relative to the actor (tests/crossmodal_tapes.reader_tape): true vs measured
             `reader_to_actor_db`, and how the lines were labelled.
* sync     — every talking-head clip with its sound shifted by −200, −100, 0, +100, +200,
             +400 ms (shifted_tape): measured `av_offset_ms`, its error against the shift
             (the clip's own offset taken as 0), peak r and prominence, and whether the
             estimate was confident. GRID was recorded in a studio with synchronised
             sound and is the absolute reference; for the other clips (web-published
             addresses) the zero-shift estimate is the clip's own offset, and each shift is
             also compared with it ("rel").
* drift    — a clip repeated into a take of ≥ 20 s whose sound slides from in sync to
             +300 ms late (drift_tape): offsets at the start and end windows.
* activity — 2 fps mouth activity of speaking and silent frame pairs per corpus clip (the
             numbers in measures/mouth.py's docstring).

Everything runs through the real ingest and the real measures (the pipeline's measure pass).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import crossmodal_tapes as ct  # noqa: E402
from tapecheck.pipeline import passes  # noqa: E402
from tapecheck.ingest import probe  # noqa: E402
from tapecheck.measures import Context, Missing, Results, closure  # noqa: E402

GRID = ["grid_bbaf2n", "grid_brbk7n", "grid_id2_vcd_swwp2s", "grid_lbax4n", "grid_lrwp9a",
        "grid_lwbsza", "grid_swiz3n"]
OTHERS = ["sadtalker_WDA_AlexandriaOcasioCortez_000", "sadtalker_WDA_KatieHill_000",
          "videoretalking_face2", "videoretalking_face5"]
READERS = ["cmu_arctic_us_aew_a0001.wav", "cmu_arctic_us_axb_a0004.wav",
           "cmu_arctic_us_aew_a0002.wav", "cmu_arctic_us_axb_a0006.wav",
           "librosa_libri1_5703-47212-0000.ogg", "librosa_libri3_198-209-0000.ogg",
           "speech_recognition_english.wav"]
READER_DB = [6.0, 0.0, -10.0]
SHIFTS = [-200, -100, 0, 100, 200, 400]


def measure(path: Path, names: tuple[str, ...]) -> Results:
    info = probe(str(path))
    ctx = Context(info=info)
    res = Results(info)
    passes.measure(ctx, res, closure(names))
    return res


def short(name: str) -> str:
    return (name.replace("sadtalker_WDA_", "st_").replace("videoretalking_", "vr_")
            .replace("_000", "").replace("grid_id2_vcd_", "grid_"))


def reader_table(tmp: Path) -> None:
    print("\n## reader balance: true vs measured reader_to_actor_db (dB)\n")
    print("| actor clip | reader | true | measured | error | lines (label:confidence) |")
    print("|---|---|---|---|---|---|")
    errs = []
    for i, clip in enumerate(GRID):
        for k, db in enumerate(READER_DB):
            reader = READERS[(i + k) % len(READERS)]
            dur = 5.0 if reader.startswith("librosa") else None
            out = ct.reader_tape(clip, reader, db, tmp / f"r_{clip}_{k}.mp4", reader_s=dur)
            sp = measure(out, ("speakers",))["speakers"]
            if isinstance(sp, Missing):
                print(f"| {short(clip)} | {reader[:18]} | {db:+.0f} | – | – | {sp.reason} |")
                continue
            got = sp.reader_to_actor_db
            err = None if got is None else got - db
            if err is not None:
                errs.append(err)
            lines = " ".join(f"{ln.label[0]}:{ln.confidence:.2f}" for ln in sp.lines)
            print(f"| {short(clip)} | {reader[:18]} | {db:+.0f} | "
                  f"{'–' if got is None else f'{got:+.1f}'} | "
                  f"{'–' if err is None else f'{err:+.1f}'} | {lines} |")
            out.unlink()
    if errs:
        e = np.abs(errs)
        print(f"\n{len(errs)}/{len(GRID) * len(READER_DB)} measured; |error| median "
              f"{np.median(e):.2f} dB, max {e.max():.2f} dB")


def sync_table(tmp: Path, clips: list[str]) -> None:
    print("\n## lip sync: av_offset_ms per clip and shift (ms; + = audio late)\n")
    print("| clip | shift | measured | error vs shift | rel. to own 0 | r | prominence | "
          "confident |")
    print("|---|---|---|---|---|---|---|---|")
    abs_err, rel_err, n_conf, n_all = [], [], 0, 0
    for clip in clips:
        own = None
        rows = {}
        for shift in sorted(SHIFTS, key=lambda x: x != 0):   # its own offset (0) first
            out = ct.shifted_tape(clip, shift, tmp / f"s_{clip}_{shift}.mp4")
            t0 = time.time()
            sy = measure(out, ("sync",))["sync"]
            took = time.time() - t0
            n_all += 1
            if isinstance(sy, Missing):
                rows[shift] = f"| {short(clip)} | {shift:+d} | – | – | – | – | – | {sy.reason} |"
                continue
            w = sy.windows[0] if sy.windows else None
            est = w.offset_ms if w else None
            if shift == 0 and w is not None and w.confident:
                own = est
            err = None if est is None else est - shift
            rel = None if est is None or own is None else est - own - shift
            if w is not None and w.confident:
                n_conf += 1
                if clip.startswith("grid_"):
                    abs_err.append(err)
                if rel is not None:
                    rel_err.append(rel)
            rows[shift] = (f"| {short(clip)} | {shift:+d} | {'–' if est is None else f'{est:+.0f}'} | "
                  f"{'–' if err is None else f'{err:+.0f}'} | "
                  f"{'–' if rel is None else f'{rel:+.0f}'} | "
                  f"{w.peak_r if w else 0:.2f} | {w.prominence if w else 0:.2f} | "
                  f"{'yes' if w and w.confident else 'no: ' + (w.reason if w else sy.reason)} "
                  f"({took:.1f} s, {sy.decoded_s:.1f} s decoded) |")
            out.unlink()
        for shift in SHIFTS:
            if shift in rows:
                print(rows[shift])
    print(f"\nconfident: {n_conf}/{n_all}")
    if abs_err:
        print(f"GRID (absolute) |error|: max {np.max(np.abs(abs_err)):.0f} ms, mean error "
              f"{np.mean(abs_err):+.1f} ms over {len(abs_err)} confident estimates")
    if rel_err:
        print(f"all clips, relative to the clip's own zero-shift estimate: max "
              f"{np.max(np.abs(rel_err)):.0f} ms over {len(rel_err)}")


def drift_table(tmp: Path) -> None:
    print("\n## drift: start/end offsets of a take whose sound slides late\n")
    print("| clip × copies | true drift | start window | end window | drift measured |")
    print("|---|---|---|---|---|")
    for clip, copies in (("sadtalker_WDA_AlexandriaOcasioCortez_000", 3),
                         ("grid_lwbsza", 7)):
        for drift in (0.0, 300.0):
            out = ct.drift_tape(clip, copies, drift, tmp / f"d_{clip}_{drift:.0f}.mp4")
            sy = measure(out, ("sync",))["sync"]
            if isinstance(sy, Missing):
                print(f"| {short(clip)} × {copies} | {drift:+.0f} | – | – | {sy.reason} |")
                continue
            total = probe(str(out)).duration_s
            cells = []
            for w in sy.windows:
                true = drift * w.center_s / total
                cells.append(f"{w.start_s:.1f}–{w.end_s:.1f} s: "
                             f"{'–' if w.offset_ms is None else f'{w.offset_ms:+.0f}'} "
                             f"(true {true:+.0f} + own){'' if w.confident else ' not confident'}")
            while len(cells) < 2:
                cells.append("–")
            d = sy.drift_ms
            true_d = (drift * (sy.windows[-1].center_s - sy.windows[0].center_s) / total
                      if len(sy.windows) == 2 else None)
            print(f"| {short(clip)} × {copies} | {drift:+.0f} | {cells[0]} | {cells[1]} | "
                  f"{'–' if d is None else f'{d:+.0f}'}"
                  f"{'' if true_d is None else f' (true {true_d:+.0f})'} |")
            out.unlink()


def activity_table() -> None:
    print("\n## mouth activity at 2 fps (median of frame pairs)\n")
    print("| clip | speaking pairs | median | silent pairs | median |")
    print("|---|---|---|---|---|")
    video = ct.CORPUS / "video"
    for path in sorted(video.glob("*")):
        if "tree" in path.name:
            continue
        res = measure(path, ("mouth", "speech"))
        mouth, speech = res["mouth"], res["speech"]
        talk, still = [], []
        silent_clip = isinstance(speech, Missing) or not speech.segments
        for t, p, a in zip(mouth.times, mouth.prev_t, mouth.activity):
            if a is None:
                continue
            if "d13" in path.name:   # a selfie, talking throughout, no sound track
                talk.append(a)
            elif silent_clip:
                still.append(a)
            elif any(p >= s.start_s and t <= s.end_s for s in speech.segments):
                talk.append(a)
            elif not any(s.start_s - 0.15 < t and p < s.end_s + 0.15 for s in speech.segments):
                still.append(a)
        print(f"| {path.stem[:40]} | {len(talk)} | "
              f"{np.median(talk) if talk else float('nan'):.3f} | {len(still)} | "
              f"{np.median(still) if still else float('nan'):.3f} |")


def main(argv: list[str]) -> int:
    what = set(argv) or {"reader", "sync", "drift", "activity"}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "activity" in what:
            activity_table()
        if "reader" in what:
            reader_table(tmp)
        if "sync" in what:
            sync_table(tmp, GRID + OTHERS)
        if "drift" in what:
            drift_table(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
