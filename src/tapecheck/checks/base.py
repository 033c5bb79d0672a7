"""How a check is written: a small, pure rule over measures (in the spirit of ruff and yamllint).

    @check(code="M006", name="portrait-orientation", category="orientation",
           severity=Severity.ERROR, reads=("media",), unit="ratio", warns="below",
           params=(Param(name="min_aspect", default=1.0, unit="ratio", warns="below",
                         help="narrowest width ÷ height", min=0.5, max=2.0),),
           problem="the portrait orientation",     # headline words: "fix … first"
           plain="The video is upright (portrait): casting asks for sideways video.",
           fix="Turn your phone sideways and record in landscape.")
    def portrait_orientation(m, p):
        '''The picture is narrower than {min_aspect} × its height. Why casting cares (and the
        source of the threshold). How to fix.'''
        aspect = m["media"].width / m["media"].height
        if aspect < p.min_aspect:
            return Hit("The picture is {} as wide as it is high", measured=aspect,
                       threshold=p.min_aspect)

A docstring names a threshold as `{min_aspect}` (`{share:%}` for a ratio in per cent): shown
by `tapecheck rule` and the docs as the Param's default, so the number is written once.

The function gets the finished measures `m` and the resolved parameters `p` (attributes
named after its `Param`s) and returns `None`, one `Hit` or a list of them. It raises `Skip`
when it cannot judge this file. It never measures, prints or touches a file: the pipeline turns
hits into `Finding`s with the declared code, name, category, unit, severity and fix.

Two registers. A hit's `message` (JSON, `-v`, the HTML details) is written by one formatter
(phrasing.py) from its numbers: "The picture is 56 % as wide as it is high (below 100 %)". The
words an actor reads by default are plain English with everyday units, kept beside each check:
the hit's `plain=` (when it needs the numbers: "raise it by about 8 dB") or the check's `plain=`.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Iterable

from ..measures.base import Missing
from ..model import CATEGORIES, REPAIRS, Finding, Severity, Span
from .phrasing import message as phrase

#: A threshold named in a check's docstring: "{min_lufs}" is written as that Param's default,
#: "{min_visible:%}" as a ratio's default in per cent; the number then is stated once.
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(:%)?\}")


@dataclass(frozen=True, kw_only=True)
class Param:
    """A threshold, declared once: config validation, `tapecheck rule` and the docs read it.

    `warns` is the side of the threshold where a measured value is the problem ("above" or
    "below"): the name does not always say it (`max_bak` warns below, `min_black_s` above).
    """

    name: str
    default: float
    unit: str
    warns: str
    help: str
    min: float
    max: float

    def __post_init__(self):
        if self.warns not in ("above", "below"):
            raise ValueError(f"{self.name}: warns must be 'above' or 'below', not "
                             f"{self.warns!r}")
        if not self.min <= self.default <= self.max:
            raise ValueError(f"{self.name}: default {self.default:g} is outside its range")

    def validate(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number ({self.unit or 'no unit'}), got {value!r}")
        if not self.min <= value <= self.max:
            raise ValueError(f"must be between {self.min:g} and {self.max:g} {self.unit}".rstrip()
                             + f", got {value!r}")
        return float(value)


@dataclass(frozen=True)
class Hit:
    """One problem a check found.

    `text` names what was measured, with "{}" where the value goes (else it goes at the end);
    the formatter adds the value and the comparison with `threshold` (phrasing.py). `detail`:
    more numbers for the parentheses. `plain`: the actor's sentence (else the check's).
    `severity` overrides the check's default (e.g. warn vs error); `unit` the check's unit
    when this hit measures something else (a share of the tape in a check of degrees);
    `warns` the check's direction ("above"/"below") when this hit compares the other way.
    """

    text: str
    measured: float | None = None
    threshold: float | None = None
    spans: tuple[Span, ...] = ()
    severity: Severity | None = None
    plain: str = ""
    detail: str = ""
    unit: str | None = None
    warns: str | None = None


class Skip(Exception):
    """Raised by a check that cannot judge this file; the reason goes into `skipped`."""


class UndeclaredRead(KeyError):
    """A check read a measure it did not declare: a bug in the check, not in the file."""


class Measures:
    """What a check sees of the finished measures: those it declared, and no others.

    `m["name"]` is one of its `reads` (the pipeline runs them, and skips the check when one
    is missing); `m.get("name")` one of its `optional` reads (or a read), None when that
    measure is absent for this file. Any other name raises `UndeclaredRead`, so what a
    check depends on is what its declaration says (the pipeline plans the measures from it).
    """

    def __init__(self, results: Any, reads: tuple[str, ...], optional: tuple[str, ...] = ()):
        self._results = results
        self._reads = reads
        self._optional = optional

    def __getitem__(self, name: str) -> Any:
        self._declared(name)
        return self._results[name]

    def get(self, name: str, default: Any = None) -> Any:
        self._declared(name)
        value = self._results.get(name, default)
        return default if isinstance(value, Missing) else value

    def _declared(self, name: str) -> None:
        if name not in self._reads and name not in self._optional:
            raise UndeclaredRead(f"measure {name!r} is not among this check's reads "
                                 f"{self._reads} or optional reads {self._optional}")


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    category: str
    severity: Severity
    #: The measures the check reads (their names in measures/); the pipeline runs them.
    reads: tuple[str, ...]
    unit: str
    fix: str
    func: Callable[[Any, SimpleNamespace], Any] = field(repr=False)
    params: tuple[Param, ...] = ()
    #: False when editing cannot repair it (most picture problems need a new take).
    reshoot: bool = True
    #: What `tapecheck fix` changes to repair it (one of model.REPAIRS; "" = fix cannot):
    #: the fix plans from this, and the actor's advice offers it.
    repair: str = ""
    #: False when sparse keyframes cannot answer it; `--quick` then lists it under `skipped`.
    quick: bool = True
    #: "voice"/"eyes": an error from this check decides that verdict whatever its category.
    blocks: str = ""
    #: What the problem is called in a headline, as a noun phrase: "fix {problem} first".
    problem: str = ""
    #: For a check of the file itself: when it finds a problem, no other check can judge the
    #: tape, and this is the reason they list in `skipped`.
    halts: str = ""
    #: An error from it means there is nothing to see or hear at all (no sound, no speech).
    absent: bool = False
    #: "above" when a value above the threshold is the problem, "below" when one below is;
    #: the message says which side the value is on (this only decides a tie).
    warns: str = "above"
    #: The words for "above" and "below" in its messages ("more than"/"less than" for counts).
    words: tuple[str, str] = ("above", "below")
    #: What the actor reads when a hit brings no `plain` sentence of its own.
    plain: str = ""
    #: Measures it reads when they are there (`m.get`): run with it, but no reason to skip.
    optional: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        """The docstring as shown, each `{param}` written as that Param's default."""
        return PLACEHOLDER.sub(self._default_text, self.raw_doc)

    @property
    def raw_doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    def _default_text(self, match: re.Match) -> str:
        value = self.param(match[1]).default
        text = f"{value * 100:g} %" if match[2] else f"{value:g}"
        return text.replace("-", "−")  # the prose's minus sign

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")

    @property
    def advice(self) -> str:
        """The fix an actor reads: the check's own, and `tapecheck fix` where it can do it."""
        if not self.repair:
            return self.fix
        return self.fix.rstrip(". ") + ", or let tapecheck fix do it."

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def message(self, hit: Hit) -> str:
        """The hit's technical sentence, its numbers written by the one formatter."""
        return phrase(hit.text, hit.measured, hit.threshold, self.unit_of(hit),
                      hit.warns or self.warns, self.words, hit.detail)

    def finding(self, hit: Hit, severity: Severity) -> Finding:
        """The hit as a report's Finding, at the severity the pipeline settled on."""
        return Finding(code=self.code, name=self.name, category=self.category,
                       severity=severity, message=self.message(hit), measured=hit.measured,
                       threshold=hit.threshold, unit=self.unit_of(hit), spans=hit.spans,
                       fix=self.advice, reshoot=self.reshoot, repair=self.repair,
                       blocks=self.blocks, absent=self.absent, problem=self.problem,
                       plain=hit.plain or self.plain)

    def unit_of(self, hit: Hit) -> str:
        return self.unit if hit.unit is None else hit.unit

    def run(self, results: Any, values: dict[str, float]) -> list[Hit]:
        out = self.func(Measures(results, self.reads, self.optional), SimpleNamespace(**values))
        if out is None:
            return []
        if isinstance(out, Hit):
            return [out]
        return list(out)


