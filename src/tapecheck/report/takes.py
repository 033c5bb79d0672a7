"""`tapecheck takes` reports: text, JSON and HTML of a `TakesReport` (tapecheck/takes/).

Each take's technical judgement is written by the usual reporters (text.render_file, the HTML
page's tape section); this module adds what the takes command measures: each take's delivery
and every pair's comparison. Like every reporter it only reads the report.
"""

from __future__ import annotations

import json

from ..takes.result import PairResult, TakeDelivery, TakesReport
from ..timecode import timecode

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
    from .text import _painter, render_file

    paint = _painter(color)
    out = []
    for i, (f, d) in enumerate(zip(report.takes, report.delivery), 1):
        out.append(paint("bold", f"Take {i}: ") + render_file(f, paint, verbose).rstrip("\n"))
        out.extend("  " + line for line in delivery_lines(d))
        out.append("")
    if report.pairs:
        out.append(paint("bold", "Between takes"))
        for p in report.pairs:
            out.append(f"  Take {p.a + 1} → take {p.b + 1}: {p.summary}")
            details = pair_details(p)
            if details:
                out.append(paint("dim", "    " + details))
    for err in report.errors:
        out.append(paint("red", f"comparison failed: {err}"))
    return "\n".join(out).rstrip("\n") + "\n"


def delivery_lines(d: TakeDelivery) -> list[str]:
    """A take's delivery in two or three lines of text."""
    if d.missing and not d.figures:
        return [f"Delivery: not measured ({d.missing})."]
    if d.missing:
        return [f"Delivery: {d.missing}."]
    g = d.get
    parts = [f"speaking {g('speaking_s'):.1f} s"]
    if g("articulation_rate_syl_per_s") is not None:
        parts.append(f"{g('articulation_rate_syl_per_s'):.1f} syllables/s")
    n = g("pause_count")
    parts.append(f"{n} pause{'s' if n != 1 else ''}"
                 + (f" ({g('pause_total_s'):.1f} s)" if n else ""))
    if g("pitch_median_hz") is not None:
        parts.append(f"pitch {g('pitch_median_hz'):.0f} Hz")
    lines = ["Delivery: " + " · ".join(parts)]
    energy = [f"{e.what} {e.measured:.1f} {e.unit} ({e.position} {e.low:g}–{e.high:g} "
              f"{e.unit} of ordinary speech)" for e in d.energy]
    if energy:
        lines.append("Energy (information, not a verdict): " + "; ".join(energy))
    from ..takes.energy import energy_sentence

    note = energy_sentence(d.energy)
    if note:
        lines.append(note)
    picture = [f"{label} {v:.2f}" for label, v in
               (("mouth movement", g("mouth_movement")),
                ("head movement", g("head_movement_eye_d_per_s"))) if v is not None]
    if picture:
        lines.append("Picture: " + ", ".join(picture)
                     + (" eye distances/s" if g("head_movement_eye_d_per_s") is not None else ""))
    if d.pauses:
        lines.append("Pauses at " + ", ".join(f"{timecode(a)} ({b - a:.1f} s)"
                                              for a, b in d.pauses[:12])
                     + (" …" if len(d.pauses) > 12 else ""))
    return lines


def pair_details(p: PairResult) -> str:
    """The figures behind a pair's sentence, one line."""
    if not p.same_text:
        return ""
    items = []
    if p.pace_ratio is not None:
        items.append(f"pace ×{p.pace_ratio:.2f}")
    if p.pitch_median_diff_st is not None:
        items.append(f"pitch {p.pitch_median_diff_st:+.1f} st")
    if p.pitch_range_diff_st is not None:
        items.append(f"pitch range {p.pitch_range_diff_st:+.1f} st")
    if p.loudness_diff_lu is not None:
        items.append(f"loudness {p.loudness_diff_lu:+.1f} LU")
    if p.pitch_contour_r is not None:
        items.append(f"pitch contour r {p.pitch_contour_r:.2f}")
    if p.loudness_contour_r is not None:
        items.append(f"loudness contour r {p.loudness_contour_r:.2f}")
    if p.pause_match is not None:
        items.append(f"pauses matched {p.pause_match:.0%} ({p.pauses_a} vs {p.pauses_b})")
    if p.mouth_motion_ratio is not None:
        items.append(f"mouth movement ×{p.mouth_motion_ratio:.2f}")
    if p.head_motion_ratio is not None:
        items.append(f"head movement ×{p.head_motion_ratio:.2f}")
    if p.alike is not None:
        items.append(f"alike {p.alike:.2f}")
    return " · ".join(items)
