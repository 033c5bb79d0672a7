"""Aligning two takes of the same lines on their speech, and saying when they are not.

Dynamic time warping (librosa.sequence.dtw; Sakoe & Chiba 1978) over the takes' MFCCs
(coefficients 1–12 of measures/delivery.py: the spectral envelope, without the level c0),
from the first to the last sounding frame of each take. Each take's coefficients are
normalised to zero mean and unit spread over its own sounding frames (cepstral mean and
variance normalisation), so a different microphone, room colour or gain moves nothing.
Frame distances are Euclidean; the path may stretch either take freely (steps (1,1), (1,0),
(0,1)), which is what a faster or slower read needs, and the diagonal step weighs 2 (the
symmetric form of Sakoe & Chiba): with equal weights a path with fewer steps costs less,
which pulled every measured pace ratio 1–5 % towards 1 on the corpus.

**Same text or not.** Along the best path, two readings of the same words meet the same
sounds; two different texts only meet similar ones by chance. `cost_ratio` is the mean
frame distance along the path divided by the mean distance between all frame pairs of the two
takes: it is near 0 for a copy and rises towards 1 as the path finds nothing better than
chance. It is relative to the two takes' own spread, so a noisy phone take and a clean one
are judged on the same scale. The threshold `SAME_TEXT_MAX_RATIO` = 0.58 was set on the
corpus (scripts/calibrate_takes.py text): 99 same-text pairs — 9 sources against copies of
themselves re-encoded, time-stretched ±10/20 %, pitch-shifted ±2 semitones, gain ±6 dB and
−6 → +6 dB, with pauses inserted — reached at most 0.52 (a GRID sentence shifted up 2
semitones: librosa's shift moves the formants too, more than a second take would); 136
different-text pairs — GRID sentences of one speaker and of different speakers, LibriSpeech
passages, CMU ARCTIC sentences of one speaker, LJSpeech, radio addresses — were at least
0.64 (a CMU ARCTIC sentence against a GRID one). 0.58 sits in the middle of the gap.

Memory: the distance and cost matrices are n × m; for long takes frames are averaged in
groups so neither side has more than `MAX_FRAMES` (≈ 50 MB at 2500 × 2500).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..measures.delivery import Delivery

MAX_FRAMES = 2500
#: MFCCs compared: 1–8, the spectral envelope without the level (c0) and the fine detail.
COEFFS = slice(1, 9)
#: Mean path distance / mean distance of all frame pairs, above which two takes are not the
#: same text (calibration in the module docstring).
SAME_TEXT_MAX_RATIO = 0.58


@dataclass(frozen=True)
class Alignment:
    """The warping path between take a and take b, in frame indices of each take."""

    path: np.ndarray          # k × 2 (i in a, j in b), increasing
    cost_ratio: float

    @property
    def same_text(self) -> bool:
        return self.cost_ratio <= SAME_TEXT_MAX_RATIO

    def map_frames(self, i, *, reverse: bool = False) -> np.ndarray:
        """Where frame position(s) `i` of take a fall in take b (of b in a with `reverse`):
        the mean partner of each frame on the path, interpolated between frames."""
        src, dst = (1, 0) if reverse else (0, 1)
        xs, ys = self.path[:, src].astype(float), self.path[:, dst].astype(float)
        uniq, inv = np.unique(xs, return_inverse=True)
        mean_y = np.bincount(inv, weights=ys) / np.bincount(inv)
        return np.interp(np.asarray(i, float), uniq, mean_y)

    def map_time(self, t_s: float, hop_s: float, *, reverse: bool = False) -> float:
        """Where time `t_s` of take a falls in take b (or of b in a with `reverse`)."""
        return float(self.map_frames(t_s / hop_s, reverse=reverse)) * hop_s


def _span(d: Delivery) -> tuple[int, int]:
    idx = np.flatnonzero(d.sounding)
    return int(idx[0]), int(idx[-1]) + 1


def _features(d: Delivery, lo: int, hi: int) -> np.ndarray:
    x = d.track.mfcc[lo:hi, COEFFS].astype(np.float64)
    ref = x[d.sounding[lo:hi]]
    return (x - ref.mean(axis=0)) / (ref.std(axis=0) + 1e-6)


def _pool(x: np.ndarray, k: int) -> np.ndarray:
    if k <= 1:
        return x
    n = len(x) // k * k
    head = x[:n].reshape(-1, k, x.shape[1]).mean(axis=1)
    return np.vstack([head, x[n:].mean(axis=0, keepdims=True)]) if n < len(x) else head


def align(a: Delivery, b: Delivery) -> Alignment:
    """The DTW alignment of two takes that both have speech (`Delivery.has_speech`)."""
    import librosa
    from scipy.spatial.distance import cdist

    (a0, a1), (b0, b1) = _span(a), _span(b)
    fa, fb = _features(a, a0, a1), _features(b, b0, b1)
    k = int(np.ceil(max(len(fa), len(fb)) / MAX_FRAMES))
    pa, pb = _pool(fa, k), _pool(fb, k)
    cost = cdist(pa, pb)
    # symmetric weights (a diagonal step counts twice): every path from corner to corner then
    # weighs the same, so the path is not pulled towards the diagonal, i.e. a pace of 1
    _, wp = librosa.sequence.dtw(C=cost, backtrack=True, weights_mul=np.array([2.0, 1.0, 1.0]))
    wp = wp[::-1]
    ratio = float(cost[wp[:, 0], wp[:, 1]].mean() / max(cost.mean(), 1e-12))
    # back to frame indices of each whole take (a pooled step stands for k frames)
    path = np.column_stack([np.minimum(wp[:, 0] * k + k // 2, a1 - a0 - 1) + a0,
                            np.minimum(wp[:, 1] * k + k // 2, b1 - b0 - 1) + b0])
    if k > 1:  # fill in every frame of a pooled step so per-frame sums stay right
        path = np.vstack([path + [o, o] for o in range(-(k // 2), k - k // 2)])
        path = path[np.lexsort((path[:, 1], path[:, 0]))]
        path[:, 0] = np.clip(path[:, 0], a0, a1 - 1)
        path[:, 1] = np.clip(path[:, 1], b0, b1 - 1)
    return Alignment(path.astype(np.int64), ratio)
