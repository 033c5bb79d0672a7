"""Sampled video frames, streamed from one ffmpeg process.

Sampling strategy (decode dominates the cost of a check). Measured with `scripts/bench.py`
on its 60 s 1080p30 phone-like tape (H.264 with B-frames, one keyframe a second; 2 cores):
plain `ffmpeg -i` decode 18–20 s; with the deblocking filter skipped 18.0 s; and also
skipping non-reference frames 13.2 s; keyframes only ≈ 0.2 × a plain decode. On the 60 s
4K HEVC tape: 87 s, 87 s, 67 s. Measures need a steady ≥ 2 frames per second of tape
whatever the keyframe spacing (exports with one keyframe every 8–10 s exist), so:

* ``keyframes`` — when keyframes are at least as dense as the wanted rate, or in `--quick`
  mode, only keyframes are decoded. Quick mode accepts the sparser, irregular sampling a
  long-GOP file then gives (its checks that need every frame are skipped).
* ``decode`` — otherwise every frame that others depend on is decoded, with the in-loop
  deblocking filter skipped (`-skip_loop_filter all`: the blocking it leaves is far below a
  pixel after the downscale the measures use) and non-reference frames skipped
  (`-skip_frame noref`: B-frames nothing points to; the sampled frames never need them).
  ffmpeg's `select` keeps the first frame at least 1/rate after the previous one *before*
  scaling, so frames not kept cost only their decode. The trade-off: a P-frame-only stream
  (many phones) gains only the deblocking saving; sampling no faster than every decoded
  frame would need seeking per sample, which costs more than it saves at 1 s GOPs.
* Tried for phone tapes (a keyframe every 1 s) and not kept (issue #19; CPU of the bench's
  60 s 1080p tape, whose plain decode takes 28.6 s of CPU; full check 34.4 s): keyframes only
  (≈ 1 fps) bring the check to 16.7 s, but camera shake needs pairs ≤ 0.75 s apart (V410 goes
  unjudged); keyframes with 2 fps for 5 s of every 15 s (26.5 s) lose the reader on the
  reader sample tape (mouth movement compares frames ≤ 1 s apart, calibrated at 0.5 s). PyAV
  reproduces this decode exactly (same frames, identical pixels) at the same CPU, and
  stopping each GOP after its last sample saves only ≈ 8 % of the decoded frames here.
* a window at the full frame rate (`rate=0`, `start_s`/`duration_s`) for the few seconds
  lip sync needs: every frame, nothing skipped but deblocking.

Memory (issue #27; `scripts/bench.py`, peak RSS of the whole process tree, medians of 3, on
a 2-core machine under other engineers' load, load average 5–17). A check of the 60 s 1080p
tape peaked at 589 MB, the phone-photo tape at 755 MB, portrait 586 MB, and a 12 s 4K HEVC
clip (the 1080p tape scaled up) at 786 MB. What makes a peak: the Python process ≈ 190–200 MB once everything is loaded
(≈ 85 MB of it shared libraries; CenterFace's buffers in cv2.dnn ≈ 45 MB for its 320 and
480 px inputs); every ffmpeg ≈ 55 MB before it decodes a frame (its libraries, counted again
in each process) plus its frames in flight — 1080p H.264 ≈ 50 MB on ffmpeg's default threads,
4K HEVC ≈ 120–190 MB; and DNSMOS's onnxruntime arena, which kept ≈ 200 MB from its first
window to the end of the process. The highest points were the lip-sync windows decoded
beside the sampled pass (two decoders at once) and DNSMOS beside it. Now: DNSMOS runs without
the arena (≈ 100 MB only while it runs), windows are decoded on one ffmpeg thread (1080p 107
→ 89 MB, 4K HEVC 245 → 175 MB, the same CPU), the sampled pass on one frame thread per core
(ffmpeg adds one more: 12 MB at 1080p, 21 MB at 4K), and above 1080p the windows and DNSMOS
wait for the sampled pass (pipeline/passes.py). Peaks now: 1080p 379, phone-photo 374,
portrait 374, the 4K clip 366 MB, for the same CPU time (21.4 → 21.3 s, 34.4 → 33.6 s,
13.4 → 13.1 s, 19.4 → 19.6 s) and every JSON report byte for byte the same.

Frames come out downscaled (long side ≤ 640 px: face detection and every picture measure
work at that size), at square pixels, turned as a player shows them — the Display Matrix
rotation is applied *after* select and scale (ffmpeg's automatic rotation would transpose
every full-size decoded frame first) — with presentation timestamps read from `showinfo`.
"""

from __future__ import annotations

import functools
import os
import queue
import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .ffmpeg import DecodeLog, Stream, binary, timeout_for, url, version_line
from .probe import MediaInfo

#: Long side of sampled frames, px.
MAX_SIDE = 640
#: Default sampling rate, frames per second of tape (issue: at least 2).
DEFAULT_RATE = 2.0

_SHOWINFO = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(-?[0-9.eE+-]+)")


@dataclass(frozen=True)
class Frame:
    index: int          # 0, 1, 2 … in sampling order
    t: float            # presentation time, s from the start of the tape
    image: np.ndarray   # H×W×3 uint8, BGR (OpenCV's order)

    @property
    def gray(self) -> np.ndarray:
        import cv2

        return cv2.cvtColor(self.image, cv2.COLOR_BGR2GRAY)


