"""Light on the face, judged against the face's own histogram and the background.

Skin tones differ, so no single face brightness is "right". Per sampled frame with the
actor's face (faces.py), on gamma-coded luma Y′ (0–255, BT.601 weights, the picture as
decoded and shown):

* face region — the detector's box less its edges (`_vision.inner_face`: skin, eyes, mouth);
  `luma` is its mean, `high` its 95th percentile: the face's own highlights (forehead, nose,
  cheekbones). A face in good light of any skin tone puts its highlights high in the range;
  an underexposed face has no highlights at all. The checks judge `high`, not the mean.
* `clipped` — share of the face region at Y′ ≥ 250 (blown to white: no detail left).
* background — everything outside the actor (`_vision.person_mask`: head, hair and body
  around the face box); `bg` is its mean Y′, `bg_high` its 90th percentile (a window).
  `backlight` = face mean ÷ background mean.
* `side` — how many stops one side of the face is darker than the other: the two cheeks
  (a square of 0.35 × the eye distance midway between each eye and mouth corner, nudged
  outwards: skin on both sides, no hair, eye socket or background) are compared, their
  median Y′ linearised (Y′/255)^2.2: |log2(left ÷ right)|. Only faces turned less than
  `SIDE_MAX_YAW` from the lens: a turned head puts its far cheek in its own shadow whatever
  the light. Portrait lighting calls a 2:1 key-to-fill ratio (1 stop) flat, 3:1 (1.6 stops)
  a modelling light and 4:1 (2 stops) dramatic low-key light. (Before: the means of the
  face's two halves, which let hair and background into the darker half.)

Named measures are medians over the frames with a face (`face_clipped_ratio`: the mean share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._vision import (WorstFrame, clip_box, eye_distance, gray_of, inner_face, median_or_none, on_actor,
                      person_mask)
from .base import VideoMeasure

CLIP_LUMA = 250
GAMMA = 2.2
#: Faces turned further than this (°, head yaw) are not judged for side light.
SIDE_MAX_YAW = 20.0


@dataclass(frozen=True)
class LightFrame:
    t: float
    luma: float
    high: float
    clipped: float
    bg: float | None
    bg_high: float | None
    side: float | None


@dataclass(frozen=True)
class LightResult:
    frames: tuple[LightFrame, ...]      # only frames with a face
    duration_s: float
    _thumbs: tuple = ()

    def _med(self, attr: str) -> float | None:
        return median_or_none(getattr(f, attr) for f in self.frames)

    @property
    def times(self) -> tuple[float, ...]:
        return tuple(f.t for f in self.frames)

    @property
    def face_luma(self) -> float | None:
        return self._med("luma")

    @property
    def face_high(self) -> float | None:
        return self._med("high")

    @property
    def background_luma(self) -> float | None:
        return self._med("bg")

    @property
    def background_high(self) -> float | None:
        return self._med("bg_high")

    @property
    def backlight_ratio(self) -> float | None:
        vals = [f.luma / f.bg for f in self.frames if f.bg]
        return float(np.median(vals)) if vals else None

    @property
    def clipped_ratio(self) -> float | None:
        return float(np.mean([f.clipped for f in self.frames])) if self.frames else None

    @property
    def side_stops(self) -> float | None:
        return self._med("side")

    def named(self) -> dict:
        return {"face_luma_mean": self.face_luma, "backlight_ratio": self.backlight_ratio,
                "face_clipped_ratio": self.clipped_ratio}

    def thumbnails(self) -> list:
        return list(self._thumbs)


def _lin(y: float) -> float:
    return max(y, 0.5) / 255.0


def side_stops(gray: np.ndarray, face) -> float | None:
    """Stops between the two cheeks in linear light (None: face turned or too small)."""
    from .eyes import head_pose

    d = eye_distance(face)
    if d < 8 or abs(head_pose(face)[0]) > SIDE_MAX_YAW:
        return None
    h, w = gray.shape
    cheeks = []
    for eye, mouth, out in ((face.eyes[0], face.mouth[0], -1), (face.eyes[1], face.mouth[1], 1)):
        cx, cy = (eye[0] + mouth[0]) / 2 + out * 0.12 * d, (eye[1] + mouth[1]) / 2
        a, b, c, e = clip_box((cx - 0.175 * d, cy - 0.175 * d, cx + 0.175 * d, cy + 0.175 * d),
                              w, h)
        if (c - a) * (e - b) < 4:
            return None
        cheeks.append(float(np.median(gray[b:e, a:c])))
    return abs(math.log2((_lin(cheeks[0]) ** GAMMA) / (_lin(cheeks[1]) ** GAMMA)))


class Light(VideoMeasure):
    name = "light"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.frames: list[LightFrame] = []
        self._tracks: list[int | None] = []
        self._dark = WorstFrame("Darkest face")

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        face = ff.main
        if face is None:
            return None
        gray = gray_of(ff, frame)
        h, w = gray.shape
        x1, y1, x2, y2 = inner_face(face, w, h)
        region = gray[y1:y2, x1:x2]
        if region.size < 16:
            return None
        luma = float(region.mean())
        high = float(np.percentile(region, 95))
        clipped = float((region >= CLIP_LUMA).mean())
        mask = person_mask(face, w, h)
        bg_px = gray[~mask]
        bg = bg_high = None
        if bg_px.size >= 0.05 * gray.size:
            bg = float(bg_px.mean())
            bg_high = float(np.percentile(bg_px, 90))
        side = side_stops(gray, face)
        lf = LightFrame(frame.t, luma, high, clipped, bg, bg_high, side)
        self.frames.append(lf)
        self._tracks.append(ff.actor_track)
        self._dark.offer(-high, frame.t, frame.image, face.box,
                         label=f"face luma {luma:.0f}, highlights {high:.0f} of 255")
        return lf

    def finish(self, done):
        thumb = self._dark.thumbnail()
        frames = tuple(f for f, k in zip(self.frames, self._tracks) if on_actor(done, k))
        return LightResult(frames, self.ctx.info.duration_s,
                           (thumb,) if thumb else ())
