"""`tapecheck takes` reports: text, JSON and HTML of a `TakesReport` (tapecheck/takes/).

Each take's technical judgement is written by the usual reporters (text.render_file, the HTML
page's tape section); this module adds what the takes command measures: each take's delivery
and every pair's comparison. Like every reporter it only reads the report.
"""

from __future__ import annotations

import json

from ..takes.result import PairResult, TakesReport
from ..timecode import timecode
from .delivery import delivery_figures, delivery_lines

FORMATS = ("text", "json", "html")


def render(report: TakesReport, fmt: str, *, color: bool = False, verbose: bool = False) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "text":
        return render_text(report, color=color, verbose=verbose)
    if fmt == "html":
        from .html.takes import render as r

        return r(report)
    raise ValueError(f"unknown format {fmt!r} for takes (allowed: {', '.join(FORMATS)})")


def render_text(report: TakesReport, *, color: bool = False, verbose: bool = False) -> str:
    """Plain by default, as `check`: each take's verdict, how it was delivered and one
    sentence per pair; `-v` gives the figures behind each sentence instead."""
    from .text import _painter, render_file

    paint = _painter(color)
    out = []
    for i, (f, d) in enumerate(zip(report.takes, report.delivery), 1):
        out.append(paint("bold", f"Take {i}: ") + render_file(f, paint, verbose).rstrip("\n"))
        out.extend("  " + line for line in (delivery_figures(d) if verbose
                                             else delivery_lines(d)))
        out.append("")
    if report.pairs:
        out.append(paint("bold", "Between takes"))
        for p in report.pairs:
            out.append(f"  Take {p.a + 1} → take {p.b + 1}: "
                       + (p.exact if verbose else p.summary))
            details = pair_details(p) if verbose else ""
            if details:
                out.append(paint("dim", "    " + details))
    for err in report.errors:
        out.append(paint("red", f"comparison failed: {err}"))
    return "\n".join(out).rstrip("\n") + "\n"


#: The figures behind a pair's sentence: attribute, label, format.
_DETAILS = (("pace_ratio", "pace", "×{:.3f}"), ("pitch_median_diff_st", "pitch", "{:+.2f} st"),
            ("pitch_range_diff_st", "pitch range", "{:+.2f} st"),
            ("loudness_diff_lu", "loudness", "{:+.2f} LU"),
            ("pitch_contour_r", "pitch contour r", "{:.2f}"),
            ("loudness_contour_r", "loudness contour r", "{:.2f}"),
            ("pause_match", "pauses matched", "{:.0%}"),
            ("mouth_motion_ratio", "mouth movement", "×{:.2f}"),
            ("head_motion_ratio", "head movement", "×{:.2f}"),
            ("alike", "alike", "{:.2f} (every figure's closeness, 0–1: 1 = the same read)"))


def pair_details(p: PairResult) -> str:
    """The figures behind a pair's sentence, one line (`-v`)."""
    if not p.same_text:
        return ""
    items = [f"{label} {fmt.format(getattr(p, attr))}" for attr, label, fmt in _DETAILS
             if getattr(p, attr) is not None]
    if p.pause_match is not None:
        items = [i + f" ({p.pauses_a} vs {p.pauses_b})" if i.startswith("pauses matched")
                 else i for i in items]
    return " · ".join(items)
