"""What `tapecheck takes` found: plain, numpy-free data the reporters read (report/takes.py).

`TakesReport.to_dict()` is the JSON of CONTRACT.md's `tapecheck takes`: `takes` (the usual
`files[]` objects, one per take, in argument order) and `pairs`, plus `delivery` (per take:
the delivery figures, phrases, pauses and energy notes) — added fields, nothing renamed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..model import SCHEMA_VERSION, FileReport, Report, Severity, finite_or_none
from ..settings import DEFAULT_FAIL_ON


def _r(v, n: int = 3):
    v = finite_or_none(v)
    return round(v, n) if isinstance(v, float) else v


@dataclass(frozen=True)
class Energy:
    """One delivery-energy figure of a take beside its reference (information, not a verdict)."""

    what: str                 # "pitch range", "loudness range"
    measured: float
    unit: str
    low: float                # the reference band of conversational speech
    high: float
    reference: str            # where the band comes from
    position: str             # "below", "within", "above" the band

    def to_dict(self) -> dict:
        return {"what": self.what, "measured": _r(self.measured, 2), "unit": self.unit,
                "reference_low": self.low, "reference_high": self.high,
                "reference": self.reference, "position": self.position}


@dataclass(frozen=True)
class TakeDelivery:
    """One take's delivery: figures (names with units), phrases, pauses and energy notes."""

    figures: tuple[tuple[str, float | int | None], ...] = ()
    phrases: tuple[tuple[float, float], ...] = ()
    pauses: tuple[tuple[float, float], ...] = ()
    energy: tuple[Energy, ...] = ()
    #: Why there are no figures (no audio stream, no speech, the take could not be judged).
    missing: str | None = None

    def get(self, name: str):
        return dict(self.figures).get(name)

    def to_dict(self) -> dict:
        return {"figures": {k: _r(v) for k, v in self.figures},
                "phrases": [{"start_s": round(a, 2), "end_s": round(b, 2)}
                            for a, b in self.phrases],
                "pauses": [{"start_s": round(a, 2), "end_s": round(b, 2)}
                           for a, b in self.pauses],
                "energy": [e.to_dict() for e in self.energy],
                "missing": self.missing}


@dataclass(frozen=True)
class LineDiff:
    """One phrase of take a and where the same words fall in take b."""

    a_start_s: float
    a_end_s: float
    b_start_s: float
    b_end_s: float
    pace_ratio: float | None
    pitch_diff_st: float | None
    loudness_diff_db: float | None

    def to_dict(self) -> dict:
        return {"a": {"start_s": round(self.a_start_s, 2), "end_s": round(self.a_end_s, 2)},
                "b": {"start_s": round(self.b_start_s, 2), "end_s": round(self.b_end_s, 2)},
                "pace_ratio": _r(self.pace_ratio), "pitch_diff_st": _r(self.pitch_diff_st, 2),
                "loudness_diff_db": _r(self.loudness_diff_db, 2)}


@dataclass(frozen=True)
class PairResult:
    a: int
    b: int
    #: None when the pair could not be compared at all (a take without speech or audio).
    same_text: bool | None
    cost_ratio: float | None = None
    pace_ratio: float | None = None
    pitch_median_diff_st: float | None = None
    pitch_range_diff_st: float | None = None
    loudness_diff_lu: float | None = None
    pitch_contour_r: float | None = None
    loudness_contour_r: float | None = None
    pause_match: float | None = None
    pauses_a: int | None = None
    pauses_b: int | None = None
    mouth_motion_ratio: float | None = None
    head_motion_ratio: float | None = None
    alike: float | None = None
    #: The comparison in one sentence, in two registers as `check`'s findings: `summary` in
    #: plain words (the default text, HTML and app), `detail` with its figures (`-v`, the
    #: HTML's exact numbers); "" = the same words.
    summary: str = ""
    detail: str = ""
    lines: tuple[LineDiff, ...] = ()

    def with_summary(self, text: str, detail: str = "") -> "PairResult":
        return replace(self, summary=text, detail=detail)

    @property
    def exact(self) -> str:
        return self.detail or self.summary

    def to_dict(self) -> dict:
        return {
            "a": self.a, "b": self.b, "same_text": self.same_text,
            "alignment_cost": _r(self.cost_ratio),
            "pace_ratio": _r(self.pace_ratio),
            "pitch_median_diff_st": _r(self.pitch_median_diff_st, 2),
            "pitch_range_diff_st": _r(self.pitch_range_diff_st, 2),
            "loudness_diff_lu": _r(self.loudness_diff_lu, 2),
            "pitch_contour_r": _r(self.pitch_contour_r),
            "loudness_contour_r": _r(self.loudness_contour_r),
            "pause_match": _r(self.pause_match),
            "pauses": None if self.pauses_a is None else [self.pauses_a, self.pauses_b],
            "mouth_motion_ratio": _r(self.mouth_motion_ratio),
            "head_motion_ratio": _r(self.head_motion_ratio),
            "alike": _r(self.alike),
            "summary": self.summary,
            "detail": self.exact,
            "lines": [ln.to_dict() for ln in self.lines],
        }


@dataclass(frozen=True)
class TakesReport:
    takes: tuple[FileReport, ...]
    delivery: tuple[TakeDelivery, ...]
    pairs: tuple[PairResult, ...]
    tool_version: str
    fail_on: Severity = DEFAULT_FAIL_ON
    #: Comparisons that crashed (a bug in tapecheck): the exit code is then 2.
    errors: tuple[str, ...] = field(default_factory=tuple)

    def exit_code(self) -> int:
        """As `check` over the takes (0 ready, 1 a finding at the fail level, 2 a take could not
        be judged), and 2 when a comparison itself crashed."""
        code = Report(files=self.takes, tool_version=self.tool_version,
                      fail_on=self.fail_on).exit_code()
        return 2 if self.errors else code

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "tapecheck", "version": self.tool_version},
            "takes": [t.to_dict() for t in self.takes],
            "delivery": [d.to_dict() for d in self.delivery],
            "pairs": [p.to_dict() for p in self.pairs],
            "errors": list(self.errors),
        }


def ratio_or_none(b: float | None, a: float | None) -> float | None:
    if a is None or b is None or not math.isfinite(a) or not math.isfinite(b) or a <= 0:
        return None
    return b / a
