"""Lip sync: how far the sound is shifted against the picture (`av_offset_ms`, + = audio late).

**What is compared.** Over a few seconds of the actor's own speech (speakers.py), decoded
again at the full frame rate:

* picture — the *opening speed of the lips*: the aligned mouth crop of mouth.py (64 × 48 px,
  1.6 × 1.2 eye distances), Farnebäck optical flow between consecutive frames, mean vertical
  flow of the lower lip band (lower 40 % of the crop) minus that of the upper band (upper
  40 %): positive while the mouth opens, negative while it closes. Landmarks come from the
  face model every `DETECT_EVERY_S` (every 3rd frame at 25 fps), interpolated in between and
  median-filtered over 5 frames, so the crop does not jitter with the detector.
* sound — the *rate of change of the speech envelope*: the 300 Hz–3 kHz band power of the
  20 ms frames the audio pass already computed (audioframes.py; nothing is decoded again),
  in dB, floored `ENV_FLOOR_DB` under its 95th percentile (a gated webcam track otherwise
  put its steepest slopes at the gate, not the words), smoothed (Gaussian, σ = 20 ms) and
  differentiated: positive at onsets (the mouth opens into a vowel), negative at offsets.
  The sound is on the player's timeline (ingest/audio.py), so an offset left in the
  container's timestamps reads like one in the samples.

**Estimate.** The normalised cross-correlation of the two over frames within the actor's
lines (± 0.4 s) for audio lags −600…+600 ms in 10 ms steps; the peak (refined by a parabola
through its neighbours) is the offset. This pairing was chosen from seven tried on the
corpus (|Δcrop| motion energy, crop PCA, mouth darkness, CCA of crop PCs and band energies —
the earlier prototypes — and lip-opening flow against log-envelope slopes in five bands): it
was the only one that gave the same answer for every shift of every clip (scripts/
calibrate_crossmodal.py prints the table). It relies on no trained model; its one constant
(`LIP_LEAD_MS`) is the mean error on the seven studio-synchronised GRID clips, where after it
every confident estimate lies within ±30 ms of the truth for every shift (−200…+400 ms);
the other corpus clips (web-published addresses) have offsets of their own, and there each
shifted copy lands within ±20 ms of the clip's own estimate plus the shift.

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

**A reading is not yet a finding.** A confident reading wrong by chance is rare, not
impossible; an offset beyond casting's tolerance is reported (X102) only when a second,
independent piece of the take backs it (`corroborates`): another window peaking within
`AGREE_MS` of it, or the window's own two halves each doing so, each half ≥ `HALF_Z`
above chance. Measured (calibrate chance, 812 mismatched pairs): readings 19 (2.3 %), beyond X102's limits 15, corroborated 5 — all
five GRID picture × GRID sound, where both are one 3 s sentence looped three times, so a
window's halves repeat each other and are not independent; of the 770 other pairs none.
Matched takes: 18 of 29 read, all 18 corroborated; of their copies shifted −300…+400 ms
(the sound track moved, offline), 84 of 85 readings beyond X102's limits are corroborated
(the one not: a wrong reading, −513 ms for the presenter's +400 ms copy).

**On corpus/real** two corroborated offsets are beyond tolerance; neither label was checked
by ear. The gated-audio webcam reads +173 ms: its audio stream starts 0.166 s after its
video, so a player plays the sound that much late (its samples alone, read before ingest
honoured start times, gave −10 ms: the delay is the export's), and its confident window
follows every shift of its sound exactly (−300 → −129, +200 → +374, +300 → +472). The Obama address crop
(+245 ms: two windows at z 7.3 and 5.3, all four halves +233…+269; its −200 ms copy reads
+44). A crude independent measure — the dark share of the mouth crop (the open cavity)
against the 300 Hz–3 kHz level, no flow, no slopes — reads +270 ms there, and within
≈ 30 ms of this method on the news anchor, VoxCeleb, phone selfie, HDTF, MEAD W040 and
GRID clips (which it reads −60…+20 ms): the picture and sound of that file disagree by
about a quarter second, whatever the feature; it is not a bias of the lip flow on 25 fps
broadcast. Both findings stand.

**Whose lips.** The full-rate windows follow the actor (`actor_chooser`: faces.py
`pick_actor`, the face inside the actor's 2 fps box), never a larger face beside them. A
window decoded early, before the actor is known, takes the largest face; when more than
`MAX_OFF_ACTOR` of its detections fell outside the actor's box it is decoded again.

**Windows and cost.** Tapes shorter than `LONG_TAKE_S` get one window of ≤ `SHORT_WINDOW_S`
holding as much actor speech as possible; longer takes get one window ≤ `WINDOW_S` in the
first 40 % and one in the last 40 % — the offset near the start and near the end, whose
difference is the *drift* (variable frame rate, a recorder whose clock runs off the
camera's). At most ≈ 10 s of full-rate decode per tape, whatever its length (≈ 20 s when
the reader's lines moved the windows, below); memory holds small mouth patches (≤ 160 px
square) of the windows, nothing of the sound.

**Decoded early.** Who speaks is known only after the video pass, but the windows are
decoded in `early`, beside it, from all speech (voice activity, known once the audio pass
ends): on 2 cores the sampled picture decode leaves ≈ 0.4 of a core idle, and the sync
windows cost ≈ 5 s of a 1080p minute (scripts/bench.py: 23.0 → 20.9 s). A window decoded
early is then used when it holds ≥ `EARLY_SHARE` of the actor speech the actor's own best
window would; otherwise (the reader's lines filled it) the actor's window is decoded too.
"""

