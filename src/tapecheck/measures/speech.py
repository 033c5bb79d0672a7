"""Voice activity: where in the tape someone speaks — a learned detector for "is this a voice",
the tape's own levels for "is it the voice in front of the mic".

1. *Is it speech?* Silero VAD's probability (vad.py), read with Silero's own hysteresis:
   speech starts where the probability reaches 0.5 and lasts while it stays ≥ 0.35, gaps
   under 100 ms are closed. This is what tells a voice from music, a television's tone, a
   fan, dishes or wind (the pitch-periodicity rule this replaced called all of those speech;
   scripts/calibrate_audio.py vad has the numbers).
2. *Is it the actor's voice, not the room's?* Babble in a restaurant is speech too, and so is
   a television in the next room. As in ITU-T P.56 method B, a frame is *active* when its
   speech-band level (80 Hz–8 kHz, smoothed over 60 ms) is above a threshold, with 200 ms of
   hangover; the threshold is the higher of the tape's noise estimate + 6 dB (its 10th
   percentile of level: every recording with speech has pauses and stop closures) and
   P.56's active level − 15.9 dB, iterated to a fixed point over the frames Silero calls
   speech. Voices well under the actor (babble 10–20 dB down) fall under it and are measured
   as noise, not speech.
3. Speech = the frames Silero calls speech that are above the threshold, in runs of active
   frames (runs closer than 300 ms joined) that hold at least 250 ms of them (Silero's
   minimum speech duration), each phrase carried on by the level (P.56's activity) for at
   most one hangover (200 ms) before and after: so word onsets and tails are not counted as
   room noise (without them `snr_db` reads up to 10 dB low on corpus mixes: the exercise
   bike at 30 dB read 25.1), while a room whose own level stays above the threshold for
   seconds (the quieter end of a tape pulls the noise estimate down) cannot stretch a
   stray "speech" frame of Silero's over the whole tape.
4. *Does a voice stand out at all?* When the speech so found is, on the whole, no louder than
   the rest of the tape — its active level less than `FOREGROUND_DB` (3 dB) over the median
   level of the other frames — it is a voice behind the room (a television, people off
   mic, a distant talker), not a performance: the tape has no speech. Mixing corpus speech
   with corpus noise at a known SNR (CONTRACT definition), 3 dB is where the speech's level
   equals the noise's (SNR ≈ 0 dB: the speech frames hold speech + noise, twice the power);
   on corpus/real every performer reads ≥ 3.6 dB (the noisy corridor tape 3.6 dB, the others
   9–80 dB) while the tapes whose performer is silent read 0.6 dB (room noise with distant
   voices) and 2.1 dB (others talking over car noise). The margin on both sides is thin:
   level alone cannot tell loud voices off camera from a performer in a loud room.

The result exposes the speech segments (start/end, s) and a per-frame speech mask (20 ms
frames of audioframes.py) for the cross-modal measures, and the active speech level and
noise level that `snr_db` uses. Checked on the corpus: the speechbrain VAD files' annotated
segments are found within the frame hop plus the hangover (tests/test_audio_checks.py), and
frame accuracy on speech mixed with corpus noise, music and babble is in
scripts/calibrate_audio.py vad.

Cost: a few numpy passes over the frames (Silero itself: vad.py).
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
#: Silero VAD's own defaults (its get_speech_timestamps): start, stay, closed gap, shortest run.
PROB_ON = 0.5
PROB_OFF = 0.35
PROB_GAP_S = 0.1
MIN_SPEECH_S = 0.25
MERGE_GAP_S = 0.3
SMOOTH_FRAMES = 3
#: The speech's active level must stand this far above the median level of the rest (step 4).
FOREGROUND_DB = 3.0
#: Step 4 needs this much of the tape without speech to know the background.
MIN_BACKGROUND_S = 1.0


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
    #: active level of the speech found minus the median level of the rest (None: no speech,
    #: or too little else to compare with)
    foreground_db: float | None = None
    #: seconds of speech set aside because they did not stand out (step 4)
    background_speech_s: float = 0.0
    #: those frames (bool per frame; None when nothing was set aside): voices heard that are
    #: not the performance, for lipmotion.py to ask whether the face on camera says them
    background_mask: np.ndarray | None = None


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


def _close_gaps(mask: np.ndarray, frames: int) -> np.ndarray:
    """`mask` with False runs shorter than `frames` between two True runs set True."""
    out = mask.copy()
    runs = _runs(mask)
    for (_, b), (a, _) in zip(runs, runs[1:]):
        if a - b < frames:
            out[b:a] = True
    return out


def is_speech(prob: np.ndarray, hop_s: float) -> np.ndarray:
    """Silero's hysteresis over per-frame speech probabilities (module docstring, step 1)."""
    prob = np.asarray(prob, np.float64)
    mask = np.zeros(len(prob), bool)
    high = prob >= PROB_ON
    for a, b in _runs(prob >= PROB_OFF):   # speech runs from its first frame ≥ PROB_ON on
        first = np.flatnonzero(high[a:b])
        if len(first):
            mask[a + first[0]:b] = True
    return _close_gaps(mask, int(round(PROB_GAP_S / hop_s)))


