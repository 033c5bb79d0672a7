"""One pair of takes: their speech aligned (align.py), then compared (compare.py)."""

from __future__ import annotations

from .align import align
from .compare import compare
from .result import PairResult


def compare_deliveries(a, b, *, ia: int = 0, ib: int = 1,
                       loudness_diff_lu: float | None = None) -> PairResult:
    """Align two takes' deliveries (measures/delivery.py) and compare them."""
    if not a.has_speech or not b.has_speech:
        who = ia if not a.has_speech else ib
        return PairResult(ia, ib, same_text=None,
                          summary=f"Take {who + 1} has no speech: nothing to compare.")
    return compare(a, b, align(a, b), ia=ia, ib=ib, loudness_diff_lu=loudness_diff_lu)
