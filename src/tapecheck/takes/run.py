"""The `tapecheck takes` job: judge every take through the one pipeline, measure how each is
delivered beside it, then compare every pair of takes.

Judging is `pipeline.judge_paths` (the cache, the worker pool, the time limits: exactly what
`tapecheck check` does with the same files); the delivery measures (measures/delivery.py)
decode each take's sound once more at 16 kHz in a thread of this process while the workers
judge, so the comparison costs little more wall time than the judging on two cores. The
picture's expressiveness comes from what judging measured: the mouth activity and head motion
series of each take's `FileReport` (measures/mouth.py), read over the take's phrases.
"""

from __future__ import annotations

import itertools
import statistics
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from ..model import FileReport
from ..version import __version__
from .result import PairResult, TakeDelivery, TakesReport, ratio_or_none


def compare_takes(paths: list[str], plan=None, *, jobs: int | None = None, cache=None,
                  on_file: Callable[[FileReport], None] | None = None,
                  on_progress=None) -> TakesReport:
    """Judge each take (`plan` as for `check`), measure its delivery, compare every pair."""
    from ..pipeline import Plan, judge_paths

    plan = plan or Plan()
    paths = list(paths)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery") as pool:
        measuring = [pool.submit(_measure, p) for p in paths]
        report = judge_paths(paths, plan, jobs=jobs, cache=cache, on_file=on_file,
                             on_progress=on_progress, search=False)
        measured = [m.result() for m in measuring]
    takes = report.files
    deliveries, summaries, errors = [], [], []
    for i, (rep, (d, why)) in enumerate(zip(takes, measured)):
        if rep.status != "judged":
            d, why = None, f"the take could not be judged: {rep.error.message if rep.error else ''}"
        elif why is not None and why.startswith("internal error"):
            errors.append(f"take {i + 1}: delivery: {why}")
        summary = summarise(d, rep, why)
        deliveries.append(d if summary.missing is None else None)
        summaries.append(summary)
    pairs = []
    for ia, ib in itertools.combinations(range(len(takes)), 2):
        try:
            pairs.append(_pair(ia, ib, deliveries, summaries, takes))
        except Exception as exc:  # a comparison that crashes must not hide the verdicts
            errors.append(f"takes {ia + 1} and {ib + 1}: internal error: "
                          f"{type(exc).__name__}: {exc}")
            pairs.append(PairResult(ia, ib, same_text=None,
                                    summary="The comparison failed (a bug in tapecheck)."))
    return TakesReport(takes=takes, delivery=tuple(summaries), pairs=tuple(pairs),
                       tool_version=__version__, fail_on=plan.settings.fail_on,
                       errors=tuple(errors))


def _measure(path: str):
    """(Delivery, None) or (None, why not)."""
    from ..errors import IngestError, MeasureUnavailable
    from ..ingest import probe
    from ..measures.delivery import measure

    try:
        return measure(probe(path)), None
    except (IngestError, MeasureUnavailable) as exc:
        return None, str(exc)
    except Exception as exc:  # reported as a comparison error (exit 2), never a traceback
        return None, f"internal error: {type(exc).__name__}: {exc}"


def _pair(ia: int, ib: int, deliveries, summaries, takes) -> PairResult:
    from .pair import compare_deliveries

    da, db = deliveries[ia], deliveries[ib]
    for i, d in ((ia, da), (ib, db)):
        if d is None:
            return PairResult(ia, ib, same_text=None,
                              summary=f"Take {i + 1}: {summaries[i].missing}: nothing to "
                                      "compare.")
    loud = ratio = None
    la, lb = _measure_of(takes[ia], "speech_lufs"), _measure_of(takes[ib], "speech_lufs")
    if la is not None and lb is not None:
        loud = lb - la
    result = compare_deliveries(da, db, ia=ia, ib=ib, loudness_diff_lu=loud)
    if result.same_text:
        sa, sb = summaries[ia], summaries[ib]
        ratio = {k: ratio_or_none(sb.get(k), sa.get(k))
                 for k in ("mouth_movement", "head_movement_eye_d_per_s")}
        from dataclasses import replace

        result = replace(result, mouth_motion_ratio=ratio["mouth_movement"],
                         head_motion_ratio=ratio["head_movement_eye_d_per_s"])
    return result


def _measure_of(rep: FileReport, name: str) -> float | None:
    value = dict(rep.measures).get(name)
    return value if isinstance(value, (int, float)) and value == value and \
        abs(value) != float("inf") else None


def _series_over(rep: FileReport, name: str, spans) -> float | None:
    """Median of a series' values at times inside `spans` (the take's phrases)."""
    for s in rep.series:
        if s.name == name:
            vals = [v for t, v in zip(s.t_s, s.values)
                    if v is not None and any(a <= t <= b for a, b in spans)]
            return statistics.median(vals) if len(vals) >= 3 else None
    return None


def summarise(d, rep: FileReport, why: str | None) -> TakeDelivery:
    """The take's delivery figures, phrases, pauses and energy notes."""
    from .energy import energy_notes

    if d is None:
        return TakeDelivery(missing=why or "no delivery could be measured")
    if not d.has_speech or _measure_of(rep, "speech_ratio") == 0:
        # the judgement's own voice detector (48 kHz, its own voicing) has the last word:
        # a take it found no speech in is not compared, whatever pYIN made of a hum
        return TakeDelivery(missing="no speech found")
    spans = [(p.start_s, p.end_s) for p in d.phrases]
    figures = dict(d.named())
    figures["mouth_movement"] = _series_over(rep, "mouth_activity", spans)
    figures["head_movement_eye_d_per_s"] = _series_over(rep, "head_motion", spans)
    return TakeDelivery(figures=tuple(figures.items()), phrases=tuple(spans),
                        pauses=tuple((p.start_s, p.end_s) for p in d.pauses),
                        energy=tuple(energy_notes(d)))
