"""Dead air at the ends and dropouts in the middle.

`leading_silence_s` — from the start of the tape to the first speech; `trailing_silence_s` —
from the last speech to the end (speech from `speech.py`; both None when there is none).
The detector's 200 ms hangover lengthens speech at its end, so the trailing figure is at most
0.2 s short.

Dropouts — the sound cutting out mid-take (a wireless mic losing signal, a recording app
dropping buffers, a bad edit): runs of ≥ 5 frames (≥ 100 ms: the length of a short syllable,
what a lost buffer costs a word) whose level (whole band) falls to digital silence
(≤ −100 dBFS) or ≥ 35 dB under the tape's own noise estimate, between the first and the
last sound. Shorter dips are the breathing of noise suppression between words (corpus/real's
screen-glare webcam tape: one 40 ms dip), not a hole anyone hears. Only judged when the tape has a real noise floor (its noise estimate
— the 10th percentile of the level between the first and last sound — is above −90 dBFS):
a track whose pauses are already digital silence (a noise gate) has no
"dropping out" to hear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Span
from .audioframes import FrameFeatures, need, power_db
from .base import AudioMeasure

DROPOUT_DBFS = -100.0
DROPOUT_UNDER_NOISE_DB = 35.0
DROPOUT_MIN_S = 0.1
REAL_FLOOR_DBFS = -90.0


@dataclass(frozen=True)
class DeadAirResult:
    duration_s: float
    leading_silence_s: float | None
    trailing_silence_s: float | None
    dropouts: tuple[Span, ...]
    dropouts_judged: bool          # False: the pauses are digital silence already

    def named(self) -> dict:
        r = lambda v: None if v is None else round(v, 2)  # noqa: E731
        return {"leading_silence_s": r(self.leading_silence_s),
                "trailing_silence_s": r(self.trailing_silence_s)}


class DeadAir(AudioMeasure):
    name = "dead_air"
    requires = ("speech",)

    def finish(self, done):
        feats: FrameFeatures = need(done, "audio_frames")
        speech = need(done, "speech")
        dur = feats.duration_s
        lead = trail = None
        if speech.segments:
            lead = max(0.0, speech.segments[0].start_s)
            trail = max(0.0, dur - min(speech.segments[-1].end_s, dur))
        level = power_db(feats.bands.astype(np.float64).sum(axis=1))
        sound = np.flatnonzero(level > DROPOUT_DBFS)
        spans: list[Span] = []
        judged = False
        if len(sound) >= 2:
            first, last = sound[0], sound[-1]
            inside = level[first:last + 1]
            noise = float(np.percentile(inside, 10))
            judged = noise > REAL_FLOOR_DBFS
            if judged:
                low = (level <= DROPOUT_DBFS) | (level <= noise - DROPOUT_UNDER_NOISE_DB)
                inner = np.zeros_like(low)
                inner[first:last + 1] = low[first:last + 1]
                d = np.diff(np.concatenate([[0], inner.astype(np.int8), [0]]))
                for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)):
                    if (b - a) * feats.hop_s >= DROPOUT_MIN_S - 1e-9:
                        spans.append(Span(float(a * feats.hop_s), float(b * feats.hop_s)))
        return DeadAirResult(dur, lead, trail, tuple(spans), judged)
