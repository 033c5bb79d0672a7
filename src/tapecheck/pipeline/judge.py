"""Judging one file, or one window of it: the only route from a path to a `FileReport`.

Every entry point (the CLI, the batch pool, reels, the library API, and those to come) calls
`judge(path, plan)`. It probes the file, runs the fact measures and the checks of the file
itself, stops when one of those says nothing else can be judged (`halts`), measures what the
remaining checks read (passes.py), runs them and scores the findings. An `IngestError`
becomes the file's `status: error`; a crashing check becomes a `check_errors` entry and the
other checks still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..checks import REGISTRY, Check, Skip
from ..errors import IngestError
from ..ingest import MediaInfo
from ..measures import BY_NAME, Context, FactMeasure, Results, closure
from ..model import CheckError, FileError, FileReport, Finding, Skipped
from ..score import verdict
from ..settings import Settings
from .passes import Progress, crash_text, facts, measure
from .plan import Part, Plan
from .reel import judge_reel

#: Report order of the checks (and of what they skipped).
ORDER = {c.code: i for i, c in enumerate(REGISTRY)}


def judge(path: str | MediaInfo, plan: Plan | None = None, *,
          on_progress: Progress | None = None) -> FileReport:
    """Judge one file (a path, or a `MediaInfo` already probed) as `plan` says.

    `on_progress(done_s, total_s)` is told (0, length) once the file is probed, then how far
    through the tape the measuring is."""
    from ..ingest import probe

    plan = plan or Plan()
    name = path.path if isinstance(path, MediaInfo) else path
    try:
        info = path if isinstance(path, MediaInfo) else probe(path)
        if on_progress is not None:
            on_progress(0.0, info.duration_s)
        if plan.split:
            return judge_reel(info, plan, judge, on_progress)
        if plan.window is not None:
            start, end = plan.window
            info = replace(info, duration_s=end - start, window_start_s=start)
        return _judge(info, plan, on_progress)
    except IngestError as exc:
        return failed(name, FileError(exc.code, exc.message))


def failed(path: str, error: FileError) -> FileReport:
    return FileReport(path=path, status="error", error=error)


def of_file(c: Check) -> bool:
    """A check of the file itself: it reads only facts, so a reel runs it once, not per clip."""
    return all(issubclass(BY_NAME[n], FactMeasure) for n in c.reads)


@dataclass
class _Outcome:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[CheckError] = field(default_factory=list)


def _judge(info: MediaInfo, plan: Plan, on_progress: Progress | None) -> FileReport:
    s = plan.settings
    ctx = Context(info=info, quick=s.quick, frame_rate=s.frame_rate, profile=s.profile,
                  clips=plan.clips)
    checks = [c for c in REGISTRY if s.enabled(c)]
    first = [c for c in checks if of_file(c)] if plan.part is not Part.TIMED else []
    rest = [c for c in checks if not of_file(c)] if plan.part is not Part.FILE else []
    results = Results()
    out = _Outcome()

    facts(ctx, results, closure({n for c in first + rest for n in c.reads}))
    for c in first:
        _run_check(c, results, s, out)
    halting = {c.code: c.halts for c in first if c.halts}
    stop = next((halting[f.code] for f in out.findings if f.code in halting), None)
    if stop is not None:
        out.skipped.extend(_skip(c, stop) for c in rest)
        rest = []
    if s.quick:
        out.skipped.extend(_skip(c, "--quick: needs every frame, not only keyframes")
                           for c in rest if not c.quick)
        rest = [c for c in rest if c.quick]

    measure(ctx, results, closure({n for c in rest for n in c.reads + c.optional}), on_progress)
    for c in rest:
        _run_check(c, results, s, out)
    return _file_report(info, results, out)


def _file_report(info: MediaInfo, results: Results, out: _Outcome) -> FileReport:
    out.findings.sort(key=lambda f: (ORDER.get(f.code, 999),
                                     f.spans[0].start_s if f.spans else 0))
    named: dict[str, Any] = {}
    thumbs, series, frames = [], [], []
    for _, value in results.items():
        for attr, sink in (("named", None), ("thumbnails", thumbs), ("series", series),
                           ("frames", frames)):
            fn = getattr(value, attr, None)
            if callable(fn):
                got = fn()
                named.update(got) if sink is None else sink.extend(got)
    return FileReport(
        path=info.path, status="judged", media=info.summary(),
        verdict=verdict(out.findings), measures=tuple(sorted(named.items())),
        findings=tuple(out.findings),
        skipped=tuple(sorted(out.skipped, key=lambda k: ORDER[k.code])),
        check_errors=tuple(out.errors), thumbnails=tuple(thumbs), series=tuple(series),
        frames=tuple(frames))


def _skip(c: Check, reason: str) -> Skipped:
    return Skipped(c.code, reason, category=c.category, blocks=c.blocks,
                   problem=c.problem)


def _run_check(c: Check, results: Results, settings: Settings, out: _Outcome) -> None:
    gone = results.missing(c.reads)
    if gone is not None:
        (out.errors.append(CheckError(c.code, gone.reason, bug=gone.bug)) if gone.failed
         else out.skipped.append(_skip(c, gone.reason)))
        return
    try:
        hits = c.run(results, settings.values(c))
    except Skip as exc:
        out.skipped.append(_skip(c, str(exc)))
        return
    except Exception as exc:
        out.errors.append(CheckError(c.code, crash_text(c.code, exc)))
        return
    default = settings.severity(c)
    for h in hits:
        out.findings.append(c.finding(
            h, h.severity if h.severity is not None and c.code not in settings.severities
            else default))
