"""Lip sync, the picture's half: how fast the actor's lips open and close, frame by frame.

The *opening speed of the lips*, from a stretch of the file decoded again at the full frame
rate (sync.py chooses the stretches, sync_offset.py matches the speed against the sound): the
aligned mouth crop of mouth.py (64 × 48 px, 1.6 × 1.2 eye distances), Farnebäck optical flow
between consecutive frames, mean vertical flow of the lower lip band (lower 40 % of the crop)
minus that of the upper band (upper 40 %): positive while the mouth opens, negative while it
closes. Landmarks come from the face model every `DETECT_EVERY_S` (every 3rd frame at 25 fps),
interpolated in between and median-filtered over 5 frames, so the crop does not jitter with
the detector.

**Whose lips.** `choose` picks the face at each detection: `actor_chooser` follows the actor
(faces.py `pick_actor`, the face inside the actor's 2 fps box), never a larger face beside
them; before the actor is known, `largest` takes the largest face.

Memory: per frame a small grey patch around the last known mouth (≤ 160 px square), never the
frame.
"""

from __future__ import annotations

import numpy as np

from .mouth import mouth_matrix

#: Face-model landmarks every this many seconds of frames (every 3rd frame at 25 fps).
DETECT_EVERY_S = 0.12
#: A frame whose mouth crop differs from the previous one by less than this (mean grey
#: levels) repeats it (a frozen picture, a duplicated frame): its lips say nothing about
#: timing. (The frozen-picture sample tape otherwise read as sound 410 ms late.)
DUPLICATE_GREY = 0.5
#: Crop for the flow, px.
FLOW_W, FLOW_H = 64, 48
#: Mouth patches are kept at most at this many px per eye distance.
PATCH_PX_PER_EYE = 40.0
PATCH_EYES = 4.0   # patch side, in eye distances


def lip_opening_speed(prev: np.ndarray, cur: np.ndarray) -> float:
    """Vertical flow of the lower-lip band minus the upper-lip band (px/frame, crop scale)."""
    import cv2

    flow = cv2.calcOpticalFlowFarneback(prev, cur, None, 0.5, 2, 9, 3, 5, 1.1, 0)
    vy = flow[..., 1]
    h, w = vy.shape
    cols = slice(w // 4, 3 * w // 4)
    return float(vy[int(h * 0.6):, cols].mean() - vy[:int(h * 0.4), cols].mean())


def _median5(x: np.ndarray) -> np.ndarray:
    """Running median over 5 rows (edges: shorter windows), column-wise."""
    n = len(x)
    out = np.empty_like(x)
    for i in range(n):
        out[i] = np.median(x[max(0, i - 2):i + 3], axis=0)
    return out


def largest(found, t: float):
    """The largest of the faces found at `t` (before the actor is known)."""
    return max(found, key=lambda f: f.area)


def actor_chooser(faces):
    """`choose` for `mouth_track` that follows the actor: of the faces found at `t`, the one
    inside the actor's box at the nearest 2 fps frame (faces.py `pick_actor`), else none —
    never the lips of someone else in the shot."""
    return lambda found, t: faces.pick_actor(found, t)


def mouth_track(frames, detect_every: int, choose=largest) -> tuple[np.ndarray, np.ndarray]:
    """Times and lip-opening speed (NaN where no face) of a stream of full-rate frames;
    `choose(faces, t)` picks whose lips (None: nobody's at this detection).

    Keeps, per frame, a small grey patch around the last known mouth (≤ 160 px square), not
    the frame."""
    import cv2

    from .faces import detect

    times, patches, marks = [], [], []
    last = None
    for i, frame in enumerate(frames):
        gray = frame.gray
        lm = None
        if i % detect_every == 0:
            found = detect(frame.image)
            face = choose(found, frame.t) if found else None
            if face is not None:
                lm = np.array(face.landmarks, np.float64)
                last = lm
        times.append(frame.t)
        marks.append(lm)
        if last is None:
            patches.append(None)
            continue
        eye_d = float(np.hypot(*(last[1] - last[0])))
        cx, cy = (last[3] + last[4]) / 2
        scale = min(1.0, PATCH_PX_PER_EYE / max(eye_d, 1e-6))
        half = PATCH_EYES * eye_d / 2
        h, w = gray.shape
        x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
        x1, y1 = int(min(w, cx + half)), int(min(h, cy + half))
        if x1 - x0 < 4 or y1 - y0 < 4:
            patches.append(None)
            continue
        patch = gray[y0:y1, x0:x1]
        if scale < 1.0:
            patch = cv2.resize(patch, (max(4, round((x1 - x0) * scale)),
                                       max(4, round((y1 - y0) * scale))),
                               interpolation=cv2.INTER_AREA)
        else:
            patch = patch.copy()  # not a view: the frame itself must not be kept
        patches.append((patch, x0, y0, (x1 - x0) / patch.shape[1], (y1 - y0) / patch.shape[0]))
    n = len(times)
    t = np.asarray(times, np.float64)
    speed = np.full(n, np.nan)
    known = [i for i, m in enumerate(marks) if m is not None]
    if len(known) < 2:
        return t, speed
    kidx = np.asarray(known)
    kl = np.stack([marks[i].ravel() for i in known])
    idx = np.arange(n)
    lm = np.stack([np.interp(idx, kidx, kl[:, c]) for c in range(10)], axis=1)
    # frames further than two detection intervals from any detection: no landmarks
    near = np.min(np.abs(idx[:, None] - kidx[None, :]), axis=1) <= 2 * detect_every
    lm = _median5(lm)
    prev = None
    for i in range(n):
        crop = None
        if near[i] and patches[i] is not None:
            patch, x0, y0, sx, sy = patches[i]
            pts = lm[i].reshape(5, 2)
            local = np.column_stack([(pts[:, 0] - x0) / sx, (pts[:, 1] - y0) / sy])
            m = mouth_matrix(local, FLOW_W, FLOW_H)
            crop = cv2.warpAffine(patch, m, (FLOW_W, FLOW_H),
                                  flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                  borderMode=cv2.BORDER_REPLICATE)
        if crop is not None and prev is not None and \
                float(np.abs(crop.astype(np.int16) - prev).mean()) >= DUPLICATE_GREY:
            speed[i] = lip_opening_speed(prev, crop)
        prev = crop
    return t, speed


# --- the estimate ------------------------------------------------------------------------


def decode_track(info, window: tuple[float, float], choose=None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Times and lip-opening speed of a stretch of the file, decoded at full frame rate, of
    the face `choose` picks (`mouth_track`; None: the largest)."""
    from ..ingest import iter_frames

    every = max(1, int(round((info.fps or 25.0) * DETECT_EVERY_S)))
    ws, we = window
    return mouth_track(iter_frames(info, rate=0, start_s=ws, duration_s=we - ws), every,
                       choose or largest)
