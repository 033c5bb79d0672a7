"""Times as people read them on a player (m:ss, h:mm:ss past an hour), and measured numbers."""

from __future__ import annotations

from .model import Span


def timecode(seconds: float) -> str:
    s = max(0, int(seconds + 0.5))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def span_text(span: Span) -> str:
    a, b = timecode(span.start_s), timecode(span.end_s)
    return a if a == b else f"{a}–{b}"


def spans_text(spans, limit: int = 4) -> str:
    shown = [span_text(s) for s in spans[:limit]]
    more = len(spans) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def number_text(value) -> str:
    """A measured value for a person: 4 significant digits, or why there is none."""
    if value is None:
        return "not measurable"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
