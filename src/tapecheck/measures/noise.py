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
the running tap from 10 dB up (at 5 dB the LJSpeech reader reads 2.6 dB low), ±1.3 dB for the
(non-steady) dishes, ±2.7 dB for speechbrain noise1 (which reads high: its fluctuations pass
the voice detector's noise margin). It needs
≥ 1 s of pauses (`MIN_PAUSES_S`): the few onset frames a voice that never pauses leaves
are no measure of the room (None then; `snr_weighted_db` still has a figure).

`snr_weighted_db` and `sii` — the noise as a listener hears it. A soft bed under 300 Hz hardly
touches the words; babble across 1–4 kHz takes them away. Per band of audioframes.py
(80 Hz–8 kHz), the speech-to-noise ratio is weighted by the band's importance to
intelligibility: ANSI S3.5-1997 (R2017) Table 3, the one-third-octave band-importance
function for average speech, spread evenly over each one-third-octave band (in log frequency)
and summed over our band edges (`BAND_IMPORTANCE`). `sii` is the Speech Intelligibility
Index without its hearing-threshold and spread-of-masking terms (a self-tape is heard
loud enough, and the bands here are wider than critical bands): Σ I·(clip(SNR, −15, +15) + 15)/30,
0–1. `snr_weighted_db` is Σ I·clip(SNR, −15, +30) dB: −15 dB because a band that far under
the noise carries nothing (S3.5), +30 dB because noise 30 dB under the long-term speech
level lies 15 dB under speech's quietest parts (S3.5 takes speech's range as ±15 dB about
that level) — so one noise-free band cannot hide a noisy one.
The speech spectrum is the mean over the speech frames with the noise power subtracted; the
noise spectrum — every tape with speech gets one:
* with ≥ 1 s of pauses, the median over them of the band powers smoothed over 100 ms: the
  median, not the mean, so the consonant onsets and breaths the voice detector leaves in the
  pauses (a quiet close voice's fricatives) do not count as room noise (the bedroom webcam
  tape of corpus/real: mean of its pauses 4–13 dB above the median at 2–5 kHz). For steady
  noise the two agree within 0.5 dB above 150 Hz;
* else (speech without a clean pause) minimum statistics (R. Martin, "Noise power spectral
  density estimation based on optimal smoothing and minimum statistics", IEEE Trans. Speech
  Audio Process. 9(5), 2001): the minimum over 1.5 s of the 100 ms smoothed band power, whose
  mean over the tape plus `MINSTAT_BIAS_DB` is the noise. The bias, measured on the corpus's
  steady noises (exercise bike, running tap, speechbrain noise1): 1.0–3.0 dB above 300 Hz.

`hum_db` — mains hum: the A-weighted power (IEC 61672-1: the ear is 26–30 dB less sensitive
at 50–60 Hz than at 1 kHz, 19 dB at 100 Hz, 14 dB at 150 Hz) of the 50 Hz or 60 Hz series
(fundamental and harmonics up to the 8th) that is heard as a tone, relative to the active
speech level (dB; −30 means the hum is 30 dB below the voice). Unweighted, a bare 60 Hz tone
25 dB under a quiet LibriSpeech reader (libri3) would count like a buzz; weighted it reads
−51 dB, as faint as it sounds. Measured with 250 ms Hann-windowed FFTs (4 Hz bins) of the
pauses only (pieces < 20 % speech), so a voice's own harmonics cannot pose as hum.
A component counts when it is a *prominent tone* by ECMA-74 (17th ed., 2019, Annex D, the
tone-to-noise ratio method; also ANSI S1.13): its power (±4 Hz) over the noise in the critical
band around it (Δf = 25 + 75·(1 + 1.4·(f/kHz)²)^0.69 Hz, ≈ 100 Hz at mains frequencies) is
at least 8 + 8.33·log10(1000 Hz/f) dB — 16.3 dB at 100 Hz, 18.8 dB at 50 Hz (ECMA-74 starts at
89.1 Hz; the same line is carried down to 50 Hz). The noise density comes from the median of
the bins 12–30 Hz either side (÷ ln 2: the median of a periodogram bin is ln 2 of its mean);
on white noise with a tone at a known ratio this reads within ±1 dB. A weaker line is masked
by the room around it: a fan's faint whine 0–7 dB over its neighbouring bins (the corridor tape
of corpus/real) is no buzz, a 50 Hz series mixed in to be heard (defect-hum sample tape) stands
24–31 dB out. And a series counts only when the mains frequency or its double is among its
tones: every mains hum has its energy there (a ground loop at the mains frequency, transformer
and rectifier buzz at twice it, with harmonics above), so a lone tone that falls on, say, the
7th harmonic is some other machine. Unavailable with less than 0.5 s of pauses. Per 250 ms
we keep 2 × 8 × 2 numbers, so memory is bounded (≈ 1 MB for 2 hours).
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
#: Hum is measured on 250 ms pieces (4 Hz bins): a piece is a pause when < 20 % of it is speech.
PIECE_S = 0.25
QUIET_SHARE = 0.2
MIN_QUIET_S = 0.5
TONE_HZ = 4.0
BG_HZ = (12.0, 30.0)