from __future__ import annotations

import base64
import functools
import json
import math
from dataclasses import dataclass

import numpy as np

from ..errors import IngestError, MeasureUnavailable
from .base import DerivedMeasure, Missing
from .mouth import mouth_matrix

#: Takes at least this long get a start and an end window (drift); shorter ones one window.
LONG_TAKE_S = 20.0
SHORT_WINDOW_S = 8.0
WINDOW_S = 5.0
#: Picture kept before and after the actor's lines in a window (mouth opening before the
#: first sound, closing after the last).
MARGIN_S = 0.4
#: Face-model landmarks every this many seconds of frames (every 3rd frame at 25 fps).
DETECT_EVERY_S = 0.12
#: Added to the correlation peak: the lips move slightly ahead of the sound they make, so
#: on the studio-synchronised GRID clips the raw peak sits 11.8 ms early on average (41
#: confident estimates, 7 speakers × 6 shifts; scripts/calibrate_crossmodal.py sync). Fitted
#: on the same clips it is judged on — one constant, stated as such.
LIP_LEAD_MS = 10.0
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
#: A window decoded early (from all speech, before the reader is told apart) is used instead
#: of the actor's own best window when it holds at least this share of the actor speech
#: that one would: a few tenths of a second of lines at the edge change no estimate.
EARLY_SHARE = 0.9
#: Less actor speech than this: no estimate.
MIN_ACTOR_SPEECH_S = 1.0
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
#: A frame whose mouth crop differs from the previous one by less than this (mean grey
#: levels) repeats it (a frozen picture, a duplicated frame): its lips say nothing about
#: timing. (The frozen-picture sample tape otherwise read as sound 410 ms late.)
DUPLICATE_GREY = 0.5
#: A finding needs more than a reading (`corroborates`): two independent pieces of the take
#: peaking within this of the offset, ms …
AGREE_MS = 40.0
#: … where a confident window's own halves count only when each stands this far above chance.
HALF_Z = 1.5
#: An early window (decoded before the actor is known, on the largest face) whose detections
#: fell outside the actor's box more often than this is decoded again on the actor.
MAX_OFF_ACTOR = 0.1
#: Crop for the flow, px.
FLOW_W, FLOW_H = 64, 48
#: Mouth patches are kept at most at this many px per eye distance.
PATCH_PX_PER_EYE = 40.0
PATCH_EYES = 4.0   # patch side, in eye distances


