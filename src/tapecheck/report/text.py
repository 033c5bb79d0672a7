"""Text for people: the verdict first, then numbered fixes, then the details behind them."""

from __future__ import annotations

from ..model import FileReport, Report, Severity
from .timecode import spans_text

_COLORS = {"red": "31", "yellow": "33", "green": "32", "dim": "2", "bold": "1"}
_SEV_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
_LEVEL_COLOR = {"ready": "green", "fix-first": "yellow", "unusable": "red"}


def render(report: Report, *, color: bool = False, verbose: bool = False) -> str:
    paint = _painter(color)
    blocks = [render_file(f, paint, verbose) for f in report.files]
    if len(report.files) > 1:
        blocks.append(summary(report, paint))
    return "\n".join(blocks)


def render_file(f: FileReport, paint, verbose: bool = False) -> str:
    lines = [paint("bold", f.path)]
    if f.status != "judged":
        lines.append(f"  {paint('red', 'could not judge')}: {f.error.message}")
        return "\n".join(lines) + "\n"
    v = f.verdict
    eyes = paint("green", "yes") if v.can_see_eyes else paint("red", "no")
    voice = paint("green", "yes") if v.can_hear_voice else paint("red", "no")
    lines.append(f"  {paint(_LEVEL_COLOR[v.level], v.level.upper())}  score {v.score}/100  "
                 f"eyes: {eyes}  voice: {voice}")
    lines.append(f"  {v.headline}")
    if v.fixes:
        lines.append("")
        lines.append("  Fix first:")
        for i, fx in enumerate(v.fixes, 1):
            how = "new take" if fx.reshoot else "in editing"
            lines.append(f"  {i}. {fx.text} {paint('dim', f'({fx.category}, {how})')}")
    if f.findings:
        lines.append("")
        lines.append("  Details:")
        for fd in f.findings:
            when = f" at {spans_text(fd.spans)}" if fd.spans and not _whole(fd, f) else ""
            sev = paint(_SEV_COLOR[fd.severity], fd.severity.label)
            lines.append(f"  - {sev} {fd.code} {fd.name}: {fd.message}{when}")
    if f.check_errors:
        lines.append("")
        for e in f.check_errors:
            lines.append(f"  {paint('red', 'check failed')} {e.code}: {e.message}")
    if verbose and f.skipped:
        lines.append("")
        lines.append("  Not checked:")
        for s in f.skipped:
            lines.append(f"  - {s.code}: {s.reason}")
    return "\n".join(lines) + "\n"


def summary(report: Report, paint) -> str:
    judged = [f for f in report.files if f.status == "judged"]
    counts = {lvl: sum(1 for f in judged if f.verdict.level == lvl)
              for lvl in ("ready", "fix-first", "unusable")}
    failed = len(report.files) - len(judged)
    parts = [f"{n} {lvl}" for lvl, n in counts.items()]
    if failed:
        parts.append(paint("red", f"{failed} could not be judged"))
    return f"{len(report.files)} files: " + ", ".join(parts) + "\n"


def _whole(fd, f: FileReport) -> bool:
    """A span covering the whole tape says nothing a reader needs."""
    return (len(fd.spans) == 1 and fd.spans[0].start_s <= 0.05
            and f.media is not None and fd.spans[0].end_s >= f.media.duration_s - 0.05)


def _painter(color: bool):
    def paint(name: str, text: str) -> str:
        return f"\x1b[{_COLORS[name]}m{text}\x1b[0m" if color else text

    return paint
