"""Who is speaking when: the actor on camera, or someone off camera (the reader).

Voice activity (speech.py) says *when* someone speaks; the actor's mouth (mouth.py, 2 fps)
says whether it is the actor. Speech while the actor's mouth moves is the actor's; speech
while it stays still is someone off camera — in a self-tape, the reader.

**Scale from the tape itself.** How much a mouth "moves" between two sampled frames depends on
the picture (resolution, compression, face size) and, at 2 fps, on where the samples fall in
the speech, so each tape is read against its own levels. The activities of all frame pairs
during speech are split in two (Otsu's threshold on their logarithms): when the upper group
(*talking*, its geometric mean) is at least `SPLIT_CONTRAST` × the lower (*still*), with
`MIN_GROUP_PAIRS` pairs in each, the lower group is speech while the actor's mouth rests —
someone else's voice. An actor speaks in every self-tape, so the upper group is theirs.
When the pauses show the mouth at rest (≥ `MIN_PAUSE_PAIRS` pairs with no speech within
0.1 s), the still group must also be no more active than `PAUSE_SANITY` × their median: a
stretch of the actor's own speech that merely moved little cannot pass for listening if
listening, on this tape, looks stiller. Otherwise the mouth does not tell voices apart and
all speech is taken as the actor's (confidence 0.5), so a tape where nothing can be told is
never said to have a loud reader.

Why these numbers (scripts/calibrate_crossmodal.py): at 2 fps the same spoken sentence gives
frame-pair medians 0.20 or 0.35 depending on where the samples fall, so talking and still
within 2× of each other cannot be told apart; a mouth resting while someone else speaks
reads 0.03–0.10 against 0.25–0.45 for the actor's speech (≥ 2.5×). Earlier versions took
"still" from the pauses alone (median, then with a 10th-percentile fallback): an actor who
prepares to speak or shifts in the pauses (GRID lrwp9a) made her own lines read as a
reader's, and a continuous monologue without pauses (SadTalker) did too.

**Labels.** Each frame pair during speech gets a score x = log(activity / still) /
log(talking / still) (0: still, 1: talking),
smoothed by a running median of three pairs within the segment; runs on one side of
`MIDDLE` become *lines* (a speech segment where actor and reader follow each other within
half a second splits at the sampled frame where the side changes). A line's confidence is
how far its mean score lies beyond the undecided band (actor from `ACTOR_FROM` up, reader
from `READER_UPTO` down, full confidence `SURE_WIDTH` further) × min(1, pairs / 2) × the
share of its sampled frames where the mouth could be judged; below `MIN_CONFIDENCE` a line is
*unknown*, and so is any line whose face is missing or turned away in most of its frames, or
too short to hold one frame pair (< ≈ 0.5 s at 2 fps). Unknown stays unknown: it counts for
neither voice. Only lines of confidence ≥ `COUNT_CONFIDENCE` count for the loudness of a
voice.

**Loudness of each voice** (`reader_to_actor_db`): BS.1770-4 gated loudness (`loudness.
gated_loudness`, the same gating as `speech_lufs`) of ffmpeg's 400 ms momentary blocks (one
every 100 ms, from the audio pass's ebur128 meter) lying inside confident reader lines, minus
the same over confident actor lines. A block counts for a line when at least 3 of its four
100 ms quarters lie inside it. No second meter, no samples kept: 4 bytes per 100 ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import MeasureUnavailable
from ..model import Series, Span
from .base import DerivedMeasure, Missing
from .loudness import MOMENTARY_STEP_S, SPEECH_QUARTERS, gated_loudness

ACTOR, READER, UNKNOWN = "actor", "reader", "unknown"
#: Talking (upper group of speech pairs) must be this many times still (lower group).
SPLIT_CONTRAST = 2.5
MIN_GROUP_PAIRS = 2
#: Where a line's score x (0 = still, 1 = talking; module docstring) makes it the actor's or
#: the reader's: confidence rises from 0 at `ACTOR_FROM` (`READER_UPTO`) to 1 over
#: `SURE_WIDTH` on its side; runs split at `MIDDLE`.
ACTOR_FROM = 0.30
READER_UPTO = 0.45
SURE_WIDTH = 0.5
MIDDLE = 0.375
#: Lines below this confidence are unknown.
MIN_CONFIDENCE = 0.3
#: Lines at or above this confidence count for the loudness of a voice.
COUNT_CONFIDENCE = 0.5
#: Pause pairs needed to hold the still group against the pauses, and the allowed excess.
MIN_PAUSE_PAIRS = 3
PAUSE_SANITY = 1.25
#: Pause pairs: no speech within this of either frame.
PAUSE_GUARD_S = 0.1
#: Below this share of judged frames a line is unknown (face missing, turned away).
MIN_JUDGED = 0.5
#: Series step for the timeline, s.
SERIES_STEP_S = 0.1


@dataclass(frozen=True)
class Line:
    """One stretch of speech and whose voice it is."""

    start_s: float
    end_s: float
    label: str                  # actor | reader | unknown
    confidence: float           # 0…1 (0 for unknown)
    activity: float | None      # median mouth activity of its frame pairs
    pairs: int                  # frame pairs judged inside it
    lufs: float | None          # BS.1770 gated loudness of its blocks (None: too short)
    reason: str = ""            # why unknown

    @property
    def span(self) -> Span:
        return Span(self.start_s, self.end_s)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def counts(self, label: str) -> bool:
        return self.label == label and self.confidence >= COUNT_CONFIDENCE


@dataclass(frozen=True)
class SpeakersResult:
    lines: tuple[Line, ...]
    duration_s: float
    still: float | None         # mouth activity when nobody speaks
    talking: float | None       # mouth activity of the actor's speech (90th pct of speech)
    told_apart: bool            # the mouth told voices apart on this tape
    actor_lufs: float | None
    reader_lufs: float | None

    @property
    def reader_to_actor_db(self) -> float | None:
        if self.actor_lufs is None or self.reader_lufs is None:
            return None
        return self.reader_lufs - self.actor_lufs

    def lines_of(self, label: str, confident: bool = True) -> list[Line]:
        return [ln for ln in self.lines
                if ln.label == label and (not confident or ln.confidence >= COUNT_CONFIDENCE)]

    def speech_s(self, label: str) -> float:
        return sum(ln.duration_s for ln in self.lines_of(label))

    def named(self) -> dict:
        v = self.reader_to_actor_db
        return {"reader_to_actor_db": round(v, 2) if v is not None else None}

    def series(self) -> list[Series]:
        n = int(math.ceil(self.duration_s / SERIES_STEP_S))
        if n <= 0:
            return []
        t = tuple(round(i * SERIES_STEP_S, 3) for i in range(n))
        actor: list[float | None] = [0.0] * n
        reader: list[float | None] = [0.0] * n
        for ln in self.lines:
            a = max(0, int(round(ln.start_s / SERIES_STEP_S)))
            b = min(n, max(a + 1, int(round(ln.end_s / SERIES_STEP_S))))
            for i in range(a, b):
                if ln.label == UNKNOWN or ln.confidence < COUNT_CONFIDENCE:
                    actor[i] = reader[i] = None
                else:
                    actor[i] = float(ln.label == ACTOR)
                    reader[i] = float(ln.label == READER)
        return [Series("actor", "on/off", t, tuple(actor)),
                Series("reader", "on/off", t, tuple(reader))]


def _speech_near(mask: np.ndarray, hop: float, t0: float, t1: float) -> bool:
    a = max(0, int(math.floor((t0 - PAUSE_GUARD_S) / hop)))
    b = min(len(mask), int(math.ceil((t1 + PAUSE_GUARD_S) / hop)))
    return bool(mask[a:b].any()) if b > a else False


def otsu_split(values) -> tuple[float, float, int, int] | None:
    """Two groups of positive values split at Otsu's threshold on their logarithms:
    (geometric mean of the lower, of the upper, count lower, count upper)."""
    v = np.sort(np.log(np.maximum(np.asarray(values, np.float64), 1e-6)))
    n = len(v)
    if n < 2:
        return None
    best, best_k = -1.0, 1
    for k in range(1, n):
        lo, hi = v[:k], v[k:]
        between = k * (n - k) * (hi.mean() - lo.mean()) ** 2
        if between > best:
            best, best_k = between, k
    lo, hi = v[:best_k], v[best_k:]
    return float(np.exp(lo.mean())), float(np.exp(hi.mean())), len(lo), len(hi)


def _levels(mouth, speech) -> tuple[float | None, float | None]:
    """(still, talking) activity levels of this tape, still None when the mouth does not tell
    voices apart (see the module docstring)."""
    pause, talk = [], []
    segs = speech.segments
    for t, p, a in zip(mouth.times, mouth.prev_t, mouth.activity):
        if a is None or p is None:
            continue
        if not _speech_near(speech.mask, speech.hop_s, p, t):
            pause.append(a)
        elif any(p >= s.start_s - 0.05 and t <= s.end_s + 0.05 for s in segs):
            talk.append(a)
    split = otsu_split(talk)
    if split is None:
        return None, (float(np.median(talk)) if talk else None)
    still, talking, n_lo, n_hi = split
    if talking < SPLIT_CONTRAST * still or min(n_lo, n_hi) < MIN_GROUP_PAIRS:
        return None, talking
    if len(pause) >= MIN_PAUSE_PAIRS and still > PAUSE_SANITY * float(np.median(pause)):
        return None, talking
    return still, talking


def _block_loudness(momentary: np.ndarray, spans: list[tuple[float, float]]) -> float | None:
    """BS.1770-4 gated loudness of the 400 ms blocks lying (≥ 3 quarters) inside the spans."""
    n = len(momentary)
    if n == 0 or not spans:
        return None
    q = np.zeros(n + 4, bool)   # 100 ms quarters
    for s, e in spans:
        a = max(0, int(math.ceil(s / MOMENTARY_STEP_S - 0.5)))
        b = min(len(q), int(math.floor(e / MOMENTARY_STEP_S + 0.5)))
        q[a:b] = True
    # block k is the 400 ms window ending at (k + 1)·100 ms: quarters k-3 … k
    csum = np.concatenate([[0], np.cumsum(q)])
    k = np.arange(3, n)
    inside = csum[k + 1] - csum[k - 3]
    keep = np.zeros(n, bool)
    keep[k] = inside >= SPEECH_QUARTERS
    if not keep.any():
        return None
    val = gated_loudness(momentary[keep])
    return val if math.isfinite(val) else None


def label_lines(mouth, speech) -> tuple[list[tuple[float, float, str, float, float | None, int,
                                                    str]], float | None, float | None, bool]:
    """Lines (start, end, label, confidence, activity, pairs, reason), still, talking,
    told_apart — the labelling of the module docstring, without loudness."""
    still, talking = _levels(mouth, speech)
    told = still is not None and talking is not None and still > 0
    span = math.log(talking / still) if told else None
    out = []
    for seg in speech.segments:
        s, e = seg.start_s, seg.end_s
        share = mouth.judged_share(s, e)
        if share is None or share < MIN_JUDGED:
            states = [st for t, st in zip(mouth.times, mouth.state) if s <= t <= e and st]
            why = max(set(states), key=states.count) if states else "no-frame"
            out.append((s, e, UNKNOWN, 0.0, None, 0, _REASONS.get(why, why)))
            continue
        pairs = [(p, t, a) for t, p, a in zip(mouth.times, mouth.prev_t, mouth.activity)
                 if a is not None and p is not None and p >= s - 0.05 and t <= e + 0.05]
        if not pairs:
            out.append((s, e, UNKNOWN, 0.0, None, 0, "too short to see the mouth move"))
            continue
        acts = [a for _, _, a in pairs]
        if not told:
            out.append((s, e, ACTOR, 0.5 * share, float(np.median(acts)), len(pairs), ""))
            continue
        x = np.array([math.log(max(a, 1e-6) / still) / span for a in acts])
        if len(x) >= 3:
            xs = np.array([np.median(x[max(0, i - 1):i + 2]) for i in range(len(x))])
        else:
            xs = np.full(len(x), float(np.mean(x)))
        # runs on one side of the middle of the undecided band
        runs: list[list[int]] = []
        for i, v in enumerate(xs):
            if runs and (xs[runs[-1][0]] > MIDDLE) == (v > MIDDLE):
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for r, (i, j) in enumerate(runs):
            start = s if r == 0 else pairs[i][0]
            end = e if r == len(runs) - 1 else pairs[j][1]
            score = float(np.mean(xs[i:j + 1]))
            n = j - i + 1
            label = ACTOR if score > MIDDLE else READER
            sure = (score - ACTOR_FROM) / SURE_WIDTH if label == ACTOR else \
                (READER_UPTO - score) / SURE_WIDTH
            conf = min(1.0, max(0.0, sure)) * min(1.0, n / 2.0) * share
            act = float(np.median(acts[i:j + 1]))
            if conf < MIN_CONFIDENCE:
                out.append((start, end, UNKNOWN, round(conf, 3), act, n,
                            "the mouth neither clearly moves nor clearly rests"))
            else:
                out.append((start, end, label, round(conf, 3), act, n, ""))
    return out, still, talking, told


_REASONS = {"no-face": "the face is not in the picture", "turned": "the face is turned away",
            "small": "the face is too small to see the mouth", "cut": "the mouth is out of frame",
            "no-frame": "no sampled frame falls in it"}


class Speakers(DerivedMeasure):
    name = "speakers"
    requires = ("mouth", "speech", "r128")

    def compute(self, results):
        mouth, speech, r128 = results["mouth"], results["speech"], results["r128"]
        for v in (mouth, speech, r128):
            if isinstance(v, Missing):
                raise MeasureUnavailable(v.reason)
        if not speech.segments:
            raise MeasureUnavailable("no speech was found")
        raw, still, talking, told = label_lines(mouth, speech)
        mom = np.asarray(r128.momentary, np.float64)
        mom = np.where(np.isfinite(mom) & (mom > -120.0), mom, -math.inf)
        lines = []
        for s, e, label, conf, act, n, why in raw:
            lines.append(Line(s, e, label, conf, act, n, _block_loudness(mom, [(s, e)]), why))
        spans = {lab: [(ln.start_s, ln.end_s) for ln in lines if ln.counts(lab)]
                 for lab in (ACTOR, READER)}
        return SpeakersResult(
            lines=tuple(lines), duration_s=speech.duration_s, still=still, talking=talking,
            told_apart=told, actor_lufs=_block_loudness(mom, spans[ACTOR]),
            reader_lufs=_block_loudness(mom, spans[READER]))
