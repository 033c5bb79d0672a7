"""Lip sync, the estimate: the lag at which the lips match the sound, and whether that is
evidence.

The lip-opening speed of sync_lips.py is matched against the sound's *rate of change of the
speech envelope*: the 300 Hz–3 kHz band power of the 20 ms frames the audio pass already
computed (audioframes.py; nothing is decoded again), in dB, floored `ENV_FLOOR_DB` under its
95th percentile (a gated webcam track otherwise put its steepest slopes at the gate, not the
words), smoothed (Gaussian, σ = 20 ms) and differentiated: positive at onsets (the mouth opens
into a vowel), negative at offsets. The sound is on the player's timeline (ingest/audio.py),
so an offset left in the container's timestamps reads like one in the samples.

**Estimate.** The normalised cross-correlation of the two over frames within the actor's lines
(± 0.4 s) for audio lags −600…+600 ms in 10 ms steps; the peak (refined by a parabola through
its neighbours) is the offset. This pairing was chosen from seven tried on the corpus (|Δcrop|
motion energy, crop PCA, mouth darkness, CCA of crop PCs and band energies — the earlier
prototypes — and lip-opening flow against log-envelope slopes in five bands): it was the only
one that gave the same answer for every shift of every clip (scripts/ calibrate_crossmodal.py
prints the table). It relies on no trained model; its one constant (sync.py `LIP_LEAD_MS`) is
the mean error on the seven studio-synchronised GRID clips, where after it every confident
estimate lies within ±30 ms of the truth for every shift (−200…+400 ms); the other corpus clips
(web-published addresses) have offsets of their own, and there each shifted copy lands within
±20 ms of the clip's own estimate plus the shift.

**Confidence: evidence, not feature quality.** A high peak r says the lips and this kind of
sound correlate well, not that this sound belongs to these lips: a take's picture paired with
*another* take's sound reached r ≥ 0.30 with a clear peak in 31 % of 3 s pairs (issue 14),
while a real 60 s address with an obvious peak had r 0.28. So the same lip signal is also
correlated, over the same frames and lags, with `CHANCE_COUNT` stretches of unrelated read
speech stored with the package (`chance_slope`: LibriSpeech, LJ Speech, CMU ARCTIC and CSTR
recordings, made by scripts/make_chance_envelopes.py), and the estimate is confident only when

* its peak stands ≥ `MIN_Z` spreads above those chance peaks (z; the spread floored at
  `CHANCE_MIN_SD`),
* it stands ≥ `MIN_PROMINENCE` above the best correlation more than 150 ms away (a broad or
  doubled peak means the rhythm matched, not the events),
* it is not within 20 ms of the ±600 ms search edge, and
* it rests on ≥ `MIN_EVIDENCE_S` of lip movement (frames within the actor's lines).

Measured (scripts/calibrate_crossmodal.py chance; 37 windows of 30 corpus clips — GRID said
three times, the corpus talking heads, every corpus/real recording with sound — against 856
windows of one clip's picture with another's sound): mismatched pairs confident 2.1 % (1.0 %
leaving out pairs of two looped GRID sentences, whose template and timing are the same);
the rule z ≥ 3 alone gave 5.5 %, z ≥ 2.4 6.7 %. Windows of a long take are also judged
pooled (`pooled`: their curves averaged by frames), so a take whose every window is weak
but which agrees across them still gets an estimate. Otherwise `av_offset_ms` is null with
the reason: unknown stays unknown, never a wrong number.
"""

from __future__ import annotations

import base64
import functools
import json
import math
from dataclasses import dataclass

import numpy as np

MAX_LAG_MS = 600
LAG_STEP_MS = 10
#: Confidence rules (see the module docstring; calibrated in scripts/calibrate_crossmodal.py).
MIN_Z = 3.0
#: The peak must also stand this far (r) above the best lag more than 150 ms from it.
MIN_PROMINENCE = 0.10
#: Floor of the chance peaks' spread (r units): 16 chance peaks that happen to agree
#: closely must not turn a modest peak into "evidence".
CHANCE_MIN_SD = 0.03
#: Seconds of lip movement (frames within the actor's lines) below which no estimate is
#: confident, however it scores.
MIN_EVIDENCE_S = 4.0
PROMINENCE_EXCLUDE_MS = 150
MIN_FRAMES_S = 1.0
#: The envelope band: 300 Hz–3 kHz (audioframes.BAND_EDGES indices 3…6).
ENV_BANDS = slice(3, 7)
ENV_SMOOTH_S = 0.02
#: The envelope is floored this far under its 95th percentile: noise, gating to digital
#: silence and room tone below it carry no timing (a gated webcam track otherwise put its
#: largest slopes at the gate's switching, not at the words).
ENV_FLOOR_PCT = 95.0
ENV_FLOOR_DB = 35.0
#: Stretches of unrelated speech the lips are also compared with (`chance_peaks`).
CHANCE_COUNT = 16


@dataclass(frozen=True)
class Estimate:
    offset_ms: float | None     # the peak's lag (None: no peak at all)
    peak_r: float
    prominence: float
    z: float                    # the peak against unrelated speech (`chance_z`)
    frames: int                 # frames correlated
    confident: bool
    reason: str = ""


