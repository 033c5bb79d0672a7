"""Small helpers the picture measures share: face regions, thumbnails, spans of a flag.

Regions are computed from the actor's face (see faces.py) in the sampled frame's pixels.
Nothing here keeps a frame longer than one call, except `WorstFrame`, which keeps one small
copy (≤ 320 px) of the current worst moment of one kind.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..model import Thumbnail

#: Long side of thumbnails, px.
THUMB_SIDE = 320


def gray_of(face_frame, frame) -> np.ndarray:
    """The frame's grey picture, converted once by the face measure (or here, if not)."""
    gray = getattr(face_frame, "gray", None)
    return gray if gray is not None else frame.gray


def clip_box(box, width: int, height: int) -> tuple[int, int, int, int]:
    """A float box (x1, y1, x2, y2) as integer pixel bounds inside the image (possibly empty)."""
    x1, y1, x2, y2 = box
    x1 = int(max(0, min(width, math.floor(x1))))
    x2 = int(max(0, min(width, math.ceil(x2))))
    y1 = int(max(0, min(height, math.floor(y1))))
    y2 = int(max(0, min(height, math.ceil(y2))))
    return x1, y1, max(x1, x2), max(y1, y2)


def inner_face(face, width: int, height: int) -> tuple[int, int, int, int]:
    """The skin of the face: the detector's box (brows to chin) less its edges, where hair,
    ears and background creep in."""
    x1, y1, x2, y2 = face.box
    w, h = x2 - x1, y2 - y1
    return clip_box((x1 + 0.18 * w, y1 + 0.06 * h, x2 - 0.18 * w, y2 - 0.06 * h), width, height)


def person_mask(face, width: int, height: int) -> np.ndarray:
    """True where the actor probably is: head and hair around the face box, and the body below
    it (shoulders reach about one face width beyond each side of the face)."""
    mask = np.zeros((height, width), bool)
    x1, y1, x2, y2 = face.box
    w, h = x2 - x1, y2 - y1
    hx1, hy1, hx2, hy2 = clip_box((x1 - 0.45 * w, y1 - 0.75 * h, x2 + 0.45 * w, y2 + 0.3 * h),
                                  width, height)
    mask[hy1:hy2, hx1:hx2] = True
    bx1, by1, bx2, by2 = clip_box((x1 - 1.1 * w, y2, x2 + 1.1 * w, height), width, height)
    mask[by1:by2, bx1:bx2] = True
    return mask


def cut_edges(face, width: int, height: int) -> str:
    """Which frame edges cut the face: 'l', 'r', 't', 'b' for each edge its box reaches.

    The detector clips its boxes to the picture, so a box within 1 % of the picture size
    (at least 2 px) of an edge is a face running out of the frame there.
    """
    x1, y1, x2, y2 = face.box
    tx, ty = max(2.0, 0.01 * width), max(2.0, 0.01 * height)
    return "".join(e for e, hit in (("l", x1 <= tx), ("r", x2 >= width - tx),
                                    ("t", y1 <= ty), ("b", y2 >= height - ty)) if hit)


def eye_distance(face) -> float:
    (ax, ay), (bx, by) = face.eyes
    return math.hypot(bx - ax, by - ay)


def small_copy(image: np.ndarray) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    scale = min(1.0, THUMB_SIDE / max(h, w))
    if scale >= 1.0:
        return image.copy()
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                      interpolation=cv2.INTER_AREA)


class WorstFrame:
    """Keeps the single worst moment of one kind while frames stream past (bounded memory).

    `offer(badness, t, image, box, label)` keeps the frame if it is worse than the kept one;
    the copy is made only then, at ≤ 320 px. `thumbnail()` encodes it as JPEG with the face
    box drawn (when given).
    """

    def __init__(self, kind: str):
        self.kind = kind
        self.badness = -math.inf
        self.t = 0.0
        self.image: np.ndarray | None = None
        self.scale = 1.0
        self.box = None
        self.label = ""

    def offer(self, badness: float, t: float, image: np.ndarray, box=None,
              label: str | Callable[[], str] = "") -> None:
        if not math.isfinite(badness) or badness <= self.badness:
            return
        self.badness = badness
        self.t = t
        self.image = small_copy(image)
        self.scale = self.image.shape[1] / image.shape[1]
        self.box = box
        self.label = label() if callable(label) else label

    def thumbnail(self) -> Thumbnail | None:
        if self.image is None:
            return None
        import cv2

        img = self.image
        if self.box is not None:
            img = img.copy()
            x1, y1, x2, y2 = (int(round(v * self.scale)) for v in self.box)
            cv2.rectangle(img, (x1, y1), (x2, y2), (0, 200, 255), 1)
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
        if not ok:
            return None
        return Thumbnail(t_s=round(self.t, 2), label=f"{self.kind}: {self.label}".rstrip(": "),
                         jpeg=buf.tobytes())


def on_actor(done: dict, track: int | None) -> bool:
    """Was a per-frame reading (taken on the face `faces` called the actor then, track id
    `track`) on the actor as finally decided? Readings without a track id (faces handed in
    directly) and runs without the faces result are kept."""
    faces = done.get("faces")
    return track is None or not hasattr(faces, "is_actor") or faces.is_actor(track)


def ratio(count: int, total: int) -> float | None:
    return count / total if total else None


def median_or_none(values) -> float | None:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.median(vals)) if vals else None
