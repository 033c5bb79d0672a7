"""Measuring one file: the fact measures, one video pass and one audio pass, then the derived.

The audio pass runs in a thread beside the video pass (ffmpeg decodes both at once and
numpy/OpenCV release the GIL), so a file costs about as long as its picture takes; that
thread then runs the derived measures' `early` work (lip sync decodes its windows there). A
measure that cannot exist for this file leaves a `Missing` with the reason; one that crashes
leaves a `Missing(failed=True)`, and the checks reading it report the crash.
"""

from __future__ import annotations

import os
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..errors import IngestError, MeasureUnavailable, SetupError
from ..measures import (AudioMeasure, Context, DerivedMeasure, FactMeasure, Missing, Results,
                        VideoMeasure)

#: Told (seconds of tape done, seconds in all) as the video pass goes.
Progress = Callable[[float, float], None]

#: Coded pictures larger than this (1080p's 1920 × 1088) wait for the sampled pass to end
#: before the audio thread's finishing work (DNSMOS) and its full-rate windows: a 4K HEVC
#: decoder holds ≈ 175–215 MB of frames in flight, two of them at once took a check to
#: 571 MB (issue #27). The same windows are decoded, later: CPU and judgements do not move.
OVERLAP_MAX_PIXELS = 1920 * 1088


def facts(ctx: Context, results: Results, classes: list) -> None:
    """The measures that need no decoding (the probe's facts, the platform's limits)."""
    for cls in classes:
        if issubclass(cls, FactMeasure) and cls.name not in results:
            try:
                results.set(cls.name, cls(ctx).compute())
            except MeasureUnavailable as exc:
                results.set(cls.name, Missing(str(exc)))


def measure(ctx: Context, results: Results, classes: list,
            on_progress: Progress | None = None) -> None:
    facts(ctx, results, classes)
    video = [m for m in classes if issubclass(m, VideoMeasure)]
    audio = [m for m in classes if issubclass(m, AudioMeasure)]
    derived = _start(ctx, [m for m in classes if issubclass(m, DerivedMeasure)], results)
    video_done = threading.Event()
    if not video or ctx.info.coded_width * ctx.info.coded_height <= OVERLAP_MAX_PIXELS:
        video_done.set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        if audio:
            if ctx.info.has_audio:
                pending = pool.submit(_audio_pass, ctx, results, audio, derived, video_done)
            else:
                for m in audio:
                    results.set(m.name, Missing("the file has no audio track"))
        if video:
            try:
                _video_pass(ctx, results, video, on_progress)
            finally:
                video_done.set()
        if pending is not None:
            pending.result()
    for name, m in derived.items():
        gone = results.missing(tuple(r for r in m.requires if r not in m.optional))
        if gone is not None:
            results.set(name, gone)
            continue
        try:
            results.set(name, m.compute(results))
        except MeasureUnavailable as exc:
            results.set(name, Missing(str(exc)))
        except Exception as exc:  # a bug in a measure must not take the other checks down
            results.set(name, failure(name, exc))


def _video_pass(ctx: Context, results: Results, classes: list,
                on_progress: Progress | None) -> None:
    from ..ingest import DecodeLog, iter_frames

    live = _start(ctx, classes, results)
    frames = 0
    total = ctx.info.duration_s
    log = DecodeLog()
    for frame in iter_frames(ctx.info, rate=ctx.frame_rate, quick=ctx.quick, log=log):
        frames += 1
        _feed(live, frame, results)
        if on_progress is not None:
            on_progress(min(frame.t, total), total)
    if frames == 0:
        raise IngestError("decode-failed", f"{ctx.info.path}: no picture could be decoded from "
                          "the video stream; the file is damaged — export it again")
    _finish(live, results, {"video_log": log})


def _audio_pass(ctx: Context, results: Results, classes: list,
                derived: dict[str, Any], video_done: threading.Event) -> None:
    from ..ingest import AudioStream

    stream = AudioStream(ctx.info)
    live = _start(ctx, classes, results)
    for block in stream.blocks():
        _feed(live, block, results)
    video_done.wait()  # set at once unless the picture is large (OVERLAP_MAX_PIXELS)
    _finish(live, results, {"r128": stream.r128, "audio_log": stream.log})
    for name, m in list(derived.items()):
        try:
            m.early(results)
        except MeasureUnavailable:
            pass  # compute() finds the same reason with every result in hand
        except Exception as exc:
            results.set(name, failure(name, exc))
            del derived[name]


def _start(ctx: Context, classes: list, results: Results) -> dict[str, Any]:
    live = {}
    for cls in classes:
        try:
            live[cls.name] = cls(ctx)
        except MeasureUnavailable as exc:
            results.set(cls.name, Missing(str(exc)))
        except Exception as exc:
            results.set(cls.name, failure(cls.name, exc))
    return live


def _feed(live: dict[str, Any], item, results: Results) -> None:
    upstream: dict[str, Any] = {}
    for name, m in list(live.items()):
        try:
            upstream[name] = m.feed(item, upstream)
        except MeasureUnavailable as exc:
            results.set(name, Missing(str(exc)))
            del live[name]
        except Exception as exc:
            results.set(name, failure(name, exc))
            del live[name]


def _finish(live: dict[str, Any], results: Results, done: dict[str, Any]) -> None:
    for name, m in live.items():
        try:
            value = m.finish(done)
        except MeasureUnavailable as exc:
            value = Missing(str(exc))
        except Exception as exc:
            value = failure(name, exc)
        done[name] = value
        results.set(name, value)


def failure(name: str, exc: Exception) -> Missing:
    """A measure that could not run: an incomplete installation says how to repair it, a crash
    says where it happened."""
    if isinstance(exc, SetupError):
        return Missing(str(exc), failed=True, bug=False)
    return Missing(crash_text(name, exc), failed=True)


def crash_text(what: str, exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    return f"{what} crashed: {type(exc).__name__}: {exc}{at}"
