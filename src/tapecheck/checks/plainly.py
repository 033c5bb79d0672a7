"""Numbers in everyday words, for the sentences an actor reads (a hit's `plain`).

Seconds and minutes instead of "s", "%" of the time, "about 8 dB" rounded to what a person
can act on. The exact figures stay in the hit's message (phrasing.py).
"""

from __future__ import annotations


def seconds(s: float) -> str:
    """"half a second", "about 4 seconds", "about 2 minutes"."""
    if s < 0.75:
        return "half a second"
    if s < 1.5:
        return "about a second"
    if s < 90:
        return f"about {s:.0f} seconds"
    return f"about {s / 60:.0f} minutes"


def share(ratio: float) -> str:
    """A share as a whole percentage, never "0 %" or "100 %" for a part: "62 %", "under 1 %"."""
    pct = 100.0 * ratio
    if 0 < pct < 1:
        return "under 1 %"
    if 99 < pct < 100:
        return "over 99 %"
    return f"{pct:.0f} %"


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def decibels(db: float) -> str:
    """A level change a person can make: "about 8 dB" (at least 1)."""
    return f"about {max(1, round(abs(db))):d} dB"


def milliseconds(ms: float) -> str:
    """An offset as a fraction of a second: "about a tenth of a second", "about 0.3 seconds"."""
    s = abs(ms) / 1000.0
    if s < 0.15:
        return "about a tenth of a second"
    if s < 0.95:
        return f"about {s:.1f} seconds"
    return seconds(s)
