"""`--format html`: one self-contained page a coach or a parent can open and read.

Everything is inside the file: CSS inline, thumbnails as `data:` URIs, the timeline as
inline SVG; no scripts, fonts or requests (a Content-Security-Policy meta forbids them, so
even a bug cannot make the page phone home). Every piece of text that comes from a file
(its name, messages, labels) is escaped: a tape named `<img src=x onerror=alert(1)>.mp4`
shows as that text.

Per tape: the verdict (two answers, score, level, headline), the numbered fixes, the
thumbnails of the worst moments, a timeline (problems found, then whatever series the
measures gave: face/eyes visible, loudness, speech, reader …, with the thumbnails marked),
every finding with its fix, the per-clip table when the tape was split, the measures.
Like every reporter it only reads the `Report`.
"""

from __future__ import annotations

import base64
import math
import re
from html import escape

from ..model import FileReport, Finding, Report, Series, Severity, Thumbnail
from .timecode import number_text, span_text, timecode

#: Shown thumbnails per tape (the measures keep only a few worst moments anyway).
MAX_THUMBNAILS = 12
#: Rows of finding spans drawn in the timeline before the rest are summed up in one line.
MAX_FINDING_ROWS = 10
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_LEVEL_LABEL = {"ready": "Ready", "fix-first": "Fix first", "unusable": "Unusable"}
_SEV_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
#: Nicer names for series the measures are known to give; others are shown by their name.
_SERIES_LABEL = {
    "face": "Face visible", "face_visible": "Face visible", "eyes": "Eyes visible",
    "eyes_visible": "Eyes visible", "speech": "Speech", "loudness": "Loudness",
    "reader": "Reader speaking", "actor": "Actor speaking",
}
_BINARY_UNITS = {"on/off", "bool", "yes/no", "visible", "present"}
_CLIP_SUFFIX = re.compile(r"\s*·\s*clip \d+$")


def e(value) -> str:
    """Escape text for HTML element content and quoted attributes alike."""
    return escape("" if value is None else str(value), quote=True)


