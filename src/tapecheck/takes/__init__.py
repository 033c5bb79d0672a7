"""`tapecheck takes`: two or more takes of the same lines, each judged, then compared.

* run.py — the job: judge every take through the one pipeline, measure its delivery
  (measures/delivery.py), compare every pair;
* align.py — DTW alignment of two takes on their speech, and "not the same text";
* compare.py — how alike two aligned takes are, and the plain sentence;
* energy.py — delivery energy against ordinary speech (information only);
* pair.py — one pair of takes: aligned, then compared;
* result.py — the numpy-free results the reporters read (report/takes.py).
"""

from __future__ import annotations

from .pair import compare_deliveries
from .result import PairResult, TakeDelivery, TakesReport
from .run import compare_takes


__all__ = ["PairResult", "TakeDelivery", "TakesReport", "compare_deliveries", "compare_takes"]
