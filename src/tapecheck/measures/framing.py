"""Framing: where the actor's face sits in the picture, per sampled frame with the actor.

The picture is the part of the frame that is not black bars: letterbox bars (top and
bottom) or pillarbox bars (left and right) are found per frame (`bars`: rows or columns
from an edge whose every pixel is at most `BAR_LUMA` and which vary by under `BAR_STD`
levels, on both opposite sides and of about the same size — a dark backdrop on one side is
not a bar) and every share below is of the picture inside them, so a letterboxed webcam is
framed by what the viewer sees of it. Real set: the letterboxed webcam tape reads 60 px
bars top and bottom (0.12 of 480) in every frame; the black curtain of a studio interview
(one side only) and a presenter's dark backdrop (6 % and 13 %) are not bars.

All as shares of the displayed picture (rotation applied by ingest):

* `height` — face-box height ÷ picture height. CenterFace's box runs from the brows (or the
  lower forehead) to the chin (about 2.85 × the eye-to-mouth distance on every corpus clip).
* `eyes` — eye line (mean of the two eye landmarks) from the top ÷ picture height.
* `center` — horizontal offset of the face centre from the picture centre ÷ picture width
  (−0.5 … 0.5, negative = left).
* `crown` — estimated top of the head from the top ÷ picture height: box top − 0.38 × box
  height. Calibrated on the GRID clips, whose whole head shows (hair top 0.38 box heights
  above the box top, ±0.05); below 0 the head is cut off by the top edge.
* `edges` — which picture edges cut the face (`_vision.cut_edges` on the picture): a string
  of 'l', 'r', 't', 'b'.
* `above` — room above the box top, in face heights: (box top − picture top) ÷ box height.
  The whole head needs about 0.38 (the hair top above the box, as for `crown`); under that
  the frame cuts the hair or the skull; at 0 it cuts the forehead.
* `below` — how much of the body shows under the chin, in face heights: (picture bottom −
  box bottom) ÷ box height. Shot size, independent of the picture's shape: with the head
  ≈ 1.4 face heights (crown to chin) and the body in head lengths (chest line one head
  under the chin, navel two, crotch three), a head-and-shoulders shot shows ≈ 0.5–1, a
  chest-up (medium close-up) shot ≈ 1.4–2, waist-up ≈ 2.8, mid-thigh ≈ 5.

Named: `face_height_ratio` and `eye_line_height_ratio` are medians over frames with the actor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._vision import WorstFrame, cut_edges, median_or_none, on_actor
from .base import VideoMeasure

CROWN_ABOVE_BOX = 0.38
#: Black bars: rows/columns at most this bright (Y′) …
BAR_LUMA = 32
#: … and this flat (standard deviation of Y′ along the row or column) …
BAR_STD = 3.0
#: … at least this share of the frame on one side, are bars, not picture …
BAR_MIN = 0.02
#: … when the opposite side has a bar within this share of the same size (encoders centre
#: the picture; a few rows of difference for odd sizes).
BAR_PAIR = 0.25
#: Bars are looked for in this outer share of the frame on each side.
BAR_SEARCH = 0.4


@dataclass(frozen=True)
class FramingFrame:
    t: float
    height: float
    eyes: float
    center: float
    crown: float
    edges: str
    above: float = 0.0
    below: float = 0.0


@dataclass(frozen=True)
class FramingResult:
    frames: tuple[FramingFrame, ...]
    duration_s: float
    _thumbs: tuple = ()
    #: Median black bars over the sampled frames: (top, bottom, left, right) as shares of the
    #: frame's height (top, bottom) and width (left, right).
    bars: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def times(self) -> tuple[float, ...]:
        return tuple(f.t for f in self.frames)

    @property
    def face_height(self) -> float | None:
        return median_or_none(f.height for f in self.frames)

    @property
    def eye_line(self) -> float | None:
        return median_or_none(f.eyes for f in self.frames)

    @property
    def center(self) -> float | None:
        return median_or_none(f.center for f in self.frames)

    @property
    def crown(self) -> float | None:
        return median_or_none(f.crown for f in self.frames)

    @property
    def above(self) -> float | None:
        return median_or_none(f.above for f in self.frames)

    @property
    def below(self) -> float | None:
        return median_or_none(f.below for f in self.frames)

    def named(self) -> dict:
        return {"face_height_ratio": self.face_height, "eye_line_height_ratio": self.eye_line}

    def thumbnails(self) -> list:
        return list(self._thumbs)


def bars(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Black bars of one grey frame in px: (top, bottom, left, right); 0 where none."""
    h, w = gray.shape

    def run(lines: np.ndarray, full: int) -> int:
        """Outer lines (first = outermost) that are dark and flat, counted inwards."""
        dark = lines.max(axis=1) <= BAR_LUMA
        n = int(np.argmin(dark)) if not dark.all() else len(dark)
        if n:
            flat = lines[:n].astype(np.float32).std(axis=1) < BAR_STD
            n = int(np.argmin(flat)) if not flat.all() else n
        return n if n >= BAR_MIN * full else 0

    if min(gray[0].max(), gray[-1].max()) > BAR_LUMA and \
            min(gray[:, 0].max(), gray[:, -1].max()) > BAR_LUMA:
        return 0, 0, 0, 0   # no dark pair of edges: the common case, decided cheaply
    rows, cols = int(h * BAR_SEARCH), int(w * BAR_SEARCH)
    top, bottom = _pair(run(gray[:rows], h), run(gray[::-1][:rows], h))
    left, right = _pair(run(gray.T[:cols], w), run(gray.T[::-1][:cols], w))
    if top + bottom >= h or left + right >= w:  # all black: no picture to frame
        return 0, 0, 0, 0
    return top, bottom, left, right


