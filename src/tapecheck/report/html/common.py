"""What the page and its timeline share: escaping, labels, the findings of a tape and its clips."""

from __future__ import annotations

from html import escape

from ...model import FileReport, Finding, Severity

LEVEL_LABEL = {"ready": "Ready", "fix-first": "Fix first", "unusable": "Unusable"}
SEV_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def e(value) -> str:
    """Escape text for HTML element content and quoted attributes alike."""
    return escape("" if value is None else str(value), quote=True)


def all_findings(f: FileReport) -> list[tuple[int | None, Finding]]:
    """The tape's findings, then each clip's (numbered from 1), for a reel split into clips."""
    out: list[tuple[int | None, Finding]] = [(None, fd) for fd in f.findings]
    for n, seg in enumerate(f.segments, 1):
        out.extend((n, fd) for fd in seg.findings)
    return out


def whole(fd: Finding, f: FileReport) -> bool:
    """A span covering the whole tape says nothing a reader needs."""
    return (len(fd.spans) == 1 and fd.spans[0].start_s <= 0.05 and f.media is not None
            and fd.spans[0].end_s >= f.media.duration_s - 0.05)


def fmt(v: float) -> str:
    return f"{v:.3g}"


def cells(*cells: tuple[str, ...]) -> str:
    """Table cells that carry their column's name, so a phone can show each row as a card."""
    out = []
    for label, content, *cls in cells:
        klass = f' class="{cls[0]}"' if cls else ""
        out.append(f'<td data-label="{e(label)}"{klass}>{content}</td>')
    return "".join(out)
