"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

    ::error file=tapes/take1.mp4,title=A101 too-quiet::Integrated loudness -31.4 LUFS …

A finding at or above the run's fail level (default warning: a tape that is not ready fails
the job) is an `::error`, so the annotation that fails the job reads as one; below it, warning →
`::warning` and info → `::notice`. A file that could not be judged is an `::error` titled
"could not judge". Data and properties are escaped as the
runner's toolkit does (% CR LF, and also : , in properties). A plain summary line ends it.
"""

from __future__ import annotations

from ..model import FileReport, Report, Severity
from ..timecode import spans_text

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, path: str, title: str, message: str) -> str:
    return (f"::{level} file={escape_property(path)},title={escape_property(title)}::"
            f"{escape_data(message)}")


def file_lines(f: FileReport, fail_on: Severity) -> list[str]:
    if f.status != "judged":
        msg = f.error.message if f.error else "unknown error"
        return [command("error", f.path, "tapecheck: could not judge", msg)]
    out = []
    groups = [("", f.findings)] + [
        (f"clip {i} ({spans_text([s])}): ", s.findings) for i, s in enumerate(
            (seg for seg in f.segments), 1)]
    for prefix, findings in groups:
        for fd in findings:
            when = f" at {spans_text(fd.spans)}" if fd.spans else ""
            msg = f"{prefix}{fd.message}{when}. Fix: {fd.fix}"
            level = "error" if fd.severity >= fail_on else _LEVEL[fd.severity]
            out.append(command(level, f.path, f"{fd.code} {fd.name}", msg))
    for e in f.check_errors:
        out.append(command("error", f.path, f"{e.code} check failed", e.message))
    return out


def render(report: Report) -> str:
    lines = []
    for f in report.files:
        lines.extend(file_lines(f, report.fail_on))
    judged = [f for f in report.files if f.status == "judged" and f.verdict]
    parts = [f"{sum(1 for f in judged if f.verdict.level == lvl)} {lvl}"
             for lvl in ("ready", "fix-first", "unusable")]
    failed = len(report.files) - len(judged)
    if failed:
        parts.append(f"{failed} could not be judged")
    lines.append(f"tapecheck: {len(report.files)} file(s): " + ", ".join(parts))
    return "\n".join(lines) + "\n"
