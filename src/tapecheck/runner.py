"""Orchestration: paths → files → probe → one audio pass and one video pass → checks → verdict.

The audio pass runs in a thread beside the video pass (ffmpeg decodes both at once and
numpy/OpenCV release the GIL), so a file costs about as long as its picture takes; that
thread then runs the derived measures' `early` work (lip sync decodes its windows there). Every
file is isolated: an `IngestError` becomes that file's `status: error`, a crashing measure
or check becomes a `check_errors` entry, and the other files and checks still run.
"""

from __future__ import annotations

import glob
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable

from . import __version__, score
from .checks import REGISTRY, Check, Skip
from .errors import IngestError, MeasureUnavailable
from .measures import AudioMeasure, Context, DerivedMeasure, Missing, Results, VideoMeasure, closure
from .model import CheckError, FileError, FileReport, Finding, Report, Skipped
from .settings import Settings

#: File name endings searched for when a folder is given (probing decides in the end).
VIDEO_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".mts", ".m2ts",
    ".ts", ".3gp", ".3g2", ".wmv", ".flv", ".ogv", ".mxf", ".hevc",
})
#: Measures that checks may name but that the audio pass itself provides.
PASS_PROVIDED = {"r128": "audio"}
#: What the runner itself puts in `Results` before measuring (no decoding needed).
RUNNER_PROVIDED = frozenset({"media", "platform"})
#: The check whose hit means nothing else can be judged.
TOO_SHORT = "M003"


def expand(paths: Iterable[str]) -> list[tuple[str, FileError | None]]:
    """Files to judge, in a stable order: folders are searched (recursively) for videos, globs
    expanded; a path that yields nothing comes back with the error to report for it."""
    out: list[tuple[str, FileError | None]] = []
    seen: set[str] = set()

    def add(p: str, err: FileError | None = None) -> None:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            out.append((p, err))

    for raw in paths:
        if os.path.isdir(raw):
            found = sorted(_videos_in(raw))
            if not found:
                add(raw, FileError("not-a-file", f"{raw}: is a folder with no video files in it "
                                   f"(looked for {', '.join(sorted(VIDEO_EXTENSIONS))})"))
            for f in found:
                add(f)
        elif not os.path.lexists(raw) and glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                add(raw, FileError("not-found", f"{raw}: no file matches this pattern"))
            for f in matches:
                add(f)
        else:
            add(raw)
    return out


