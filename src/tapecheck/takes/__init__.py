"""`tapecheck takes`: two or more takes of the same lines, each judged, then compared.

* run.py — the job: judge every take through the one pipeline, measure its delivery
  (measures/delivery.py), compare every pair;
* align.py — DTW alignment of two takes on their speech, and "not the same text";
* compare.py — how alike two aligned takes are, and the plain sentence;
* energy.py — delivery energy against ordinary speech (information only);
* result.py — the numpy-free results the reporters read (report/takes.py).
"""

from __future__ import annotations

from .result import PairResult, TakeDelivery, TakesReport
from .run import compare_takes


def compare_deliveries(a, b, *, ia: int = 0, ib: int = 1,
                       loudness_diff_lu: float | None = None) -> PairResult:
    """Align two takes' deliveries (measures/delivery.py) and compare them."""
    from .align import align
    from .compare import compare

    if not a.has_speech or not b.has_speech:
        who = ia if not a.has_speech else ib
        return PairResult(ia, ib, same_text=None,
                          summary=f"Take {who + 1} has no speech: nothing to compare.")
    return compare(a, b, align(a, b), ia=ia, ib=ib, loudness_diff_lu=loudness_diff_lu)


__all__ = ["PairResult", "TakeDelivery", "TakesReport", "compare_deliveries", "compare_takes"]
