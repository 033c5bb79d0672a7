"""The actor's mouth: a landmark-aligned crop and how much it changes between sampled frames.

This is the picture half of *who is speaking when* (speakers.py); the full-rate half, for
lip sync, is in sync_lips.py and uses the same crop (`mouth_crop`).

**Alignment.** CenterFace gives five landmarks (faces.py). The crop is centred on the midpoint
of the two mouth corners, turned by the eye line's angle (head roll) and scaled by the eye
distance, so the same part of the face lands in the same pixels whatever the face's size,
position and roll: 1.6 × 1.2 eye distances (lips, chin top, philtrum), resampled to 48 × 32
grey pixels, then normalised to zero mean and unit spread (light and skin tone drop out).

**Activity** of a sampled frame: how much the aligned mouth changed since the previous sampled
frame (≤ `MAX_GAP_S` earlier, normally 0.5 s at 2 fps): the mean absolute difference of the
two normalised crops, taken at the best of the 5 × 5 small shifts (±2 px) — the shift search
absorbs the landmarks' frame-to-frame jitter, which otherwise looks like mouth motion. While
the actor speaks the mouth is in a different position at each sample; while they listen it
stays put.

Measured on the corpus at 2 fps (scripts/calibrate_crossmodal.py activity; medians of the
frame pairs per clip): speaking 0.21–0.39 on the low-resolution GRID clips, 0.38–0.52 on the
SadTalker/video-retalking addresses, 0.48 on the LivePortrait selfie; still, silent faces 0.18
(LivePortrait s20) and 0.27 (s32, smiling); LivePortrait s13, whose sound track carries speech
while her mouth barely moves, 0.22. Pooled over clips the two overlap — picture quality
sets the scale, and at 2 fps the same sentence reads 0.20 or 0.35 depending on where the
samples fall — so speakers.py never compares a tape with a fixed number, only its speech
with itself.

Dividing by the change of a reference region (the nose) to discount head motion and light was
tried: on frame pairs from every clip (three sampling phases, 364 pairs) it *lowered* the
separation of speaking from silent pairs (area under the ROC curve 0.90 without, 0.72 for the
ratio and for the difference): the nose region moves with the upper lip and blinks leak into
it, while the shift search already absorbs small head motion.

A sample is not judged (activity None) when the face is missing, turned more than
`MAX_YAW_DEG` (the mouth is foreshortened and one corner hidden), its crop runs out of the
frame, or it is smaller than `MIN_EYE_PX` between the eyes (the lips are a few pixels tall).
Per frame only floats are kept; the one previous crop (48 × 32 float32, 6 kB) is the only
picture held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .base import VideoMeasure

#: Crop of the mouth at 2 fps (px).
CROP_W, CROP_H = 48, 32
#: Crop extent: half-width and half-height in eye distances, around the mouth centre.
HALF_W_EYES, HALF_H_EYES = 0.8, 0.6
#: Shift search of the difference (px of the crop).
SHIFT_PX = 2
#: Sampled frames further apart than this are not compared (keyframes in --quick mode).
MAX_GAP_S = 1.0
#: A head turned further than this from the camera hides the mouth's shape.
MAX_YAW_DEG = 40.0
#: Eye distance (px in the ≤ 640 px sampled frame) below which the mouth is too small.
MIN_EYE_PX = 14.0


def mouth_matrix(landmarks, width: int, height: int, half_w: float = HALF_W_EYES,
                 half_h: float = HALF_H_EYES) -> np.ndarray:
    """2 × 3 affine map from crop pixels (width × height) to image pixels for a face's
    landmarks ((x, y) × 5: eyes, nose, mouth corners) — for cv2.warpAffine(WARP_INVERSE_MAP)."""
    (lx, ly), (rx, ry), _, (mlx, mly), (mrx, mry) = landmarks
    eye_d = math.hypot(rx - lx, ry - ly)
    ang = math.atan2(ry - ly, rx - lx)
    c, s = math.cos(ang), math.sin(ang)
    sx = 2.0 * half_w * eye_d / width
    sy = 2.0 * half_h * eye_d / height
    a = np.array([[c * sx, -s * sy, 0.0], [s * sx, c * sy, 0.0]])
    cx, cy = (mlx + mrx) / 2.0, (mly + mry) / 2.0
    a[:, 2] = np.array([cx, cy]) - a[:, :2] @ np.array([width / 2.0, height / 2.0])
    return a


def mouth_crop(gray: np.ndarray, landmarks, width: int = CROP_W, height: int = CROP_H,
               ) -> np.ndarray:
    """The aligned mouth crop (float32, grey levels) of a grey image."""
    import cv2

    m = mouth_matrix(landmarks, width, height)
    return cv2.warpAffine(gray, m, (width, height),
                          flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE).astype(np.float32)


def normalised(crop: np.ndarray) -> np.ndarray:
    return (crop - crop.mean()) / (crop.std() + 1e-6)


def change(a: np.ndarray, b: np.ndarray, shift: int = SHIFT_PX) -> float:
    """Mean |a − b| of two normalised crops at the best small shift of b."""
    h, w = a.shape
    core = a[shift:h - shift, shift:w - shift]
    best = math.inf
    for dy in range(-shift, shift + 1):
        for dx in range(-shift, shift + 1):
            d = float(np.abs(core - b[shift + dy:h - shift + dy, shift + dx:w - shift + dx]).mean())
            best = min(best, d)
    return best


def judgeable(face, width: int, height: int) -> str | None:
    """Why this face's mouth cannot be judged, or None when it can."""
    from ._vision import eye_distance
    from .eyes import head_pose

    if face is None:
        return "no-face"
    if eye_distance(face) < MIN_EYE_PX:
        return "small"
    m = mouth_matrix(face.landmarks, CROP_W, CROP_H)
    corners = m[:, :2] @ np.array([[0, CROP_W, 0, CROP_W], [0, 0, CROP_H, CROP_H]]) + m[:, 2:]
    if corners[0].min() < -2 or corners[1].min() < -2 or corners[0].max() > width + 2 \
            or corners[1].max() > height + 2:
        return "cut"
    yaw, _ = head_pose(face)
    if abs(yaw) > MAX_YAW_DEG:
        return "turned"
    return None


