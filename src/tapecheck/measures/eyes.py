"""Eyes: can the eyes be seen in each sampled frame, and where is the head turned?

Per frame with the actor's face (faces.py), from its five landmarks:

* **eye regions** — a square of 0.35 × the eye distance around each eye landmark, compared
  with a skin patch on the cheek below it (0.35 × the eye distance, midway between eye and
  mouth corner, nudged outwards). Ratios are of gamma-coded luma, so a darker skin tone
  scales eye and cheek alike: the judgement does not depend on skin tone.
  - *shadow* (dark sockets under top light): the brightest tenth of the eye region (90th
    percentile: the white of the eye, a catchlight, the lid) is below `SHADOW_RATIO` × the
    cheek's median. Measured on the corpus (scripts/calibrate_vision.py, 15 clips, both eyes
    of every other frame): clean eyes 0.67–1.05 (median per clip 0.72–1.05); sockets darkened
    by 1.15 stops (×0.45, soft-edged band from brow to below the eyes) 0.33–0.54; by 1.7 stops
    (×0.3) 0.21–0.43. `SHADOW_RATIO` = 0.45 sits between the darkest clean eye and the
    shadowed ones. Both eyes must be dark (one dark eye is side light: light.py).
  - *glare* (a reflection on glasses): more than `GLARE_SHARE` of an eye region is near
    white (luma ≥ 235) while the cheek is not blown out, or — coloured reflections, a
    screen's blue light on the lenses, whose luma stays middling — brighter in its brightest
    channel (HSV value) than `GLARE_REL` × the cheek's and at least `GLARE_MIN_VALUE` (on a
    face lit brighter than 204 nothing can be: the near-white rule judges those). Corpus and
    real set, per clip, median share in the worse eye: catchlights and eye whites 0.00–0.02
    on every clip but one studio face at 0.09; blue screen reflections over both lenses of a
    webcam tape 0.49 (0.31–0.59 per frame); white patches drawn over both eyes 0.76.
  Faces whose eyes are closer than `MIN_EYE_DISTANCE_PX` are too small to judge the regions;
  their eyes count as visible when the head is not turned away.
* **head pose** — yaw and pitch relative to the line of sight, from the landmarks under weak
  perspective with a generic head (eyes 64 mm apart and 28 mm behind the nose tip, mouth
  corners 24 mm behind it; eye line 36.6 mm above and mouth 29.4 mm below the nose tip —
  set so the corpus' frontal faces, nose at 0.555 of the eye-to-mouth height, read 0°):
  yaw = atan(2.46 · nose offset from the eye–mouth midline / eye distance), pitch from where
  the nose tip sits between eye line and mouth (positive = looking down). Roll is removed
  first. On the corpus' talking heads |yaw| stays within 6° per frame on GRID and reaches
  15–25° where the speaker glances aside (SadTalker, VideoReTalking); pitch medians −5…+5°
  (5-point landmarks jitter by a few degrees). A head turned past `PROFILE_DEG` hides an eye.
  A face cut by a frame edge gets no pose and no eye regions (its landmarks crowd into what
  is left: measured yaw 40–76° and pitch 19–24° on frontal faces pushed half out of the
  frame, and "eye" patches on hair or skin; V304 reports the cut).

States per frame: visible, no-face, shadow, glare, profile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._vision import WorstFrame, clip_box, cut_edges, eye_distance, gray_of, on_actor
from .base import VideoMeasure

SHADOW_RATIO = 0.45
GLARE_SHARE = 0.30
GLARE_LUMA = 235
GLARE_REL = 1.25
GLARE_MIN_VALUE = 160
MIN_EYE_DISTANCE_PX = 8.0
PROFILE_DEG = 50.0

# generic head, mm (see the module docstring)
_EYE_GAP = 64.0
_EYE_DEPTH, _MOUTH_DEPTH = 28.0, 24.0
_EYE_UP, _MOUTH_DOWN = 36.6, 29.4

VISIBLE, NO_FACE, SHADOW, GLARE, PROFILE = "visible", "no-face", "shadow", "glare", "profile"


def head_pose(face) -> tuple[float, float]:
    """(yaw, pitch) in degrees relative to the line of sight; pitch > 0 is looking down."""
    (ax, ay), (bx, by) = face.eyes
    roll = math.atan2(by - ay, bx - ax)
    c, s = math.cos(-roll), math.sin(-roll)
    ex, ey = (ax + bx) / 2, (ay + by) / 2

    def local(p):
        dx, dy = p[0] - ex, p[1] - ey
        return dx * c - dy * s, dx * s + dy * c

    d = math.hypot(bx - ax, by - ay)
    nx, ny = local(face.nose)
    m1, m2 = local(face.mouth[0]), local(face.mouth[1])
    mx, my = (m1[0] + m2[0]) / 2, (m1[1] + m2[1]) / 2
    if d <= 1e-6:
        return 90.0, 0.0
    # yaw: nose tip's offset from the eye–mouth midline, over the eye distance
    r_yaw = (nx - mx / 2) / d
    k = _EYE_GAP / ((_EYE_DEPTH + _MOUTH_DEPTH) / 2)
    yaw = math.degrees(math.atan(k * r_yaw))
    # pitch: where the nose tip sits between the eye line (0) and the mouth (1)
    if my <= 1e-6:
        return yaw, 0.0
    r = ny / my
    span = _EYE_UP + _MOUTH_DOWN
    den = r * (_EYE_DEPTH - _MOUTH_DEPTH) - _EYE_DEPTH   # < 0 for any sane r (r < 7)
    pitch = math.degrees(math.atan((_EYE_UP - span * r) / den)) if den else 0.0
    return yaw, pitch


def _patch(img: np.ndarray, cx: float, cy: float, side: float) -> np.ndarray:
    h, w = img.shape[:2]
    x1, y1, x2, y2 = clip_box((cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2), w, h)
    return img[y1:y2, x1:x2]


def eye_regions(gray: np.ndarray, face, image: np.ndarray | None = None
                ) -> tuple[float, float] | None:
    """(brightest-tenth eye ÷ cheek, the larger of the two eyes' glare shares) or None.

    `image` (BGR, same pixels as `gray`) adds coloured reflections (a screen's blue light on
    glasses) to the near-white ones: see the module docstring."""
    d = eye_distance(face)
    if d < MIN_EYE_DISTANCE_PX:
        return None
    ratios, glare = [], []
    for eye, mouth, side in ((face.eyes[0], face.mouth[0], -1), (face.eyes[1], face.mouth[1], 1)):
        ex, ey = eye
        kx, ky = (eye[0] + mouth[0]) / 2 + side * 0.12 * d, (eye[1] + mouth[1]) / 2
        ep = _patch(gray, ex, ey, 0.35 * d)
        cp = _patch(gray, kx, ky, 0.35 * d)
        if ep.size < 4 or cp.size < 4:
            continue
        cheek = float(np.median(cp))
        ratios.append(float(np.percentile(ep, 90)) / max(cheek, 1.0))
        share = float((ep >= GLARE_LUMA).mean()) if cheek < 220 else 0.0
        if image is not None:
            ev = _patch(image, ex, ey, 0.35 * d).max(axis=2)   # HSV value: the brightest channel
            cv = float(np.median(_patch(image, kx, ky, 0.35 * d).max(axis=2)))
            share = max(share, float((ev >= max(GLARE_MIN_VALUE, GLARE_REL * cv)).mean()))
        glare.append(share)
    if not ratios:
        return None
    return max(ratios), max(glare)


@dataclass(frozen=True)
class EyesResult:
    times: tuple[float, ...]
    states: tuple[str, ...]
    yaw: tuple[float | None, ...]
    pitch: tuple[float | None, ...]
    shadow: tuple[float | None, ...]     # brightest-tenth eye ÷ cheek, the better eye
    duration_s: float
    _thumbs: tuple = ()

    @property
    def frames(self) -> int:
        return len(self.times)

    @property
    def visible_ratio(self) -> float | None:
        return self.states.count(VISIBLE) / self.frames if self.frames else None

    def mask(self, state: str) -> list[bool]:
        return [s == state for s in self.states]

    def named(self) -> dict:
        return {"eyes_visible_ratio": self.visible_ratio}

    def series(self) -> list:
        from ..model import Series

        return [Series("eyes_visible", "", self.times,
                       tuple(float(s == VISIBLE) for s in self.states))]

    def thumbnails(self) -> list:
        return list(self._thumbs)


class Eyes(VideoMeasure):
    name = "eyes"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.states: list[str] = []
        self.yaw: list[float | None] = []
        self.pitch: list[float | None] = []
        self.shadow: list[float | None] = []
        self._tracks: list[int | None] = []
        self._run = 0
        self._worst = WorstFrame("Eyes hidden")

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        face = ff.main
        self.times.append(frame.t)
        if face is None:
            state, yaw, pitch, shadow = NO_FACE, None, None, None
        else:
            cut = bool(cut_edges(face, ff.width, ff.height))
            # a face cut by the frame edge misplaces its landmarks: no pose, no eye regions
            yaw, pitch = (None, None) if cut else head_pose(face)
            regions = None if cut else eye_regions(gray_of(ff, frame), face, frame.image)
            shadow = regions[0] if regions else None
            if yaw is not None and abs(yaw) > PROFILE_DEG:
                state = PROFILE
            elif regions is not None and regions[1] > GLARE_SHARE:
                state = GLARE
            elif regions is not None and regions[0] < SHADOW_RATIO:
                state = SHADOW
            else:
                state = VISIBLE
        self.states.append(state)
        self.yaw.append(yaw)
        self.pitch.append(pitch)
        self.shadow.append(shadow)
        self._tracks.append(ff.actor_track)
        if state in (SHADOW, GLARE, PROFILE):
            self._run += 1
            self._worst.offer(self._run, frame.t, frame.image, face.box,
                              label=f"{state} ({self._run} sampled frames)")
        else:
            self._run = 0
        return state

    def finish(self, done):
        thumb = self._worst.thumbnail()
        # frames read on someone the actor turned out not to be: the actor was not there
        other = [s != NO_FACE and not on_actor(done, k) for s, k in zip(self.states, self._tracks)]
        states = tuple(NO_FACE if o else s for s, o in zip(self.states, other))
        yaw, pitch, shadow = (tuple(None if o else v for v, o in zip(vals, other))
                              for vals in (self.yaw, self.pitch, self.shadow))
        return EyesResult(tuple(self.times), states, yaw, pitch, shadow, self.ctx.info.duration_s,
                          (thumb,) if thumb else ())
