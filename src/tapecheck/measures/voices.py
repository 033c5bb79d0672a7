"""How many voices speak, and when each does — from the sound alone (no picture).

This is the sound half of *who is speaking when* (speakers.py names the voices with the
actor's mouth). In a self-tape the actor and the reader are two different voices at two
distances from the microphone; their timbre tells them apart where loudness cannot (a reader
may be as loud as the actor, louder or much quieter).

**Timbre.** Every 20 ms (the frames of audioframes.py: 40 ms Hann windows, frame i centred on
(i + ½)·20 ms) the mono mix's power spectrum is summed into 40 mel bands (60 Hz–8 kHz) and
turned into cepstral coefficients (DCT-II of the log band powers). Coefficients 1–12 are kept
and **c0 is not**: c0 is the frame's level, and a split on level would separate loud from
quiet passages of one voice, not two voices. 12 float32 a frame: 2.4 kB per second of tape.

**Two voices or one.** The speech (speech.py's frames) is cut into chunks of `CHUNK_S`
(1 s and 3 s; a quick cue pickup needs the short ones, a slow exchange the long ones) whose
mean coefficients, standardised over the tape, are split two ways (k-means, k = 2). The
split's *strength* is the distance of the two groups' means along the line joining them, in
units of their pooled spread (Fisher's discriminant ratio d′): a random cut of one voice's
chunks gives d′ ≈ 2–3, two voices ≥ 4 (scripts/calibrate_crossmodal.py voices). The stronger of the
two chunkings is kept. Then every speech frame is given to the nearer group by its
coefficients averaged over ±`SMOOTH_S`, and runs shorter than `MIN_RUN_S` join their
neighbours (a frame-level clean-up: chunk edges rarely fall where the talker changes).

Whether the second voice is a reader, and which voice is the actor, audio cannot say (on
constructed tapes "the longer one is the actor" was right 22–44 % of the time): that is
speakers.py's job, with the mouth.

Cost: one 2048-point FFT and a 40-band matrix product per 20 ms frame (≈ 2 ms per second of
audio on this machine); the split is a few k-means runs on ≤ a few thousand chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .audioframes import HOP_S, need
from .base import AudioMeasure

N_MELS = 40
MEL_HZ = (60.0, 8000.0)
#: Cepstral coefficients kept: c1…c12 (c0, the level, left out: module docstring).
N_CEPS = 12
#: Chunk lengths tried for the two-way split, s.
CHUNK_S = (1.0, 3.0)
#: A chunk needs at least this much speech, s (shorter pieces join the previous chunk).
MIN_CHUNK_S = 0.5
#: Frame features are averaged over ± this for the frame-level assignment, s.
SMOOTH_S = 0.25
#: Runs of one voice shorter than this join their neighbours, s.
MIN_RUN_S = 0.8
#: k-means restarts (deterministic seeds).
RESTARTS = 6
#: A seeded split (`seeded`) needs this many seed runs in each group …
MIN_SEED_RUNS = 2
#: … and its timbre must put at least this share of them, each judged by the others, in
#: their own group.
SEED_AGREE = 0.8


def _mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz, np.float64) / 700.0)


def _mel_matrix(rate: int, nfft: int) -> np.ndarray:
    """N_MELS triangular filters (HTK mel scale, peak 1) over the rfft bins. Written out
    rather than taken from librosa, whose import alone costs seconds per run."""
    freqs = np.fft.rfftfreq(nfft, 1.0 / rate)
    edges = 700.0 * (10 ** (np.linspace(_mel(MEL_HZ[0]), _mel(MEL_HZ[1]), N_MELS + 2) / 2595.0)
                     - 1.0)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None] - lo) / (mid - lo)
    down = (hi - freqs[None]) / (hi - mid)
    return np.maximum(0.0, np.minimum(up, down)).astype(np.float32)


def _dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II rows 1…N_CEPS over N_MELS log bands."""
    k = np.arange(1, N_CEPS + 1)[:, None]
    n = np.arange(N_MELS)[None, :]
    return (np.sqrt(2.0 / N_MELS) * np.cos(np.pi * k * (2 * n + 1) / (2 * N_MELS))
            ).astype(np.float32)


