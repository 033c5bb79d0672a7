#!/usr/bin/env python3
"""Speed and memory of tapecheck, side by side with a plain ffmpeg decode of the same file.

    python scripts/bench.py                    # all tapes below
    python scripts/bench.py 1080p portrait     # some of them
    python scripts/bench.py --runs 1           # one run of each (default: median of 3)
    python scripts/bench.py --memory           # 1-minute vs 20-minute file, peak memory
    python scripts/bench.py --batch            # 8 tapes, --jobs 1 vs --jobs 2
    python scripts/bench.py --cluster          # 40 short tapes, local pool vs Dask LocalCluster
    python scripts/bench.py --help-time        # how long `tapecheck --help` takes
    python scripts/bench.py --fix 1080p        # `tapecheck fix` vs a plain ffmpeg transcode
    python scripts/bench.py --takes            # `takes` of two 60 s takes vs `check` of both

Tapes are generated once into $TAPECHECK_BENCH_DIR (default ~/.cache/tapecheck-bench) from a
GRID corpus clip (a real face and voice, looped) so every measure has real work to do:
phone-like 60 s 1080p30 H.264 with a fixed 1 s keyframe interval (no scene-cut keyframes:
the looped clip and its grain would otherwise add two more per second), 60 s 4K30 HEVC, a rotated
portrait phone clip, and `phone-photo`: a held-out-style phone tape made from a corpus face photo
zoomed slowly with corpus speech (1080p, 12 Mbit/s, a keyframe every 30 frames). For each: wall time, CPU time and peak RSS (the whole process tree, sampled every
20 ms from /proc) of `tapecheck check` (all checks) and of `ffmpeg -i FILE -f null -`, and
their ratios, medians of 3 runs; then the plan of the run: frames sampled and seconds of
tape covered by the video pass, the full-rate windows (lip sync) and the seconds of sound
decoded. Never used as a test: timing assertions in tests are flaky by nature.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT.parent / "shared" / "corpus" / "video" / "grid_swiz3n.mpg"
BENCH = Path(os.environ.get("TAPECHECK_BENCH_DIR", Path.home() / ".cache" / "tapecheck-bench"))
TAPECHECK = [sys.executable, "-m", "tapecheck"]

#: name → (seconds, size, encoder arguments, extra output arguments)
TAPES = {
    "1080p": (60, "1920x1080", ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "12M",
                                "-maxrate", "16M", "-bufsize", "24M", "-g", "30",
                                "-sc_threshold", "0", "-pix_fmt", "yuv420p"], []),
    "4k-hevc": (60, "3840x2160", ["-c:v", "libx265", "-preset", "ultrafast", "-b:v", "30M",
                                  "-x265-params", "keyint=30:min-keyint=30:scenecut=0:log-level=error",
                                  "-pix_fmt", "yuv420p", "-tag:v", "hvc1"], []),
    "portrait": (30, "1920x1080", ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "10M",
                                   "-g", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
                 ["-metadata:s:v:0", "rotate=270"]),
    "1min": (60, "1280x720", ["-c:v", "libx264", "-preset", "veryfast", "-g", "30",
                              "-sc_threshold", "0", "-pix_fmt", "yuv420p"], []),
    "short": (10, "1280x720", ["-c:v", "libx264", "-preset", "veryfast", "-g", "30",
                               "-sc_threshold", "0", "-pix_fmt", "yuv420p"], []),
    "20min": (1200, "1280x720", ["-c:v", "libx264", "-preset", "veryfast", "-g", "30",
                                 "-sc_threshold", "0", "-pix_fmt", "yuv420p"], []),
}


#: The held-out-style phone tape of issue #19: a face photo zoomed slowly (a real face, moving
#: a little), real speech, 1080p at 12 Mbit/s with a keyframe every 30 frames.
PHOTO = ROOT.parent / "shared" / "corpus" / "faces" / "face_recognition_obama.jpg"
SPEECH = ROOT.parent / "shared" / "corpus" / "speech" / "librosa_libri1_5703-47212-0000.ogg"


def make_photo_tape(out: Path) -> None:
    tmp = out.with_suffix(".part.mp4")
    print(f"making {out} (60 s 1920x1080 from a photo) …", file=sys.stderr, flush=True)
    # cropped to 16:9 around the face first, then zoomed from the photo's own pixels: upscaling
    # the portrait photo to 3840 px wide on every frame (18 Mpx) took > 10 min of a loaded
    # machine and squashed the face 2.2× vertically into the 16:9 frame
    zoom = ("crop=iw:iw*9/16:0:ih/28,zoompan=z='min(1.0+on*0.0004,1.5)':x='iw/2-(iw/zoom/2)':"
            "y='ih/3-(ih/zoom/3)':d=1:s=1920x1080:fps=30,noise=alls=3:allf=t,format=yuv420p")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", "30",
                    "-i", str(PHOTO),
                    "-stream_loop", "-1", "-i", str(SPEECH), "-vf", zoom, "-map", "0:v",
                    "-map", "1:a", "-t", "60", "-c:v", "libx264", "-preset", "veryfast",
                    "-b:v", "12M", "-maxrate", "14M", "-bufsize", "24M", "-g", "30",
                    "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
                    "-ar", "48000", str(tmp)], check=True)
    tmp.rename(out)


def make(name: str) -> Path:
    out = BENCH / f"{name}.mp4"
    if out.exists():
        return out
    if name == "phone-photo":
        BENCH.mkdir(parents=True, exist_ok=True)
        make_photo_tape(out)
        return out
    seconds, size, venc, extra = TAPES[name]
    BENCH.mkdir(parents=True, exist_ok=True)
    w, h = size.split("x")
    graph = (f"[0:v]split[a][b];[a]scale={w}:{h}:force_original_aspect_ratio=increase,"
             f"crop={w}:{h},boxblur=20:2[bg];[b]scale=-2:{h}[fg];"
             f"[bg][fg]overlay=(W-w)/2:0,noise=alls=4:allf=t,fps=30,format=yuv420p[v]")
    tmp = out.with_suffix(".part.mp4")
    print(f"making {out} ({seconds} s {size}) …", file=sys.stderr, flush=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(CLIP),
                    "-filter_complex", graph, "-map", "[v]", "-map", "0:a", "-t", str(seconds),
                    *venc, "-c:a", "aac", "-b:a", "128k", "-ar", "48000", *extra, str(tmp)],
                   check=True)
    tmp.rename(out)
    return out


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, KB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            # every thread's children: Dask's nannies start workers from the event-loop thread
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, peak tree RSS MB, exit code) of one command."""
    return measure_cpu(cmd)[:3]


