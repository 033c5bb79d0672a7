"""Judging a reel of many clips: the file's own checks once, every clip as if its own file.

The clips come from `measures.cuts.find_clips`. The checks of the file itself (format, size,
platform limits, with the clip count known) run once on the whole reel; every other check
runs on each clip's window (ingest reads only that window), and each clip's findings, spans,
thumbnails and series are moved onto the reel's timeline. The reel's verdict is that of all
its findings together, so one unusable clip makes the reel unusable.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..errors import IngestError
from ..ingest import MediaInfo
from ..model import FileReport, Segment, Span
from ..score import verdict
from ..timecode import span_text
from .passes import Progress
from .plan import Part, Plan


def judge_reel(info: MediaInfo, plan: Plan, judge: Callable[..., FileReport],
               on_progress: Progress | None = None) -> FileReport:
    """`judge` is pipeline.judge, handed over by it (this module is its part, not its user)."""
    from ..measures.cuts import find_clips

    clips = find_clips(info)
    whole = replace(plan, split=False, window=None, clips=len(clips))
    top = judge(info, replace(whole, part=Part.FILE))
    segments = []
    findings = list(top.findings)
    skipped = list(top.skipped)
    errors = list(top.check_errors)
    thumbs, series, frames = [], [], []
    for n, clip in enumerate(clips, 1):
        shift = clip.start_s

        def progress(done_s: float, _total: float, _shift=shift) -> None:
            if on_progress is not None:
                on_progress(_shift + done_s, info.duration_s)

        rep = judge(info, replace(whole, part=Part.TIMED, window=(clip.start_s, clip.end_s)),
                    on_progress=progress)
        if rep.error is not None:  # a clip that cannot be read makes the reel unreadable
            raise IngestError(rep.error.code, rep.error.message)
        where = f"clip {n} ({span_text(Span(clip.start_s, clip.end_s))})"
        seg_findings = tuple(replace(f, spans=tuple(Span(s.start_s + shift, s.end_s + shift)
                                                    for s in f.spans)) for f in rep.findings)
        segments.append(Segment(start_s=clip.start_s, end_s=clip.end_s, verdict=rep.verdict,
                                measures=rep.measures, findings=seg_findings))
        findings.extend(seg_findings)
        skipped.extend(replace(s, reason=f"{where}: {s.reason}") for s in rep.skipped)
        errors.extend(replace(e, message=f"{where}: {e.message}") for e in rep.check_errors)
        thumbs.extend(replace(t, t_s=t.t_s + shift, label=f"{where}: {t.label}")
                      for t in rep.thumbnails)
        series.extend(replace(s, clip=n, t_s=tuple(t + shift for t in s.t_s))
                      for s in rep.series)
        frames.extend(replace(t, t_s=t.t_s + shift) for t in rep.frames)
    return FileReport(
        path=info.path, status="judged", media=info.summary(),
        verdict=verdict(findings), measures=(), findings=top.findings,
        skipped=tuple(skipped), check_errors=tuple(errors), segments=tuple(segments),
        thumbnails=tuple(thumbs), series=tuple(series), frames=tuple(frames))
