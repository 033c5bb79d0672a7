"""Delivery: how a take is spoken — pace, pauses, pitch and loudness over time (issue 18).

These measures serve `tapecheck takes` (tapecheck/takes/), which compares two or more takes
of the same lines; no check of a single tape reads them. The take's sound is decoded again,
on its own, at 16 kHz mono through `ingest.AudioStream` (≈ 0.2 s a minute): pYIN costs
≈ 50 × more than anything else here, and 16 kHz holds every speech F0 and formant it needs.
Decoding streams in 1 s blocks and features are computed per 20 s chunk, so memory holds
only the per-frame summaries (16 floats per 20 ms, ≈ 3 kB per second of tape).

**Frames.** One frame every `HOP_S` = 20 ms; frame `i` stands for `[i·HOP_S, (i+1)·HOP_S)`
(its windows are centred on that span, as in audioframes.py). Per frame:

* `level_db` — speech-band (80 Hz–8 kHz) power of a 32 ms Hann window, dBFS (mean square);
* `f0_hz` — librosa's pYIN (Mauch & Dixon 2014, "pYIN: a fundamental
  frequency estimator using probabilistic threshold distributions", ICASSP) on a 64 ms
  frame, 55–500 Hz (below a deep male voice lowered by 2 semitones, up to a raised female
  voice), 0.1 semitone resolution; NaN where unvoiced;
* `mfcc` — 13 mel-frequency cepstral coefficients (40 mel bands, 60 Hz–7.8 kHz) of the same
  32 ms window, for aligning takes (takes/align.py).

**From the frames** (`delivery_of`):

* *speech* — the voice-activity detector of speech.py on these frames: Silero VAD's speech
  probability (vad.py, fed the same 16 kHz samples) and the tape's own P.56-style level
  threshold, so a take's speech is what a tape's speech measure calls speech;
* *sounding* — frames above the detector's threshold inside speech, with gaps shorter than
  `PAUSE_MIN_S` closed: the time the actor is actually producing words (no hangover, so a
  pause is timed from the end of the sound, not 200 ms later);
* *pauses* — silent gaps ≥ `PAUSE_MIN_S` = 250 ms between sounding runs: the threshold
  De Jong & Bosker (2013, "Choosing a threshold for silent pauses to measure second language
  fluency", DiSS) found best, and the conventional one since Goldman-Eisler; stop closures
  inside words are shorter;
  Measured (scripts/calibrate_takes.py pauses): of 16 pauses of 0.6 s inserted mid-word into
  corpus speech (LibriSpeech, LJSpeech, ARCTIC, a radio clip, GRID), all 16 were found with
  both ends 0.03 s inside the true ones (the 60 ms smoothing). With pYIN's voicing standing
  in for a speech probability, four of them merged with the silence beside them: an
  insertion that isolates a stretch pYIN finds unvoiced left too little "voice" there;
* *phrases* ("lines") — the sounding runs between pauses;
* *syllable nuclei* — peaks of the level contour at least `NUCLEUS_DIP_DB` = 2 dB above the
  dips on either side, voiced and above the speech threshold, as in De Jong & Wempe (2009,
  "Praat script to detect syllable nuclei and measure speech rate automatically", Behavior
  Research Methods 41(2), 385–390); `articulation_rate` = nuclei per second of sounding time;
* *pitch* — median F0 (Hz) of the voiced speech frames and its range in semitones between the
  10th and 90th percentiles: the "span" measure of Mennen, Schaeffler & Docherty (2012,
  "Cross-language differences in fundamental frequency range", JASA 131(3), 2249–2260);
  semitones because listeners judge F0 excursions as equal when equal in semitones, for men,
  women and children alike (Traunmüller & Eriksson 1995, JASA 97(3), 1905–1915);
* *loudness* — the level averaged over 400 ms (BS.1770's momentary window) every 20 ms; its
  range over the sounding frames is the spread between the 10th and 95th percentiles, the
  percentiles EBU Tech 3342 uses for loudness range (on 3 s windows there; a take's phrases
  are shorter). In dB of speech-band level: not K-weighted, so not LU; differences between
  takes are what it is for.

Cost, measured on 53 s of corpus speech: the frames and pYIN take 6.4 s of CPU per minute of
speech (one core; 36.6 s of wall time a minute while a load average of 26 shared the two
cores); Silero's speech probability on the same samples ≈ 0.35 s of CPU a minute (vad.py);
everything after the frames (pauses, nuclei, pitch and loudness figures) ≈ 0.02 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Span
from .audioframes import power_db
from .speech import detect
from .vad import HOP_S as VAD_HOP_S, Silero, VoiceProb

SAMPLE_RATE = 16000
HOP = 320                       # samples: 20 ms
HOP_S = HOP / SAMPLE_RATE
FRAME = 1024                    # pYIN frame: 64 ms (YIN needs half a frame > one period of 55 Hz)
SPEC = 512                      # the level/MFCC window: the middle 32 ms of the pYIN frame
CHUNK_FRAMES = 1000             # 20 s of frames per analysis chunk
F0_MIN_HZ, F0_MAX_HZ = 55.0, 500.0
F0_RESOLUTION_ST = 0.1
N_MFCC = 13
N_MELS = 40
SPEECH_BAND_HZ = (80.0, 8000.0)
#: Shortest silent gap that counts as a pause (De Jong & Bosker 2013).
PAUSE_MIN_S = 0.25
#: A syllable nucleus stands this far above the dips around it (De Jong & Wempe 2009).
NUCLEUS_DIP_DB = 2.0
#: Loudness window: BS.1770's momentary 400 ms.
LOUDNESS_WINDOW_S = 0.4
PITCH_PERCENTILES = (10.0, 90.0)
LOUDNESS_PERCENTILES = (10.0, 95.0)
#: Fewer voiced frames than this (0.5 s of voice) give no pitch figures.
MIN_VOICED_FRAMES = 25


@dataclass(frozen=True)
class Track:
    """Per-frame features of a whole take (frame `i` is `[i·hop_s, (i+1)·hop_s)`)."""

    hop_s: float
    duration_s: float
    level_db: np.ndarray      # n
    f0_hz: np.ndarray         # n, NaN where unvoiced
    mfcc: np.ndarray          # n × N_MFCC
    voice_prob: VoiceProb     # Silero's speech probability, as the tape's speech measure has it

    @property
    def count(self) -> int:
        return int(len(self.level_db))


class _Analyser:
    """16 kHz mono samples in, per-frame features out, one chunk of `CHUNK_FRAMES` at a time."""

    def __init__(self) -> None:
        # Half a frame minus half a hop in front: frame i is centred on (i + 0.5)·HOP.
        self._buf = np.zeros(FRAME // 2 - HOP // 2, np.float32)
        self._parts: list[tuple[np.ndarray, ...]] = []
        self.samples = 0
        self._window = np.hanning(SPEC + 2)[1:-1].astype(np.float32)
        freqs = np.fft.rfftfreq(SPEC, 1.0 / SAMPLE_RATE)
        self._band = (freqs >= SPEECH_BAND_HZ[0]) & (freqs <= SPEECH_BAND_HZ[1])
        # rfft bin power → mean-square contribution (Parseval, one-sided)
        self._scale = 2.0 / (SPEC * float(np.sum(self._window.astype(np.float64) ** 2)))
        self._mel = None
        self._silero = Silero()
        self._probs: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        self.samples += len(samples)
        self._probs.append(self._silero.feed(np.asarray(samples, np.float32)))
        self._buf = np.concatenate([self._buf, np.asarray(samples, np.float32)])
        need = (CHUNK_FRAMES - 1) * HOP + FRAME
        while len(self._buf) >= need:
            self._chunk(self._buf[:need], CHUNK_FRAMES)
            self._buf = self._buf[CHUNK_FRAMES * HOP:]

    def finish(self) -> Track:
        owed = int(math.ceil(self.samples / HOP)) - sum(len(p[0]) for p in self._parts)
        if owed > 0:
            need = (owed - 1) * HOP + FRAME
            buf = np.concatenate([self._buf, np.zeros(max(0, need - len(self._buf)), np.float32)])
            self._chunk(buf[:need], owed)
        parts = self._parts or [(np.zeros(0), np.zeros(0), np.zeros((0, N_MFCC)))]
        level, f0, mfcc = (np.concatenate([p[k] for p in parts]) for k in range(3))
        prob = VoiceProb(VAD_HOP_S, np.concatenate(self._probs) if self._probs
                         else np.zeros(0, np.float32))
        return Track(HOP_S, self.samples / SAMPLE_RATE, level, f0, mfcc, prob)

    def _chunk(self, buf: np.ndarray, n: int) -> None:
        import librosa
        from scipy.fft import dct

        frames = np.lib.stride_tricks.sliding_window_view(buf, FRAME)[::HOP][:n]
        mid = (FRAME - SPEC) // 2
        spec = np.fft.rfft(frames[:, mid:mid + SPEC] * self._window, axis=1)
        power = (spec.real ** 2 + spec.imag ** 2).astype(np.float64)
        level = power_db(power[:, self._band].sum(axis=1) * self._scale)
        if self._mel is None:
            self._mel = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=SPEC, n_mels=N_MELS,
                                            fmin=60.0, fmax=7800.0)
        mel = np.log10(np.maximum(power @ self._mel.T, 1e-10))
        mfcc = dct(mel, type=2, norm="ortho", axis=1)[:, :N_MFCC]
        if np.any(buf):
            f0 = librosa.pyin(buf, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=SAMPLE_RATE,
                              frame_length=FRAME, hop_length=HOP, center=False,
                              resolution=F0_RESOLUTION_ST)[0][:n]
        else:  # digital silence: nothing to track (and pYIN would only spend time on it)
            f0 = np.full(n, np.nan)
        self._parts.append((level, f0, mfcc))


def track_of_samples(samples: np.ndarray, sample_rate: int) -> Track:
    """The track of a short in-memory signal (tests and calibration); mono or n × channels."""
    import librosa

    y = np.asarray(samples, np.float32)
    if y.ndim > 1:
        y = y.mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        y = librosa.resample(y, orig_sr=sample_rate, target_sr=SAMPLE_RATE).astype(np.float32)
    a = _Analyser()
    a.feed(y)
    return a.finish()


def track_of(info) -> Track:
    """The track of a probed file's first audio stream, decoded in 1 s blocks at 16 kHz.

    Raises `MeasureUnavailable` when the file has no audio stream."""
    from ..errors import MeasureUnavailable
    from ..ingest import AudioStream

    if info.audio_stream_index is None:
        raise MeasureUnavailable("the take has no audio stream")
    a = _Analyser()
    for block in AudioStream(info, sample_rate=SAMPLE_RATE).blocks():
        a.feed(block.mono)
    return a.finish()


# --- from frames to delivery ----------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """How one take is spoken (see the module docstring for every figure)."""

    track: Track
    sounding: np.ndarray            # bool per frame
    pauses: tuple[Span, ...]
    phrases: tuple[Span, ...]
    nuclei_s: tuple[float, ...]     # times of syllable nuclei
    pitch_st: np.ndarray            # per frame: semitones re the median F0, NaN unvoiced/silent
    loudness_db: np.ndarray         # per frame: 400 ms level, dB; NaN outside sounding frames
    pitch_median_hz: float | None
    pitch_range_st: float | None
    loudness_range_db: float | None

    @property
    def speaking_s(self) -> float:
        """Sounding time: speech without the pauses, s."""
        return float(self.sounding.sum()) * self.track.hop_s

    @property
    def has_speech(self) -> bool:
        return bool(self.phrases)

    @property
    def articulation_rate(self) -> float | None:
        """Syllable nuclei per second of sounding time."""
        return len(self.nuclei_s) / self.speaking_s if self.speaking_s > 0 else None

    @property
    def pause_s(self) -> float:
        return sum(p.end_s - p.start_s for p in self.pauses)

    def named(self) -> dict:
        """The take's delivery figures (units in the names; None when not measurable)."""
        r = self.articulation_rate
        return {
            "speaking_s": round(self.speaking_s, 2),
            "articulation_rate_syl_per_s": None if r is None else round(r, 2),
            "pause_count": len(self.pauses),
            "pause_total_s": round(self.pause_s, 2),
            "pitch_median_hz": _round(self.pitch_median_hz, 1),
            "pitch_range_st": _round(self.pitch_range_st, 2),
            "loudness_range_db": _round(self.loudness_range_db, 2),
        }


