"""A contact sheet: small pictures of the tape at regular times, so a report can show the moment
of any finding (the checks run after the frames are gone).

At most `MAX_FRAMES` are kept whatever the tape's length: one every `step` seconds, and when
the sheet is full every other picture is dropped and the step doubles (1 s, 2 s, 4 s …), so
memory stays bounded (≈ 6 kB of JPEG each) and the pictures stay evenly spread.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Thumbnail
from .base import VideoMeasure

MAX_FRAMES = 48
#: Long side of the pictures, px; JPEG quality (small files: they are for recognising a moment).
SIDE = 240
QUALITY = 70
FIRST_STEP_S = 1.0


@dataclass(frozen=True)
class SheetResult:
    pictures: tuple[Thumbnail, ...]

    def frames(self) -> list[Thumbnail]:
        return list(self.pictures)


class Sheet(VideoMeasure):
    name = "sheet"
    #: No check reads it; it runs whenever the video pass does, for the reports.
    report_only = True

    def __init__(self, ctx):
        super().__init__(ctx)
        self.step = FIRST_STEP_S
        self.next_t = 0.0
        self.kept: list[Thumbnail] = []

    def feed(self, frame, upstream):
        if frame.t + 0.5 / self.ctx.frame_rate < self.next_t:  # within half a sample: close enough
            return None
        import cv2

        img = frame.image
        h, w = img.shape[:2]
        scale = SIDE / max(h, w)
        if scale < 1:
            img = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))),
                             interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
        if ok:
            self.kept.append(Thumbnail(t_s=round(frame.t, 2), label="", jpeg=buf.tobytes()))
        if len(self.kept) > MAX_FRAMES:
            self.kept = self.kept[::2]
            self.step *= 2
        self.next_t = self.kept[-1].t_s + self.step if self.kept else frame.t + self.step
        return None

    def finish(self, done):
        return SheetResult(tuple(self.kept))