@dataclass(frozen=True)
class Estimate:
    offset_ms: float | None     # the peak's lag (None: no peak at all)
    peak_r: float
    prominence: float
    z: float                    # the peak against unrelated speech (`chance_z`)
    frames: int                 # frames correlated
    confident: bool
    reason: str = ""


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float
    offset_ms: float | None     # this window's estimate (None: no peak at all)
    peak_r: float
    prominence: float
    frames: int                 # frames correlated
    confident: bool
    reason: str = ""
    z: float = 0.0              # the peak against unrelated speech (`chance_z`)
    #: a confident window's two halves (its measured frames split in time) on their own:
    #: their peaks' lags (ms, lip lead added) and z (`corroborates`)
    halves_ms: tuple[float | None, ...] = ()
    halves_z: tuple[float, ...] = ()

    @property
    def center_s(self) -> float:
        return (self.start_s + self.end_s) / 2

    @property
    def halves_agree(self) -> bool:
        """Both halves peak within `AGREE_MS` of the window, each ≥ `HALF_Z` above chance."""
        return (self.confident and len(self.halves_ms) == 2
                and all(h is not None and abs(h - self.offset_ms) <= AGREE_MS
                        for h in self.halves_ms)
                and min(self.halves_z) >= HALF_Z)


@dataclass(frozen=True)
class Track:
    """The lip-opening speed of a stretch decoded at full frame rate (`mouth_track`)."""

    start_s: float
    end_s: float
    times: np.ndarray
    speed: np.ndarray           # crop px per frame, NaN where the mouth was not found


@dataclass(frozen=True)
class SyncResult:
    windows: tuple[Window, ...]
    av_offset_ms: float | None      # + = audio late; None when no window is confident
    reason: str                     # why av_offset_ms is None ("" otherwise)
    decoded_s: float                # full-rate video decoded for this, s
    #: every stretch decoded at full rate (the windows, and early ones not used): the lips
    #: during speech, for measures that ask whether the face speaks at all (lipmotion.py)
    tracks: tuple[Track, ...] = ()

    @property
    def confident(self) -> tuple[Window, ...]:
        return tuple(w for w in self.windows if w.confident)

    @property
    def corroborated(self) -> bool:
        """Is the offset backed by two independent pieces of the take (`corroborates`)?"""
        return corroborates(self.av_offset_ms, self.windows)

    @property
    def drift_ms(self) -> float | None:
        """End-window offset minus start-window offset, when both are confident."""
        if len(self.windows) < 2:
            return None
        first, last = self.windows[0], self.windows[-1]
        if not (first.confident and last.confident):
            return None
        return last.offset_ms - first.offset_ms

    def named(self) -> dict:
        v = self.av_offset_ms
        return {"av_offset_ms": round(v, 1) if v is not None else None}


# --- the two signals ---------------------------------------------------------------------

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