def _round(v: float | None, n: int) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), n)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], np.asarray(mask, np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def _moving_power_db(level_db: np.ndarray, frames: int) -> np.ndarray:
    p = 10.0 ** (np.asarray(level_db, np.float64) / 10.0)
    if frames > 1 and len(p) >= frames:
        p = np.convolve(p, np.ones(frames) / frames, mode="same")
    return power_db(p)


def delivery_of(track: Track) -> Delivery:
    """Pauses, phrases, syllable nuclei, pitch and loudness of a take's frames."""
    hop = track.hop_s
    n = track.count
    # the same speech decision as a tape's (Silero's probability, the P.56 level threshold)
    act = detect(track.level_db, track.voice_prob.at_frames(n, hop), hop)
    smooth = _moving_power_db(track.level_db, 3)
    above = (smooth > act.threshold_db) & act.mask
    # close gaps shorter than a pause, then drop blips shorter than a syllable's voicing
    gap = int(round(PAUSE_MIN_S / hop))
    sounding = above.copy()
    runs = _runs(above)
    for (a0, a1), (b0, _) in zip(runs, runs[1:]):
        if b0 - a1 < gap:
            sounding[a1:b0] = True
    min_run = max(1, int(round(0.06 / hop)))
    for a0, a1 in _runs(sounding):
        if a1 - a0 < min_run:
            sounding[a0:a1] = False
    phrases_idx = _runs(sounding)
    phrases = tuple(Span(a * hop, b * hop) for a, b in phrases_idx)
    pauses = tuple(Span(a1 * hop, b0 * hop)
                   for (_, a1), (b0, _) in zip(phrases_idx, phrases_idx[1:]))

    voiced = sounding & np.isfinite(track.f0_hz)
    median_hz = rng_st = None
    pitch_st = np.full(n, np.nan)
    if voiced.sum() >= MIN_VOICED_FRAMES:
        median_hz = float(np.median(track.f0_hz[voiced]))
        pitch_st[voiced] = 12.0 * np.log2(track.f0_hz[voiced] / median_hz)
        lo, hi = np.percentile(pitch_st[voiced], PITCH_PERCENTILES)
        rng_st = float(hi - lo)

    loud = _moving_power_db(track.level_db, int(round(LOUDNESS_WINDOW_S / hop)))
    loudness = np.where(sounding, loud, np.nan)
    rng_db = None
    if sounding.sum() >= int(round(1.0 / hop)):
        lo, hi = np.percentile(loud[sounding], LOUDNESS_PERCENTILES)
        rng_db = float(hi - lo)

    return Delivery(track, sounding, pauses, phrases, _nuclei(smooth, sounding, voiced, hop),
                    pitch_st, loudness, median_hz, rng_st, rng_db)


def _nuclei(level: np.ndarray, sounding: np.ndarray, voiced: np.ndarray,
            hop: float) -> tuple[float, ...]:
    """Syllable nuclei: level peaks ≥ NUCLEUS_DIP_DB above the dips on both sides, voiced."""
    from scipy.signal import find_peaks

    if not sounding.any():
        return ()
    x = np.where(sounding, level, level[sounding].min() - NUCLEUS_DIP_DB)
    peaks, _ = find_peaks(x, prominence=NUCLEUS_DIP_DB)
    return tuple(float((p + 0.5) * hop) for p in peaks if voiced[p])


def measure(info) -> Delivery:
    """The delivery of a probed take (see `track_of`)."""
    return delivery_of(track_of(info))
