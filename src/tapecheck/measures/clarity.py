"""Clarity of the voice: bandwidth, high-frequency balance (muffled), room echo, bursts.

All from the 20 ms band powers of `audioframes.py`, read over the speech frames of `speech.py`.

`bandwidth_hz` — where the long-term spectrum of the speech falls off a cliff: going up from
3 kHz through the bands (edges 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24 kHz), the lower edge of
the first band whose spectral density is > 15 dB below the band under it or > 55 dB below the
densest speech band. Speech itself rolls off gently (≈ 5–10 dB per band up there); an
anti-aliasing filter or a codec's cut-off is a cliff. Telephone audio (8 kHz sampling) ends
at 4 kHz, wideband VoIP and 16 kHz recordings at 8 kHz, phone and camera mics at 12–24 kHz.

`hf_balance_db` — the speech power in 2–5 kHz minus that in 300 Hz–1 kHz. Speech
intelligibility lives in 1–5 kHz (consonants; ANSI S3.5 band-importance) while vowels carry
the low band; a covered, distant or heavily compressed mic loses the top first. Measured on
the clean corpus speech and clips (scripts/calibrate_audio.py): −2.7 … −16.4 dB; the same
speech low-passed (4th-order) at 2 kHz: −18 … −25 dB, at 1.5 kHz (a mic under a shirt):
−27 … −34 dB.

`reverb_rt60_s` — a blind reverberation-time estimate from how fast the voice dies away
after words end (the distribution of free-decay rates; Wen, Habets & Naylor, "Blind
estimation of reverberation time based on the distribution of signal decay rates", ICASSP
2008). Every run of ≥ 5 frames (100 ms) of falling level that starts in speech and stays
≥ 5 dB above the noise gives a slope (least squares, dB/s); a room cannot decay faster than
its reverberation, so the fast decays bound it: the estimate is 60 dB over the 20th-percentile
slope, mapped through the calibration line fitted on corpus speech convolved with the corpus
room impulse responses (scripts/calibrate_audio.py: raw estimates vs the RIRs' own T20 for
7 RIRs × 3 speakers, T20 0.20–0.80 s; fit T20 ≈ 1.19·raw − 0.006; residual rms 0.11 s, worst
0.26 s). Dry speech reads 0.18–0.30 s: the floor of the method at 20 ms frames. Two
speechbrain RIRs (rir2, rir3) were left out: their Schroeder curves run into a noise tail
(T20 ≈ 7 s, not a room). It is an estimate.

Bursts (wind, handling, mic rub, bumps): frames ≥ 100 ms away from voiced speech whose power
below 300 Hz jumps ≥ 20 dB above its background (the 10th percentile over ±2 s, i.e. the
pauses, taken as at least −80 dBFS) and is at most 12 dB under the 300 Hz–8 kHz power (both
smoothed over 60 ms), in runs of 100 ms–2 s. Rub, thumps and wind put much of their energy low
(the corpus iPhone rub: 6–13 dB under its highs); the unvoiced consonants (s, f, sh, t), also
loud, unvoiced and short, sit 20–40 dB under. A tap that rings (a laptop body) is periodic and
is taken for voice: not counted. Clean corpus speech and clips: none, except one 160 ms
event in speechbrain_vad_train (speech cut between digital silence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Span
from .audioframes import BAND_EDGES, FLOOR_DB, FrameFeatures, need, power_db
from .base import AudioMeasure

BANDWIDTH_RANGE_DB = 55.0
BANDWIDTH_CLIFF_DB = 15.0
#: Bands (indices into BAND_EDGES) for the HF balance.
LOW_BANDS = slice(3, 5)      # 300–1000 Hz
HIGH_BANDS = slice(6, 9)     # 2–5 kHz
DECAY_MIN_FRAMES = 5
DECAY_PERCENTILE = 20.0
MIN_DECAYS = 5
#: reverb_rt60_s = RT_A · raw + RT_B (calibration on corpus RIRs, scripts/calibrate_audio.py)
RT_A = 1.19
RT_B = -0.006
BURST_JUMP_DB = 20.0
#: the part under 300 Hz is at most this far under 300 Hz–8 kHz (fricatives: 20–40 dB under)
BURST_LOW_SHARE_DB = 12.0
#: the background is this percentile of the low band over ±2 s (the pauses, not the voice)
BURST_BG_PERCENTILE = 10.0
#: backgrounds below this count as this (a thump under −65 dBFS is inaudible)
BURST_FLOOR_DBFS = -80.0
BURST_MIN_S = 0.1
BURST_MAX_S = 2.0


@dataclass(frozen=True)
class ClarityResult:
    bandwidth_hz: float | None
    hf_balance_db: float | None
    reverb_rt60_s: float | None
    decays: int                      # free decays the RT60 estimate used
    bursts: tuple[Span, ...]         # wind / handling bursts

    def named(self) -> dict:
        return {"bandwidth_hz": self.bandwidth_hz,
                "reverb_rt60_s": None if self.reverb_rt60_s is None
                else round(self.reverb_rt60_s, 3)}


def bandwidth(speech_bands: np.ndarray) -> float:
    """Upper edge (Hz) of the speech spectrum: where it falls off a cliff (module docstring)."""
    widths = np.diff(np.asarray(BAND_EDGES, float))
    psd = power_db(speech_bands / widths)
    top = float(psd[1:12].max())
    for b in range(7, len(widths)):  # from the 3–4 kHz band up
        if psd[b] < psd[b - 1] - BANDWIDTH_CLIFF_DB or psd[b] < top - BANDWIDTH_RANGE_DB:
            return float(BAND_EDGES[b])
    return float(BAND_EDGES[-1])


def decay_slopes(level_db: np.ndarray, speech: np.ndarray, floor_db: float,
                 hop_s: float) -> np.ndarray:
    """Slopes (dB/s, negative) of the free decays in a level track."""
    n = len(level_db)
    if n < DECAY_MIN_FRAMES:
        return np.zeros(0)
    falling = np.diff(level_db) < 0
    slopes = []
    i = 0
    while i < n - 1:
        if not falling[i] or not speech[i]:
            i += 1
            continue
        j = i
        while j < n - 1 and falling[j] and level_db[j + 1] > floor_db:
            j += 1
        if j - i + 1 >= DECAY_MIN_FRAMES:
            y = level_db[i:j + 1]
            t = np.arange(len(y)) * hop_s
            slope = float(np.polyfit(t, y, 1)[0])
            if y[0] - y[-1] >= 10.0:
                slopes.append(slope)
        i = j + 1
    return np.asarray(slopes)


def rt60_from_slopes(slopes: np.ndarray) -> float | None:
    if len(slopes) < MIN_DECAYS:
        return None
    fast = float(np.percentile(slopes, DECAY_PERCENTILE))  # most negative = fastest
    if fast >= 0:
        return None
    raw = -60.0 / fast
    return max(0.0, RT_A * raw + RT_B)


def _convolve_same(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """np.convolve(x, k, "same") that keeps len(x) even when x is shorter than k ("same"
    returns max(len(x), len(k)) values; scripts/fuzz.py found 2-frame audio tracks)."""
    full = np.convolve(x, k, "full")
    start = (len(k) - 1) // 2
    return full[start:start + len(x)]


def bursts(low_db: np.ndarray, mid_db: np.ndarray, voiced_speech: np.ndarray,
           hop_s: float) -> tuple[Span, ...]:
    """Runs of frames whose low band jumps over its own background (see module docstring)."""
    n = len(low_db)
    if n == 0:
        return ()
    win = max(1, int(round(2.0 / hop_s)))
    # background: 10th percentile of the low-band level over ±2 s (strided for speed)
    step = max(1, win // 8)
    centres = np.arange(0, n, step)
    med = np.array([np.percentile(low_db[max(0, c - win):c + win + 1], BURST_BG_PERCENTILE)
                    for c in centres])
    bg = np.maximum(np.interp(np.arange(n), centres, med), BURST_FLOOR_DBFS)
    k = np.ones(3) / 3  # 60 ms smoothing, in power
    low_db = power_db(_convolve_same(10 ** (low_db / 10), k))
    mid_db = power_db(_convolve_same(10 ** (mid_db / 10), k))
    hot = (low_db > bg + BURST_JUMP_DB) & (low_db >= mid_db - BURST_LOW_SHARE_DB) & ~voiced_speech
    out = []
    d = np.diff(np.concatenate([[0], hot.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)):
        dur = (b - a) * hop_s
        if BURST_MIN_S <= dur <= BURST_MAX_S:
            out.append(Span(float(a * hop_s), float(b * hop_s)))
    return tuple(out)


class Clarity(AudioMeasure):
    name = "clarity"
    requires = ("noise",)

    def finish(self, done):
        feats: FrameFeatures = need(done, "audio_frames")
        speech = need(done, "speech")
        noise = need(done, "noise")
        mask = speech.mask[:feats.count]
        bands = feats.bands[:len(mask)].astype(np.float64)
        low = power_db(bands[:, 0:3].sum(axis=1))
        mid = power_db(bands[:, 3:12].sum(axis=1))
        voiced = mask & (feats.voicing[:len(mask)] >= 0.5)
        # widen voiced speech by 100 ms so plosive bursts at word onsets are not "bursts"
        k = int(round(0.1 / feats.hop_s))
        if k and voiced.any():
            voiced = _convolve_same(voiced.astype(np.int8), np.ones(2 * k + 1)) > 0
        found_bursts = bursts(low, mid, voiced, feats.hop_s)
        if not mask.any():
            return ClarityResult(None, None, None, 0, found_bursts)
        sp = bands[mask].mean(axis=0)
        bw = bandwidth(sp)
        hf = float(power_db(sp[HIGH_BANDS].sum()) - power_db(sp[LOW_BANDS].sum()))
        level = feats.level_db()[:len(mask)]
        floor = max(noise.noise_floor_dbfs, FLOOR_DB) + 5.0
        slopes = decay_slopes(level, mask, floor, feats.hop_s)
        rt = rt60_from_slopes(slopes)
        return ClarityResult(bw, hf if math.isfinite(hf) else None, rt, int(len(slopes)),
                             found_bursts)
