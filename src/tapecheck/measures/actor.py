"""Who the actor is: face tracks with an identity, followed through the sampled frames.

Every face the detector finds joins a *track*. A face continues a track when it is near
where the track was — within `1 + gap` face heights of its last centre if the track was seen
in one of the last `CONTINUITY_FRAMES` sampled frames (gap in sampled frames), within
`SAME_PLACE` face heights after a longer gap (the actor lost for a few seconds in the dark or
turned away, back where they were) — of a similar size (±`SIZE_RATIO`), and looks compatible
(appearance similarity ≥ `CONTINUITY_SIM`: a cut to someone else at the same place fails
it). A face that continues nothing may *rejoin* a track anywhere by appearance alone
(≥ `REJOIN_SIM`): the actor coming back after a cutaway. Anything else starts a new track.
Matching is greedy, best pair first, one face per track.

Appearance (no model, nothing downloaded): colour histograms (HSV, 8 hue × 3 saturation × 3
value bins) of three parts of the person — the face, the hair above it and the clothes below
the chin — each L1-normalised; similarity is the histogram intersection (0–1) averaged over
the parts both sides show. Clothes and hair tell two people in one room apart far better than
skin does; the track's appearance is a running mean, so slow light changes are followed.

**The actor** is the track with the largest accumulated *presence × size × centrality*: each
sampled frame in which a track's face shows adds its face height (share of the frame height)
× a centrality weight (1 at the centre of the picture falling to 0.25 at the corners). A face
that is there most of the tape, large and central wins; a reader at the edge of the frame, a
poster, someone walking through or an audience cutaway does not. While frames stream the
actor is the leader so far (a challenger must lead by `SWITCH_MARGIN` to take over, so the
choice does not flicker); the final choice, over the whole tape, is `Tracker.actor_id()` and
every measure that reads the actor per frame keeps only frames where it read that track.

Not used: whose mouth moves with the speech. The actor must be known frame by frame while the
video streams, before the audio pass has finished; on the corpus the rule above already picks
the speaker wherever one person is the subject.

Calibration (scripts/calibrate_vision.py --identity): similarity of a track's face to its own
running appearance vs to other people's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: A track can be continued when seen within this many sampled frames (≈ 1.5 s at 2 fps).
CONTINUITY_FRAMES = 3
#: After a longer gap a face continues a track only this close (face heights) to where it was.
SAME_PLACE = 1.0
#: A continuing face may differ in height from the track's last face by this factor.
SIZE_RATIO = 1.6
#: Appearance similarity a continuing face needs (a cut to someone else at the same place
#: fails it); and the one a face needs to rejoin a track it is not continuous with.
CONTINUITY_SIM = 0.45
REJOIN_SIM = 0.7
#: A challenger must lead the current actor's accumulated score by this factor to take over.
SWITCH_MARGIN = 1.25
#: Weight of the newest face in a track's running appearance.
LOOK_RATE = 0.2

_BINS = (8, 3, 3)
_RANGES = (0, 180, 0, 256, 0, 256)


def _hist(hsv: np.ndarray) -> np.ndarray | None:
    import cv2

    if hsv.shape[0] < 3 or hsv.shape[1] < 3:
        return None
    h = cv2.calcHist([hsv], [0, 1, 2], None, list(_BINS), list(_RANGES)).ravel()
    total = float(h.sum())
    return h / total if total > 0 else None


def _part(hsv: np.ndarray, box) -> np.ndarray | None:
    """Histogram of a box of the picture, or None when less than half of it is inside."""
    h, w = hsv.shape[:2]
    x1, y1, x2, y2 = box
    area = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    cx1, cy1 = int(max(0, math.floor(x1))), int(max(0, math.floor(y1)))
    cx2, cy2 = int(min(w, math.ceil(x2))), int(min(h, math.ceil(y2)))
    if area <= 0 or cx2 <= cx1 or cy2 <= cy1 or (cx2 - cx1) * (cy2 - cy1) < 0.5 * area:
        return None
    return _hist(hsv[cy1:cy2, cx1:cx2])


def appearance(hsv: np.ndarray, face) -> tuple[np.ndarray | None, ...]:
    """(face, hair, clothes) histograms of one face in an HSV picture (None: part not shown)."""
    x1, y1, x2, y2 = face.box
    w, h = x2 - x1, y2 - y1
    return (_part(hsv, (x1 + 0.2 * w, y1 + 0.1 * h, x2 - 0.2 * w, y2 - 0.1 * h)),
            _part(hsv, (x1 + 0.1 * w, y1 - 0.45 * h, x2 - 0.1 * w, y1 - 0.05 * h)),
            _part(hsv, (x1 - 0.3 * w, y2 + 0.25 * h, x2 + 0.3 * w, y2 + 0.95 * h)))


def similarity(a, b) -> float | None:
    """Mean histogram intersection over the parts both appearances show (None: none shared)."""
    vals = [float(np.minimum(p, q).sum()) for p, q in zip(a, b) if p is not None and q is not None]
    return sum(vals) / len(vals) if vals else None


def _blend(old, new):
    return tuple(n if o is None else o if n is None else (1 - LOOK_RATE) * o + LOOK_RATE * n
                 for o, n in zip(old, new))


def centrality(face, width: int, height: int) -> float:
    """1 at the centre of the picture, 0.25 at a corner."""
    cx, cy = face.center
    r = math.hypot(cx - width / 2, cy - height / 2) / math.hypot(width / 2, height / 2)
    return 1.0 - 0.75 * min(1.0, r)


@dataclass
class Track:
    id: int
    box: tuple[float, float, float, float]
    height: float
    last: int                  # index of the sampled frame it was last seen in
    look: tuple
    score: float = 0.0
    heights: list[float] = field(default_factory=list)

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


class Tracker:
    """Feeds faces frame by frame; says which track each face is and who the actor is."""

    def __init__(self):
        self.tracks: list[Track] = []
        self.frame = -1
        self._actor: int | None = None

    def update(self, faces, image: np.ndarray) -> tuple[list[int], int | None]:
        """Track ids of `faces` (same order) and the actor's track id so far."""
        import cv2

        self.frame += 1
        if not faces:
            return [], self._actor
        h, w = image.shape[:2]
        hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
        looks = [appearance(hsv, f) for f in faces]
        pairs = []
        for i, (f, look) in enumerate(zip(faces, looks)):
            for t in self.tracks:
                sim = similarity(look, t.look)
                gap = self.frame - t.last
                ratio = f.height / max(t.height, 1e-6)
                near = math.hypot(f.center[0] - t.center[0], f.center[1] - t.center[1])
                close = near <= (1 + gap) * t.height if gap <= CONTINUITY_FRAMES \
                    else near <= SAME_PLACE * t.height
                if (close and 1 / SIZE_RATIO <= ratio <= SIZE_RATIO
                        and (sim is None or sim >= CONTINUITY_SIM)):
                    pairs.append((2.0 + (sim or 0.5) - near / t.height / (1 + gap), i, t))
                elif sim is not None and sim >= REJOIN_SIM and 0.5 <= ratio <= 2.0:
                    pairs.append((sim, i, t))
        ids: list[int | None] = [None] * len(faces)
        used: set[int] = set()
        for _, i, t in sorted(pairs, key=lambda p: -p[0]):
            if ids[i] is None and t.id not in used:
                ids[i] = t.id
                used.add(t.id)
                t.box, t.height, t.last = faces[i].box, faces[i].height, self.frame
                t.look = _blend(t.look, looks[i])
        for i, f in enumerate(faces):
            if ids[i] is None:
                t = Track(len(self.tracks), f.box, f.height, self.frame, looks[i])
                self.tracks.append(t)
                ids[i] = t.id
        for i, f in enumerate(faces):
            t = self.tracks[ids[i]]
            t.score += f.height / h * centrality(f, w, h)
            t.heights.append(f.height)
        best = max(self.tracks, key=lambda t: t.score)
        if self._actor is None or best.score > SWITCH_MARGIN * self.tracks[self._actor].score:
            self._actor = best.id
        return [int(i) for i in ids], self._actor

    def actor_id(self) -> int | None:
        """The actor over the whole tape: the track with the largest accumulated score."""
        return max(self.tracks, key=lambda t: t.score).id if self.tracks else None

    def typical_height(self, track_id: int | None) -> float | None:
        if track_id is None:
            return None
        hs = self.tracks[track_id].heights
        return float(np.median(hs)) if hs else None
