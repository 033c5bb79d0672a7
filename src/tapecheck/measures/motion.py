"""Camera shake: how far the whole picture moves between sampled frames.

Global motion is measured on the background, never on the actor: corners (Shi–Tomasi) are
found in the previous sampled frame outside the actor (`_vision.person_mask`: head, hair and
body around the face box), tracked into the current one with pyramidal Lucas–Kanade optical
flow (both at 320 px wide), kept only when they track back to where they started, and the
median of their displacements is the camera's motion. The actor talking, nodding or shifting
in a steady frame moves only points on the actor, which never vote. When the background shows
too few trackable details (a plain wall, a framing the actor fills) the pair is not measured —
the actor's movement cannot be told from the camera's there — and with no pair measured the
stability check is skipped with that reason.

Motion is reported in px at 640 px picture width (whatever the tape's size) between frames at
most `MAX_GAP_S` apart (the sampled frames, 0.5 s at the default 2 fps; `--quick` keyframes
further apart measure drift, not shake, and are skipped). `shake_px` is the median over the
measured pairs. Calibration numbers: the stability check, checks/focus.py (V410).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._vision import gray_of, median_or_none, person_mask
from .base import VideoMeasure

WORK_WIDTH = 320
REPORT_WIDTH = 640
MAX_GAP_S = 0.75
MIN_POINTS = 12
MAX_POINTS = 200
#: Forward–backward tracking error above which a point does not vote, px at 320 width.
FB_MAX_PX = 0.5


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


def global_shift(prev: np.ndarray, cur: np.ndarray, mask: np.ndarray | None) -> float | None:
    """Median displacement (px, in the images' scale) of background corners from prev to cur.

    `mask`: True where the background is (None: no face, the whole picture). Points must
    track back to where they started (forward–backward error < `FB_MAX_PX`): points sliding
    along an edge or lost in flat areas do not vote. Points on the actor never vote — with
    too few background points (a plain wall, a tight framing) the pair is not measured:
    the actor's own movement cannot be told from the camera's.
    """
    import cv2

    pts = cv2.goodFeaturesToTrack(prev, MAX_POINTS, 0.01, 6,
                                  mask=None if mask is None else mask.astype(np.uint8) * 255)
    return _track(prev, cur, pts)


def _track(prev: np.ndarray, cur: np.ndarray, pts) -> float | None:
    import cv2

    if pts is None or len(pts) < MIN_POINTS:
        return None
    lk = dict(winSize=(21, 21), maxLevel=3)
    nxt, status, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, **lk)
    back, status2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, nxt, None, **lk)
    fb = np.linalg.norm((back - pts).reshape(-1, 2), axis=1)
    good = (status.reshape(-1) == 1) & (status2.reshape(-1) == 1) & (fb < FB_MAX_PX)
    if good.sum() < MIN_POINTS:
        return None
    d = (nxt - pts).reshape(-1, 2)[good]
    return math.hypot(float(np.median(d[:, 0])), float(np.median(d[:, 1])))


class Motion(VideoMeasure):
    name = "motion"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.shift: list[float] = []
        self.tried = 0
        self._prev: tuple[float, np.ndarray, np.ndarray | None] | None = None

    def feed(self, frame, upstream):
        import cv2

        ff = upstream["faces"]
        h, w = frame.image.shape[:2]
        scale = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
        gray = gray_of(ff, frame)
        if scale < 1.0:
            gray = cv2.resize(gray, (WORK_WIDTH, max(1, round(h * scale))),
                              interpolation=cv2.INTER_AREA)
        mask = None
        if ff.faces:  # everyone in shot is masked out, the reader too
            people = np.zeros((h, w), bool)
            for face in ff.faces:
                people |= person_mask(face, w, h)
            mask = cv2.resize(people.astype(np.uint8), (gray.shape[1], gray.shape[0]),
                              interpolation=cv2.INTER_NEAREST) == 0
        value = None
        if self._prev is not None and 0 < frame.t - self._prev[0] <= MAX_GAP_S:
            self.tried += 1
            _, prev, pmask = self._prev
            shift = global_shift(prev, gray, pmask)
            if shift is not None:
                value = shift * REPORT_WIDTH / gray.shape[1]
                self.times.append(frame.t)
                self.shift.append(value)
        self._prev = (frame.t, gray, mask)
        return value

    def finish(self, done):
        return MotionResult(tuple(self.times), tuple(self.shift), self.ctx.info.duration_s,
                            self.tried)
