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
from dataclasses import replace
from importlib.resources import files
from pathlib import PurePath

from ...model import FileReport, Finding, Report, Severity, Thumbnail
from ...timecode import number_text, span_text, timecode
from .common import LEVEL_LABEL, SEV_ORDER, all_findings, cells, e, whole
from .timeline import timeline

#: Fixes whose moment is pictured (the first ones: what to fix first).
PICTURED_FIXES = 4
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
#: The page's style sheet (style.css beside this file), one line.
CSS = "".join(files(__package__).joinpath("style.css").read_text(encoding="utf-8").split("\n"))


def render(report: Report) -> str:
    names = _shown_names([f.path for f in report.files])
    files = [_named(f, names[f.path]) for f in report.files]
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
        f"<style>{CSS}</style>",
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


def _shown_names(paths: list[str]) -> dict[str, str]:
    """Each tape as the page names it: the file name, not the folders it sits in (the page
    goes to a coach; `/home/jane/auditions/…` is nobody else's business). Tapes of a batch
    keep the folders below the one they share, so two `take1.mp4` stay apart."""
    parts = {p: PurePath(p.replace("\\", "/")).parts for p in paths}
    common = 0
    folders = [q[:-1] for q in parts.values()]
    while folders and all(len(q) > common for q in folders) \
            and len({q[common] for q in folders}) == 1:
        common += 1
    return {p: "/".join(q[common:]) or p for p, q in parts.items()}