def check(*, code: str, name: str, category: str, severity: Severity, reads: Iterable[str],
          unit: str, fix: str, params: Iterable[Param] = (), reshoot: bool = True,
          repair: str = "", quick: bool = True, blocks: str = "", problem: str = "",
          halts: str = "", absent: bool = False, warns: str = "above",
          words: tuple[str, str] = ("above", "below"),
          plain: str = "", optional: Iterable[str] = ()) -> Callable[[Callable], Check]:
    if category not in CATEGORIES:
        raise ValueError(f"{code}: unknown category {category!r}")
    if warns not in ("above", "below"):
        raise ValueError(f"{code}: warns must be 'above' or 'below', not {warns!r}")
    if repair and (repair not in REPAIRS or reshoot):
        raise ValueError(f"{code}: repair must be one of {', '.join(REPAIRS)}, on a check "
                         f"editing can repair (reshoot=False), not {repair!r}")

    def wrap(func: Callable) -> Check:
        return Check(code=code, name=name, category=category, severity=severity,
                     reads=tuple(reads), unit=unit, fix=fix, func=func, params=tuple(params),
                     reshoot=reshoot, repair=repair, quick=quick, blocks=blocks,
                     problem=problem, halts=halts, absent=absent, warns=warns, words=tuple(words),
                     plain=plain, optional=tuple(optional))

    return wrap


def spans_from_mask(times, mask, min_len_s: float = 0.0, step_s: float | None = None,
                    end_s: float | None = None) -> tuple[Span, ...]:
    """Runs of True in `mask` (sampled at `times`) as Spans at least `min_len_s` long.

    Each sample stands for the time until the next one (`step_s` for the last, else the
    median spacing); `end_s` caps the last span at the end of the tape.
    """
    times = list(times)
    mask = list(mask)
    if not times:
        return ()
    if step_s is None:
        gaps = sorted(b - a for a, b in zip(times, times[1:]))
        step_s = gaps[len(gaps) // 2] if gaps else 0.5
    spans: list[Span] = []
    start = None
    for i, (t, on) in enumerate(zip(times, mask)):
        if on and start is None:
            start = t
        nxt = times[i + 1] if i + 1 < len(times) else t + step_s
        if start is not None and (not on or i + 1 == len(times)):
            stop = nxt if on else t
            if end_s is not None:
                stop = min(stop, end_s)
            if stop - start >= min_len_s:
                spans.append(Span(start, stop))
            start = None
    return tuple(spans)
