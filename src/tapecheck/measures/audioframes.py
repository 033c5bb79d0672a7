"""Short-time features of the sound, computed once per 20 ms and shared by the audio measures.

Every 1 s block from the audio pass is cut into 40 ms Hann windows every 20 ms (50 frames a
second; the last 20 ms of a block are carried into the next, so frames never see a block
edge). For each frame we keep only a small summary:

* the power in 18 fixed bands (0–80 Hz … 20–24 kHz; `BAND_EDGES`), as the mean square the
  band contributes to the signal (a full-scale sine in one band gives 0.5), so speech-band
  level, noise spectrum, bandwidth and high-frequency balance can be read from any set of
  frames afterwards;
* a voicing strength in 0…1: the highest normalised autocorrelation at a pitch lag
  (70–400 Hz) of the 60 Hz–4 kHz part of the frame — voiced speech is periodic, clatter,
  taps, wind and hiss are not.

That is 19 float32 per 20 ms — 3.8 kB per second, ≈ 27 MB for a 2-hour file — whatever the
channel count, so memory stays bounded and small (the samples themselves are never kept).
Frame `i` stands for the time `[i·HOP_S, (i+1)·HOP_S)`: its window is centred on that span.

With two channels the band powers (and the autocorrelation) are the mean of the two channels'
powers, not the power of their sum: dual mono gives the same as mono, and a voice recorded in
opposite phase on the two sides (which cancels in a mono sum) is still heard and judged here;
the phase problem itself is measured in `channels.py`. FFT cost doubles for stereo: ≈ 5 ms per
second of audio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import AudioMeasure

HOP_S = 0.02
#: Band edges in Hz. Bands 1…11 (80 Hz–8 kHz) are the "speech band" used for levels.
BAND_EDGES = (0, 80, 150, 300, 500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10000,
              12000, 14000, 16000, 20000, 24000)
SPEECH_BANDS = slice(1, 12)
#: dB given to a frame with no power at all (digital silence): far below any real noise floor.
FLOOR_DB = -120.0
_FLOOR_POW = 10 ** (FLOOR_DB / 10)
_PITCH_HZ = (70.0, 400.0)
_VOICE_BAND_HZ = (60.0, 4000.0)


def power_db(p):
    """10·log10 of a power (mean square), floored at `FLOOR_DB` (digital silence)."""
    return 10.0 * np.log10(np.maximum(np.asarray(p, dtype=np.float64), _FLOOR_POW))


class FrameAnalyser:
    """Turns a stream of mono samples into per-frame band powers and voicing.

    Usable on its own (tests, calibration) as well as inside `AudioFrames`.
    """

    def __init__(self, sample_rate: int, channels: int = 1):
        self.rate = sample_rate
        self.hop = int(round(sample_rate * HOP_S))
        self.win = 2 * self.hop
        # 2048 points for a 1920-sample window: the autocorrelation below is circular, but a
        # Hann window's own autocorrelation past 70 % of its length (where lags ≤ 14 ms wrap
        # to) is < 1 % of its peak, and the window correction `wac` is computed the same way.
        self.nfft = 1 << int(np.ceil(np.log2(self.win)))
        self.window = np.hanning(self.win + 2)[1:-1].astype(np.float32)
        wsum = float(np.sum(self.window.astype(np.float64) ** 2))
        # rfft bin powers → mean-square contribution (Parseval, one-sided).
        self.scale = 2.0 / (self.nfft * wsum)
        freqs = np.fft.rfftfreq(self.nfft, 1.0 / sample_rate)
        edges = np.asarray(BAND_EDGES, dtype=float)
        edges[-1] = max(edges[-1], freqs[-1] + 1)
        self.band_of = np.clip(np.searchsorted(edges, freqs, side="right") - 1, 0, len(BAND_EDGES) - 2)
        self.nbands = len(BAND_EDGES) - 1
        # band_of is non-decreasing over the bins: each band is one contiguous slice
        self.band_starts = np.searchsorted(self.band_of, np.arange(self.nbands))
        self.voice_mask = ((freqs >= _VOICE_BAND_HZ[0]) & (freqs <= _VOICE_BAND_HZ[1])).astype(
            np.float64)
        wac = np.fft.irfft(np.abs(np.fft.rfft(self.window, self.nfft)) ** 2, self.nfft)
        self.lag_lo = int(sample_rate / _PITCH_HZ[1])
        self.lag_hi = int(sample_rate / _PITCH_HZ[0])
        self.wac = (wac[:self.lag_hi + 1] / wac[0]).astype(np.float64)
        # Half a hop of zeros in front: frame i is centred on (i + 0.5)·HOP_S.
        self._pending = np.zeros((self.hop // 2, channels), dtype=np.float32)
        self.frames = 0
        self.samples_seen = 0

    def feed(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Band powers (n × bands) and voicing (n) of the frames completed by these samples
        (n or n × channels; channel powers are averaged)."""
        x = np.asarray(samples, dtype=np.float32)
        if x.ndim == 1:
            x = x[:, None]
        self.samples_seen += x.shape[0]
        buf = np.concatenate([self._pending, x]) if len(self._pending) else x
        n = max(0, (len(buf) - self.win) // self.hop + 1)
        if n == 0:
            self._pending = buf
            return np.zeros((0, self.nbands), np.float32), np.zeros(0, np.float32)
        self._pending = buf[n * self.hop:]
        idx = np.arange(self.win)[None, :] + self.hop * np.arange(n)[:, None]
        return self._analyse(buf[idx])

    def flush(self) -> tuple[np.ndarray, np.ndarray]:
        """The frames still owed at the end of the stream (zero-padded)."""
        owed = self._owed_frames()
        if owed <= 0:
            return np.zeros((0, self.nbands), np.float32), np.zeros(0, np.float32)
        need = (owed - 1) * self.hop + self.win
        pad = np.zeros((max(0, need - len(self._pending)), self._pending.shape[1]), np.float32)
        buf = np.concatenate([self._pending, pad])
        self._pending = self._pending[:0]
        idx = np.arange(self.win)[None, :] + self.hop * np.arange(owed)[:, None]
        return self._analyse(buf[idx])

    def _owed_frames(self) -> int:
        # One frame per started hop of real samples (the half-hop padding does not count).
        return int(np.ceil(self.samples_seen / self.hop)) - self.frames

    def _analyse(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """frames: n × win × channels → band powers and voicing (channel powers averaged)."""
        self.frames += frames.shape[0]
        pw = None
        for ch in range(frames.shape[2]):
            spec = np.fft.rfft(frames[:, :, ch] * self.window, self.nfft, axis=1)
            p = spec.real ** 2 + spec.imag ** 2
            pw = p if pw is None else pw + p
        pw /= frames.shape[2]
        bands = np.add.reduceat(pw, self.band_starts, axis=1) * self.scale
        ac = np.fft.irfft(pw * self.voice_mask, self.nfft, axis=1)[:, :self.lag_hi + 1]
        r0 = ac[:, :1]
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = ac[:, self.lag_lo:] / np.maximum(r0, 1e-20) / self.wac[self.lag_lo:]
        voicing = np.clip(np.nan_to_num(norm.max(axis=1), nan=0.0), 0.0, 1.0)
        voicing[r0[:, 0] <= 1e-14] = 0.0
        return bands.astype(np.float32), voicing.astype(np.float32)


@dataclass(frozen=True)
class FrameFeatures:
    """Per-frame summaries of the whole tape (see the module docstring)."""

    hop_s: float
    bands: np.ndarray    # frames × bands, mean-square power per band
    voicing: np.ndarray  # frames, 0…1
    duration_s: float
    channels: int

    @property
    def count(self) -> int:
        return int(self.bands.shape[0])

    @property
    def times(self) -> np.ndarray:
        """Start time of each frame, s."""
        return np.arange(self.count) * self.hop_s

    def speech_band_power(self) -> np.ndarray:
        return self.bands[:, SPEECH_BANDS].sum(axis=1, dtype=np.float64)

    def level_db(self) -> np.ndarray:
        """Speech-band (80 Hz–8 kHz) level of each frame, dBFS (mean square re full scale)."""
        return power_db(self.speech_band_power())


class AudioFrames(AudioMeasure):
    name = "audio_frames"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.analyser: FrameAnalyser | None = None
        self.bands: list[np.ndarray] = []
        self.voicing: list[np.ndarray] = []
        self.samples = 0
        self.rate = 48000
        self.channels = 1

    def feed(self, block, upstream):
        if self.analyser is None:
            self.rate = block.sample_rate
            self.analyser = FrameAnalyser(block.sample_rate, block.samples.shape[1])
        self.channels = block.samples.shape[1]
        self.samples += block.samples.shape[0]
        b, v = self.analyser.feed(block.samples)
        self.bands.append(b)
        self.voicing.append(v)
        return b, v

    def finish(self, done):
        if self.analyser is not None:
            b, v = self.analyser.flush()
            self.bands.append(b)
            self.voicing.append(v)
        nb = len(BAND_EDGES) - 1
        bands = np.concatenate(self.bands) if self.bands else np.zeros((0, nb), np.float32)
        voicing = np.concatenate(self.voicing) if self.voicing else np.zeros(0, np.float32)
        self.bands, self.voicing = [], []
        return FrameFeatures(HOP_S, bands, voicing, self.samples / self.rate, self.channels)


def analyse(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame band powers and voicing of a whole (short) signal — for tests and calibration."""
    samples = np.asarray(samples, np.float32)
    fa = FrameAnalyser(sample_rate, 1 if samples.ndim == 1 else samples.shape[1])
    b1, v1 = fa.feed(samples)
    b2, v2 = fa.flush()
    return np.concatenate([b1, b2]), np.concatenate([v1, v2])


def need(done: dict, name: str):
    """A finished upstream result from `done`, or MeasureUnavailable when it does not exist."""
    from ..errors import MeasureUnavailable
    from .base import Missing

    value = done.get(name)
    if value is None:
        raise MeasureUnavailable(f"measure {name!r} did not run")
    if isinstance(value, Missing):
        raise MeasureUnavailable(value.reason)
    return value