def detect(level_db: np.ndarray, prob: np.ndarray, hop_s: float) -> Activity:
    """Speech frames from frame levels (dBFS, speech band) and speech probabilities."""
    level_db = np.asarray(level_db, np.float64)
    n = len(level_db)
    if n == 0:
        return Activity(np.zeros(0, bool), FLOOR_DB, FLOOR_DB, FLOOR_DB, FLOOR_DB)
    voice = is_speech(np.asarray(prob)[:n], hop_s)
    p = 10.0 ** (level_db / 10.0)
    smooth = power_db(_smooth(p, SMOOTH_FRAMES))
    noise = float(np.percentile(smooth, NOISE_PERCENTILE))
    hang = int(round(HANGOVER_S / hop_s))
    threshold = noise + NOISE_MARGIN_DB
    for _ in range(8):
        active = _hangover(smooth > threshold, hang) & voice
        if not active.any():
            break
        new = max(noise + NOISE_MARGIN_DB, float(power_db(p[active].mean())) - P56_MARGIN_DB)
        done = abs(new - threshold) < 0.05
        threshold = new
        if done:
            break
    above = smooth > threshold
    active = _close_gaps(_hangover(above, hang), int(round(MERGE_GAP_S / hop_s)))
    heard = voice & above
    kept = np.zeros(n, bool)
    shortest = int(round(MIN_SPEECH_S / hop_s))
    for a, b in _runs(active):   # Silero decides whether a run of level is a phrase
        if int(heard[a:b].sum()) >= shortest:
            kept[a:b] = heard[a:b]
    # the level carries a phrase at most one hangover beyond what Silero hears (step 3)
    near = _hangover(kept, hang) | _hangover(kept[::-1], hang)[::-1]
    mask = active & near
    foreground, behind, behind_mask = None, 0.0, None
    if mask.any() and (~mask).sum() * hop_s >= MIN_BACKGROUND_S:
        foreground = float(power_db(p[mask].mean())) - float(np.median(smooth[~mask]))
        if foreground < FOREGROUND_DB:
            behind, behind_mask = float(mask.sum()) * hop_s, mask.copy()
            mask[:] = False
    speech_level = float(power_db(p[mask].mean())) if mask.any() else FLOOR_DB
    rest = ~mask
    noise_level = float(power_db(p[rest].mean())) if rest.any() else FLOOR_DB
    return Activity(mask, speech_level, noise_level, noise, threshold, foreground, behind,
                    behind_mask)


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
        # the last frame may reach past the end of the samples: never more than the tape
        return min(float(self.mask.sum()) * self.hop_s, self.duration_s)

    @property
    def speech_ratio(self) -> float:
        return min(1.0, self.speech_s / self.duration_s) if self.duration_s > 0 else 0.0

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.mask)) * self.hop_s

    @property
    def background_segments(self) -> tuple[SpeechSegment, ...]:
        """The voices set aside as no louder than the room (step 4), or ()."""
        m = self.activity.background_mask
        return () if m is None else segments_of(m, self.hop_s)

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
    requires = ("audio_frames", "voice_prob")

    def finish(self, done):
        feats: FrameFeatures = need(done, "audio_frames")
        prob = need(done, "voice_prob").at_frames(feats.count, feats.hop_s)
        act = detect(feats.level_db(), prob, feats.hop_s)
        return SpeechResult(feats.hop_s, feats.duration_s, act.mask,
                            segments_of(act.mask, feats.hop_s), act)