def critical_band_hz(f: float) -> float:
    """Critical bandwidth around `f` (Hz), as ECMA-74 Annex D gives it (after Zwicker)."""
    return 25.0 + 75.0 * (1.0 + 1.4 * (f / 1000.0) ** 2) ** 0.69


def prominence_db(f: float) -> float:
    """ECMA-74's tone-to-noise ratio (dB) at which a tone at `f` Hz is prominent."""
    return 8.0 + 8.33 * math.log10(1000.0 / f) if f < 1000.0 else 8.0


#: ANSI S3.5-1997 Table 3: one-third-octave band importance, average speech (centre Hz → I).
SII_THIRD_OCTAVE = ((160, 0.0083), (200, 0.0095), (250, 0.0150), (315, 0.0289), (400, 0.0440),
                    (500, 0.0578), (630, 0.0653), (800, 0.0711), (1000, 0.0818),
                    (1250, 0.0844), (1600, 0.0882), (2000, 0.0898), (2500, 0.0868),
                    (3150, 0.0844), (4000, 0.0771), (5000, 0.0527), (6300, 0.0364),
                    (8000, 0.0185))
SNR_CLIP_DB = (-15.0, 30.0)
SII_CLIP_DB = (-15.0, 15.0)
MIN_PAUSES_S = 1.0
SMOOTH_S = 0.1
MINSTAT_S = 1.5
MINSTAT_BIAS_DB = 2.0


def band_importance(edges=None) -> np.ndarray:
    """Importance of each band between `edges` (Hz): S3.5's one-third-octave bands, each
    spread evenly over its own log-frequency width."""
    from .audioframes import BAND_EDGES

    edges = np.log2(np.maximum(np.asarray(BAND_EDGES if edges is None else edges, float), 1.0))
    out = np.zeros(len(edges) - 1)
    for fc, imp in SII_THIRD_OCTAVE:
        lo, hi = np.log2(fc) - 1 / 6, np.log2(fc) + 1 / 6
        overlap = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0, None)
        out += imp * overlap / (hi - lo)
    return out


BAND_IMPORTANCE = band_importance()


def noise_spectrum(bands: np.ndarray, mask: np.ndarray, hop_s: float) -> tuple[np.ndarray, str]:
    """Per-band noise power and how it was found ("pauses" or "minimum-statistics")."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    smooth = uniform_filter1d(bands, max(1, int(round(SMOOTH_S / hop_s))), axis=0,
                              mode="nearest")
    if (~mask).sum() * hop_s >= MIN_PAUSES_S:
        return np.median(smooth[~mask], axis=0), "pauses"
    floor = minimum_filter1d(smooth, max(1, int(round(MINSTAT_S / hop_s))), axis=0,
                             mode="nearest")
    return floor.mean(axis=0) * 10 ** (MINSTAT_BIAS_DB / 10), "minimum-statistics"


def weighted_snr(speech: np.ndarray, noise: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(snr_weighted_db, sii, band SNRs) from per-band speech (noise removed) and noise power."""
    snr = power_db(speech) - power_db(noise)
    weighted = float(np.sum(BAND_IMPORTANCE * np.clip(snr, *SNR_CLIP_DB)))
    sii = float(np.sum(BAND_IMPORTANCE * (np.clip(snr, *SII_CLIP_DB) + 15.0) / 30.0))
    return weighted, sii, snr


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
    snr_weighted_db: float | None = None   # None without speech
    sii: float | None = None
    noise_method: str = ""                 # "pauses" or "minimum-statistics"
    #: per band: (low Hz, high Hz, speech-to-noise dB, importance) — the weighting's inputs
    band_snr: tuple[tuple[int, int, float, float], ...] = ()

    def named(self) -> dict:
        r = lambda v, n=2: None if v is None else round(v, n)  # noqa: E731
        return {"noise_floor_dbfs": round(self.noise_floor_dbfs, 2), "snr_db": r(self.snr_db),
                "snr_weighted_db": r(self.snr_weighted_db), "sii": r(self.sii, 3)}