def frame_size(info: MediaInfo, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """Output (width, height): displayed aspect, long side ≤ max_side, even numbers."""
    scale = min(1.0, max_side / max(info.width, info.height))
    w = max(2, int(round(info.width * scale / 2)) * 2)
    h = max(2, int(round(info.height * scale / 2)) * 2)
    return w, h


def sampling_mode(info: MediaInfo, rate: float, quick: bool) -> str:
    """'keyframes' or 'decode' (see the module docstring)."""
    if quick:
        return "keyframes"
    if info.keyframe_interval_s is not None and info.keyframe_interval_s <= 1.0 / rate + 1e-3:
        return "keyframes"
    return "decode"


def iter_frames(info: MediaInfo, *, rate: float = DEFAULT_RATE, quick: bool = False,
                max_side: int = MAX_SIDE, start_s: float | None = None,
                duration_s: float | None = None, log: DecodeLog | None = None) -> Iterator[Frame]:
    """Yield sampled frames in time order; the ffmpeg process is reaped however iteration ends.

    `start_s`/`duration_s` restrict decoding to a window (for measures that need the full
    frame rate on a few seconds, e.g. lip sync); pass `rate=0` for every frame in the window.
    For a clip of a reel (`info.window_start_s`), times count from the clip's start.
    `log` learns how far decoding got (the last frame's end) and what ffmpeg said of damage.
    """
    w, h = frame_size(info, max_side)
    full = rate <= 0 or start_s is not None
    mode = "decode" if full else sampling_mode(info, rate, quick)
    # rotation is applied after select and scale, on small frames: ffmpeg's automatic
    # rotation would transpose every decoded full-size frame first (portrait clips cost ≈ 2×)
    in_opts: dict = {"noautorotate": None}
    if mode == "keyframes":
        in_opts["skip_frame"] = "nokey"
    else:
        in_opts["skip_loop_filter"] = "all"
        if full:
            # one decoding thread: a window is decoded while the sampled pass still runs, and
            # ffmpeg's frame threads each hold frames in flight (1080p: 107 → 89 MB, CPU
            # 2.6 → 2.5 s for 10 s; the pixels are the same)
            in_opts["threads"] = 1
        else:
            # sampled frames need no non-reference frame (B-frames nothing else points to):
            # skipping them is safe and cuts decoding ≈ 25 % where an encoder uses them
            in_opts["skip_frame"] = "noref"
            # one frame thread per core: ffmpeg's default adds one more, a frame in flight
            # that cost 12 MB at 1080p and 21 MB at 4K HEVC for the same CPU (and pixels)
            in_opts["threads"] = os.cpu_count() or 1
    base = info.window_start_s  # a reel's clip: the window of the file to read
    if start_s is not None or base is not None:
        in_opts["ss"] = f"{max(0.0, (base or 0.0) + (start_s or 0.0)):.3f}"
    if duration_s is not None:
        in_opts["t"] = f"{duration_s:.3f}"
    elif base is not None:
        in_opts["t"] = f"{max(0.0, info.duration_s - (start_s or 0.0)):.3f}"
    import ffmpeg

    stream = ffmpeg.input(url(info.path), **in_opts)[str(info.video_stream_index)]
    if rate > 0:
        # first frame at least ~1/rate after the last one kept (half a frame of slack); in
        # keyframe mode never skip a keyframe unless they come denser than that (all-intra)
        gap = 1.0 / rate - 0.5 / max(info.fps or 30.0, 1.0) - 1e-3
        if mode == "keyframes" and info.keyframe_interval_s:
            gap = min(gap, 0.9 * info.keyframe_interval_s)
        stream = stream.filter("select", f"isnan(prev_selected_t)+gte(t-prev_selected_t,{gap:.4f})")
    turned = info.rotation_deg in (90, 270)
    stream = stream.filter("scale", h if turned else w, w if turned else h, flags="area")
    if info.rotation_deg == 90:
        stream = stream.filter("transpose", "clock")
    elif info.rotation_deg == 270:
        stream = stream.filter("transpose", "cclock")
    elif info.rotation_deg == 180:
        stream = stream.filter("hflip").filter("vflip")
    stream = stream.filter("setsar", 1).filter("showinfo")
    out_opts = {"format": "rawvideo", "pix_fmt": "bgr24", "an": None, "sn": None, "dn": None}
    out_opts.update(_passthrough_opt())
    args = (ffmpeg.output(stream, "pipe:", **out_opts)
            .global_args("-nostdin", "-hide_banner", "-nostats", "-v", "info")
            .compile(cmd=binary("ffmpeg")))
    times: queue.Queue[float] = queue.Queue()

    def on_line(line: str) -> None:
        m = _SHOWINFO.search(line)
        if m:
            times.put(float(m.group(3)))

    offset = float(start_s or 0.0)
    span = duration_s if duration_s is not None else info.duration_s
    frame_s = 1.0 / (info.fps or 25.0)
    with Stream(args, timeout_for(span), info.path, on_stderr=on_line, log=log) as proc:
        for i, buf in enumerate(proc.chunks(w * h * 3)):
            try:
                t = times.get(timeout=10.0)
            except queue.Empty:  # showinfo line lost: estimate from the sampling rate
                t = i / rate if rate > 0 else i / (info.fps or 25.0)
            t += offset  # after an input seek, ffmpeg's timestamps start at the seek point
            image = np.frombuffer(buf, np.uint8).reshape(h, w, 3)
            if log is not None:
                log.end_s = max(log.end_s, t + frame_s)
            yield Frame(i, t, image)
        proc.finish()


@functools.lru_cache(maxsize=1)
def _passthrough_opt() -> dict:
    """Keep frames as selected, without duplication: `-fps_mode` since ffmpeg 5.1, `-vsync` before."""
    m = re.search(r"ffmpeg version n?(\d+)\.(\d+)", version_line("ffmpeg"))
    if m and (int(m.group(1)), int(m.group(2))) < (5, 1):
        return {"vsync": "passthrough"}
    return {"fps_mode": "passthrough"}
