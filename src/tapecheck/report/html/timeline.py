"""The tape's timeline, drawn as inline SVG: the problems found, a reel's clips, then each
series the measures gave (face and eyes visible, loudness, speech, reader), with the moments
pictured above pinned on it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...model import FileReport, Finding, Series, Severity, Thumbnail
from ...timecode import span_text, timecode
from .common import SEV_ORDER, all_findings, e, fmt

#: Rows of finding spans drawn in the timeline before the rest are summed up in one line.
MAX_FINDING_ROWS = 10
#: Nicer names for series the measures are known to give; others are shown by their name.
_SERIES_LABEL = {
    "face": "Face visible", "face_visible": "Face visible", "eyes": "Eyes visible",
    "eyes_visible": "Eyes visible", "speech": "Speech", "loudness": "Loudness",
    "reader": "Reader speaking", "actor": "Actor speaking",
    "mouth_activity": "Mouth movement", "head_motion": "Head movement",
}
_BINARY_UNITS = {"on/off", "bool", "yes/no", "visible", "present"}
#: Units whose numbers mean nothing to an actor: the line is described instead.
_PLAIN_RANGE = {"LUFS": "higher is louder", "eye distances/s": "higher is more movement"}
_EVERYDAY_UNITS = {"dB", "s", "%"}

_SEV_FILL = {Severity.ERROR: "#d33a2c", Severity.WARNING: "#e6a100", Severity.INFO: "#8a8f98"}
#: Series whose "no" is itself a problem (the face or the eyes not visible): drawn in a pale
#: red, unlike "not measured" (hatched grey) and unlike a neutral "no" (no speech).
_NO_IS_BAD = ("face", "eye")
#: Checks whose finding is about the reader's lines: their row is marked on the timeline.
_READER_CODES = ("X101",)


@dataclass(frozen=True)
class _Layout:
    """`wide`: labels left of the tracks (a desktop); `compact`: labels above full-width
    tracks (a phone), so nothing needs sideways scrolling."""

    name: str
    width: int
    label_w: int      # room left of the tracks for labels (0: labels above)
    label_h: int      # room above each track for its label (0: labels left)
    pad_r: int = 10
    band_h: int = 16
    line_h: int = 40
    gap: int = 6

    @property
    def plot_w(self) -> int:
        return self.width - self.label_w - self.pad_r - (4 if not self.label_w else 0)

    @property
    def left(self) -> int:
        return self.label_w or 4


_WIDE = _Layout("wide", 1000, 170, 0, pad_r=12)
_COMPACT = _Layout("compact", 400, 0, 14, line_h=34)
_PIN_W, _PIN_H, _PIN_ROWS = 16, 14, 3


def timeline(f: FileReport, moments: list[tuple[int, Thumbnail]]) -> str:
    """Both layouts (CSS shows one by the screen's width) and the legend; "" when there is
    nothing to draw. `moments` are the numbered pictures shown above it, pinned in time."""
    wide = _draw(f, moments, _WIDE)
    if not wide:
        return ""
    return (wide + _draw(f, moments, _COMPACT)
            + '<p class="legend"><span class="key err"></span>error '
            '<span class="key warn"></span>warning <span class="key info"></span>info '
            '<span class="key off"></span>not visible <span class="key unk"></span>not '
            "measured · numbered pins are the moments pictured above</p>")


def _draw(f: FileReport, moments: list[tuple[int, Thumbnail]], lay: _Layout) -> str:
    duration = f.media.duration_s if f.media and f.media.duration_s > 0 else 0.0
    for s in f.series:
        if s.t_s:
            duration = max(duration, s.t_s[-1])
    by_code: dict[str, list[Finding]] = {}
    for _, fd in all_findings(f):
        if fd.spans:
            by_code.setdefault(fd.code, []).append(fd)
    series = _merged_series(f.series)
    if duration <= 0 or not (by_code or series or moments or f.segments):
        return ""
    reader_problem = next((fd for code in _READER_CODES for fd in by_code.get(code, ())), None)

    def x(t: float) -> float:
        return lay.left + max(0.0, min(1.0, t / duration)) * lay.plot_w

    pin_rows = _pin_rows(moments, x)
    top = 4 + (max(pin_rows.values(), default=-1) + 1) * (_PIN_H + 2) + 6
    rows: list[str] = []
    y = top

    def label(text: str, h: int, sub: str = "") -> int:
        """Write a row's label; return where its track starts."""
        if lay.label_w:
            cy = y + min(h, _WIDE.band_h) - 4
            rows.append(f'<text class="lbl" x="{lay.label_w - 8}" y="{cy:.1f}" '
                        f'text-anchor="end">{e(text)}</text>')
            if sub:
                rows.append(f'<text class="sub" x="{lay.label_w - 8}" y="{cy + 11:.1f}" '
                            f'text-anchor="end">{e(sub)}</text>')
            return y
        both = f"{text} · {sub}" if sub else text
        rows.append(f'<text class="lbl" x="{lay.left}" y="{y + lay.label_h - 3:.1f}">'
                    f"{e(both)}</text>")
        return y + lay.label_h

    def heading(text: str) -> None:
        nonlocal y
        rows.append(f'<text class="group" x="4" y="{y + 9:.1f}">{e(text)}</text>')
        y += 14

    # a reel's clips, coloured by their verdicts
    if f.segments:
        rows.append('<g class="row clips">')
        ty = label("Clips", lay.band_h)
        for n, seg in enumerate(f.segments, 1):
            x0, x1 = x(seg.start_s), x(seg.end_s)
            rows.append(f'<rect class="clip level-{e(seg.verdict.level)}" x="{x0:.1f}" y="{ty}" '
                        f'width="{max(x1 - x0 - 1, 1):.1f}" height="{lay.band_h}"><title>clip '
                        f"{n} {e(timecode(seg.start_s))}–{e(timecode(seg.end_s))}: "
                        f"{e(seg.verdict.headline)}</title></rect>")
            if x1 - x0 > 14:
                rows.append(f'<text class="clipno" x="{(x0 + x1) / 2:.1f}" '
                            f'y="{ty + lay.band_h - 4}" text-anchor="middle">{n}</text>')
        rows.append("</g>")
        y = ty + lay.band_h + lay.gap + 4
    # problems: one row per check that found something in time (worst first)
    if by_code:
        heading("Problems found")
    shown = sorted(by_code.values(), key=lambda g: (min(SEV_ORDER[fd.severity] for fd in g),
                                                    g[0].code))
    for group in shown[:MAX_FINDING_ROWS]:
        worst = min(group, key=lambda fd: SEV_ORDER[fd.severity])
        rows.append(f'<g class="row finding sev-{worst.severity.label}">')
        ty = label(f"{worst.code} {worst.name}", lay.band_h)
        rows.append(f'<rect class="track" x="{lay.left}" y="{ty}" width="{lay.plot_w}" '
                    f'height="{lay.band_h}"/>')
        for fd in group:
            for sp in fd.spans:
                x0, x1 = x(sp.start_s), x(sp.end_s)
                rows.append(f'<rect class="span" x="{x0:.1f}" y="{ty}" '
                            f'width="{max(x1 - x0, 2):.1f}" height="{lay.band_h}" '
                            f'fill="{_SEV_FILL[fd.severity]}"><title>{e(fd.code)} '
                            f"{e(span_text(sp))}: {e(fd.said)}</title></rect>")
        rows.append("</g>")
        y = ty + lay.band_h + lay.gap
    if len(shown) > MAX_FINDING_ROWS:
        rows.append(f'<text class="sub" x="{lay.left}" y="{y + 8}">and '
                    f"{len(shown) - MAX_FINDING_ROWS} more checks with findings in the table "
                    "below</text>")
        y += lay.band_h
    if series:
        y += 6 if by_code else 0
        heading("Over the tape")
    for s in _ordered_series(series):
        marked = reader_problem is not None and s.name == "reader"
        if _is_binary(s):
            h = lay.band_h
            cls = " problem" if marked else ""
            rows.append(f'<g class="row series binary{cls}" data-series="{e(s.name)}">')
            ty = label(_series_label(s) + (" — the problem" if marked else ""), h)
            off = "off bad" if any(k in s.name.lower() for k in _NO_IS_BAD) else "off"
            rows.append(f'<rect class="track {off}" x="{lay.left}" y="{ty}" '
                        f'width="{lay.plot_w}" height="{h}"><title>{e(_series_label(s))}: no'
                        "</title></rect>")
            fill = _SEV_FILL[reader_problem.severity] if marked else _series_color(s)
            for t0, t1, val in _runs(s, duration):
                if val is None:
                    rows.append(f'<rect class="unknown" x="{x(t0):.1f}" y="{ty}" '
                                f'width="{max(x(t1) - x(t0), 1):.1f}" height="{h}">'
                                f"<title>not measured {e(timecode(t0))}–{e(timecode(t1))}"
                                "</title></rect>")
                elif val:
                    rows.append(f'<rect class="on" x="{x(t0):.1f}" y="{ty}" '
                                f'width="{max(x(t1) - x(t0), 1):.1f}" height="{h}" '
                                f'fill="{fill}"><title>{e(_series_label(s))} '
                                f"{e(timecode(t0))}–{e(timecode(t1))}</title></rect>")
        else:
            h = lay.line_h
            rows.append(f'<g class="row series line" data-series="{e(s.name)}">')
            lo, hi = _range(s)
            measured = any(v is not None and math.isfinite(v) for v in s.values)
            ty = label(_series_label(s), h, sub=_series_sub(s, lo, hi) if measured
                       else "not measurable")
            rows.append(f'<rect class="{"track" if measured else "unknown"}" x="{lay.left}" '
                        f'y="{ty}" width="{lay.plot_w}" height="{h}"/>')
            for path in _paths(s, x, ty, h, lo, hi):
                rows.append(f'<path d="{path}" fill="none" stroke="{_series_color(s)}" '
                            'stroke-width="1.5" stroke-linejoin="round"/>')
        rows.append("</g>")
        y = ty + h + lay.gap
    body_bottom = y
    # the pictured moments: one pin each, stacked in rows where they would touch
    for n, t in moments:
        tx = x(t.t_s)
        py = 4 + pin_rows[n] * (_PIN_H + 2)
        rows.append(f'<g class="moment"><line x1="{tx:.1f}" x2="{tx:.1f}" y1="{py + _PIN_H}" '
                    f'y2="{body_bottom - lay.gap:.1f}"/><rect x="{tx - _PIN_W / 2:.1f}" '
                    f'y="{py}" width="{_PIN_W}" height="{_PIN_H}" rx="7"/>'
                    f'<text x="{tx:.1f}" y="{py + 10.5}" text-anchor="middle">{n}</text>'
                    f"<title>{n}: {e(t.label)} at {e(timecode(t.t_s))}</title></g>")
    # time axis
    axis_y = body_bottom + 2
    ticks = [f'<line class="axis" x1="{lay.left}" x2="{lay.left + lay.plot_w}" y1="{axis_y}" '
             f'y2="{axis_y}"/>']
    for t in _ticks(duration, 10 if lay.label_w else 5):
        text = timecode(t)
        ticks.append(f'<line class="tick" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{axis_y}" '
                     f'y2="{axis_y + 4}"/><text class="time" x="{x(t):.1f}" y="{axis_y + 15}" '
                     f'text-anchor="{_anchor(x(t), text, lay.width)}">{e(text)}</text>')
    height = axis_y + 22
    return (f'<svg class="timeline {lay.name}" viewBox="0 0 {lay.width} {height}" role="img" '
            f'aria-label="Timeline of problems, face and sound over the tape">'
            + "".join(rows) + "".join(ticks) + "</svg>")


def _pin_rows(moments: list[tuple[int, Thumbnail]], x) -> dict[int, int]:
    """The row of each pin: the first of `_PIN_ROWS` where it does not touch the pin before it
    (the last row when all are taken)."""
    ends = [-float("inf")] * _PIN_ROWS
    out = {}
    for n, t in sorted(moments, key=lambda m: m[1].t_s):
        left = x(t.t_s) - _PIN_W / 2
        row = next((r for r in range(_PIN_ROWS) if left >= ends[r] + 2), _PIN_ROWS - 1)
        ends[row] = left + _PIN_W
        out[n] = row
    return out


def _merged_series(series) -> list[Series]:
    """One row per measure: a reel's per-clip pieces (already on the reel's timeline) join
    into one series, with a gap (None) where one clip ends."""
    merged: dict[tuple[str, str], list[Series]] = {}
    for s in series:
        merged.setdefault((s.name, s.unit), []).append(s)
    out = []
    for (name, unit), parts in merged.items():
        if len(parts) == 1:
            out.append(parts[0])
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


def _series_sub(s: Series, lo: float, hi: float) -> str:
    """The range a line spans when its unit is an everyday one; else what "up" means, or
    nothing (the numbers are in the measures, under "details")."""
    if s.unit in _EVERYDAY_UNITS:
        return f"{fmt(lo)} … {fmt(hi)} {s.unit}"
    return _PLAIN_RANGE.get(s.unit, "")


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


#: Half the width of a time label per character, in the SVG's units (10 px digits).
_HALF_CHAR_W = 3.0


def _anchor(x: float, text: str, width: int) -> str:
    """Centre a time label on its tick unless that would cut it at an edge of the drawing (the
    phone layout's tracks start 4 units in: a centred "0:00" lost its first characters)."""
    half = len(text) * _HALF_CHAR_W
    if x - half < 0:
        return "start"
    return "end" if x + half > width else "middle"


def _ticks(duration: float, most: int = 10) -> list[float]:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if duration / step <= most:
            break
    n = int(duration // step)
    return [i * step for i in range(n + 1)]
