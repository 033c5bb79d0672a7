"""Background noise under the voice, and mains hum.

`noise_floor_dbfs` — the mean power of the non-speech frames, speech band (80 Hz–8 kHz),
dBFS; −120 means digital silence between the lines.

`snr_db` (CONTRACT.md) — the active speech level, measured over the speech frames only as in
ITU-T P.56 (the VAD's activity, with its 200 ms hangover), minus the mean level of the
non-speech frames, both over 80 Hz–8 kHz (the band that carries intelligibility: ANSI
S3.5-1997's Speech Intelligibility Index uses 150 Hz–8.5 kHz). The noise is also present during
the speech frames, so its mean power is subtracted from theirs before taking the level
(power subtraction; without it 5 dB SNR reads as 6.2 dB). Calibrated on corpus speech mixed
with corpus noise at known SNR by the same definition (scripts/calibrate_audio.py, test
tests/test_audio_noise.py), 5 to 30 dB, three speakers: within ±0.8 dB for the exercise bike and
the running tap, ±1.5 dB for the (non-steady) dishes, ±3.0 dB for speechbrain noise1 (which
reads high at 5 dB: its fluctuations pass the voice detector's noise margin).

`hum_db` — mains hum: the A-weighted power (IEC 61672-1: the ear is 26–30 dB less sensitive
at 50–60 Hz than at 1 kHz, 19 dB at 100 Hz, 14 dB at 150 Hz) of the 50 Hz or 60 Hz series
(fundamental and harmonics up to the 8th) standing out of the neighbouring spectrum, relative
to the active speech level (dB; −30 means the hum is 30 dB below the voice). Unweighted, a bare
60 Hz tone 25 dB under a quiet LibriSpeech reader (libri3) would count like a buzz; weighted it
reads −51 dB, as faint as it sounds. Measured with 250 ms Hann-windowed FFTs (4 Hz
bins) of the pauses only (pieces < 20 % speech), so a voice's own harmonics cannot pose as
hum; a component counts when its ±4 Hz power stands ≥ 6 dB above the median level of the
bins 12–30 Hz away. Unavailable with less than 0.5 s of pauses. Per 250 ms we keep 2 × 8 × 2
numbers, so memory is bounded (≈ 1 MB for 2 hours).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .audioframes import FLOOR_DB, FrameFeatures, need, power_db
from ..errors import MeasureUnavailable
from .base import AudioMeasure

MAINS_HZ = (50.0, 60.0)
HARMONICS = 8
PROMINENCE_DB = 6.0
#: Hum is measured on 250 ms pieces (4 Hz bins): a piece is a pause when < 20 % of it is speech.
PIECE_S = 0.25
QUIET_SHARE = 0.2
MIN_QUIET_S = 0.5
TONE_HZ = 4.0
BG_HZ = (12.0, 30.0)


def snr_from(power: np.ndarray, mask: np.ndarray) -> tuple[float | None, float]:
    """(snr_db, noise_db) from per-frame powers and a speech mask (CONTRACT definition)."""
    power = np.asarray(power, np.float64)
    if not mask.any() or mask.all():
        noise = float(power_db(power[~mask].mean())) if (~mask).any() else FLOOR_DB
        return None, noise
    s = float(power[mask].mean())
    n = float(power[~mask].mean())
    noise_db = float(power_db(n))
    speech_db = float(power_db(max(s - n, 1e-12 * s, 1e-13)))
    return speech_db - noise_db, noise_db


@dataclass(frozen=True)
class NoiseResult:
    noise_floor_dbfs: float
    snr_db: float | None
    speech_level_dbfs: float       # active speech level (noise power subtracted), dBFS
    #: noise spectrum of the non-speech frames: (band low Hz, band high Hz, dBFS)
    noise_bands: tuple[tuple[int, int, float], ...]

    def named(self) -> dict:
        return {"noise_floor_dbfs": round(self.noise_floor_dbfs, 2),
                "snr_db": None if self.snr_db is None else round(self.snr_db, 2)}


class Noise(AudioMeasure):
    name = "noise"
    requires = ("speech",)

    def finish(self, done):
        from .audioframes import BAND_EDGES

        feats: FrameFeatures = need(done, "audio_frames")
        speech = need(done, "speech")
        mask = speech.mask[:feats.count]
        power = feats.speech_band_power()[:len(mask)]
        snr, noise_db = snr_from(power, mask)
        speech_db = noise_db + snr if snr is not None else \
            (float(power_db(power[mask].mean())) if mask.any() else FLOOR_DB)
        rest = ~mask
        bands = feats.bands[:len(mask)][rest].mean(axis=0) if rest.any() else \
            np.zeros(feats.bands.shape[1])
        nb = tuple((BAND_EDGES[i], BAND_EDGES[i + 1], round(float(power_db(b)), 1))
                   for i, b in enumerate(bands))
        return NoiseResult(noise_db, snr, speech_db, nb)


def a_weight_db(f: float) -> float:
    """IEC 61672-1 A-weighting at frequency f, dB."""
    f2 = f * f
    ra = (12194.0 ** 2 * f2 * f2) / ((f2 + 20.6 ** 2) * math.sqrt((f2 + 107.7 ** 2) *
                                      (f2 + 737.9 ** 2)) * (f2 + 12194.0 ** 2))
    return 20.0 * math.log10(ra) + 2.0


_A_WEIGHT = np.array([10 ** (a_weight_db(f0 * h) / 10) for f0 in MAINS_HZ
                      for h in range(1, HARMONICS + 1)])


@dataclass(frozen=True)
class HumResult:
    mains_hz: float | None       # 50 or 60, the stronger series; None when neither stands out
    hum_dbfs: float              # A-weighted power of the prominent components, dBFS (−120: none)
    hum_db: float | None         # relative to the active speech level; None without speech
    components: tuple[float, ...]  # frequencies (Hz) that stood out
    seconds: float               # seconds of pauses the spectrum was averaged over

    def named(self) -> dict:
        return {"hum_db": None if self.hum_db is None else round(self.hum_db, 2)}


class Hum(AudioMeasure):
    name = "hum"
    requires = ("noise",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.rows: list[np.ndarray] = []   # per 250 ms piece: (tone, background) per component
        self.t0: list[float] = []
        self._plan = None

    def _setup(self, rate: int):
        n = int(round(rate * PIECE_S))
        freqs = np.fft.rfftfreq(n, 1.0 / rate)
        win = np.hanning(n).astype(np.float32)
        scale = 2.0 / (n * float(np.sum(win.astype(np.float64) ** 2)))
        df = freqs[1] - freqs[0]
        tone_off = np.arange(-int(TONE_HZ / df), int(TONE_HZ / df) + 1)
        bg_k = np.arange(int(np.ceil(BG_HZ[0] / df)), int(BG_HZ[1] / df) + 1)
        bg_off = np.concatenate([-bg_k[::-1], bg_k])
        centres = np.array([int(round(f0 * h / df)) for f0 in MAINS_HZ
                            for h in range(1, HARMONICS + 1)])
        tone_idx = np.clip(centres[:, None] + tone_off[None, :], 0, len(freqs) - 1)
        bg_idx = np.clip(centres[:, None] + bg_off[None, :], 0, len(freqs) - 1)
        self._plan = (n, win, scale, tone_idx, bg_idx)

    def feed(self, block, upstream):
        if self._plan is None:
            self._setup(block.sample_rate)
        n, win, scale, tone_idx, bg_idx = self._plan
        x = block.mono
        for k in range(len(x) // n):
            spec = np.fft.rfft(x[k * n:(k + 1) * n] * win)
            pw = (spec.real ** 2 + spec.imag ** 2) * scale
            row = np.empty((len(tone_idx), 2), np.float32)
            row[:, 0] = pw[tone_idx].sum(axis=1)
            row[:, 1] = np.median(pw[bg_idx], axis=1) * tone_idx.shape[1]
            self.rows.append(row)
            self.t0.append(block.t0 + k * n / block.sample_rate)
        return None

    def finish(self, done):
        speech = need(done, "speech")
        noise = need(done, "noise")
        mask = speech.mask
        per = max(1, int(round(PIECE_S / speech.hop_s)))
        quiet = []
        for t in self.t0:
            i = int(round(t / speech.hop_s))
            quiet.append(i < len(mask) and mask[i:i + per].mean() < QUIET_SHARE)
        quiet = np.array(quiet, bool)
        seconds = float(quiet.sum()) * PIECE_S
        if seconds < MIN_QUIET_S:
            raise MeasureUnavailable(
                f"only {seconds:.2f} s without speech (hum is judged in the pauses; "
                f"needs {MIN_QUIET_S:g} s)")
        rows = np.stack(self.rows)[quiet]
        tone = rows[:, :, 0].mean(axis=0)
        bg = rows[:, :, 1].mean(axis=0)
        excess = np.where(tone >= bg * 10 ** (PROMINENCE_DB / 10), tone - bg, 0.0)
        excess = excess * _A_WEIGHT
        best, best_pow, comps = None, 0.0, ()
        for i, f0 in enumerate(MAINS_HZ):
            sl = slice(i * HARMONICS, (i + 1) * HARMONICS)
            p = float(excess[sl].sum())
            if p > best_pow:
                best, best_pow = f0, p
                comps = tuple(f0 * (h + 1) for h in range(HARMONICS) if excess[sl][h] > 0)
        hum_dbfs = float(power_db(best_pow)) if best_pow > 0 else FLOOR_DB
        rel = hum_dbfs - noise.speech_level_dbfs if mask.any() else None
        if rel is not None and not math.isfinite(rel):
            rel = None
        return HumResult(best, hum_dbfs, rel, comps, seconds)
