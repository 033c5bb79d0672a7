"""Camera shake: how far the whole picture moves between sampled frames.

Global motion is measured on the background, not on the actor: corners (Shi–Tomasi) are found
in the previous sampled frame outside the actor (`_vision.person_mask`), tracked into the
current one with pyramidal Lucas–Kanade optical flow (both at 320 px wide), and the median of
their displacements is the camera's motion — the actor talking or moving inside a steady
frame moves only the points on the actor, which the mask and the median leave out. When the
background has too few corners (a plain wall), points anywhere outside the face box are used;
with too few even then, the pair is not measured.

Motion is reported in px at 640 px picture width (whatever the tape's size) between frames at
most `MAX_GAP_S` apart (the sampled frames, 0.5 s at the default 2 fps; `--quick` keyframes
further apart measure drift, not shake, and are skipped). `shake_px` is the median over the
pairs. Measured (scripts/calibrate_vision.py): tripod talking heads of the corpus ≤ 0.3 px;
the handheld selfie clip (liveportrait d13) ≈ 3 px; a GRID tape shaken by a moving crop of
amplitude A px (at 640 width) ≈ the crop's displacement between samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._vision import clip_box, median_or_none, person_mask
from .base import VideoMeasure

WORK_WIDTH = 320
REPORT_WIDTH = 640
MAX_GAP_S = 0.75
MIN_POINTS = 12
MAX_POINTS = 200


@dataclass(frozen=True)
class MotionResult:
    times: tuple[float, ...]           # time of the later frame of each measured pair
    shift: tuple[float, ...]           # px at 640 width
    duration_s: float
    pairs_tried: int

    @property
    def shake_px(self) -> float | None:
        return median_or_none(self.shift)

    def named(self) -> dict:
        return {"shake_px": self.shake_px}


def global_shift(prev: np.ndarray, cur: np.ndarray, mask: np.ndarray | None,
                 face_box=None) -> float | None:
    """Median displacement (px, in the images' scale) of background corners from prev to cur."""
    import cv2

    def corners(m):
        return cv2.goodFeaturesToTrack(prev, MAX_POINTS, 0.01, 6,
                                       mask=None if m is None else m.astype(np.uint8) * 255)

    pts = corners(mask) if mask is not None else corners(None)
    if (pts is None or len(pts) < MIN_POINTS) and face_box is not None:
        m = np.ones(prev.shape, bool)
        x1, y1, x2, y2 = clip_box(face_box, prev.shape[1], prev.shape[0])
        m[y1:y2, x1:x2] = False
        pts = corners(m)
    if pts is None or len(pts) < MIN_POINTS:
        return None
    nxt, status, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, winSize=(21, 21),
                                              maxLevel=3)
    good = status.reshape(-1) == 1
    if good.sum() < MIN_POINTS:
        return None
    d = (nxt - pts).reshape(-1, 2)[good]
    dx, dy = float(np.median(d[:, 0])), float(np.median(d[:, 1]))
    return math.hypot(dx, dy)


class Motion(VideoMeasure):
    name = "motion"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.shift: list[float] = []
        self.tried = 0
        self._prev: tuple[float, np.ndarray, np.ndarray | None, tuple | None] | None = None

    def feed(self, frame, upstream):
        import cv2

        face = upstream["faces"].main
        h, w = frame.image.shape[:2]
        scale = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
        gray = frame.gray
        if scale < 1.0:
            gray = cv2.resize(gray, (WORK_WIDTH, max(1, round(h * scale))),
                              interpolation=cv2.INTER_AREA)
        mask = box = None
        if face is not None:
            mask = cv2.resize(person_mask(face, w, h).astype(np.uint8),
                              (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST) == 0
            box = tuple(v * scale for v in face.box)
        value = None
        if self._prev is not None and 0 < frame.t - self._prev[0] <= MAX_GAP_S:
            self.tried += 1
            t0, prev, pmask, pbox = self._prev
            shift = global_shift(prev, gray, pmask, pbox)
            if shift is not None:
                value = shift * REPORT_WIDTH / gray.shape[1]
                self.times.append(frame.t)
                self.shift.append(value)
        self._prev = (frame.t, gray, mask, box)
        return value

    def finish(self, done):
        return MotionResult(tuple(self.times), tuple(self.shift), self.ctx.info.duration_s,
                            self.tried)