def _smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0 or len(x) < 3:
        return x
    r = int(math.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    pad = np.pad(x, r, mode="edge")
    return np.convolve(pad, k, mode="valid")


def envelope_slope(bands: np.ndarray, hop_s: float) -> np.ndarray:
    """d/dt of the smoothed 300 Hz–3 kHz level (dB per frame) of 20 ms band-power frames,
    the level floored `ENV_FLOOR_DB` under its `ENV_FLOOR_PCT`th percentile."""
    p = np.asarray(bands[:, ENV_BANDS], np.float64).sum(axis=1)
    env = 10.0 * np.log10(p + 1e-10)
    if len(env):
        env = np.maximum(env, np.percentile(env, ENV_FLOOR_PCT) - ENV_FLOOR_DB)
    return np.gradient(_smooth(env, ENV_SMOOTH_S / hop_s))


@functools.lru_cache(maxsize=1)
def chance_slope() -> np.ndarray:
    """The stored envelope slope of unrelated speech (data/chance_envelopes.json, made by
    scripts/make_chance_envelopes.py from LibriSpeech, LJ Speech, CMU ARCTIC and CSTR
    recordings; licences there)."""
    from importlib import resources

    doc = json.loads(resources.files(__package__).joinpath("data", "chance_envelopes.json")
                     .read_text("utf-8"))
    q = np.frombuffer(base64.b64decode(doc["int8_base64"]), np.int8)
    return q.astype(np.float64) / float(doc["scale"])


def chance_curves(t_video: np.ndarray, visual: np.ndarray, hop_s: float, mask: np.ndarray,
                  lags_ms: np.ndarray, count: int = CHANCE_COUNT) -> np.ndarray:
    """Correlation curves (count × lags) of the lip signal with `count` stretches of unrelated
    speech (`chance_slope`, evenly spaced through it), laid over the same frames and searched
    over the same lags: how well these lips match sound they have nothing to do with."""
    stored = chance_slope()
    sel = mask & np.isfinite(visual)
    out = np.full((count, len(lags_ms)), np.nan)
    if not sel.any():
        return out
    t0 = float(t_video[sel].min()) - MAX_LAG_MS / 1000.0 - 0.1
    t1 = float(t_video[sel].max()) + MAX_LAG_MS / 1000.0 + 0.1
    n = int(math.ceil((t1 - t0) / hop_s)) + 2
    first = int(math.floor(t0 / hop_s))
    starts = np.linspace(0, len(stored), count, endpoint=False).astype(int)
    for k, a in enumerate(starts):
        seg = np.take(stored, np.arange(a, a + n), mode="wrap")
        lo = max(first, 0)
        fake = np.full(first + n, np.nan)   # the stored speech over the window's frames only
        fake[lo:] = seg[lo - first:]
        out[k] = correlate(t_video, visual, fake, hop_s, mask, lags_ms)
    return out


def correlate(t_video: np.ndarray, visual: np.ndarray, slope: np.ndarray, hop_s: float,
              mask: np.ndarray, lags_ms: np.ndarray) -> np.ndarray:
    """Pearson correlation of visual(t) with slope(t + lag) over masked frames, per lag
    (all lags at once: one interpolation, one weighted moment per row)."""
    ta = (np.arange(len(slope)) + 0.5) * hop_s
    at = t_video[None, :] + np.asarray(lags_ms, np.float64)[:, None] / 1000.0
    a = np.interp(at.ravel(), ta, slope, left=np.nan, right=np.nan).reshape(at.shape)
    ok = mask[None, :] & np.isfinite(a) & np.isfinite(visual)[None, :]
    w = ok.astype(np.float64)
    n = w.sum(axis=1)
    v = np.where(ok, visual[None, :], 0.0)
    a = np.where(ok, a, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(ok, v - (v.sum(axis=1) / n)[:, None], 0.0)
        y = np.where(ok, a - (a.sum(axis=1) / n)[:, None], 0.0)
        den = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
        out = (x * y).sum(axis=1) / den
    out[(n < 10) | ~(den > 0)] = np.nan
    return out


def pick_peak(curve: np.ndarray, lags_ms: np.ndarray) -> tuple[float | None, float, float]:
    """(lag of the peak refined by a parabola, peak value, prominence over the best value more
    than PROMINENCE_EXCLUDE_MS away)."""
    if not np.isfinite(curve).any():
        return None, 0.0, 0.0
    c = np.where(np.isfinite(curve), curve, -np.inf)
    i = int(np.argmax(c))
    lag = float(lags_ms[i])
    if 0 < i < len(c) - 1 and np.isfinite(c[i - 1]) and np.isfinite(c[i + 1]):
        den = c[i - 1] - 2 * c[i] + c[i + 1]
        if den < 0:
            lag += 0.5 * (c[i - 1] - c[i + 1]) / den * (lags_ms[1] - lags_ms[0])
    far = np.abs(lags_ms - lags_ms[i]) > PROMINENCE_EXCLUDE_MS
    rest = c[far]
    second = float(rest.max()) if rest.size and np.isfinite(rest).any() else -1.0
    return lag, float(c[i]), float(c[i] - max(second, -1.0))


def chance_z(r: float, chance: np.ndarray) -> float:
    """How many spreads the peak stands above the chance peaks (0 without them)."""
    chance = chance[np.isfinite(chance)]
    if len(chance) < 4:
        return 0.0
    return float((r - chance.mean()) / max(float(chance.std()), CHANCE_MIN_SD))


LAGS_MS = np.arange(-MAX_LAG_MS, MAX_LAG_MS + 1, LAG_STEP_MS, dtype=np.float64)


@dataclass(frozen=True)
class Evidence:
    """One window's correlation curve over `LAGS_MS`, the same for unrelated speech, and the
    frames they rest on — what `decide` judges, alone or pooled with other windows."""

    curve: np.ndarray
    chance: np.ndarray      # CHANCE_COUNT × lags
    frames: int
    fps: float


def evidence(t_video: np.ndarray, visual: np.ndarray, slope: np.ndarray, hop_s: float,
             mask: np.ndarray, fps: float) -> Evidence:
    frames = int((mask & np.isfinite(visual)).sum())
    if frames < MIN_FRAMES_S * fps:
        nan = np.full(len(LAGS_MS), np.nan)
        return Evidence(nan, np.full((CHANCE_COUNT, len(LAGS_MS)), np.nan), frames, fps)
    return Evidence(correlate(t_video, visual, slope, hop_s, mask, LAGS_MS),
                    chance_curves(t_video, visual, hop_s, mask, LAGS_MS), frames, fps)


def pooled(items: list[Evidence]) -> Evidence:
    """The frame-weighted mean of several windows' curves (and chance curves): all the
    take's measured speech as one piece of evidence."""
    w = np.array([e.frames for e in items], np.float64)
    curves = np.stack([np.nan_to_num(e.curve, nan=0.0) for e in items])
    chance = np.stack([np.nan_to_num(e.chance, nan=0.0) for e in items])
    ok = w > 0
    if not ok.any():
        return items[0]
    w = w[ok] / w[ok].sum()
    curve = np.tensordot(w, curves[ok], axes=1)
    curve[~np.isfinite(np.stack([e.curve for e in items])[ok]).all(axis=0)] = np.nan
    return Evidence(curve, np.tensordot(w, chance[ok], axes=1), int(sum(e.frames for e in items)),
                    items[0].fps)


def decide(ev: Evidence) -> Estimate:
    """The offset a piece of evidence gives, and whether it is confident (module docstring)."""
    if ev.frames < MIN_FRAMES_S * ev.fps:
        return Estimate(None, 0.0, 0.0, 0.0, ev.frames, False,
                        "too few frames of the actor's mouth")
    lag, r, prom = pick_peak(ev.curve, LAGS_MS)
    if lag is None:
        return Estimate(None, 0.0, 0.0, 0.0, ev.frames, False,
                        "the lips and the sound could not be compared")
    with np.errstate(all="ignore"):
        peaks = np.nanmax(np.where(np.isfinite(ev.chance), ev.chance, -np.inf), axis=1)
    z = chance_z(r, peaks[np.isfinite(peaks)])
    seconds = ev.frames / ev.fps
    if abs(lag) > MAX_LAG_MS - 20:
        return Estimate(lag, r, prom, z, ev.frames, False, "no match within ±600 ms")
    if seconds < MIN_EVIDENCE_S:
        return Estimate(lag, r, prom, z, ev.frames, False,
                        f"too little speech with the mouth in view ({seconds:.1f} s of lip "
                        f"movement, {MIN_EVIDENCE_S:g} s needed)")
    if z < MIN_Z:
        return Estimate(lag, r, prom, z, ev.frames, False,
                        f"the lips match this sound hardly better than unrelated speech "
                        f"(z = {z:.1f}, {MIN_Z:g} needed)")
    if prom < MIN_PROMINENCE:
        return Estimate(lag, r, prom, z, ev.frames, False,
                        "several offsets match the lips about equally well")
    return Estimate(lag, r, prom, z, ev.frames, True, "")


def halves(t_video: np.ndarray, visual: np.ndarray, slope: np.ndarray, hop_s: float,
           mask: np.ndarray, fps: float) -> list[Estimate]:
    """The two halves of a window — its measured frames split in time at the middle one —
    each decided on its own."""
    idx = np.flatnonzero(mask & np.isfinite(visual))
    if len(idx) < 2:
        return []
    first = np.arange(len(mask)) < idx[len(idx) // 2]
    return [decide(evidence(t_video, visual, slope, hop_s, mask & part, fps))
            for part in (first, ~first)]


def estimate(t_video: np.ndarray, visual: np.ndarray, slope: np.ndarray, hop_s: float,
             mask: np.ndarray, fps: float) -> Estimate:
    """The offset of one window, with its evidence."""
    return decide(evidence(t_video, visual, slope, hop_s, mask, fps))