def _videos_in(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in files:
            if os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS:
                yield os.path.join(root, name)


def check_paths(paths: list[str], settings: Settings,
                on_file: Callable[[FileReport], None] | None = None) -> Report:
    """Judge every file the paths name, one after another; `on_file` sees each as it ends."""
    reports = []
    for path, err in expand(paths):
        rep = FileReport(path=path, status="error", error=err) if err else \
            check_file(path, settings)
        if on_file is not None:
            on_file(rep)
        reports.append(rep)
    return Report(files=tuple(reports), tool_version=__version__, fail_on=settings.fail_on)


def check_file(path: str, settings: Settings, *, split: bool = False,
               on_probe: Callable[[float], None] | None = None) -> FileReport:
    """Judge one file. `split`: treat it as a reel, judge each clip (`segments`);
    `on_probe(duration_s)` is told the length once it is known (the batch sets its timeout)."""
    from .ingest import probe

    try:
        info = probe(path)
        if on_probe is not None:
            on_probe(info.duration_s)
        if split:
            from .reel import judge_reel

            return judge_reel(info, settings)
        return _judge(info, settings)
    except IngestError as exc:
        return FileReport(path=path, status="error", error=FileError(exc.code, exc.message))


def _judge(info, settings: Settings, *, clips: int | None = None,
           file_level: bool = True, timed: bool = True) -> FileReport:
    """Judge one file (or, for a reel, one clip's window of it: `file_level=False` leaves out
    the checks of the file itself; `timed=False` runs only those, with `clips` known)."""
    results = Results(info)
    if settings.profile:
        from .profiles import PlatformFacts, get

        results.set("platform", PlatformFacts(get(settings.profile), clips))
    checks = [c for c in REGISTRY if settings.enabled(c)]
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    errors: list[CheckError] = []

    media_only = [c for c in checks if set(c.needs) <= RUNNER_PROVIDED]
    rest = [c for c in checks if c not in media_only]
    if not file_level:
        media_only = []
    if not timed:
        rest = []
    for c in media_only:
        _run_check(c, results, settings, findings, skipped, errors)
    if any(f.code == TOO_SHORT for f in findings):
        skipped.extend(Skipped(c.code, "the tape is too short to judge") for c in rest)
        rest = []
    if settings.quick:
        skipped.extend(Skipped(c.code, "--quick: needs every frame, not only keyframes")
                       for c in rest if not c.quick)
        rest = [c for c in rest if c.quick]

    ctx = Context(info=info, quick=settings.quick, frame_rate=settings.frame_rate)
    needs = {n for c in rest for n in c.needs}
    measures = closure(needs - set(PASS_PROVIDED) - RUNNER_PROVIDED)
    _measure(ctx, results, measures, need_r128="r128" in needs)
    for c in rest:
        _run_check(c, results, settings, findings, skipped, errors)

    order = {c.code: i for i, c in enumerate(REGISTRY)}
    findings.sort(key=lambda f: (order.get(f.code, 999), f.spans[0].start_s if f.spans else 0))
    named: dict[str, Any] = {}
    thumbs, series = [], []
    for _, value in results.items():
        for attr, sink in (("named", None), ("thumbnails", thumbs), ("series", series)):
            fn = getattr(value, attr, None)
            if callable(fn):
                got = fn()
                named.update(got) if sink is None else sink.extend(got)
    return FileReport(
        path=info.path, status="judged", media=info.summary(),
        verdict=score.verdict(findings), measures=tuple(sorted(named.items())),
        findings=tuple(findings), skipped=tuple(sorted(skipped, key=lambda s: order[s.code])),
        check_errors=tuple(errors), thumbnails=tuple(thumbs), series=tuple(series))


def _measure(ctx: Context, results: Results, measures: list, need_r128: bool) -> None:
    video = [m for m in measures if issubclass(m, VideoMeasure)]
    audio = [m for m in measures if issubclass(m, AudioMeasure)]
    derived = _start(ctx, [m for m in measures if issubclass(m, DerivedMeasure)], results)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        if audio or need_r128:
            if ctx.info.has_audio:
                pending = pool.submit(_audio_pass, ctx, results, audio, derived)
            else:
                for m in audio:
                    results.set(m.name, Missing("the file has no audio track"))
                results.set("r128", Missing("the file has no audio track"))
        if video:
            _video_pass(ctx, results, video)
        if pending is not None:
            pending.result()
    for name, m in derived.items():
        gone = results.missing(tuple(r for r in m.requires if r != "media"))
        if gone is not None:
            results.set(name, gone)
            continue
        try:
            results.set(name, m.compute(results))
        except MeasureUnavailable as exc:
            results.set(name, Missing(str(exc)))
        except Exception as exc:  # a bug in a measure must not take the other checks down
            results.set(name, Missing(_crash(name, exc), failed=True))


def _video_pass(ctx: Context, results: Results, classes: list) -> None:
    from .ingest import iter_frames

    live = _start(ctx, classes, results)
    frames = 0
    for frame in iter_frames(ctx.info, rate=ctx.frame_rate, quick=ctx.quick):
        frames += 1
        _feed(live, frame, results)
    if frames == 0:
        raise IngestError("decode-failed", f"{ctx.info.path}: no picture could be decoded from "
                          "the video stream; the file is damaged — export it again")
    _finish(live, results, {})


def _audio_pass(ctx: Context, results: Results, classes: list,
                derived: dict[str, Any]) -> None:
    from .ingest import AudioStream

    stream = AudioStream(ctx.info)
    live = _start(ctx, classes, results)
    for block in stream.blocks():
        _feed(live, block, results)
    results.set("r128", stream.r128)
    _finish(live, results, {"r128": stream.r128})
    for name, m in list(derived.items()):
        try:
            m.early(results)
        except MeasureUnavailable:
            pass  # compute() finds the same reason with every result in hand
        except Exception as exc:
            results.set(name, Missing(_crash(name, exc), failed=True))
            del derived[name]


def _start(ctx: Context, classes: list, results: Results) -> dict[str, Any]:
    live = {}
    for cls in classes:
        try:
            live[cls.name] = cls(ctx)
        except MeasureUnavailable as exc:
            results.set(cls.name, Missing(str(exc)))
        except Exception as exc:
            results.set(cls.name, Missing(_crash(cls.name, exc), failed=True))
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
            results.set(name, Missing(_crash(name, exc), failed=True))
            del live[name]


def _finish(live: dict[str, Any], results: Results, done: dict[str, Any]) -> None:
    for name, m in live.items():
        try:
            value = m.finish(done)
        except MeasureUnavailable as exc:
            value = Missing(str(exc))
        except Exception as exc:
            value = Missing(_crash(name, exc), failed=True)
        done[name] = value
        results.set(name, value)


def _crash(what: str, exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    return f"{what} crashed: {type(exc).__name__}: {exc}{at}"


def _run_check(c: Check, results: Results, settings: Settings, findings: list,
               skipped: list, errors: list) -> None:
    gone = results.missing(c.needs)
    if gone is not None:
        (errors.append(CheckError(c.code, gone.reason)) if gone.failed
         else skipped.append(Skipped(c.code, gone.reason)))
        return
    try:
        hits = c.run(results, settings.values(c))
    except Skip as exc:
        skipped.append(Skipped(c.code, str(exc)))
        return
    except Exception as exc:
        errors.append(CheckError(c.code, _crash(c.code, exc)))
        return
    default = settings.severity(c)
    for h in hits:
        findings.append(Finding(
            code=c.code, name=c.name, category=c.category,
            severity=h.severity if h.severity is not None and c.code not in settings.severities
            else default,
            message=h.message, measured=h.measured, threshold=h.threshold, unit=c.unit,
            spans=h.spans, fix=c.fix, reshoot=c.reshoot, blocks=c.blocks,
            problem=c.problem))