class Noise(AudioMeasure):
    name = "noise"
    requires = ("speech",)  # DNSMOS, A201's second witness, is that check's optional read

    def finish(self, done):
        from .audioframes import BAND_EDGES

        feats: FrameFeatures = need(done, "audio_frames")
        speech = need(done, "speech")
        mask = speech.mask[:feats.count]
        power = feats.speech_band_power()[:len(mask)]
        snr, noise_db = snr_from(power, mask)
        if (~mask).sum() * feats.hop_s < MIN_PAUSES_S:
            snr = None   # a few onset frames are no measure of the room: snr_weighted_db is
        speech_db = noise_db + snr if snr is not None else \
            (float(power_db(power[mask].mean())) if mask.any() else FLOOR_DB)
        rest = ~mask
        bands = feats.bands[:len(mask)][rest].mean(axis=0) if rest.any() else \
            np.zeros(feats.bands.shape[1])
        nb = tuple((BAND_EDGES[i], BAND_EDGES[i + 1], round(float(power_db(b)), 1))
                   for i, b in enumerate(bands))
        if not mask.any():
            return NoiseResult(noise_db, snr, speech_db, nb)
        allb = feats.bands[:len(mask)].astype(np.float64)
        noise_b, method = noise_spectrum(allb, mask, feats.hop_s)
        speech_b = np.maximum(allb[mask].mean(axis=0) - noise_b, 1e-13)
        weighted, sii, band_snr = weighted_snr(speech_b, noise_b)
        rows = tuple((BAND_EDGES[i], BAND_EDGES[i + 1], round(float(band_snr[i]), 1),
                      round(float(BAND_IMPORTANCE[i]), 4))
                     for i in range(len(band_snr)) if BAND_IMPORTANCE[i] > 0)
        return NoiseResult(noise_db, snr, speech_db, nb, weighted, sii, method, rows)


def a_weight_db(f: float) -> float:
    """IEC 61672-1 A-weighting at frequency f, dB."""
    f2 = f * f
    ra = (12194.0 ** 2 * f2 * f2) / ((f2 + 20.6 ** 2) * math.sqrt((f2 + 107.7 ** 2) *
                                      (f2 + 737.9 ** 2)) * (f2 + 12194.0 ** 2))
    return 20.0 * math.log10(ra) + 2.0


_SERIES = [f0 * h for f0 in MAINS_HZ for h in range(1, HARMONICS + 1)]
_A_WEIGHT = np.array([10 ** (a_weight_db(f) / 10) for f in _SERIES])
_CRITICAL_BAND = np.array([critical_band_hz(f) for f in _SERIES])
_PROMINENCE = np.array([prominence_db(f) for f in _SERIES])


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
        #: per 250 ms piece and component: (power within ±4 Hz, median power of a nearby bin)
        self.rows: list[np.ndarray] = []
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
        self.bin_hz = float(df)

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
            row[:, 1] = np.median(pw[bg_idx], axis=1)
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
        density = rows[:, :, 1].mean(axis=0) / math.log(2.0)    # mean power per bin
        excess = np.maximum(tone - density * self._plan[3].shape[1], 0.0)
        band = _CRITICAL_BAND / self.bin_hz * density          # noise in the critical band
        prominent = (excess > 0) & (excess >= band * 10 ** (_PROMINENCE / 10))
        excess = np.where(prominent, excess, 0.0) * _A_WEIGHT
        best, best_pow, comps = None, 0.0, ()
        for i, f0 in enumerate(MAINS_HZ):
            sl = slice(i * HARMONICS, (i + 1) * HARMONICS)
            p = float(excess[sl].sum())
            if p > best_pow and excess[sl][:2].any():   # anchored at f0 or 2·f0
                best, best_pow = f0, p
                comps = tuple(f0 * (h + 1) for h in range(HARMONICS) if excess[sl][h] > 0)
        hum_dbfs = float(power_db(best_pow)) if best_pow > 0 else FLOOR_DB
        rel = hum_dbfs - noise.speech_level_dbfs if mask.any() else None
        if rel is not None and not math.isfinite(rel):
            rel = None
        return HumResult(best, hum_dbfs, rel, comps, seconds)