def _named(f: FileReport, name: str) -> FileReport:
    error = f.error and replace(f.error, message=f.error.message.replace(f.path, name))
    return replace(f, path=name, error=error)


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
        rows.append("<tr>" + cells(
            ("tape", link, "path"),
            ("verdict", f'<span class="badge level-{e(v.level)}">{LEVEL_LABEL[v.level]}</span>'),
            ("score", str(v.score), "num"), ("eyes seen", _yes_no(v.can_see_eyes)),
            ("voice heard", _yes_no(v.can_hear_voice)), ("first fix", top)) + "</tr>")
    counts = {}
    for f in files:
        key = f.verdict.level if f.status == "judged" and f.verdict else "not judged"
        counts[key] = counts.get(key, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    return ('<nav class="overview" aria-label="All tapes"><h2>All tapes</h2>'
            f'<p class="counts">{e(summary)}</p>'
            '<table class="overview-table reflow"><thead><tr><th>tape</th><th>verdict</th>'
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
        f'<div class="verdict-top"><span class="level">{LEVEL_LABEL[v.level]}</span>'
        f'<span class="score"><b>{v.score}</b>/100</span>'
        f'<span class="answer eyes {"yes" if v.can_see_eyes else "no"}">Casting can see your '
        f'eyes: <b>{"yes" if v.can_see_eyes else "no"}</b></span>'
        f'<span class="answer voice {"yes" if v.can_hear_voice else "no"}">Casting can hear your '
        f'voice: <b>{"yes" if v.can_hear_voice else "no"}</b></span></div>'
        f'<p class="headline">{e(v.headline)}</p></div>')
    if v.fixes:
        out.append('<h3>What to fix, most important first</h3><ol class="fixes">')
        for fx in v.fixes:
            spans = sorted({s for _, fd in all_findings(f) if fd.code in fx.codes
                            and not whole(fd, f) for s in fd.spans}, key=lambda s: s.start_s)
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
    moments = _moments(f)
    if moments:
        out.append(f'<h3>{"The moment of each fix" if v.fixes else "Your tape"}</h3>'
                   '<div class="thumbs">')
        for n, (t, caption) in enumerate(moments, 1):
            out.append(_thumb(t, n, anchor, caption))
        out.append("</div>")
    drawn = timeline(f, [(n, replace(t, label=caption))
                         for n, (t, caption) in enumerate(moments, 1)])
    if drawn:
        out.append(f'<h3>Timeline</h3><div class="timeline-wrap">{drawn}</div>')
    if all_findings(f):
        out.append(_findings_table(all_findings(f), f))
    else:
        out.append('<p class="no-findings">No problems found.</p>')
    if f.segments:
        out.append(_segments(f))
    if f.check_errors:
        out.append('<div class="check-errors"><h3>Checks that failed (a bug in tapecheck; '
                   "please report it)</h3><ul>")
        out += [f"<li><code>{e(x.code)}</code> {e(x.message)}</li>" for x in f.check_errors]
        out.append("</ul></div>")
    out.append(_unchecked(f))
    if f.measures:
        out.append('<details class="measures"><summary>Measures</summary>'
                   '<table class="measures-table"><tbody>')
        out += [f"<tr><th>{e(k)}</th><td>{e(number_text(val))}</td></tr>"
                for k, val in f.measures]
        out.append("</tbody></table></details>")
    out.append("</section>")
    return "\n".join(out)


def _unchecked(f: FileReport) -> str:
    """The checks that could not run, counted as the text report counts them: those that
    could change the verdict, in plain words (the exact reason folded under each), then the
    rest."""
    could, rest = f.unchecked()

    def items(skipped) -> str:
        return "".join(f'<li>{e(s.said)}<details class="exact"><summary>exact reason'
                       f"</summary><code>{e(s.code)}</code> {e(s.reason)}</details></li>"
                       for s in skipped)

    out = []
    if could:
        n = len(could)
        out.append(f'<details class="skipped" open><summary>{n} check'
                   f'{"s" if n != 1 else ""} that could change this verdict could not run on '
                   f"this tape</summary><ul>{items(could)}</ul></details>")
    if rest:
        out.append(f'<details class="skipped others"><summary>Also not run ({len(rest)}; '
                   f"they could not change this verdict)</summary><ul>{items(rest)}</ul>"
                   "</details>")
    return "".join(out)


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


def _moments(f: FileReport) -> list[tuple[Thumbnail, str]]:
    """A picture for each moment the first fixes point at: the start of a fix's first finding
    in time (half a second in). Problems of the whole tape are in every frame, so they share
    one picture from its middle, and fixes whose moments fall on the same picture share it.
    A tape with nothing to fix gets one picture from its middle."""
    pictures = f.frames or f.thumbnails
    if not pictures or f.media is None:
        return []
    middle = f.media.duration_s / 2

    def nearest(t: float) -> Thumbnail:
        return min(pictures, key=lambda p: abs(p.t_s - t))

    if not f.verdict.fixes:
        return [(nearest(middle), "your tape")]
    shown: dict[float, tuple[Thumbnail, list[str], list[str]]] = {}  # at, whole tape
    for fx in f.verdict.fixes[:PICTURED_FIXES]:
        spans = sorted((s for _, fd in all_findings(f) if fd.code in fx.codes
                        and not whole(fd, f) for s in fd.spans), key=lambda s: s.start_s)
        t = min(spans[0].start_s + 0.5, (spans[0].start_s + spans[0].end_s) / 2) if spans \
            else middle
        pic = nearest(t)
        shown.setdefault(pic.t_s, (pic, [], []))[1 if spans else 2].append(
            fx.problem or fx.category)
    return [(pic, ", ".join(at + ([", ".join(all_of) + " (the whole tape)"] if all_of else [])))
            for pic, at, all_of in shown.values()]


def _thumb(t: Thumbnail, n: int, anchor: str, caption: str) -> str:
    mime = "image/png" if t.jpeg[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    data = base64.b64encode(t.jpeg).decode("ascii")
    when = timecode(t.t_s)
    return (f'<figure class="thumb" id="{anchor}-moment-{n}">'
            f'<img src="data:{mime};base64,{data}" alt="{e(f"{caption} at {when}")}">'
            f'<figcaption><span class="marker">{n}</span> <b>{e(when)}</b> {e(caption)}'
            "</figcaption></figure>")


def _findings_table(findings: list[tuple[int | None, Finding]], f: FileReport) -> str:
    rows = []
    for clip, fd in sorted(findings, key=lambda x: (SEV_ORDER[x[1].severity], x[0] or 0)):
        where = f"<br><small>clip {clip}</small>" if clip is not None else ""
        if not fd.spans:
            when = ""
        elif clip is None and whole(fd, f):
            when = "whole tape"
        else:
            when = ", ".join(span_text(s) for s in fd.spans[:6])
            if len(fd.spans) > 6:
                when += f" and {len(fd.spans) - 6} more"
        rows.append(f'<tr class="sev-{fd.severity.label}">' + cells(
            ("severity", f'<span class="sev sev-{fd.severity.label}">{fd.severity.label}</span>'),
            ("check", f"<code>{e(fd.code)}</code> {e(fd.name)}<br><small>{e(fd.category)}"
                      "</small>"),
            ("found", _said(fd)), ("when", f"{e(when)}{where}", "when"),
            ("fix", e(fd.fix))) + "</tr>")
    return ('<h3>Every finding</h3><table class="findings reflow"><thead><tr><th>severity</th>'
            "<th>check</th><th>what was found</th><th>when</th><th>how to fix</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")


def _said(fd: Finding) -> str:
    """The finding in plain words; the exact numbers, units and thresholds folded under it."""
    if not fd.plain:
        return e(fd.message)
    return (f'{e(fd.plain)}<details class="exact"><summary>exact numbers</summary>'
            f"{e(fd.message)}</details>")


def _segments(f: FileReport) -> str:
    rows = []
    for i, seg in enumerate(f.segments, 1):
        v = seg.verdict
        codes = ", ".join(sorted({fd.code for fd in seg.findings})) or "none"
        rows.append("<tr>" + cells(
            ("clip", str(i), "num"),
            ("time", f"{e(timecode(seg.start_s))}–{e(timecode(seg.end_s))}", "nowrap"),
            ("verdict", f'<span class="badge level-{e(v.level)}">{LEVEL_LABEL[v.level]}</span>'),
            ("score", str(v.score), "num"), ("eyes seen", _yes_no(v.can_see_eyes)),
            ("voice heard", _yes_no(v.can_hear_voice)), ("headline", e(v.headline)),
            ("findings", e(codes))) + "</tr>")
    return ('<h3>Clip by clip</h3><table class="segments reflow"><thead><tr><th>clip</th>'
            "<th>time</th><th>verdict</th><th>score</th><th>eyes seen</th><th>voice heard</th>"
            "<th>headline</th><th>findings</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _yes_no(ok: bool) -> str:
    return '<span class="yes">yes</span>' if ok else '<span class="no">no</span>'


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"
