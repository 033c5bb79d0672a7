"""Loudness (ITU-R BS.1770-4 / EBU R128) and clipping.

Whole-tape figures come from ffmpeg's `ebur128=peak=true` filter, run by the audio pass on the
decoded stream at its own rate and layout (ingest/audio.py): integrated loudness with the
−70 LUFS absolute and −10 LU relative gates (BS.1770-4), loudness range (EBU Tech 3342),
maximum momentary (400 ms) and short-term (3 s) loudness (EBU Tech 3341), and true peak from
4× oversampling (BS.1770-4 Annex 2). Tested against the EBU Tech 3341 and ITU BS.2217 files
in `../shared/corpus/loudness` (tests/test_loudness_conformance.py).

`speech_lufs` — the loudness of the speech only — is BS.1770-4's gated integration applied
to ffmpeg's own 400 ms momentary blocks (one every 100 ms, the filter's frame log, i.e.
exactly the 75 %-overlapping gating blocks of BS.1770-4) whose window lies inside detected
speech (≥ 3 of its 4 100 ms quarters). Why not pyloudnorm on the speech audio: the speech is
only known once the whole tape has been seen (the voice detector uses the tape's own noise
floor), so pyloudnorm would need the whole signal kept — 2 hours of 48 kHz stereo float is
2.7 GB. The momentary log costs 4 bytes per 100 ms (≈ 290 kB for 2 hours), uses the same
K-weighting and channel sum as the integrated figure, and needs no second meter. pyloudnorm
is the reference it is tested against (speech-only audio of corpus files, ±0.5 LU: the two
differ only in the few blocks that straddle a speech boundary).

Clipping: a sample is clipped when it belongs to a same-sign run of ≥ 2 consecutive samples at
or beyond ±0.99 of full scale (−0.09 dBFS) in one channel. Flat tops held at the rail are the
signature of a converter or the recording app hitting full scale; lossy codecs smear them
(AAC rings around the rail, with overshoots past 0 dBFS), so the level is 0.99, not 1.0, and
two samples suffice. Measured here (CMU ARCTIC speech driven 10 dB past full scale, hard
clipped, AAC 96 kb/s): 0.07 % of samples; the same speech at −3 dBFS peak: none; a clean
take normalised to its peak has at most a handful. Audio that was clipped and then turned
down is not detected (its flat tops sit below the rail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Series
from .audioframes import need
from .base import AudioMeasure

#: BS.1770-4 gates.
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
MOMENTARY_STEP_S = 0.1
MOMENTARY_WINDOW_S = 0.4
#: A 400 ms block counts as speech when this many of its four 100 ms quarters are speech.
SPEECH_QUARTERS = 3

CLIP_LEVEL = 0.99
CLIP_RUN = 2
#: A run this long at the rail is an audible click (a waveform flattened for ≥ 62 µs at 48 kHz);
#: corpus/real's presenter, "no audible clipping", has runs of 2 at most.
CLICK_RUN = 3


def gated_loudness(momentary_lufs) -> float:
    """BS.1770-4 integrated loudness of a set of 400 ms block loudness values (LUFS).

    Blocks at or below the −70 LUFS absolute gate are dropped, then those more than 10 LU
    below the (energy) mean of the rest; the result is the energy mean of what remains.
    Returns −inf when nothing passes the gates.
    """
    m = np.asarray(momentary_lufs, np.float64)
    m = m[np.isfinite(m) & (m > ABSOLUTE_GATE_LUFS)]
    if m.size == 0:
        return -math.inf
    z = 10.0 ** ((m + 0.691) / 10.0)
    rel = -0.691 + 10.0 * math.log10(z.mean()) + RELATIVE_GATE_LU
    z = z[m > rel]
    if z.size == 0:
        return -math.inf
    return -0.691 + 10.0 * math.log10(z.mean())


def _finite(x: float) -> float | None:
    return x if x is not None and math.isfinite(x) else None


@dataclass(frozen=True)
class LoudnessResult:
    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    max_momentary_lufs: float
    max_short_term_lufs: float
    speech_lufs: float          # −inf when there is no speech (or it is all below −70 LUFS)
    speech_blocks: int          # 400 ms blocks the speech loudness was gated from
    series_t: tuple[float, ...]
    series_lufs: tuple[float | None, ...]

    def named(self) -> dict:
        return {k: _finite(getattr(self, k)) for k in (
            "integrated_lufs", "speech_lufs", "max_momentary_lufs", "max_short_term_lufs",
            "true_peak_dbtp", "loudness_range_lu")}

    def series(self) -> list[Series]:
        if not self.series_t:
            return []
        return [Series("loudness", "LUFS", self.series_t, self.series_lufs)]


class Loudness(AudioMeasure):
    name = "loudness"
    requires = ("speech",)

    def finish(self, done):
        r128 = need(done, "r128")
        speech = need(done, "speech")
        mom = np.asarray(r128.momentary, np.float64)
        mom = np.where(np.isfinite(mom) & (mom > -120.0), mom, -math.inf)
        # block k is the 400 ms window ending at (k + 1)·100 ms
        per_q = max(1, int(round(MOMENTARY_STEP_S / speech.hop_s)))
        nq = len(speech.mask) // per_q
        quarters = speech.mask[:nq * per_q].reshape(nq, per_q).mean(axis=1) >= 0.5 \
            if nq else np.zeros(0, bool)
        keep = np.zeros(len(mom), bool)
        for k in range(3, len(mom)):
            q = quarters[max(0, k - 3):k + 1]
            keep[k] = len(q) == 4 and int(q.sum()) >= SPEECH_QUARTERS
        speech_blocks = mom[keep]
        speech_lufs = gated_loudness(speech_blocks)
        # timeline: momentary loudness once a second
        idx = np.arange(9, len(mom), 10)
        t = tuple(round(float(i + 1) * MOMENTARY_STEP_S - MOMENTARY_WINDOW_S / 2, 2) for i in idx)
        vals = tuple(float(round(mom[i], 1)) if math.isfinite(mom[i]) else None for i in idx)
        return LoudnessResult(
            integrated_lufs=_clean(r128.integrated_lufs),
            loudness_range_lu=_clean(r128.loudness_range_lu, 0.0),
            true_peak_dbtp=_clean(r128.true_peak_dbtp),
            max_momentary_lufs=_clean(r128.max_momentary_lufs),
            max_short_term_lufs=_clean(r128.max_short_term_lufs),
            speech_lufs=speech_lufs, speech_blocks=int(np.isfinite(speech_blocks).sum()),
            series_t=t, series_lufs=vals)


def _clean(x: float, nan_as: float = -math.inf) -> float:
    return nan_as if x is None or math.isnan(x) else float(x)


@dataclass(frozen=True)
class ClippingResult:
    clipped_samples: int
    total_samples: int          # samples × channels
    #: seconds (1 s blocks, by start time) holding clipped samples, with their counts
    clipped_blocks: tuple[tuple[float, int], ...]
    #: runs of ≥ CLICK_RUN samples at the rail, over all channels: audible clicks
    clicks: int = 0

    @property
    def clipped_sample_ratio(self) -> float:
        return self.clipped_samples / self.total_samples if self.total_samples else 0.0

    def named(self) -> dict:
        return {"clipped_sample_ratio": round(self.clipped_sample_ratio, 7)}


def clipped_in(samples: np.ndarray, level: float = CLIP_LEVEL,
               run: int = CLIP_RUN) -> tuple[int, int]:
    """(samples in same-sign runs of ≥ `run` at or beyond ±`level`, runs of ≥ CLICK_RUN),
    over all channels: clipping on one channel of two is not averaged away."""
    x = samples if samples.ndim == 2 else samples[:, None]
    total = clicks = 0
    for ch in range(x.shape[1]):
        col = x[:, ch]
        for hot in (col >= level, col <= -level):
            if not hot.any():
                continue
            d = np.diff(np.concatenate([[0], hot.astype(np.int8), [0]]))
            lengths = np.flatnonzero(d == -1) - np.flatnonzero(d == 1)
            total += int(lengths[lengths >= run].sum())
            clicks += int((lengths >= CLICK_RUN).sum())
    return total, clicks


class Clipping(AudioMeasure):
    """Runs of full-scale samples. (A run crossing a 1 s block edge is counted per block.)"""

    name = "clipping"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.clipped = 0
        self.total = 0
        self.blocks: list[tuple[float, int]] = []
        self.clicks = 0

    def feed(self, block, upstream):
        n, clicks = clipped_in(block.samples)
        self.clicks += clicks
        self.total += block.samples.size
        if n:
            self.clipped += n
            self.blocks.append((round(block.t0, 3), n))
        return n

    def finish(self, done):
        return ClippingResult(self.clipped, self.total, tuple(self.blocks), self.clicks)