class Cepstra:
    """Streams mono samples into c1…c12 per 20 ms frame (usable alone: tests, calibration)."""

    def __init__(self, rate: int):
        self.hop = int(round(rate * HOP_S))
        self.win = 2 * self.hop
        self.nfft = 1 << int(np.ceil(np.log2(self.win)))
        self.window = np.hanning(self.win + 2)[1:-1].astype(np.float32)
        self.mel = _mel_matrix(rate, self.nfft)
        self.dct = _dct_matrix()
        self._pending = np.zeros(self.hop // 2, np.float32)   # frame i centred on (i+½)·hop
        self.seen = 0
        self.frames = 0

    def feed(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float32)
        self.seen += len(x)
        buf = np.concatenate([self._pending, x])
        n = max(0, (len(buf) - self.win) // self.hop + 1)
        if n == 0:
            self._pending = buf
            return np.zeros((0, N_CEPS), np.float32)
        self._pending = buf[n * self.hop:]
        idx = np.arange(self.win)[None, :] + self.hop * np.arange(n)[:, None]
        return self._analyse(buf[idx])

    def flush(self) -> np.ndarray:
        owed = int(np.ceil(self.seen / self.hop)) - self.frames
        if owed <= 0:
            return np.zeros((0, N_CEPS), np.float32)
        need_n = (owed - 1) * self.hop + self.win
        buf = np.concatenate([self._pending, np.zeros(max(0, need_n - len(self._pending)),
                                                      np.float32)])
        idx = np.arange(self.win)[None, :] + self.hop * np.arange(owed)[:, None]
        return self._analyse(buf[idx])

    def _analyse(self, frames: np.ndarray) -> np.ndarray:
        self.frames += len(frames)
        spec = np.fft.rfft(frames * self.window, self.nfft, axis=1)
        p = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
        logmel = np.log(p @ self.mel.T + 1e-10)
        return (logmel @ self.dct.T).astype(np.float32)


@dataclass(frozen=True)
class VoicesResult:
    """The two-way split of the tape's speech by timbre (see the module docstring).

    `label[i]` is 0 or 1 for speech frame i (−1: not speech); `strength` is the split's d′
    (None: too little speech to split); `chunk_s` the chunking that gave it."""

    hop_s: float
    label: np.ndarray
    strength: float | None
    chunk_s: float | None
    #: the speech frames' timbre (c1…c12 averaged over ±`SMOOTH_S`, standardised over the
    #: tape; one row per speech frame, in order) — what `seeded` splits again
    features: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: a split seeded by the mouth (`seeded`); its strength is then the cross-validated d′
    by_mouth: bool = False

    def runs(self) -> list[tuple[float, float, int]]:
        """(start s, end s, voice) of the runs of one voice."""
        out = []
        lab = self.label
        i, n = 0, len(lab)
        while i < n:
            if lab[i] < 0:
                i += 1
                continue
            j = i
            while j < n and lab[j] == lab[i]:
                j += 1
            out.append((i * self.hop_s, j * self.hop_s, int(lab[i])))
            i = j
        return out

    def seconds(self, voice: int) -> float:
        return float((self.label == voice).sum()) * self.hop_s


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def chunks(mask: np.ndarray, hop: float, chunk_s: float) -> list[np.ndarray]:
    """Frame indices of speech chunks: each run of speech cut into pieces of `chunk_s` (a
    remainder under `MIN_CHUNK_S` joins the piece before it; a lone short run is dropped)."""
    size = max(1, int(round(chunk_s / hop)))
    least = max(1, int(round(MIN_CHUNK_S / hop)))
    out = []
    for a, b in _runs(mask):
        pieces = [np.arange(s, min(s + size, b)) for s in range(a, b, size)]
        if len(pieces) > 1 and len(pieces[-1]) < least:
            last = pieces.pop()
            pieces[-1] = np.concatenate([pieces[-1], last])
        out.extend(p for p in pieces if len(p) >= least)
    return out


def kmeans2(x: np.ndarray, restarts: int = RESTARTS) -> np.ndarray:
    """Labels 0/1 of the best (lowest within-group spread) of a few 2-means runs."""
    rng = np.random.default_rng(0)
    best, best_cost = np.zeros(len(x), int), np.inf
    for r in range(restarts):
        if r == 0:  # farthest pair along the first principal axis
            c = x - x.mean(axis=0)
            axis = np.linalg.svd(c, full_matrices=False)[2][0]
            proj = c @ axis
            cent = np.stack([x[np.argmin(proj)], x[np.argmax(proj)]])
        else:
            cent = x[rng.choice(len(x), 2, replace=False)]
        for _ in range(50):
            d = ((x[:, None, :] - cent[None]) ** 2).sum(axis=2)
            lab = np.argmin(d, axis=1)
            if lab.min() == lab.max():
                break
            new = np.stack([x[lab == k].mean(axis=0) for k in (0, 1)])
            if np.allclose(new, cent):
                break
            cent = new
        if lab.min() == lab.max():
            continue
        cost = float(((x - cent[lab]) ** 2).sum())
        if cost < best_cost:
            best, best_cost = lab, cost
    return best


def _smoothed(ceps: np.ndarray, mask: np.ndarray, hop: float) -> tuple[np.ndarray, np.ndarray]:
    """(features averaged over ±SMOOTH_S within each speech run, their frame indices)."""
    half = max(1, int(round(SMOOTH_S / hop)))
    rows, where = [], []
    for a, b in _runs(mask):
        f = ceps[a:b].astype(np.float64)
        c = np.cumsum(np.vstack([np.zeros((1, f.shape[1])), f]), axis=0)
        lo = np.clip(np.arange(b - a) - half, 0, b - a)
        hi = np.clip(np.arange(b - a) + half + 1, 0, b - a)
        rows.append((c[hi] - c[lo]) / (hi - lo)[:, None])
        where.append(np.arange(a, b))
    return np.vstack(rows), np.concatenate(where)


def _lda(x: np.ndarray, lab: np.ndarray) -> tuple[np.ndarray, float]:
    """Fisher's discriminant of two labelled groups of rows: (direction w, the threshold
    half-way between the groups' means along it; group 1 lies above)."""
    m0, m1 = x[lab == 0].mean(axis=0), x[lab == 1].mean(axis=0)
    within = np.cov(np.vstack([x[lab == 0] - m0, x[lab == 1] - m1]).T)
    within += 1e-3 * np.trace(within) / len(within) * np.eye(len(within))
    w = np.linalg.solve(within, m1 - m0)
    return w, 0.5 * (m0 @ w + m1 @ w)


def _d_prime(proj: np.ndarray, lab: np.ndarray) -> float:
    p0, p1 = proj[lab == 0], proj[lab == 1]
    return float((p1.mean() - p0.mean()) / np.sqrt(0.5 * (p0.var() + p1.var()) + 1e-12))


def _refine(sm: np.ndarray, lab: np.ndarray) -> tuple[np.ndarray, float]:
    """Two passes of linear discriminant analysis on the frames themselves (one direction that
    separates the groups beats distances in 12 noisy dimensions): (labels, d′ along it)."""
    d = 0.0
    for _ in range(2):
        if min((lab == 0).sum(), (lab == 1).sum()) < 10:
            return lab, 0.0
        w, cut = _lda(sm, lab)
        proj = sm @ w
        lab = (proj > cut).astype(int)
        if min((lab == 0).sum(), (lab == 1).sum()) < 2:
            return lab, 0.0
        d = _d_prime(proj, lab)
    return lab, d


def split(ceps: np.ndarray, mask: np.ndarray, hop: float) -> VoicesResult:
    """The two-way timbre split of the speech frames (module docstring)."""
    n = min(len(ceps), len(mask))
    ceps, mask = ceps[:n], mask[:n].astype(bool)
    label = np.full(n, -1, np.int8)
    if not mask.any():
        return VoicesResult(hop, label, None, None)
    sm, idx = _smoothed(ceps, mask, hop)
    mu, sd = sm.mean(axis=0), sm.std(axis=0) + 1e-6
    sm = (sm - mu) / sd
    pos = np.full(n, -1)
    pos[idx] = np.arange(len(idx))
    best = None
    for size in CHUNK_S:
        parts = chunks(mask, hop, size)
        if len(parts) < 4:
            continue
        feats = np.stack([sm[pos[p]].mean(axis=0) for p in parts])
        clab = kmeans2(feats)
        if clab.min() == clab.max():
            continue
        cent = np.stack([feats[clab == k].mean(axis=0) for k in (0, 1)])
        lab = np.argmin(((sm[:, None, :] - cent[None]) ** 2).sum(axis=2), axis=1)
        lab, d = _refine(sm, lab)
        if best is None or d > best[0]:
            best = (d, size, lab)
    if best is None:
        label[mask] = 0
        return VoicesResult(hop, label, None, None, sm.astype(np.float32))
    d, size, lab = best
    label[idx] = lab
    _absorb_short_runs(label, max(1, int(round(MIN_RUN_S / hop))))
    return VoicesResult(hop, label, round(d, 3), size, sm.astype(np.float32))


def seeded(voices: VoicesResult, seeds: list[tuple[float, float, int]],
           ) -> tuple[VoicesResult | None, float]:
    """The split that a partition of some runs of speech (start s, end s, group 0/1) asks for
    — (the split, or None when the seeds' timbre does not hold them apart; the share of seed
    runs their timbre puts in their own group).

    speakers.py seeds it with the mouth (runs where it talks, runs where it rests): the
    strongest split by timbre alone can cut one talker's lines in two while two voices of one
    sex sit closer. The partition must be one the timbre can *predict*: each seed run's group
    is judged by the discriminant fitted on the other seed runs (leave one run out), and at
    least `SEED_AGREE` of the runs must land in their own group — a partition of one voice's
    lines (a monologue with a still moment) has no timbre of its own and fails this. The
    strength is the d′ of those held-out projections (each fold's in its own training
    spread): cross-validated, unlike `split`'s, so speakers.py holds it to its own threshold.
    Then every speech frame is given to the side of the discriminant fitted on all seed runs
    it lies on, and short runs are absorbed as in `split`."""
    sm = voices.features
    lab0 = voices.label
    if sm is None or len(sm) == 0:
        return None, 0.0
    idx = np.flatnonzero(lab0 >= 0)
    pos = np.full(len(lab0), -1)
    pos[idx] = np.arange(len(idx))
    hop = voices.hop_s
    rows, groups = [], []
    for s, e, g in seeds:
        a, b = max(0, int(round(s / hop))), min(len(lab0), int(round(e / hop)))
        r = pos[a:b]
        r = r[r >= 0]
        if len(r):
            rows.append(r)
            groups.append(int(g))
    groups_a = np.array(groups)
    if min((groups_a == 0).sum(), (groups_a == 1).sum()) < MIN_SEED_RUNS:
        return None, 0.0
    right, held, held_g = 0, [], []
    for k, r in enumerate(rows):
        rest = [i for i in range(len(rows)) if i != k]
        x = np.concatenate([sm[rows[i]] for i in rest])
        y = np.concatenate([np.full(len(rows[i]), groups[i]) for i in rest])
        if y.min() == y.max():
            continue
        w, cut = _lda(x, y)
        px = x @ w
        spread = np.sqrt(0.5 * (px[y == 0].var() + px[y == 1].var())) + 1e-12
        p = (sm[r] @ w - cut) / spread     # held out, in the others' units
        right += int((float(np.mean(p > 0)) > 0.5) == bool(groups[k]))
        held.append(p)
        held_g.append(np.full(len(p), groups[k]))
    agree = right / len(rows)
    if agree < SEED_AGREE or not held:
        return None, round(agree, 3)
    hp, hg = np.concatenate(held), np.concatenate(held_g)
    if hg.min() == hg.max():
        return None, round(agree, 3)
    strength = _d_prime(hp, hg)   # cross-validated: of frames no discriminant was fitted on
    x = np.concatenate([sm[r] for r in rows])
    y = np.concatenate([np.full(len(r), g) for r, g in zip(rows, groups)])
    w, cut = _lda(x, y)
    lab = (sm @ w > cut).astype(np.int8)
    if min((lab == 0).sum(), (lab == 1).sum()) < 2:
        return None, round(agree, 3)
    label = np.full(len(lab0), -1, np.int8)
    label[idx] = lab
    _absorb_short_runs(label, max(1, int(round(MIN_RUN_S / hop))))
    return VoicesResult(hop, label, round(strength, 3), None, sm, by_mouth=True), round(agree, 3)


def _absorb_short_runs(label: np.ndarray, least: int) -> None:
    """Runs of one voice shorter than `least` frames inside speech take the longer neighbour's
    voice (in place)."""
    for a, b in _runs(label >= 0):
        seg = label[a:b]
        changed = True
        while changed:
            changed = False
            bounds = np.flatnonzero(np.diff(seg)) + 1
            edges = [0, *bounds.tolist(), len(seg)]
            lens = np.diff(edges)
            if len(lens) <= 1:
                break
            k = int(np.argmin(lens))
            if lens[k] >= least:
                break
            s, e = edges[k], edges[k + 1]
            left = lens[k - 1] if k > 0 else -1
            right = lens[k + 1] if k + 1 < len(lens) else -1
            seg[s:e] = seg[s - 1] if left >= right else seg[e]
            changed = True


class Voices(AudioMeasure):
    name = "voices"
    requires = ("speech",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.cep: Cepstra | None = None
        self.parts: list[np.ndarray] = []

    def feed(self, block, upstream):
        if self.cep is None:
            self.cep = Cepstra(block.sample_rate)
        self.parts.append(self.cep.feed(block.mono))

    def finish(self, done):
        speech = need(done, "speech")
        if self.cep is not None:
            self.parts.append(self.cep.flush())
        ceps = np.concatenate(self.parts) if self.parts else np.zeros((0, N_CEPS), np.float32)
        self.parts = []
        return split(ceps, speech.mask, speech.hop_s)
