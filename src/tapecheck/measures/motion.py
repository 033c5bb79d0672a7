"""Camera shake: how far the camera moves between sampled frames, read on the background.

Global motion is measured on the background, never on the actor: corners (Shi–Tomasi) are
found in the previous sampled frame outside everyone in shot (`_vision.person_mask`: head,
hair and body around each face box), tracked into the current one with pyramidal
Lucas–Kanade optical flow (both at 320 px wide) and kept only when they track back to where
they started. Then the camera's motion is decided by consensus, robust to things moving in
front of a still camera (the actor's hands, a passer-by):

* **still** — when at least `STILL_SHARE` of the points (and `MIN_POINTS`/2) did not move
  (under `STILL_PX`), the camera did not move: whatever else moved is the scene. A moving
  camera moves every background point, so a still cluster exists only when it stood still.
* **moving** — otherwise the camera's motion is the median displacement, provided the points
  agree on it (`COHERENT_SHARE` of them within `COHERENT_PX`, or `COHERENT_REL` × its size,
  of the median); when they disagree they are subjects moving on their own, and the pair is
  not measured.

A pair is also not measured when its points sit in fewer than `MIN_CELLS` cells of a 4 × 4
grid over the picture (one waving hand, a strip of window beside a face that fills the
frame: too little of the background to speak for the camera), or when the actor's face was
not found in the earlier frame nor in the `MASK_HOLD_S` before it (the actor is probably
still there, undetected, and would vote with an unmasked face; the last mask stands in for
`MASK_HOLD_S`). Until a face has been seen the whole picture is read. With no pair measured
the stability check is skipped with the reason — a plain backdrop or a framing the actor
fills cannot tell the camera's motion from the actor's.

Motion is reported in px at 640 px picture width (whatever the tape's size) between frames at
most `MAX_GAP_S` apart (the sampled frames, 0.5 s at the default 2 fps; `--quick` keyframes
further apart measure drift, not shake, and are skipped). `shake_px` is the median over the
measured pairs, when at least `MIN_COVERAGE` of the pairs tried were measured (a black
curtain whose only corners are the actor's hands in 2 of 19 pairs is not read as a camera
shaking; none when it is not). Calibration numbers: the stability check, checks/focus.py (V410).
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
#: A point moving less than this (px at 320 width) stood still, and this share of them means
#: the camera stood still (LK moves points of a static compressed picture by 0.0–0.2 px).
STILL_PX = 0.3
STILL_SHARE = 0.3
#: Points within this (px at 320 width), or this share of the median motion, of the median
#: motion agree with it (a hand-held camera turns and moves: parallax and rotation spread the
#: background's motion in proportion to it) …
COHERENT_PX = 2.0
COHERENT_REL = 0.3
#: … and must be at least this share for the median to be the camera's motion.
COHERENT_SHARE = 0.5
#: Points must spread over at least this many cells of a 4 × 4 grid over the picture.
MIN_CELLS = 3
#: Share of the frame pairs that must be measured for `shake_px` to speak for the tape.
MIN_COVERAGE = 1 / 3
#: How long the actor's last mask stands in for frames where the face is not found, s.
MASK_HOLD_S = 1.0


@dataclass(frozen=True)
class MotionResult:
    times: tuple[float, ...]           # time of the later frame of each measured pair
    shift: tuple[float, ...]           # px at 640 width
    duration_s: float
    pairs_tried: int

    @property
    def judged(self) -> bool:
        """Enough pairs measured to speak for the tape (a few textured moments do not)."""
        return bool(self.shift) and len(self.shift) >= MIN_COVERAGE * self.pairs_tried

    @property
    def shake_px(self) -> float | None:
        return median_or_none(self.shift) if self.judged else None

    def named(self) -> dict:
        return {"shake_px": self.shake_px}


def global_shift(prev: np.ndarray, cur: np.ndarray, mask: np.ndarray | None) -> float | None:
    """The camera's motion (px, in the images' scale) from prev to cur, read on background
    corners (module docstring), or None when the background cannot tell.

    `mask`: True where the background is (None: no face, the whole picture). Points must
    track back to where they started (forward–backward error < `FB_MAX_PX`): points sliding
    along an edge or lost in flat areas do not vote.
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
    h, w = prev.shape
    cells = {(int(4 * y / h), int(4 * x / w)) for x, y in pts.reshape(-1, 2)[good]}
    if len(cells) < MIN_CELLS:
        return None
    d = (nxt - pts).reshape(-1, 2)[good]
    mag = np.hypot(d[:, 0], d[:, 1])
    still = mag < STILL_PX
    if still.sum() >= max(MIN_POINTS / 2, STILL_SHARE * len(d)):
        return float(np.median(mag[still]))
    med = np.median(d, axis=0)
    spread = max(COHERENT_PX, COHERENT_REL * math.hypot(*(float(v) for v in med)))
    agree = np.hypot(d[:, 0] - med[0], d[:, 1] - med[1]) < spread
    if agree.mean() < COHERENT_SHARE:
        return None
    return math.hypot(*(float(v) for v in np.median(d[agree], axis=0)))


class Motion(VideoMeasure):
    name = "motion"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.shift: list[float] = []
        self.tried = 0
        #: (time, grey picture, background mask: None = whole picture, False = do not read)
        self._prev: tuple[float, np.ndarray, np.ndarray | None | bool] | None = None
        #: (time, background mask) of the last frame with a face
        self._mask: tuple[float, np.ndarray] | None = None

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
            self._mask = (frame.t, mask)
        elif self._mask is not None:  # no face here: the actor may be there, undetected
            mask = self._mask[1] if frame.t - self._mask[0] <= MASK_HOLD_S else False
        value = None
        if self._prev is not None and 0 < frame.t - self._prev[0] <= MAX_GAP_S:
            self.tried += 1
            _, prev, pmask = self._prev
            shift = None if pmask is False else global_shift(prev, gray, pmask)
            if shift is not None:
                value = shift * REPORT_WIDTH / gray.shape[1]
                self.times.append(frame.t)
                self.shift.append(value)
        self._prev = (frame.t, gray, mask)
        return value

    def finish(self, done):
        return MotionResult(tuple(self.times), tuple(self.shift), self.ctx.info.duration_s,
                            self.tried)