def measure_cpu(cmd: list[str]) -> tuple[float, float, int, float]:
    """(wall s, peak tree RSS MB, exit code, CPU s) of one command. CPU is user + sys of the
    process and every descendant it waited for: on a shared machine the wall time moves with
    the others' load, the CPU time much less."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return wall, peak / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def counted(out: str, argv: list[str]) -> None:
    """Run `tapecheck ARGV` in this process, counting what each ffmpeg pass hands over; write
    the plan (`plan_line`'s input) to `out` as JSON. The counters wrap the two ingest
    functions every measure reads through, so the run is the one measured (their cost is one
    Python call per frame or 1 s block)."""
    import atexit
    import json

    import tapecheck.ingest as ingest
    from tapecheck.cli import main as tapecheck_main

    passes: list[dict] = []
    frames_of, blocks_of = ingest.iter_frames, ingest.AudioStream.blocks

    def iter_frames(info, **kw):
        row = {"kind": "window" if kw.get("rate", 1) <= 0 else "sampled", "frames": 0,
               "first": None, "last": 0.0, "fps": info.fps or 25.0,
               "duration": kw.get("duration_s")}
        if row["kind"] == "sampled":
            from tapecheck.ingest.frames import DEFAULT_RATE, sampling_mode
            row["mode"] = sampling_mode(info, kw.get("rate", DEFAULT_RATE), kw.get("quick", False))
        passes.append(row)
        for fr in frames_of(info, **kw):
            row["frames"] += 1
            row["first"] = fr.t if row["first"] is None else row["first"]
            row["last"] = fr.t
            yield fr

    def blocks(self):
        row = {"kind": "audio", "seconds": 0.0}
        passes.append(row)
        for block in blocks_of(self):
            row["seconds"] += block.duration
            yield block

    ingest.iter_frames, ingest.AudioStream.blocks = iter_frames, blocks
    atexit.register(lambda: Path(out).write_text(json.dumps(passes)))
    tapecheck_main(argv)


def plan_line(passes: list[dict]) -> str:
    """What the run decoded: sampled frames and the seconds of tape their pass covered, the
    full-rate windows (count, seconds, frames), the seconds of sound decoded."""
    video = [p for p in passes if p["kind"] == "sampled"]
    windows = [p for p in passes if p["kind"] == "window"]
    audio = sum(p["seconds"] for p in passes if p["kind"] == "audio")
    parts = []
    for p in video:
        span = (p["last"] - p["first"] + 1 / p["fps"]) if p["frames"] else 0.0
        parts.append(f"video pass ({p['mode']}): {p['frames']} frames over {span:.1f} s")
    win_s = sum(p["duration"] or 0.0 for p in windows)
    parts.append(f"full-rate windows: {len(windows)}, {win_s:.1f} s, "
                 f"{sum(p['frames'] for p in windows)} frames")
    parts.append(f"audio: {audio:.1f} s")
    return "; ".join(parts)


def compare(names: list[str], quick: bool, runs: int = 3) -> None:
    """Each tape: tapecheck and a plain decode side by side, `runs` times; the medians and the
    median of the per-run ratios, and the plan of the last run (what each pass decoded)."""
    import json
    import tempfile

    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(f"{'tape':<12} {'tapecheck s':>11} {'ffmpeg s':>9} {'ratio':>6} "
          f"{'tc CPU s':>8} {'ff CPU s':>8} {'CPU ratio':>9} "
          f"{'tapecheck MB':>12} {'ffmpeg MB':>9}" + (f"  (median of {runs})" if runs > 1 else ""))
    for name in names:
        path = make(name)
        args = [*TAPECHECK, "check", "--format", "json", "--no-cache", str(path)]
        if quick:
            args.insert(-1, "--quick")
        if "--no-cache" not in help_text():
            args.remove("--no-cache")
        plan_file = Path(tempfile.mkstemp(suffix=".json")[1])
        args = [sys.executable, __file__, "--counted", str(plan_file), *args[len(TAPECHECK):]]
        tcs, ffs = [], []
        for _ in range(runs):
            tcs.append(measure_cpu(args))
            ffs.append(measure_cpu(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"]))
        tc = [statistics.median(x[i] for x in tcs) for i in range(4)]
        ff = [statistics.median(x[i] for x in ffs) for i in range(4)]
        ratio = statistics.median(a[0] / b[0] for a, b in zip(tcs, ffs))
        cpu_ratio = statistics.median(a[3] / b[3] for a, b in zip(tcs, ffs))
        bad = [x[2] for x in tcs if x[2] not in (0, 1)]
        print(f"{name:<12} {tc[0]:>11.2f} {ff[0]:>9.2f} {ratio:>6.2f} "
              f"{tc[3]:>8.1f} {ff[3]:>8.1f} {cpu_ratio:>9.2f} "
              f"{tc[1]:>12.0f} {ff[1]:>9.0f}" + (f"  exit {bad[0]}" if bad else ""))
        try:
            print(f"{'':<12} plan: {plan_line(json.loads(plan_file.read_text()))}")
        except ValueError:
            print(f"{'':<12} plan: not written (the run failed)")
        plan_file.unlink(missing_ok=True)


def memory() -> None:
    print(f"{'tape':<6} {'tapecheck s':>11} {'peak MB':>8}")
    rows = {}
    for name in ("1min", "20min"):
        wall, mb, code = measure([*TAPECHECK, "check", "--format", "json", str(make(name))])
        rows[name] = mb
        print(f"{name:<6} {wall:>11.1f} {mb:>8.0f}" + ("" if code in (0, 1) else f"  exit {code}"))
    print(f"20 min / 1 min peak memory: {rows['20min'] / rows['1min']:.2f}× (target ≤ 1.2×)")


def batch() -> None:
    folder = BENCH / "batch"
    folder.mkdir(exist_ok=True)
    src = make("1min")
    for i in range(8):
        dst = folder / f"take{i}.mp4"
        if not dst.exists():
            shutil.copy(src, dst)
    for jobs in (1, 2):
        wall, mb, code = measure([*TAPECHECK, "check", "--format", "json", "--no-cache",
                                  "--jobs", str(jobs), str(folder)])
        print(f"--jobs {jobs}: {wall:.1f} s for 8 tapes ({8 / wall * 60:.1f} tapes/min), "
              f"peak {mb:.0f} MB")


def takes() -> None:
    """`tapecheck takes A B` against `tapecheck check A B` on the same two 60 s 1080p takes
    (B: A's picture with its sound re-encoded at 64 kb/s, a different file): what comparing
    adds to judging (issue 18's target: at most the time of judging them)."""
    a = make("1080p")
    b = BENCH / "1080p-take2.mp4"
    if not b.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(a), "-c:v", "copy", "-c:a",
                        "aac", "-b:a", "64k", str(b)], check=True)
    check = measure([*TAPECHECK, "check", "--format", "json", "--no-cache", str(a), str(b)])
    both = measure([*TAPECHECK, "takes", "--format", "json", "--no-cache", str(a), str(b)])
    extra = both[0] - check[0]
    print(f"check A B: {check[0]:.1f} s, peak {check[1]:.0f} MB; takes A B: {both[0]:.1f} s, "
          f"peak {both[1]:.0f} MB; comparing adds {extra:.1f} s = {extra / check[0]:.2f}× the "
          "judging (target ≤ 1)" + ("" if both[2] in (0, 1) else f"  exit {both[2]}"))


def _noop(path, plan, on_progress=None):
    """A judge that does nothing: what is left of a run is the backend's own cost per file."""
    from tapecheck.model import FileReport

    return FileReport(path=path, status="judged")


def cluster() -> None:
    """40 short tapes judged by the local pool (--jobs 2) and by a Dask LocalCluster of 2
    worker processes (--scheduler local:2, cluster start and stop included), then what each
    backend costs per file around a judge that does nothing (docs/cluster.md)."""
    from tapecheck.pipeline import Plan, judge_paths
    from tapecheck.pipeline import cluster as dask_backend

    n = 40
    folder = BENCH / "cluster"
    folder.mkdir(exist_ok=True)
    src = make("short")
    for i in range(n):
        dst = folder / f"take{i:02d}.mp4"
        if not dst.exists():
            shutil.copy(src, dst)
    base = [*TAPECHECK, "check", "--format", "jsonl", "--no-cache", str(folder)]
    pool_s, pool_mb, _ = measure([*base, "--jobs", "2"])
    dask_s, dask_mb, _ = measure([*base, "--scheduler", "local:2"])
    print(f"{n} tapes of {TAPES['short'][0]} s {TAPES['short'][1]}, all checks:")
    print(f"  local pool --jobs 2       {pool_s:6.1f} s  {pool_s / n:5.2f} s/tape  "
          f"{n / pool_s * 3600:6.0f} tapes/h  peak {pool_mb:.0f} MB")
    print(f"  --scheduler local:2       {dask_s:6.1f} s  {dask_s / n:5.2f} s/tape  "
          f"{n / dask_s * 3600:6.0f} tapes/h  peak {dask_mb:.0f} MB")
    print(f"  one tape, one core: {pool_s * 2 / n:.2f} core-s (pool)")

    fake = [str(folder / f"take{i:02d}.mp4") for i in range(n)]
    start = time.perf_counter()
    client, local = dask_backend.connect("local:2")
    up = time.perf_counter() - start
    client.close()
    try:
        start = time.perf_counter()
        judge_paths(fake, Plan(), judge_fn=_noop, scheduler=local.scheduler_address,
                    search=False)
        per_dask = (time.perf_counter() - start) / n
    finally:
        local.close()
    start = time.perf_counter()
    judge_paths(fake, Plan(), judge_fn=_noop, jobs=2, search=False)
    per_pool = (time.perf_counter() - start) / n
    print(f"  LocalCluster(2) start-up {up:.1f} s; a judge that does nothing, per file: "
          f"cluster {per_dask * 1000:.0f} ms (connect and version check included), "
          f"local pool {per_pool * 1000:.0f} ms (worker start included)")


_HELP: list[str] = []


def help_text() -> str:
    if not _HELP:
        _HELP.append(subprocess.run([*TAPECHECK, "check", "--help"], capture_output=True,
                                    text=True).stdout)
    return _HELP[0]


def help_time() -> None:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([*TAPECHECK, "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - start)
    print(f"tapecheck --help: best {min(runs):.3f} s, median {sorted(runs)[2]:.3f} s "
          "(target < 0.3 s)")


def fix(names: list[str]) -> None:
    """`tapecheck fix` (which judges the tape, writes the copy and judges the copy) beside a
    plain `ffmpeg -i TAPE -c:v libx264 -c:a aac` transcode (x264's defaults: medium, CRF 23)
    of the same tape: once as the tape is (the picture copied), once under a cap at 60 % of
    its size (a two-pass encode)."""
    out = BENCH / "fix-out.mp4"
    print(f"{'tape':<10} {'run':<26} {'wall s':>7} {'peak MB':>8} {'vs transcode':>12}")
    for name in names:
        path = make(name)
        plain = measure(["ffmpeg", "-v", "error", "-y", "-i", str(path), "-c:v", "libx264",
                         "-c:a", "aac", str(out)])
        check = measure([*TAPECHECK, "check", "--format", "json", "--no-cache", str(path)])
        cap = f"{int(path.stat().st_size * 0.6)}"
        runs = [("ffmpeg transcode", plain), ("tapecheck check", check)]
        for label, extra in (("tapecheck fix", []), ("tapecheck fix --max-size 60%", ["--max-size", cap])):
            runs.append((label, measure([*TAPECHECK, "fix", str(path), "-o", str(out), "--force",
                                         "--format", "json", *extra])))
        for label, (wall, mb, code) in runs:
            print(f"{name:<10} {label:<26} {wall:>7.1f} {mb:>8.0f} {wall / plain[0]:>11.2f}×"
                  + ("" if code in (0, 1) else f"  exit {code}"))
    out.unlink(missing_ok=True)


def main() -> int:
    if sys.argv[1:2] == ["--counted"]:
        counted(sys.argv[2], sys.argv[3:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tapes", nargs="*", help=f"some of: {', '.join(TAPES)}, phone-photo")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tape (medians shown)")
    ap.add_argument("--quick", action="store_true", help="time `tapecheck check --quick`")
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--batch", action="store_true")
    ap.add_argument("--cluster", action="store_true")
    ap.add_argument("--help-time", action="store_true")
    ap.add_argument("--fix", action="store_true", help="time `tapecheck fix` against a plain "
                    "ffmpeg transcode of the same tapes (default: 1080p)")
    ap.add_argument("--takes", action="store_true")
    a = ap.parse_args()
    if a.fix:
        fix(a.tapes or ["1080p"])
        return 0
    if a.memory:
        memory()
    if a.batch:
        batch()
    if a.cluster:
        cluster()
    if a.help_time:
        help_time()
    if a.takes:
        takes()
    if a.tapes or not (a.memory or a.batch or a.cluster or a.help_time or a.takes):
        compare(a.tapes or ["1080p", "4k-hevc", "portrait", "phone-photo"], a.quick, a.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