@dataclass(frozen=True)
class MouthResult:
    """Per sampled frame: time, why the mouth could not be judged ("" when it could), and the
    activity since the previous sampled frame (None when either frame was not judged)."""

    times: tuple[float, ...]
    state: tuple[str, ...]
    activity: tuple[float | None, ...]
    prev_t: tuple[float | None, ...]
    #: How fast the head moved since the previous sampled frame with a face (≤ MAX_GAP_S
    #: earlier): the eye midpoint's displacement in eye distances per second (None: no pair).
    head: tuple[float | None, ...] = ()

    def series(self) -> list:
        """Mouth activity and head motion over time (for `tapecheck takes` and timelines)."""
        from ..model import Series

        out = [Series("mouth_activity", "", self.times, self.activity)]
        if self.head:
            out.append(Series("head_motion", "eye distances/s", self.times, self.head))
        return out

    def pairs(self, start_s: float, end_s: float, slack_s: float = 0.05) -> list[float]:
        """Activities of frame pairs that lie wholly within [start_s, end_s]."""
        out = []
        for t, p, a in zip(self.times, self.prev_t, self.activity):
            if a is not None and p is not None and p >= start_s - slack_s and t <= end_s + slack_s:
                out.append(a)
        return out

    def judged_share(self, start_s: float, end_s: float) -> float | None:
        """Share of the sampled frames in [start_s, end_s] whose mouth could be judged."""
        inside = [s for t, s in zip(self.times, self.state) if start_s <= t <= end_s]
        if not inside:
            return None
        return sum(1 for s in inside if not s) / len(inside)


class Mouth(VideoMeasure):
    name = "mouth"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.state: list[str] = []
        self.activity: list[float | None] = []
        self.prev_t: list[float | None] = []
        self.head: list[float | None] = []
        self._prev: tuple[float, np.ndarray] | None = None
        self._prev_eyes: tuple[float, float, float, float] | None = None  # t, x, y, eye distance

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        face = ff.main
        why = judgeable(face, ff.width, ff.height)
        act = None
        prev_t = None
        if why is None:
            gray = ff.gray if getattr(ff, "gray", None) is not None else frame.gray
            crop = normalised(mouth_crop(gray, face.landmarks))
            if self._prev is not None and frame.t - self._prev[0] <= MAX_GAP_S:
                prev_t = self._prev[0]
                act = change(crop, self._prev[1])
            self._prev = (frame.t, crop)
        else:
            self._prev = None
        self.times.append(frame.t)
        self.state.append(why or "")
        self.activity.append(act)
        self.prev_t.append(prev_t)
        self.head.append(self._head_motion(frame.t, face))
        return act

    def _head_motion(self, t: float, face) -> float | None:
        if face is None:
            self._prev_eyes = None
            return None
        (lx, ly), (rx, ry) = face.eyes
        now = (t, (lx + rx) / 2, (ly + ry) / 2, math.hypot(rx - lx, ry - ly))
        prev, self._prev_eyes = self._prev_eyes, now
        if prev is None or not 0 < t - prev[0] <= MAX_GAP_S or now[3] < 1.0:
            return None
        scale = (now[3] + prev[3]) / 2
        return math.hypot(now[1] - prev[1], now[2] - prev[2]) / scale / (t - prev[0])

    def finish(self, done):
        return MouthResult(tuple(self.times), tuple(self.state), tuple(self.activity),
                           tuple(self.prev_t), tuple(self.head))
