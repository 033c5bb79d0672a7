"""`tapecheck takes --format html`: the usual page of the takes (page.py), with a comparison
section first: every pair's sentence, each take's delivery in plain words; the figures (the
pair's measures, the phrases side by side, the delivery table and its reference bands) are
folded under "exact numbers", as a finding's are. `section()` is the comparison alone, for
pages that embed it (the local app). Text from files is escaped, as everywhere on the page."""

from __future__ import annotations

from ...model import Report
from ...takes.result import PairResult, TakeDelivery, TakesReport
from ...timecode import timecode
from ..delivery import delivery_lines
from .common import cells as _cells, e

#: The delivery figures' columns (each cell carries its name, so a phone shows rows as cards).
DELIVERY_COLUMNS = ("take", "speaking", "rate", "pauses", "pitch", "pitch range",
                    "loudness range", "mouth / head movement")


def render(report: TakesReport) -> str:
    from .page import render as page

    html = page(Report(files=report.takes, tool_version=report.tool_version,
                       fail_on=report.fail_on))
    return html.replace("<main>", "<main>\n" + section(report), 1)


def section(report: TakesReport) -> str:
    out = ['<section class="takes" id="takes"><h2>Between takes</h2>']
    for p in report.pairs:
        out.append(_pair(p))
    out.append("<h3>Delivery of each take</h3><ul>")
    out += [f"<li>Take {i}: {e(' '.join(delivery_lines(d)))}</li>"
            for i, d in enumerate(report.delivery, 1)]
    out.append("</ul>")
    out.append('<details class="exact"><summary>exact numbers</summary>'
               '<table class="measures-table takes-delivery reflow"><thead><tr>'
               + "".join(f"<th>{e(c)}</th>" for c in DELIVERY_COLUMNS) + "</tr></thead><tbody>")
    out += [_delivery_row(i, d) for i, d in enumerate(report.delivery, 1)]
    out.append("</tbody></table>")
    notes = [(i, en) for i, d in enumerate(report.delivery, 1) for en in d.energy]
    if notes:
        ref = notes[0][1].reference
        out.append(f'<p class="sub">Energy is information, not a verdict on the acting: '
                   f"each take's figure beside ordinary speech ({e(ref)}).</p><ul>")
        out += [f"<li>Take {i}: {e(en.what)} {en.measured:.2f} {e(en.unit)}, {e(en.position)} "
                f"{en.low:g}–{en.high:g} {e(en.unit)}</li>" for i, en in notes]
        out.append("</ul>")
    out.append("</details>")
    for err in report.errors:
        out.append(f'<p class="check-errors">Comparison failed: {e(err)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _num(v, fmt: str, unit: str = "") -> str:
    return "—" if v is None else e(format(v, fmt) + unit)


def _pair(p: PairResult) -> str:
    head = (f'<h3><a href="#tape-{p.a + 1}">Take {p.a + 1}</a> → '
            f'<a href="#tape-{p.b + 1}">take {p.b + 1}</a></h3><p class="headline">'
            f"{e(p.summary)}</p>")
    exact = f'<details class="exact"><summary>exact numbers</summary><p>{e(p.exact)}</p>'
    if not p.same_text:
        return head + exact + "</details>"
    rows = [("pace (b ÷ a)", _num(p.pace_ratio, ".3f", "×")),
            ("pitch, b − a", _num(p.pitch_median_diff_st, "+.1f", " st")),
            ("pitch range, b − a", _num(p.pitch_range_diff_st, "+.1f", " st")),
            ("loudness, b − a", _num(p.loudness_diff_lu, "+.1f", " LU")),
            ("pitch contour r", _num(p.pitch_contour_r, ".2f")),
            ("loudness contour r", _num(p.loudness_contour_r, ".2f")),
            ("pauses in the same places", _num(p.pause_match, ".0%")),
            ("mouth movement (b ÷ a)", _num(p.mouth_motion_ratio, ".2f", "×")),
            ("head movement (b ÷ a)", _num(p.head_motion_ratio, ".2f", "×")),
            ("alike (every figure's closeness, 0–1: 1 = the same read)", _num(p.alike, ".2f"))]
    table = ('<table class="measures-table"><tbody>'
             + "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
             + "</tbody></table>")
    lines = ""
    if p.lines:
        heads = (f"take {p.a + 1}", f"take {p.b + 1}", "pace", "pitch", "level")
        lines = ('<h4>Phrase by phrase</h4>'
                 '<table class="measures-table reflow"><thead><tr>'
                 + "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr></thead><tbody>"
                 + "".join("<tr>" + _cells(*zip(heads, (
                     f"{timecode(ln.a_start_s)}–{timecode(ln.a_end_s)}",
                     f"{timecode(ln.b_start_s)}–{timecode(ln.b_end_s)}",
                     _num(ln.pace_ratio, ".2f", "×"), _num(ln.pitch_diff_st, "+.1f", " st"),
                     _num(ln.loudness_diff_db, "+.1f", " dB")))) + "</tr>" for ln in p.lines)
                 + "</tbody></table>")
    return head + exact + table + lines + "</details>"


def _delivery_row(i: int, d: TakeDelivery) -> str:
    if d.missing and not d.figures:
        return f"<tr>{_cells(('take', f'take {i}'), ('', e(d.missing)))}</tr>"
    g = d.get
    move = " / ".join(_num(g(k), ".2f") for k in ("mouth_movement", "head_movement_eye_d_per_s"))
    values = (f"take {i}", _num(g("speaking_s"), ".1f", " s"),
              _num(g("articulation_rate_syl_per_s"), ".2f", " syl/s"),
              f"{g('pause_count')} ({_num(g('pause_total_s'), '.1f', ' s')})",
              _num(g("pitch_median_hz"), ".0f", " Hz"), _num(g("pitch_range_st"), ".1f", " st"),
              _num(g("loudness_range_db"), ".1f", " dB"), move)
    return f"<tr>{_cells(*zip(DELIVERY_COLUMNS, values))}</tr>"
