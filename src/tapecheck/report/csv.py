"""`--format csv`: one row per file (and one per clip of a split reel) for spreadsheets."""

from __future__ import annotations

import csv
import io

from ..model import FileReport, Report, Severity

COLUMNS = ("path", "clip", "start_s", "end_s", "status", "error", "level", "score",
           "can_see_eyes", "can_hear_voice", "errors", "warnings", "infos", "codes", "top_fix",
           "headline", "duration_s", "width", "height")


def render(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for f in report.files:
        w.writerow(_row(f, "", None, None, f.verdict, f.findings))
        for i, seg in enumerate(f.segments, 1):
            w.writerow(_row(f, str(i), seg.start_s, seg.end_s, seg.verdict, seg.findings))
    return buf.getvalue()


def _row(f: FileReport, clip: str, start, end, verdict, findings) -> list:
    count = {s: sum(1 for fd in findings if fd.severity == s) for s in Severity}
    media = f.media
    judged = f.status == "judged" and verdict is not None
    return [
        f.path, clip,
        "" if start is None else f"{start:.2f}", "" if end is None else f"{end:.2f}",
        f.status, f.error.code if f.error else "",
        verdict.level if judged else "", verdict.score if judged else "",
        _bool(verdict.can_see_eyes) if judged else "",
        _bool(verdict.can_hear_voice) if judged else "",
        count[Severity.ERROR], count[Severity.WARNING], count[Severity.INFO],
        " ".join(sorted({fd.code for fd in findings})),
        verdict.fixes[0].text if judged and verdict.fixes else "",
        verdict.headline if judged else (f.error.message if f.error else ""),
        f"{media.duration_s:.3f}" if media else "", media.width if media else "",
        media.height if media else "",
    ]


def _bool(value: bool) -> str:
    return "true" if value else "false"
