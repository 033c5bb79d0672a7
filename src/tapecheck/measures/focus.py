"""Focus: how sharp the actor's face is for its size, and whether the background is sharper.

Sharpness of a patch = √(mean Laplacian² ÷ mean gradient²) — the Laplacian responds to edges
∝ 1/σ² and the gradient ∝ 1/σ for an edge blurred by σ, so the ratio is ≈ k/σ (px⁻¹):
an inverse edge width, independent of contrast and exposure.

Relative to face size: the face region (`_vision.inner_face`) is resized to `CANON_PX` rows
before measuring, so a blur of a given share of the face height reads the same on a 60 px
and a 300 px face. Measured (scripts/calibrate_vision.py; Obama and astronaut photos scaled
to face heights of 300, 160 and 90 px, blurred by σ = a share of the face height):

    blur σ ÷ face height   0       1 %          2 %          3 %          5 %
    face_sharpness         1.6–2.1 0.93–1.18    0.60–0.70    0.50–0.57    0.46–0.63

Faces smaller than `CANON_PX` are measured as they are (not upscaled: resampling would blur
them); below `MIN_FACE_PX` the frame is too coarse to judge focus at all (a wide shot is
framing's business). The clean corpus clips measure 1.39–2.53 per frame (medians 1.46–2.34),
the ready sample tapes (GRID upscaled ×2.5) 1.5–1.8.

At 64 px the measure saturates near 0.6–0.7 for blurs beyond ≈ 3 % of the face height (the
edge is then wider than the filters and compression noise supplies what edges remain), so
it cannot say how *bad* a blur is. `coarse` is the same sharpness with the face at
`COARSE_PX` rows — the scale of eyes and mouth, where casting reads the face — which keeps
falling as the blur grows (judged on faces whose skin region is at least `CANON_PX` rows:
a smaller face has no finer detail to lose). Measured (`scripts/calibrate_vision.py --blur`, medians over
the frames; 11 corpus talking heads, 5 photos and 8 real recordings of corpus/real, the
first 4 s of each blurred by σ = a share of its own face height, re-encoded):

    blur σ ÷ face height   0          1 %        2 %        3 %        4 %        6 %
    face_sharpness (64)    1.22–2.21  0.96–1.33  0.70–0.94  0.57–0.87  0.54–0.90  0.52–1.08
    coarse (32)            1.73–2.71  1.45–2.14  1.10–1.57  0.91–1.28  0.79–1.08  0.67–0.90

Real tapes as recorded, coarse: 1.68 (a letterboxed 4:3 webcam) to 2.6; a soft, dark
224 px face-track crop 1.50 (labelled soft); the defect-focus_blurred sample 0.93.

Background: the whole frame is scaled by the same factor as the face, cut into 16 px tiles;
tiles outside the actor (`_vision.person_mask`) and off the frame border whose gradient is
strong enough to measure (rms ≥ 6 grey levels per px — a plain wall is not measured) are
scored the same way; `bg` is their 75th percentile (None with fewer than 4 such tiles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._vision import gray_of, inner_face, median_or_none, on_actor, person_mask
from .base import VideoMeasure

CANON_PX = 64
COARSE_PX = 32
MIN_FACE_PX = 48
TILE_PX = 16
MIN_TILE_GRADIENT = 6.0
MIN_TILES = 4


def _maps(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    img = img.astype(np.float32)
    lap = cv2.Laplacian(img, cv2.CV_32F, ksize=1)
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return lap * lap, gx * gx + gy * gy


def sharpness(patch: np.ndarray) -> float | None:
    """√(mean Laplacian² ÷ mean gradient²) of a grey patch (None when flat)."""
    if patch.shape[0] < 4 or patch.shape[1] < 4:
        return None
    l2, g2 = _maps(patch)
    g = float(g2[1:-1, 1:-1].mean())
    if g < 1e-3:
        return None
    return math.sqrt(float(l2[1:-1, 1:-1].mean()) / g)


def face_sharpness(gray: np.ndarray, face) -> tuple[float | None, float, float | None]:
    """(sharpness at the canonical face size, scale used, sharpness at `COARSE_PX` rows)."""
    import cv2

    h, w = gray.shape
    x1, y1, x2, y2 = inner_face(face, w, h)
    crop = gray[y1:y2, x1:x2]
    if crop.size == 0:
        return None, 1.0, None
    out = []
    for rows in (CANON_PX, COARSE_PX):
        scale = min(1.0, rows / crop.shape[0])
        small = crop
        if scale < 1.0:
            small = cv2.resize(crop, (max(4, round(crop.shape[1] * scale)), rows),
                               interpolation=cv2.INTER_AREA)
        out.append((sharpness(small), scale))
    (fine, scale), (coarse, _) = out
    # the coarse scale needs a face of at least CANON_PX rows: a smaller one has no finer
    # detail to lose, and its softness is its size (framing's and resolution's business)
    return fine, scale, coarse if crop.shape[0] >= CANON_PX else None


def background_sharpness(gray: np.ndarray, face, scale: float) -> float | None:
    import cv2

    h, w = gray.shape
    small = gray
    if scale < 1.0:
        small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                           interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    ty, tx = sh // TILE_PX, sw // TILE_PX
    if ty < 3 or tx < 3:
        return None
    l2, g2 = _maps(small)
    crop = (slice(0, ty * TILE_PX), slice(0, tx * TILE_PX))
    l2t = l2[crop].reshape(ty, TILE_PX, tx, TILE_PX).mean(axis=(1, 3))
    g2t = g2[crop].reshape(ty, TILE_PX, tx, TILE_PX).mean(axis=(1, 3))
    mask = person_mask(face, w, h)
    if scale < 1.0:
        mask = cv2.resize(mask.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST) > 0
    mt = mask[crop].reshape(ty, TILE_PX, tx, TILE_PX).any(axis=(1, 3))
    ok = ~mt & (g2t >= MIN_TILE_GRADIENT ** 2)
    ok[0, :] = ok[-1, :] = False  # frame borders: letterbox lines, edge artefacts
    ok[:, 0] = ok[:, -1] = False
    if ok.sum() < MIN_TILES:
        return None
    return float(np.percentile(np.sqrt(l2t[ok] / g2t[ok]), 75))


@dataclass(frozen=True)
class FocusFrame:
    t: float
    face: float | None     # face sharpness at the canonical size (None: face too small)
    bg: float | None       # background sharpness at the same scale (None: nothing to measure)
    face_px: float
    coarse: float | None = None   # face sharpness at `COARSE_PX` rows


@dataclass(frozen=True)
class FocusResult:
    frames: tuple[FocusFrame, ...]
    duration_s: float

    @property
    def times(self) -> tuple[float, ...]:
        return tuple(f.t for f in self.frames)

    @property
    def face(self) -> float | None:
        return median_or_none(f.face for f in self.frames)

    @property
    def coarse(self) -> float | None:
        return median_or_none(f.coarse for f in self.frames)

    @property
    def background(self) -> float | None:
        return median_or_none(f.bg for f in self.frames if f.face is not None)

    @property
    def judged(self) -> int:
        return sum(f.face is not None for f in self.frames)

    @property
    def detailed(self) -> bool:
        """The face is at least `CANON_PX` rows in most judged frames: measured at the
        canonical scale, so its sharpness can be set against the background's. A smaller
        face is measured as it is, with none of the fine detail (lashes, skin) that a
        textured background at the same scale has."""
        sizes = [f.face_px for f in self.frames if f.face is not None]
        return bool(sizes) and float(np.median(sizes)) >= CANON_PX

    def named(self) -> dict:
        return {"face_sharpness": self.face}


class Focus(VideoMeasure):
    name = "focus"
    requires = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.frames: list[FocusFrame] = []
        self._tracks: list[int | None] = []

    def feed(self, frame, upstream):
        ff = upstream["faces"]
        face = ff.main
        if face is None:
            return None
        if face.height < MIN_FACE_PX:
            out = FocusFrame(frame.t, None, None, face.height)
        else:
            gray = gray_of(ff, frame)
            sharp, scale, coarse = face_sharpness(gray, face)
            bg = background_sharpness(gray, face, scale) if sharp is not None else None
            out = FocusFrame(frame.t, sharp, bg, face.height, coarse)
        self.frames.append(out)
        self._tracks.append(ff.actor_track)
        return out

    def finish(self, done):
        frames = tuple(f for f, k in zip(self.frames, self._tracks) if on_actor(done, k))
        return FocusResult(frames, self.ctx.info.duration_s)