def _pair(a: int, b: int) -> tuple[int, int]:
    """Bars come in centred pairs (a picture placed in the middle of a larger frame); a dark
    backdrop on one side, or two unequal dark sides, is picture."""
    if a and b and abs(a - b) <= max(2, BAR_PAIR * max(a, b)):
        return a, b
    return 0, 0


def badness(f: FramingFrame) -> float:
    """How far one frame is from a chest-up, centred framing (0 = fine); picks the thumbnail."""
    return max(max(0.0, 0.2 - f.height) / 0.2, max(0.0, f.height - 0.6) / 0.4,
               max(0.0, f.eyes - 0.5) / 0.5, max(0.0, abs(f.center) - 0.15) / 0.35,
               max(0.0, -f.crown) / 0.2, 1.0 if f.edges else 0.0)


class Framing(VideoMeasure):
    name = "framing"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.frames: list[FramingFrame] = []
        self._tracks: list[int | None] = []
        self._bars: list[tuple[float, float, float, float]] = []
        self._worst = WorstFrame("Framing")

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        w, h = ff.width, ff.height
        gray = ff.gray if ff.gray is not None else frame.gray
        top, bottom, left, right = bars(gray)
        if (gray > BAR_LUMA).mean() > 0.02:  # a black frame says nothing about bars
            self._bars.append((top / h, bottom / h, left / w, right / w))
        face = ff.main
        if face is None:
            return None
        pw, ph = w - left - right, h - top - bottom
        x1, y1, x2, y2 = face.box
        x1, x2, y1, y2 = x1 - left, x2 - left, y1 - top, y2 - top
        fh = max(y2 - y1, 1e-6)
        edges = cut_edges(_Boxed((x1, y1, x2, y2)), pw, ph)
        eyes = (face.eyes[0][1] + face.eyes[1][1]) / 2 - top
        fr = FramingFrame(frame.t, fh / ph, eyes / ph, ((x1 + x2) / 2 - pw / 2) / pw,
                          (y1 - CROWN_ABOVE_BOX * fh) / ph, edges, y1 / fh, (ph - y2) / fh)
        self.frames.append(fr)
        self._tracks.append(ff.actor_track)
        bad = badness(fr)
        if bad > 0:
            self._worst.offer(bad, frame.t, frame.image, face.box,
                              label=f"face {fr.height:.0%} of the frame height, eyes at "
                                    f"{fr.eyes:.0%} from the top")
        return fr

    def finish(self, done):
        thumb = self._worst.thumbnail()
        frames = tuple(f for f, k in zip(self.frames, self._tracks) if on_actor(done, k))
        found = (tuple(float(np.median([b[i] for b in self._bars])) for i in range(4))
                 if self._bars else (0.0, 0.0, 0.0, 0.0))
        return FramingResult(frames, self.ctx.info.duration_s, (thumb,) if thumb else (),
                             found)


@dataclass(frozen=True)
class _Boxed:
    box: tuple[float, float, float, float]
