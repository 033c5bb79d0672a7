"""Framing: where the actor's face sits in the picture, per sampled frame with a face.

All as shares of the displayed frame (rotation applied by ingest):

* `height` — face-box height ÷ frame height. CenterFace's box runs from the brows to the
  chin (about 2.85 × the eye-to-mouth distance on every corpus clip).
* `eyes` — eye line (mean of the two eye landmarks) from the top ÷ frame height.
* `center` — horizontal offset of the face centre from the frame centre ÷ frame width
  (−0.5 … 0.5, negative = left).
* `crown` — estimated top of the head from the top ÷ frame height: box top − 0.38 × box
  height. Calibrated on the GRID clips, whose whole head shows (hair top 0.38 box heights
  above the box top, ±0.05); below 0 the head is cut off by the top edge.
* `edges` — which frame edges cut the face (`_vision.cut_edges`): a string of 'l', 'r',
  't', 'b'.

Named: `face_height_ratio` and `eye_line_height_ratio` are medians over frames with a face.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._vision import WorstFrame, cut_edges, median_or_none
from .base import VideoMeasure

CROWN_ABOVE_BOX = 0.38


@dataclass(frozen=True)
class FramingFrame:
    t: float
    height: float
    eyes: float
    center: float
    crown: float
    edges: str


@dataclass(frozen=True)
class FramingResult:
    frames: tuple[FramingFrame, ...]
    duration_s: float
    _thumbs: tuple = ()

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

    def named(self) -> dict:
        return {"face_height_ratio": self.face_height, "eye_line_height_ratio": self.eye_line}

    def thumbnails(self) -> list:
        return list(self._thumbs)


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
        self._worst = WorstFrame("Framing")

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        face = ff.main
        if face is None:
            return None
        w, h = ff.width, ff.height
        x1, y1, x2, y2 = face.box
        edges = cut_edges(face, w, h)
        eyes = (face.eyes[0][1] + face.eyes[1][1]) / 2
        fr = FramingFrame(frame.t, (y2 - y1) / h, eyes / h, ((x1 + x2) / 2 - w / 2) / w,
                          (y1 - CROWN_ABOVE_BOX * (y2 - y1)) / h, edges)
        self.frames.append(fr)
        bad = badness(fr)
        if bad > 0:
            self._worst.offer(bad, frame.t, frame.image, face.box,
                              label=f"face {fr.height:.0%} of the frame height, eyes at "
                                    f"{fr.eyes:.0%} from the top")
        return fr

    def finish(self, done):
        thumb = self._worst.thumbnail()
        return FramingResult(tuple(self.frames), self.ctx.info.duration_s,
                             (thumb,) if thumb else ())