def lip_opening_speed(prev: np.ndarray, cur: np.ndarray) -> float:
    """Vertical flow of the lower-lip band minus the upper-lip band (px/frame, crop scale)."""
    import cv2

    flow = cv2.calcOpticalFlowFarneback(prev, cur, None, 0.5, 2, 9, 3, 5, 1.1, 0)
    vy = flow[..., 1]
    h, w = vy.shape
    cols = slice(w // 4, 3 * w // 4)
    return float(vy[int(h * 0.6):, cols].mean() - vy[:int(h * 0.4), cols].mean())


def _median5(x: np.ndarray) -> np.ndarray:
    """Running median over 5 rows (edges: shorter windows), column-wise."""
    n = len(x)
    out = np.empty_like(x)
    for i in range(n):
        out[i] = np.median(x[max(0, i - 2):i + 3], axis=0)
    return out


def largest(found, t: float):
    """The largest of the faces found at `t` (before the actor is known)."""
    return max(found, key=lambda f: f.area)


def actor_chooser(faces):
    """`choose` for `mouth_track` that follows the actor: of the faces found at `t`, the one
    inside the actor's box at the nearest 2 fps frame (faces.py `pick_actor`), else none —
    never the lips of someone else in the shot."""
    return lambda found, t: faces.pick_actor(found, t)


def mouth_track(frames, detect_every: int, choose=largest) -> tuple[np.ndarray, np.ndarray]:
    """Times and lip-opening speed (NaN where no face) of a stream of full-rate frames;
    `choose(faces, t)` picks whose lips (None: nobody's at this detection).

    Keeps, per frame, a small grey patch around the last known mouth (≤ 160 px square), not
    the frame."""
    import cv2

    from .faces import detect

    times, patches, marks = [], [], []
    last = None
    for i, frame in enumerate(frames):
        gray = frame.gray
        lm = None
        if i % detect_every == 0:
            found = detect(frame.image)
            face = choose(found, frame.t) if found else None
            if face is not None:
                lm = np.array(face.landmarks, np.float64)
                last = lm
        times.append(frame.t)
        marks.append(lm)
        if last is None:
            patches.append(None)
            continue
        eye_d = float(np.hypot(*(last[1] - last[0])))
        cx, cy = (last[3] + last[4]) / 2
        scale = min(1.0, PATCH_PX_PER_EYE / max(eye_d, 1e-6))
        half = PATCH_EYES * eye_d / 2
        h, w = gray.shape
        x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
        x1, y1 = int(min(w, cx + half)), int(min(h, cy + half))
        if x1 - x0 < 4 or y1 - y0 < 4:
            patches.append(None)
            continue
        patch = gray[y0:y1, x0:x1]
        if scale < 1.0:
            patch = cv2.resize(patch, (max(4, round((x1 - x0) * scale)),
                                       max(4, round((y1 - y0) * scale))),
                               interpolation=cv2.INTER_AREA)
        else:
            patch = patch.copy()  # not a view: the frame itself must not be kept
        patches.append((patch, x0, y0, (x1 - x0) / patch.shape[1], (y1 - y0) / patch.shape[0]))
    n = len(times)
    t = np.asarray(times, np.float64)
    speed = np.full(n, np.nan)
    known = [i for i, m in enumerate(marks) if m is not None]
    if len(known) < 2:
        return t, speed
    kidx = np.asarray(known)
    kl = np.stack([marks[i].ravel() for i in known])
    idx = np.arange(n)
    lm = np.stack([np.interp(idx, kidx, kl[:, c]) for c in range(10)], axis=1)
    # frames further than two detection intervals from any detection: no landmarks
    near = np.min(np.abs(idx[:, None] - kidx[None, :]), axis=1) <= 2 * detect_every
    lm = _median5(lm)
    prev = None
    for i in range(n):
        crop = None
        if near[i] and patches[i] is not None:
            patch, x0, y0, sx, sy = patches[i]
            pts = lm[i].reshape(5, 2)
            local = np.column_stack([(pts[:, 0] - x0) / sx, (pts[:, 1] - y0) / sy])
            m = mouth_matrix(local, FLOW_W, FLOW_H)
            crop = cv2.warpAffine(patch, m, (FLOW_W, FLOW_H),
                                  flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                  borderMode=cv2.BORDER_REPLICATE)
        if crop is not None and prev is not None and \
                float(np.abs(crop.astype(np.int16) - prev).mean()) >= DUPLICATE_GREY:
            speed[i] = lip_opening_speed(prev, crop)
        prev = crop
    return t, speed


# --- the estimate ------------------------------------------------------------------------

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


def corroborates(offset_ms: float | None, windows) -> bool:
    """Is an offset backed by two independent pieces of the take? Either two windows (their
    frames never overlap) peak within `AGREE_MS` of it, or a confident window that does has
    halves that agree (`Window.halves_agree`). A take's picture with another take's sound
    reaches a confident reading now and then (module docstring); two of its pieces landing on
    the same lag by chance is far rarer, so only a corroborated offset becomes a finding.
    The second window needs no z of its own: asking it ≥ `HALF_Z` (as a half must be) kept
    the mismatched pairs at 0 findings either way and lost 8 of 85 real shifted copies."""
    if offset_ms is None:
        return False
    near = [w for w in windows if w.offset_ms is not None
            and abs(w.offset_ms - offset_ms) <= AGREE_MS]
    return len(near) >= 2 or any(w.halves_agree for w in near)


def estimate(t_video: np.ndarray, visual: np.ndarray, slope: np.ndarray, hop_s: float,
             mask: np.ndarray, fps: float) -> Estimate:
    """The offset of one window, with its evidence."""
    return decide(evidence(t_video, visual, slope, hop_s, mask, fps))


def judge_window(window: tuple[float, float], t: np.ndarray, speed: np.ndarray,
                 slope: np.ndarray, hop_s: float, spans: list[tuple[float, float]],
                 fps: float) -> tuple[Window, Evidence]:
    """One window's estimate (and its halves when confident) from its full-rate lip track
    and the take's envelope slope, over the frames within the actor's lines."""
    ws, we = window
    if len(t) >= 2 and np.median(np.diff(t)) > 0:
        fps = 1.0 / float(np.median(np.diff(t)))
    mask = np.zeros(len(t), bool)
    for s, e in spans:
        mask |= (t >= s - MARGIN_S) & (t <= e + MARGIN_S)
    ev = evidence(t, speed, slope, hop_s, mask, fps)
    e = decide(ev)
    lag = None if e.offset_ms is None else e.offset_ms + LIP_LEAD_MS
    parts = halves(t, speed, slope, hop_s, mask, fps) if e.confident else []
    return Window(round(ws, 3), round(we, 3), None if lag is None else round(lag, 1),
                  round(e.peak_r, 3), round(e.prominence, 3), e.frames, e.confident, e.reason,
                  round(e.z, 2),
                  tuple(None if h.offset_ms is None else round(h.offset_ms + LIP_LEAD_MS, 1)
                        for h in parts), tuple(round(h.z, 2) for h in parts)), ev


def reading(windows: list[Window], evs: list[Evidence]) -> tuple[float | None, str]:
    """The take's offset from its windows (`av_offset_ms`, None with the reason): the median
    of the confident windows when all are; else all the measured speech pooled, when that is
    confident; else the confident windows there are."""
    good = [w.offset_ms for w in windows if w.confident]
    whole = decide(pooled(evs)) if len(evs) > 1 else None
    if good and len(good) == len(windows):
        return float(np.median(good)), ""
    if whole is not None and whole.confident:
        # no window alone holds enough evidence, all the measured speech together does
        return whole.offset_ms + LIP_LEAD_MS, ""
    if good:
        return float(np.median(good)), ""
    return None, (whole.reason if whole is not None else
                  windows[0].reason if windows else "no window of the actor's speech")


def _coverage(window: tuple[float, float], spans: list[tuple[float, float]]) -> float:
    """Seconds of `spans` inside the window, its margins left out."""
    ws, we = window
    return sum(max(0.0, min(e, we - MARGIN_S) - max(s, ws + MARGIN_S)) for s, e in spans)


def choose_windows(spans: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """Windows (start, end) holding as much of the spans' speech as possible (module docstring)."""
    if duration < LONG_TAKE_S:
        regions = [(0.0, duration, SHORT_WINDOW_S, False)]
    else:
        regions = [(0.0, 0.4 * duration, WINDOW_S, False),
                   (0.6 * duration, duration, WINDOW_S, True)]
    out = []
    for lo, hi, length, late in regions:
        inside = [(max(s, lo), min(e, hi)) for s, e in spans if e > lo and s < hi]
        inside = [(s, e) for s, e in inside if e - s > 0.05]
        if not inside:
            continue
        best, best_cov = None, -1.0
        starts = [s - MARGIN_S for s, _ in inside] + [e + MARGIN_S - length for _, e in inside]
        for c in starts:
            c = min(max(c, lo - MARGIN_S, 0.0), max(0.0, duration - length))
            ws, we = c, min(duration, c + length)
            cov = _coverage((ws, we), inside)
            if cov > best_cov + 1e-6 or (late and abs(cov - best_cov) <= 1e-6 and c > best[0]):
                best, best_cov = (ws, we), cov
        if best is None or best_cov <= 0:
            continue
        ws, we = best
        covered = [(max(s, ws), min(e, we)) for s, e in inside if e > ws and s < we]
        ws = max(ws, min(s for s, _ in covered) - MARGIN_S, 0.0)
        we = min(we, max(e for _, e in covered) + MARGIN_S, duration)
        out.append((ws, we))
    return out


def decode_track(info, window: tuple[float, float], choose=None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Times and lip-opening speed of a stretch of the file, decoded at full frame rate, of
    the face `choose` picks (`mouth_track`; None: the largest)."""
    from ..ingest import iter_frames

    every = max(1, int(round((info.fps or 25.0) * DETECT_EVERY_S)))
    ws, we = window
    return mouth_track(iter_frames(info, rate=0, start_s=ws, duration_s=we - ws), every,
                       choose or largest)


def off_actor(picks: list[tuple[float, tuple[float, float]]], faces) -> float:
    """Share of the detections of an early window (time, centre of the face taken) whose face
    lies outside the actor's box at the nearest 2 fps frame; 0 where the actor is unknown."""
    judged = [(c, b) for t, c in picks if (b := faces.actor_box_at(t)) is not None]
    if not judged:
        return 0.0
    out = sum(1 for (x, y), (x1, y1, x2, y2) in judged
              if not (x1 <= x <= x2 and y1 <= y <= y2))
    return out / len(judged)


class Sync(DerivedMeasure):
    name = "sync"
    requires = ("speakers", "audio_frames", "faces")
    optional = ("faces",)

    def __init__(self, ctx):
        super().__init__(ctx)
        #: (start, end) → (times, lip speed) of windows decoded in `early`
        self._tracks: dict[tuple[float, float], tuple[np.ndarray, np.ndarray]] = {}
        #: (start, end) → (time, centre) of the face each early detection took (the largest)
        self._picks: dict[tuple[float, float], list] = {}

    def _track(self, window: tuple[float, float], choose=None,
               ) -> tuple[np.ndarray, np.ndarray]:
        return decode_track(self.ctx.info, window, choose)

    def early(self, results):
        """Decode the windows that hold the most speech of anyone while the video pass runs.

        Who speaks is known only after it, but in most tapes the actor's lines are most of
        the speech, so the same windows serve; `compute` checks that they do."""
        speech = results.get("speech")
        if speech is None or isinstance(speech, Missing):
            return
        spans = [(seg.start_s, seg.end_s) for seg in speech.segments]
        for window in choose_windows(spans, self.ctx.info.duration_s):
            picks: list = []

            def noted(found, t, picks=picks):
                face = largest(found, t)
                picks.append((t, face.center))
                return face

            try:
                self._tracks[window] = self._track(window, noted)
                self._picks[window] = picks
            except IngestError:
                pass  # compute() decodes the window it wants and reports what failed

    def _decoded_early(self, window: tuple[float, float], spans) -> tuple[float, float] | None:
        """A window decoded early that holds nearly as much actor speech (≥ `EARLY_SHARE`)
        as `window` and overlaps it, or None."""
        overlapping = [w for w in self._tracks if w[1] > window[0] and w[0] < window[1]]
        if not overlapping:
            return None
        best = max(overlapping, key=lambda w: _coverage(w, spans))
        return best if _coverage(best, spans) >= EARLY_SHARE * _coverage(window, spans) else None

    def compute(self, results):
        from .speakers import ACTOR

        speakers, feats, faces = results["speakers"], results["audio_frames"], results["faces"]
        for v in (speakers, feats):
            if isinstance(v, Missing):
                raise MeasureUnavailable(v.reason)
        choose = None if isinstance(faces, Missing) else actor_chooser(faces)
        info = self.ctx.info
        spans = [(ln.start_s, ln.end_s) for ln in speakers.lines_of(ACTOR, confident=False)]
        if sum(e - s for s, e in spans) < MIN_ACTOR_SPEECH_S:
            raise MeasureUnavailable("no lip movement could be measured: too little speech "
                                     "with the actor's mouth in view")
        fps = info.fps or 25.0
        slope = envelope_slope(feats.bands, feats.hop_s)
        windows: list[Window] = []
        evs: list[Evidence] = []
        decoded = sum(we - ws for ws, we in self._tracks)
        if choose is not None:
            # an early window that took someone else's face in the shot is decoded again
            for w in [w for w in self._tracks if off_actor(self._picks.get(w, []), faces)
                      > MAX_OFF_ACTOR]:
                del self._tracks[w]
        kept = dict(self._tracks)
        for window in choose_windows(spans, info.duration_s):
            early = self._decoded_early(window, spans)
            if early is not None:
                window = early
                t, speed = self._tracks[early]
            else:
                try:
                    t, speed = self._track(window, choose)
                except IngestError as exc:   # a damaged stretch: this window says nothing
                    windows.append(Window(round(window[0], 3), round(window[1], 3), None, 0.0,
                                          0.0, 0, False, "the picture could not be decoded "
                                          f"there ({exc.code})"))
                    continue
                decoded += window[1] - window[0]
                kept[window] = (t, speed)
            judged, ev = judge_window(window, t, speed, slope, feats.hop_s, spans, fps)
            windows.append(judged)
            evs.append(ev)
        offset, reason = reading(windows, evs)
        tracks = tuple(Track(ws, we, t, sp) for (ws, we), (t, sp) in sorted(kept.items()))
        return SyncResult(tuple(windows), offset, reason, round(decoded, 2), tracks)
