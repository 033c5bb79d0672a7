"""Text for people: the verdict first, then numbered fixes, then the details behind them.

Colour (ANSI) only when asked: the CLI turns it on for a terminal and off when piped, with
`--no-color`, `NO_COLOR` or `TERM=dumb`. Times read as on a player: m:ss.
"""

from __future__ import annotations

from ..model import FileReport, Finding, Fix, Report, Severity, Verdict
from ..timecode import number_text, spans_text, timecode

_COLORS = {"red": "31", "yellow": "33", "green": "32", "dim": "2", "bold": "1"}
_SEV_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
_LEVEL_COLOR = {"ready": "green", "fix-first": "yellow", "unusable": "red"}


def render(report: Report, *, color: bool = False, verbose: bool = False) -> str:
    paint = _painter(color)
    blocks = [render_file(f, paint, verbose) for f in report.files]
    if len(report.files) > 1:
        from .table import summary_table

        blocks += [summary_table(report), summary(report, paint)]
    return "\n".join(blocks)


def render_file(f: FileReport, paint=None, verbose: bool = False) -> str:
    paint = paint or _painter(False)
    lines = [paint("bold", f.path)]
    if f.status != "judged":
        message = f.error.message if f.error else "unknown error"
        lines.append(f"  {paint('red', 'could not judge')}: {message}")
        return "\n".join(lines) + "\n"
    v = f.verdict
    lines.extend(_verdict_lines(v, paint))
    if v.fixes:
        lines += ["", "  What to fix, most important first:"]
        width = len(str(len(v.fixes)))
        for i, fx in enumerate(v.fixes, 1):
            lines.append(f"  {i:>{width}}. {fx.text} "
                         + paint("dim", f"({_fix_tags(fx, f)})"))
    if f.findings:
        lines += ["", "  Details:"]
        lines.extend(_finding_lines(f.findings, f, paint, indent="  ", verbose=verbose))
    if f.segments:
        lines += ["", "  Clips:"]
        for i, seg in enumerate(f.segments, 1):
            sv = seg.verdict
            lines.append(f"  {i:>2}. {timecode(seg.start_s)}–{timecode(seg.end_s)}  "
                         f"{paint(_LEVEL_COLOR[sv.level], f'{sv.level.upper():<9}')}  "
                         f"score {sv.score:>3}  {sv.headline}")
            lines.extend(_finding_lines(seg.findings, None, paint, indent="       ",
                                        verbose=verbose))
    if f.check_errors:
        lines.append("")
        for e in f.check_errors:
            lines.append(f"  {paint('red', 'check failed')} {e.code}: {e.message}")
    lines.extend(_unchecked_lines(f, paint, verbose))
    if verbose and f.measures:
        lines += ["", "  Measures:"]
        lines.extend(f"  - {name}: {number_text(value)}" for name, value in f.measures)
    return "\n".join(lines) + "\n"


def _unchecked_lines(f: FileReport, paint, verbose: bool) -> list[str]:
    """The checks that could not run: those that could change the verdict, counted and said
    plainly (with -v: by code, with the exact reason); with -v also the rest."""
    could, rest = f.unchecked()
    out = []
    if could:
        n = len(could)
        out += ["", f"  {n} check{'s' if n != 1 else ''} that could change this verdict could "
                    "not run on this tape:"]
        out += [_exact(s) if verbose else f"  - {s.said}" for s in could]
    if rest and verbose:
        out += ["", "  Also not run (they could not change this verdict):"]
        out += [_exact(s) for s in rest]
    return [paint("dim", line) if line.startswith("  - ") else line for line in out]


def _exact(s) -> str:
    return f"  - {f'{s.code} {s.problem}'.rstrip()}: {s.reason}"


def _verdict_lines(v: Verdict, paint) -> list[str]:
    eyes = paint("green", "yes") if v.can_see_eyes else paint("red", "no")
    voice = paint("green", "yes") if v.can_hear_voice else paint("red", "no")
    return [f"  {paint(_LEVEL_COLOR[v.level], v.level.upper())}  score {v.score}/100  "
            f"eyes: {eyes}  voice: {voice}",
            f"  {v.headline}"]


def _fix_tags(fx: Fix, f: FileReport) -> str:
    tags = [fx.category, "new take" if fx.reshoot else "in editing"]
    if fx.severity == Severity.INFO:
        tags.append("optional")
    found = list(f.findings) + [fd for seg in f.segments for fd in seg.findings]
    spans = {s for fd in found if fd.code in fx.codes and not _whole(fd, f) for s in fd.spans}
    if spans:
        tags.append(f"at {spans_text(sorted(spans, key=lambda s: s.start_s), limit=3)}")
    return ", ".join(tags)


def _finding_lines(findings, f: FileReport | None, paint, indent: str,
                   verbose: bool = False) -> list[str]:
    """One line per finding in plain words; with -v, the exact numbers under it."""
    out = []
    for fd in findings:
        when = f" at {spans_text(fd.spans)}" if fd.spans and not _whole(fd, f) else ""
        sev = paint(_SEV_COLOR[fd.severity], f"{fd.severity.label:<7}")
        out.append(f"{indent}- {sev} {fd.code} {fd.name}: {fd.said}{when}")
        if verbose and fd.plain:
            out.append(f"{indent}          " + paint("dim", fd.message))
    return out


def summary(report: Report, paint) -> str:
    judged = [f for f in report.files if f.status == "judged"]
    counts = {lvl: sum(1 for f in judged if f.verdict.level == lvl)
              for lvl in ("ready", "fix-first", "unusable")}
    failed = len(report.files) - len(judged)
    parts = [paint(_LEVEL_COLOR[lvl], f"{n} {lvl}") if n else f"{n} {lvl}"
             for lvl, n in counts.items()]
    if failed:
        parts.append(paint("red", f"{failed} could not be judged"))
    return f"{len(report.files)} files: " + ", ".join(parts) + "\n"


def _whole(fd: Finding, f: FileReport | None) -> bool:
    """A span covering the whole tape says nothing a reader needs."""
    return (f is not None and len(fd.spans) == 1 and fd.spans[0].start_s <= 0.05
            and f.media is not None and fd.spans[0].end_s >= f.media.duration_s - 0.05)


def _painter(color: bool):
    def paint(name: str, text: str) -> str:
        return f"\x1b[{_COLORS[name]}m{text}\x1b[0m" if color else text

    return paint