def render(report: Report) -> str:
    files = report.files
    title = (f"tapecheck: {files[0].path}" if len(files) == 1
             else f"tapecheck: {len(files)} tapes")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="tapecheck {e(report.tool_version)}">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top"><h1>Self-tape check</h1>',
        f'<p class="sub">Will casting see your eyes and hear your voice? '
        f"{len(files)} tape{'s' if len(files) != 1 else ''} checked by tapecheck "
        f"{e(report.tool_version)}.</p></header>",
    ]
    if len(files) > 1:
        parts.append(_overview(files))
    parts.append("<main>")
    for i, f in enumerate(files, 1):
        parts.append(_tape(f, f"tape-{i}"))
    parts.append("</main>")
    parts.append('<footer><p>Made by tapecheck. This page is self-contained: it loads nothing '
                 "and can be sent as one file. Thumbnails show the actor: share it only with "
                 "people who should see the tape. <code>tapecheck explain</code> says how the "
                 "score is worked out; <code>tapecheck rule CODE</code> explains a check."
                 "</p></footer>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


# --- the overview of several tapes ---------------------------------------------------------

def _overview(files) -> str:
    rows = []
    for i, f in enumerate(files, 1):
        link = f'<a href="#tape-{i}">{e(f.path)}</a>'
        if f.status != "judged" or f.verdict is None:
            rows.append(f'<tr class="row-error"><td class="path">{link}</td>'
                        '<td><span class="badge level-error">Not judged</span></td>'
                        f'<td></td><td></td><td></td><td>{e(f.error.message if f.error else "")}'
                        "</td></tr>")
            continue
        v = f.verdict
        top = e(v.fixes[0].text) if v.fixes else ""
        rows.append(
            f'<tr><td class="path">{link}</td>'
            f'<td><span class="badge level-{e(v.level)}">{_LEVEL_LABEL[v.level]}</span></td>'
            f'<td class="num">{v.score}</td><td>{_yes_no(v.can_see_eyes)}</td>'
            f"<td>{_yes_no(v.can_hear_voice)}</td><td>{top}</td></tr>")
    counts = {}
    for f in files:
        key = f.verdict.level if f.status == "judged" and f.verdict else "not judged"
        counts[key] = counts.get(key, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    return ('<nav class="overview" aria-label="All tapes"><h2>All tapes</h2>'
            f'<p class="counts">{e(summary)}</p>'
            '<table class="overview-table"><thead><tr><th>tape</th><th>verdict</th>'
            "<th>score</th><th>eyes seen</th><th>voice heard</th><th>first fix</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table></nav>")


# --- one tape ------------------------------------------------------------------------------

def _tape(f: FileReport, anchor: str) -> str:
    if f.status != "judged" or f.verdict is None:
        err = f.error
        return (f'<section class="tape not-judged" id="{anchor}">'
                f'<h2 class="path">{e(f.path)}</h2>'
                f'<div class="verdict level-error"><p class="level">Could not judge this file'
                f'</p><p class="headline">{e(err.message if err else "")}</p>'
                f'<p class="code">error code: <code>{e(err.code if err else "")}</code></p>'
                "</div></section>")
    v = f.verdict
    out = [f'<section class="tape level-{e(v.level)}" id="{anchor}">',
           f'<h2 class="path">{e(f.path)}</h2>']
    if f.media is not None:
        out.append(f'<p class="media">{e(_media_line(f))}</p>')
    out.append(
        f'<div class="verdict level-{e(v.level)}">'
        f'<div class="verdict-top"><span class="level">{_LEVEL_LABEL[v.level]}</span>'
        f'<span class="score"><b>{v.score}</b>/100</span>'
        f'<span class="answer eyes {"yes" if v.can_see_eyes else "no"}">Casting can see your '
        f'eyes: <b>{"yes" if v.can_see_eyes else "no"}</b></span>'
        f'<span class="answer voice {"yes" if v.can_hear_voice else "no"}">Casting can hear your '
        f'voice: <b>{"yes" if v.can_hear_voice else "no"}</b></span></div>'
        f'<p class="headline">{e(v.headline)}</p></div>')
    if v.fixes:
        out.append('<h3>What to fix, most important first</h3><ol class="fixes">')
        for fx in v.fixes:
            spans = sorted({s for _, fd in _all_findings(f) if fd.code in fx.codes
                            and not _whole(fd, f) for s in fd.spans}, key=lambda s: s.start_s)
            tags = [f'<span class="tag cat">{e(fx.category)}</span>',
                    f'<span class="tag needs">{"needs a new take" if fx.reshoot else "fixable in editing"}</span>']
            if fx.decides:
                why = "hear you" if fx.decides == "voice" else "see your eyes"
                tags.append(f'<span class="tag decides">why casting can\'t {why}</span>')
            if fx.severity == Severity.INFO:
                tags.append('<span class="tag">optional</span>')
            if spans:
                shown = ", ".join(span_text(s) for s in spans[:4])
                more = f" and {len(spans) - 4} more" if len(spans) > 4 else ""
                tags.append(f'<span class="tag when">at {e(shown + more)}</span>')
            out.append(f'<li class="fix sev-{fx.severity.label}">'
                       f'<span class="fix-text">{e(fx.text)}</span> {" ".join(tags)} '
                       f'<span class="codes">{e(", ".join(fx.codes))}</span></li>')
        out.append("</ol>")
    thumbs = sorted(f.thumbnails, key=lambda t: t.t_s)[:MAX_THUMBNAILS]
    if thumbs:
        worst = any(fd.severity >= Severity.WARNING for fd in f.findings)
        out.append(f'<h3>{"Worst moments" if worst else "Moments pictured"}</h3>'
                   '<div class="thumbs">')
        for n, t in enumerate(thumbs, 1):
            out.append(_thumb(t, n, anchor))
        out.append("</div>")
    timeline = _timeline(f, thumbs)
    if timeline:
        out.append(f'<h3>Timeline</h3><div class="timeline-wrap">{timeline}</div>')
    if _all_findings(f):
        out.append(_findings_table(_all_findings(f), f))
    else:
        out.append('<p class="no-findings">No problems found.</p>')
    if f.segments:
        out.append(_segments(f))
    if f.check_errors:
        out.append('<div class="check-errors"><h3>Checks that failed (a bug in tapecheck; '
                   "please report it)</h3><ul>")
        out += [f"<li><code>{e(x.code)}</code> {e(x.message)}</li>" for x in f.check_errors]
        out.append("</ul></div>")
    if f.skipped:
        out.append(f'<details class="skipped"><summary>{len(f.skipped)} check'
                   f'{"s" if len(f.skipped) != 1 else ""} could not run on this tape</summary>'
                   "<ul>")
        out += [f"<li><code>{e(s.code)}</code> {e(s.reason)}</li>" for s in f.skipped]
        out.append("</ul></details>")
    if f.measures:
        out.append('<details class="measures"><summary>Measures</summary>'
                   '<table class="measures-table"><tbody>')
        out += [f"<tr><th>{e(k)}</th><td>{e(number_text(val))}</td></tr>"
                for k, val in f.measures]
        out.append("</tbody></table></details>")
    out.append("</section>")
    return "\n".join(out)


def _media_line(f: FileReport) -> str:
    m = f.media
    bits = [f"{m.width}×{m.height}", timecode(m.duration_s)]
    if m.fps:
        bits.append(f"{m.fps:.3g} fps{' (variable)' if m.variable_fps else ''}")
    bits.append("/".join(x for x in (m.video_codec, m.audio_codec) if x) or m.container)
    if not m.audio_codec:
        bits.append("no audio track")
    bits.append(_size(m.size_bytes))
    return " · ".join(bits)


def _thumb(t: Thumbnail, n: int, anchor: str) -> str:
    mime = "image/png" if t.jpeg[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    data = base64.b64encode(t.jpeg).decode("ascii")
    when = timecode(t.t_s)
    return (f'<figure class="thumb" id="{anchor}-moment-{n}">'
            f'<img src="data:{mime};base64,{data}" alt="{e(f"{t.label} at {when}")}">'
            f'<figcaption><span class="marker">{n}</span> <b>{e(when)}</b> {e(t.label)}'
            "</figcaption></figure>")


def _all_findings(f: FileReport) -> list[tuple[int | None, Finding]]:
    """The tape's findings, then each clip's (numbered from 1), for a reel split into clips."""
    out: list[tuple[int | None, Finding]] = [(None, fd) for fd in f.findings]
    for n, seg in enumerate(f.segments, 1):
        out.extend((n, fd) for fd in seg.findings)
    return out


def _findings_table(findings: list[tuple[int | None, Finding]], f: FileReport) -> str:
    rows = []
    for clip, fd in sorted(findings, key=lambda x: (_SEV_ORDER[x[1].severity], x[0] or 0)):
        where = f"<br><small>clip {clip}</small>" if clip is not None else ""
        if not fd.spans:
            when = ""
        elif clip is None and _whole(fd, f):
            when = "whole tape"
        else:
            when = ", ".join(span_text(s) for s in fd.spans[:6])
            if len(fd.spans) > 6:
                when += f" and {len(fd.spans) - 6} more"
        rows.append(
            f'<tr class="sev-{fd.severity.label}">'
            f'<td><span class="sev sev-{fd.severity.label}">{fd.severity.label}</span></td>'
            f"<td><code>{e(fd.code)}</code> {e(fd.name)}<br><small>{e(fd.category)}</small></td>"
            f"<td>{e(fd.message)}</td><td class=\"when\">{e(when)}{where}</td>"
            f"<td>{e(fd.fix)}</td></tr>")
    return ('<h3>Every finding</h3><table class="findings"><thead><tr><th>severity</th><th>check</th>'
            "<th>what was found</th><th>when</th><th>how to fix</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _segments(f: FileReport) -> str:
    rows = []
    for i, seg in enumerate(f.segments, 1):
        v = seg.verdict
        codes = ", ".join(sorted({fd.code for fd in seg.findings})) or "none"
        rows.append(
            f'<tr><td class="num">{i}</td>'
            f'<td class="nowrap">{e(timecode(seg.start_s))}–{e(timecode(seg.end_s))}</td>'
            f'<td><span class="badge level-{e(v.level)}">{_LEVEL_LABEL[v.level]}</span></td>'
            f'<td class="num">{v.score}</td><td>{_yes_no(v.can_see_eyes)}</td>'
            f"<td>{_yes_no(v.can_hear_voice)}</td><td>{e(v.headline)}</td>"
            f"<td>{e(codes)}</td></tr>")
    return ('<h3>Clip by clip</h3><table class="segments"><thead><tr><th>clip</th>'
            "<th>time</th><th>verdict</th><th>score</th><th>eyes seen</th><th>voice heard</th>"
            "<th>headline</th><th>findings</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


# --- the timeline (inline SVG) -------------------------------------------------------------

_W, _LABEL_W, _PAD_R = 1000, 170, 12
_PLOT_W = _W - _LABEL_W - _PAD_R
_BAND_H, _LINE_H, _GAP, _TOP = 16, 44, 6, 18
_SEV_FILL = {Severity.ERROR: "#d33a2c", Severity.WARNING: "#e6a100", Severity.INFO: "#8a8f98"}


def _timeline(f: FileReport, thumbs: list[Thumbnail]) -> str:
    duration = f.media.duration_s if f.media and f.media.duration_s > 0 else 0.0
    for s in f.series:
        if s.t_s:
            duration = max(duration, s.t_s[-1])
    by_code: dict[str, list[Finding]] = {}
    for _, fd in _all_findings(f):
        if fd.spans:
            by_code.setdefault(fd.code, []).append(fd)
    series = _merged_series(f.series)
    if duration <= 0 or not (by_code or series or thumbs or f.segments):
        return ""

    def x(t: float) -> float:
        return _LABEL_W + max(0.0, min(1.0, t / duration)) * _PLOT_W

    rows: list[str] = []
    y = _TOP

    def label(text: str, cy: float, cls: str = "lbl", sub: str = "") -> None:
        rows.append(f'<text class="{cls}" x="{_LABEL_W - 8}" y="{cy:.1f}" '
                    f'text-anchor="end">{e(text)}</text>')
        if sub:
            rows.append(f'<text class="sub" x="{_LABEL_W - 8}" y="{cy + 11:.1f}" '
                        f'text-anchor="end">{e(sub)}</text>')

    # a reel's clips, coloured by their verdicts
    if f.segments:
        rows.append('<g class="row clips">')
        label("Clips", y + _BAND_H - 4)
        for n, seg in enumerate(f.segments, 1):
            x0, x1 = x(seg.start_s), x(seg.end_s)
            rows.append(f'<rect class="clip level-{e(seg.verdict.level)}" x="{x0:.1f}" y="{y}" '
                        f'width="{max(x1 - x0 - 1, 1):.1f}" height="{_BAND_H}"><title>clip {n} '
                        f"{e(timecode(seg.start_s))}–{e(timecode(seg.end_s))}: "
                        f"{e(seg.verdict.headline)}</title></rect>")
            if x1 - x0 > 14:
                rows.append(f'<text class="clipno" x="{(x0 + x1) / 2:.1f}" y="{y + _BAND_H - 4}" '
                            f'text-anchor="middle">{n}</text>')
        rows.append("</g>")
        y += _BAND_H + _GAP + 10
    # problems: one row per check that found something in time (worst first)
    if by_code:
        rows.append(f'<text class="group" x="4" y="{y - 5:.1f}">Problems found</text>')
    shown = sorted(by_code.values(), key=lambda g: (min(_SEV_ORDER[fd.severity] for fd in g),
                                                    g[0].code))
    for group in shown[:MAX_FINDING_ROWS]:
        worst = min(group, key=lambda fd: _SEV_ORDER[fd.severity])
        rows.append(f'<g class="row finding sev-{worst.severity.label}">')
        label(f"{worst.code} {worst.name}", y + _BAND_H - 4)
        rows.append(f'<rect class="track" x="{_LABEL_W}" y="{y}" width="{_PLOT_W}" '
                    f'height="{_BAND_H}"/>')
        for fd in group:
            for sp in fd.spans:
                x0, x1 = x(sp.start_s), x(sp.end_s)
                rows.append(f'<rect class="span" x="{x0:.1f}" y="{y}" '
                            f'width="{max(x1 - x0, 2):.1f}" height="{_BAND_H}" '
                            f'fill="{_SEV_FILL[fd.severity]}"><title>{e(fd.code)} '
                            f"{e(span_text(sp))}: {e(fd.message)}</title></rect>")
        rows.append("</g>")
        y += _BAND_H + _GAP
    if len(shown) > MAX_FINDING_ROWS:
        rows.append(f'<text class="sub" x="{_LABEL_W}" y="{y + 8}">and '
                    f"{len(shown) - MAX_FINDING_ROWS} more checks with findings in the table "
                    "below</text>")
        y += _BAND_H
    if series:
        y += 10 if by_code else 0
        rows.append(f'<text class="group" x="4" y="{y - 5:.1f}">Over the tape</text>')
    for s in _ordered_series(series):
        if _is_binary(s):
            h = _BAND_H
            rows.append(f'<g class="row series binary" data-series="{e(s.name)}">')
            label(_series_label(s), y + h - 4)
            rows.append(f'<rect class="track off" x="{_LABEL_W}" y="{y}" width="{_PLOT_W}" '
                        f'height="{h}"><title>{e(_series_label(s))}: no</title></rect>')
            for t0, t1, val in _runs(s, duration):
                if val is None:
                    rows.append(f'<rect class="unknown" x="{x(t0):.1f}" y="{y}" '
                                f'width="{max(x(t1) - x(t0), 1):.1f}" height="{h}">'
                                f"<title>not measured {e(timecode(t0))}–{e(timecode(t1))}"
                                "</title></rect>")
                elif val:
                    rows.append(f'<rect class="on" x="{x(t0):.1f}" y="{y}" '
                                f'width="{max(x(t1) - x(t0), 1):.1f}" height="{h}" '
                                f'fill="{_series_color(s)}"><title>{e(_series_label(s))} '
                                f"{e(timecode(t0))}–{e(timecode(t1))}</title></rect>")
        else:
            h = _LINE_H
            rows.append(f'<g class="row series line" data-series="{e(s.name)}">')
            lo, hi = _range(s)
            measured = any(v is not None and math.isfinite(v) for v in s.values)
            label(_series_label(s), y + 14, sub=f"{_fmt(lo)} … {_fmt(hi)} {s.unit}".strip()
                  if measured else "not measurable")
            rows.append(f'<rect class="{"track" if measured else "unknown"}" x="{_LABEL_W}" '
                        f'y="{y}" width="{_PLOT_W}" height="{h}"/>')
            for path in _paths(s, x, y, h, lo, hi):
                rows.append(f'<path d="{path}" fill="none" stroke="{_series_color(s)}" '
                            'stroke-width="1.5" stroke-linejoin="round"/>')
        rows.append("</g>")
        y += h + _GAP
    # the thumbnails' moments, numbered as in "Worst moments"
    body_bottom = y
    pins: list[list[tuple[int, Thumbnail]]] = []
    for n, t in enumerate(thumbs, 1):  # moments closer than a pin's width share one pin
        if pins and x(t.t_s) - x(pins[-1][0][1].t_s) < 18:
            pins[-1].append((n, t))
        else:
            pins.append([(n, t)])
    for pin in pins:
        tx = x(pin[0][1].t_s)
        text = ",".join(str(n) for n, _ in pin)
        w = 8 + 6 * len(text)
        tips = "; ".join(f"{n}: {t.label} at {timecode(t.t_s)}" for n, t in pin)
        rows.append(f'<g class="moment"><line x1="{tx:.1f}" x2="{tx:.1f}" y1="{_TOP - 4}" '
                    f'y2="{body_bottom - _GAP:.1f}"/><rect x="{tx - w / 2:.1f}" y="{_TOP - 16}" '
                    f'width="{w}" height="14" rx="7"/><text x="{tx:.1f}" y="{_TOP - 5.5}" '
                    f'text-anchor="middle">{e(text)}</text><title>{e(tips)}</title></g>')
    # time axis
    axis_y = body_bottom + 2
    ticks = [f'<line class="axis" x1="{_LABEL_W}" x2="{_LABEL_W + _PLOT_W}" y1="{axis_y}" '
             f'y2="{axis_y}"/>']
    for t in _ticks(duration):
        ticks.append(f'<line class="tick" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{axis_y}" '
                     f'y2="{axis_y + 4}"/><text class="time" x="{x(t):.1f}" y="{axis_y + 15}" '
                     f'text-anchor="middle">{e(timecode(t))}</text>')
    height = axis_y + 22
    return (f'<svg class="timeline" '
            f'viewBox="0 0 {_W} {height}" role="img" '
            f'aria-label="Timeline of problems, face and sound over the tape">'
            + "".join(rows) + "".join(ticks) + "</svg>"
            + '<p class="legend"><span class="key err"></span>error '
            '<span class="key warn"></span>warning <span class="key info"></span>info '
            '<span class="key unk"></span>not measured · numbered pins are the moments '
            "pictured above</p>")


def _merged_series(series) -> list[Series]:
    """One row per measure: a reel's per-clip pieces ("loudness · clip 2", already on the
    reel's timeline) join into one series, with a gap (None) where one clip ends."""
    merged: dict[tuple[str, str], list[Series]] = {}
    for s in series:
        base = _CLIP_SUFFIX.sub("", s.name)
        merged.setdefault((base, s.unit), []).append(s)
    out = []
    for (name, unit), parts in merged.items():
        if len(parts) == 1:
            out.append(parts[0] if parts[0].name == name else
                       Series(name, unit, parts[0].t_s, parts[0].values))
            continue
        t_s: list[float] = []
        values: list[float | None] = []
        for part in sorted(parts, key=lambda p: p.t_s[0] if p.t_s else 0.0):
            if t_s and part.t_s:
                t_s.append((t_s[-1] + part.t_s[0]) / 2)  # a gap between the clips
                values.append(None)
            t_s.extend(part.t_s)
            values.extend(part.values)
        out.append(Series(name, unit, tuple(t_s), tuple(values)))
    return out


def _ordered_series(series) -> list[Series]:
    def key(s: Series):
        n = s.name.lower()
        if "face" in n:
            rank = 0
        elif "eye" in n:
            rank = 1
        elif any(k in n for k in ("light", "luma", "bright", "frame", "shake", "focus")):
            rank = 2
        elif "loud" in n or "lufs" in n or "level" in n:
            rank = 3
        elif "speech" in n or "voice" in n:
            rank = 4
        elif "reader" in n or "actor" in n:
            rank = 5
        else:
            rank = 6
        return (rank, n)

    return sorted((s for s in series if s.t_s), key=key)


def _series_label(s: Series) -> str:
    return _SERIES_LABEL.get(s.name.lower(), s.name.replace("_", " ").replace("-", " ")
                             .capitalize())


def _series_color(s: Series) -> str:
    n = s.name.lower()
    if "face" in n or "eye" in n:
        return "#1f9d8a"
    if "reader" in n:
        return "#e07b00"
    if "speech" in n or "voice" in n or "actor" in n:
        return "#2f6fd6"
    if "loud" in n or "lufs" in n:
        return "#7a3fc4"
    return "#55606e"


def _is_binary(s: Series) -> bool:
    if s.unit.lower() in _BINARY_UNITS:
        return True
    vals = {v for v in s.values if v is not None and math.isfinite(v)}
    return bool(vals) and vals <= {0.0, 1.0}


def _step(s: Series) -> float:
    gaps = sorted(b - a for a, b in zip(s.t_s, s.t_s[1:]) if b > a)
    return gaps[len(gaps) // 2] if gaps else 0.5


def _runs(s: Series, duration: float):
    """(start, end, True/False/None) runs; each sample stands until the next one."""
    step = _step(s)
    out: list[list] = []
    for i, (t, v) in enumerate(zip(s.t_s, s.values)):
        end = s.t_s[i + 1] if i + 1 < len(s.t_s) else \
            (min(t + step, duration) if duration > t else t + step)
        val = None if v is None or not math.isfinite(v) else v >= 0.5
        if out and out[-1][2] == val and abs(out[-1][1] - t) < 1e-6:
            out[-1][1] = end
        else:
            out.append([t, end, val])
    return [tuple(r) for r in out]


def _range(s: Series) -> tuple[float, float]:
    vals = [v for v in s.values if v is not None and math.isfinite(v)]
    if not vals:
        return 0.0, 1.0
    lo, hi = min(vals), max(vals)
    if s.unit.lower() in ("ratio", "0-1", "0–1", "share") and lo >= 0 and hi <= 1:
        return 0.0, 1.0
    if hi - lo < 1e-9:
        return lo - 1, hi + 1
    return lo, hi


def _paths(s: Series, x, y: float, h: float, lo: float, hi: float) -> list[str]:
    """Polylines, broken wherever a value is missing, at most one point per timeline pixel
    (the mean of the samples that fall on it)."""
    paths: list[list[str]] = []
    cur: list[str] = []
    bucket: list[float] = []
    bucket_px: int | None = None

    def flush() -> None:
        if bucket:
            v = sum(bucket) / len(bucket)
            cur.append(f"{bucket_px:d},{y + h - 3 - (v - lo) / (hi - lo) * (h - 6):.1f}")
            bucket.clear()

    for t, v in zip(s.t_s, s.values):
        if v is None or not math.isfinite(v):
            flush()
            if cur:
                paths.append(cur)
            cur = []
            bucket_px = None
            continue
        px = int(x(t))
        if px != bucket_px:
            flush()
            bucket_px = px
        bucket.append(v)
    flush()
    if cur:
        paths.append(cur)
    # a lone point still shows, as a short dash
    return ["M" + " L".join(p if len(p) > 1 else p + [_nudge(p[0])]) for p in paths]


def _nudge(point: str) -> str:
    px, cy = point.split(",")
    return f"{int(px) + 2},{cy}"


def _ticks(duration: float) -> list[float]:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if duration / step <= 10:
            break
    n = int(duration // step)
    return [i * step for i in range(n + 1)]


# --- small helpers -------------------------------------------------------------------------

def _whole(fd: Finding, f: FileReport) -> bool:
    return (len(fd.spans) == 1 and fd.spans[0].start_s <= 0.05 and f.media is not None
            and fd.spans[0].end_s >= f.media.duration_s - 0.05)


def _yes_no(ok: bool) -> str:
    return '<span class="yes">yes</span>' if ok else '<span class="no">no</span>'


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"


_CSS = """
:root{--red:#c62f22;--amber:#b87800;--green:#1d7a3a;--ink:#1d232b;--muted:#5d6672;
--line:#dde1e6;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top,main,nav.overview,footer{max-width:1100px;margin:0 auto;padding:0 20px}
header.top h1{margin:22px 0 2px;font-size:26px}
.sub,.media,footer,.legend,small{color:var(--muted)}
.tape,nav.overview{background:#fff;border:1px solid var(--line);border-radius:10px;
padding:18px 22px;margin:18px auto}
nav.overview{max-width:1060px}
h2.path{margin:0 0 2px;font-size:19px;overflow-wrap:anywhere;font-family:ui-monospace,
"SFMono-Regular",Menlo,Consolas,monospace}
h3{font-size:16px;margin:20px 0 8px}
.verdict{border-radius:8px;padding:12px 16px;margin-top:10px;border-left:8px solid}
.verdict.level-ready{background:#e9f6ed;border-color:var(--green)}
.verdict.level-fix-first{background:#fff5dc;border-color:#e6a100}
.verdict.level-unusable,.verdict.level-error{background:#fdeceb;border-color:var(--red)}
.verdict-top{display:flex;flex-wrap:wrap;gap:10px 22px;align-items:baseline}
.verdict .level{font-weight:700;font-size:20px;text-transform:uppercase;letter-spacing:.03em}
.level-ready .level{color:var(--green)}.level-fix-first .level{color:var(--amber)}
.level-unusable .level,.level-error .level{color:var(--red)}
.score b{font-size:22px}
.answer b{padding:1px 8px;border-radius:10px;color:#fff}
.answer.yes b{background:var(--green)}.answer.no b{background:var(--red)}
.headline{font-size:17px;margin:8px 0 0;font-weight:600}
ol.fixes{padding-left:26px;margin:0}
ol.fixes li{margin:6px 0}
ol.fixes li.sev-error::marker{color:var(--red);font-weight:700}
ol.fixes li.sev-warning::marker{color:var(--amber);font-weight:700}
.fix-text{font-weight:600}
.tag{display:inline-block;font-size:12px;padding:0 7px;border-radius:9px;background:#eef0f3;
color:var(--muted);margin-left:2px}
.tag.decides{background:#fdeceb;color:var(--red)}.tag.when{background:#eaf1fd;color:#2a5db0}
.codes{font-size:12px;color:var(--muted)}
.thumbs{display:flex;flex-wrap:wrap;gap:12px}
figure.thumb{margin:0;width:240px;background:var(--bg);border:1px solid var(--line);
border-radius:8px;overflow:hidden}
figure.thumb img{display:block;width:100%;height:160px;object-fit:contain;background:#111}
figure.thumb figcaption{padding:6px 8px;font-size:13px}
.marker{display:inline-block;min-width:18px;height:18px;border-radius:9px;background:var(--ink);
color:#fff;text-align:center;font-size:12px;line-height:18px}
.timeline-wrap{overflow-x:auto}
svg.timeline{width:100%;min-width:640px;height:auto;display:block;font-size:11px}
svg.timeline .lbl{fill:var(--ink);font-size:12px}
svg.timeline .sub,svg.timeline .time{fill:var(--muted);font-size:10px}
svg.timeline .group{fill:var(--muted);font-size:11px;font-weight:700;text-transform:uppercase}
svg.timeline .track{fill:#f0f2f5}
svg.timeline .track.off{fill:#e9ebee}
svg.timeline .clip.level-ready{fill:#bfe3c9}svg.timeline .clip.level-fix-first{fill:#f6dd9a}
svg.timeline .clip.level-unusable{fill:#f2b8b2}svg.timeline .clipno{fill:var(--ink);font-size:10px}
svg.timeline .unknown{fill:#c9ced6;opacity:.6}
svg.timeline .axis,svg.timeline .tick{stroke:#9aa2ad}
svg.timeline .moment line{stroke:var(--ink);stroke-dasharray:3 3;opacity:.6}
svg.timeline .moment rect{fill:var(--ink)}
svg.timeline .moment text{fill:#fff;font-size:10px;font-weight:700}
.legend{font-size:12px;margin:4px 0 0}
.key{display:inline-block;width:12px;height:10px;border-radius:2px;margin:0 3px 0 8px;
vertical-align:middle}
.key.err{background:#d33a2c}.key.warn{background:#e6a100}.key.info{background:#8a8f98}
.key.unk{background:#c9ced6}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
thead th{font-size:12px;text-transform:uppercase;color:var(--muted);letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.when,td.nowrap{white-space:nowrap}
.sev{font-size:12px;font-weight:700;padding:1px 7px;border-radius:9px;color:#fff}
.sev.sev-error{background:var(--red)}.sev.sev-warning{background:#d28e00}
.sev.sev-info{background:#8a8f98}
.badge{font-size:12px;font-weight:700;padding:1px 8px;border-radius:9px;color:#fff;
white-space:nowrap}
.badge.level-ready{background:var(--green)}.badge.level-fix-first{background:#d28e00}
.badge.level-unusable,.badge.level-error{background:var(--red)}
.yes{color:var(--green);font-weight:700}.no{color:var(--red);font-weight:700}
td.path{overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.no-findings{color:var(--green);font-weight:600}
.check-errors{background:#fdeceb;border-radius:8px;padding:4px 14px;margin-top:14px}
details{margin-top:14px}
summary{cursor:pointer;color:var(--muted)}
.measures-table th{font-weight:400;font-family:ui-monospace,Menlo,Consolas,monospace;
font-size:13px;width:40%}
footer{font-size:12px;margin:10px auto 30px}
@media print{body{background:#fff}.tape,nav.overview{border:none;padding:0}}
""".strip().replace("\n", "")
