"""Voice activity: where in the tape someone speaks (energy + voicing, numpy only).

The detector works on the 20 ms frames of `audioframes.py` (speech-band level 80 Hz–8 kHz
and voicing) after the whole tape is seen, so it can use the tape's own noise floor:

1. The level is smoothed over 60 ms; the *noise estimate* is its 10th percentile (every
   recording with speech has pauses between phrases and stop closures inside words, so at
   least a tenth of its frames carry only the background).
2. A frame is *active* when its smoothed level exceeds a threshold, with 200 ms of hangover
   after each active frame, as in ITU-T P.56 method B. The threshold is the higher of
   noise + 6 dB and, as in P.56, the active level − 15.9 dB; the active level (the mean power of
   the active frames) and the threshold are iterated to a fixed point.
3. A run of active frames is *speech* only if it holds ≥ 60 ms of clearly voiced frames
   (pitch-periodic, voicing ≥ 0.6): claps, dish clatter, taps, rub and steady noise are loud but
   not periodic. Runs closer than 300 ms are merged.

The result exposes the speech segments (start/end, s) and a per-frame speech mask for the
later cross-modal work, and the active speech level and noise level that `snr_db` uses.
Measured on the corpus: the speechbrain VAD files' annotated segments are found within the
frame hop plus the hangover (tests/test_audio_speech.py).

Cost: a few numpy passes over ≤ 360 000 frames for 2 hours — milliseconds for a tape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Series
from .audioframes import FLOOR_DB, FrameFeatures, need, power_db
from .base import AudioMeasure

#: ITU-T P.56 (12/2011) method B: margin between active level and activity threshold, dB.
P56_MARGIN_DB = 15.9
#: ITU-T P.56 method B hangover, s.
HANGOVER_S = 0.2
NOISE_PERCENTILE = 10.0
NOISE_MARGIN_DB = 6.0
VOICED = 0.6
MIN_VOICED_S = 0.06
MERGE_GAP_S = 0.3
SMOOTH_FRAMES = 3


@dataclass(frozen=True)
class SpeechSegment:
    start_s: float
    end_s: float

    def to_dict(self) -> dict:
        return {"start_s": round(self.start_s, 2), "end_s": round(self.end_s, 2)}


@dataclass(frozen=True)
class Activity:
    """What the detector found in a frame sequence (pure data; see `detect`)."""

    mask: np.ndarray            # bool per frame: speech
    active_level_db: float      # mean power of the speech frames, dBFS (speech band)
    noise_level_db: float       # mean power of the other frames, dBFS (FLOOR_DB: digital silence)
    noise_estimate_db: float    # 10th percentile of the smoothed level, dBFS
    threshold_db: float


def _smooth(p: np.ndarray, n: int) -> np.ndarray:
    if n <= 1 or len(p) < n:
        return p
    k = np.ones(n) / n
    return np.convolve(p, k, mode="same")


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of True runs."""
    if not len(mask):
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _hangover(mask: np.ndarray, frames: int) -> np.ndarray:
    if frames <= 0 or not mask.any():
        return mask.copy()
    idx = np.flatnonzero(mask)
    out = np.zeros_like(mask)
    # every active frame extends `frames` frames forward
    starts = idx
    stops = np.minimum(idx + frames + 1, len(mask))
    delta = np.zeros(len(mask) + 1, np.int32)
    np.add.at(delta, starts, 1)
    np.add.at(delta, stops, -1)
    out = np.cumsum(delta[:-1]) > 0
    return out


def detect(level_db: np.ndarray, voicing: np.ndarray, hop_s: float) -> Activity:
    """Speech frames of a sequence of frame levels (dBFS) and voicing strengths."""
    level_db = np.asarray(level_db, np.float64)
    n = len(level_db)
    if n == 0:
        return Activity(np.zeros(0, bool), FLOOR_DB, FLOOR_DB, FLOOR_DB, FLOOR_DB)
    p = 10.0 ** (level_db / 10.0)
    smooth = power_db(_smooth(p, SMOOTH_FRAMES))
    noise = float(np.percentile(smooth, NOISE_PERCENTILE))
    hang = int(round(HANGOVER_S / hop_s))
    threshold = noise + NOISE_MARGIN_DB
    active = np.zeros(n, bool)
    for _ in range(8):
        above = smooth > threshold
        active = _hangover(above, hang)
        if not active.any():
            break
        level = float(power_db(p[active].mean()))
        new = max(noise + NOISE_MARGIN_DB, level - P56_MARGIN_DB)
        if abs(new - threshold) < 0.05:
            threshold = new
            break
        threshold = new
    above = smooth > threshold
    voiced = (np.asarray(voicing) >= VOICED) & above
    min_voiced = max(1, int(round(MIN_VOICED_S / hop_s)))
    mask = np.zeros(n, bool)
    gap = int(round(MERGE_GAP_S / hop_s))
    runs = _runs(active)
    # merge runs separated by short gaps, then keep the voiced ones
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    for a, b in merged:
        if int(voiced[a:b].sum()) >= min_voiced:
            mask[a:b] = True
    speech_level = float(power_db(p[mask].mean())) if mask.any() else FLOOR_DB
    rest = ~mask
    noise_level = float(power_db(p[rest].mean())) if rest.any() else FLOOR_DB
    return Activity(mask, speech_level, noise_level, noise, threshold)


def segments_of(mask: np.ndarray, hop_s: float) -> tuple[SpeechSegment, ...]:
    return tuple(SpeechSegment(float(a * hop_s), float(b * hop_s)) for a, b in _runs(mask))


@dataclass(frozen=True)
class SpeechResult:
    """Voice activity over the tape. `mask[i]` covers `[i·hop_s, (i+1)·hop_s)`."""

    hop_s: float
    duration_s: float
    mask: np.ndarray
    segments: tuple[SpeechSegment, ...]
    activity: Activity

    @property
    def speech_s(self) -> float:
        return float(self.mask.sum()) * self.hop_s

    @property
    def speech_ratio(self) -> float:
        return self.speech_s / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.mask)) * self.hop_s

    def at(self, t_s: float) -> bool:
        """Is there speech at time `t_s`?"""
        i = int(t_s / self.hop_s)
        return bool(0 <= i < len(self.mask) and self.mask[i])

    def named(self) -> dict:
        return {"speech_ratio": round(self.speech_ratio, 4)}

    def series(self) -> list[Series]:
        # one value per 100 ms: share of speech frames, enough for a timeline
        step = max(1, int(round(0.1 / self.hop_s)))
        n = len(self.mask) // step * step
        if n == 0:
            return []
        share = self.mask[:n].reshape(-1, step).mean(axis=1)
        t = tuple(round(i * step * self.hop_s, 3) for i in range(len(share)))
        return [Series("speech", "on/off", t, tuple(float(v >= 0.5) for v in share))]


class Speech(AudioMeasure):
    name = "speech"
    requires = ("audio_frames",)

    def finish(self, done):
        feats: FrameFeatures = need(done, "audio_frames")
        act = detect(feats.level_db(), feats.voicing, feats.hop_s)
        return SpeechResult(feats.hop_s, feats.duration_s, act.mask,
                            segments_of(act.mask, feats.hop_s), act)
