"""Who is speaking when: the actor on camera, or someone off camera (the reader).

The sound says how many voices there are and when each speaks (voices.py: a two-way split of
the speech by timbre, c1–c12 without the level); the actor's mouth (mouth.py, 2 fps) says which
voice is the actor's. Neither alone is enough: audio cannot say which voice belongs to the face
(and splits a single voice in two now and then), and the mouth alone cannot hold a listening
actor apart from a speaking one when the picture is poor, nor two voices apart when the actor
answers quickly.

**Naming the voices.** For each voice, the mouth activity of the 2 fps frame pairs lying in
its speech (geometric mean; mouth.py). The voice with the more active mouth is the actor's. A
second voice is a *reader* only when

* the timbre split is strong (d′ ≥ `MIN_SPLIT`; one voice cut at random gives 2–3),
* each voice holds ≥ `MIN_VOICE_S` of speech with ≥ `MIN_PAIRS` judged frame pairs, and
* the actor's voice moves the mouth ≥ `MOUTH_RATIO` × as much as the other: a mouth resting
  while someone else speaks reads 0.03–0.10 against 0.25–0.45 for its own speech at 2 fps
  (mouth.py), and a single voice split by timbre (a monologue with a change of tone) moves the
  mouth alike in both halves.

**When the timbre split misses the reader.** The strongest two-way split of the speech by
timbre is not always actor against reader: two voices of one sex can sit closer than the two
halves of a line said in two tones, or than a reader's lines that all end alike (a GRID man
reading to a GRID man, issue 25: the split cut the reader's sentence in two, d′ 6.7, and the
mouth moved alike with both halves). So the mouth proposes a split too (`mouth_seeds`): the
runs of speech fall into two groups by their mouth activity (Otsu's cut of the logs), the
resting group ≥ `MOUTH_RATIO` × stiller, ≥ 2 runs in each. voices.py `seeded` keeps it only
when the *timbre* predicts those groups — each run judged by the discriminant fitted without
it, ≥ 80 % in their own group — and its strength is then the cross-validated d′ (frames no
discriminant was fitted on), which must reach `SEEDED_MIN_SPLIT`. It is used (`choose_split`)
when it names the reader where the timbre split named none, or a reader whose mouth rests more
(the timbre split had put part of the actor's speech in the reader's voice). Random partitions
of one voice's runs (the null a monologue with a still moment would be; 40 each on the 21
looped GRID monologues and the 14 corpus recordings with ≥ 4 runs: 1,242 partitions) passed the
80 % test 71 times, at cross-validated d′ ≤ 1.1; the seeded splits used on the 84 constructed
exchanges read ≥ 2.8. On those exchanges (calibrate_crossmodal.py exchanges: 7 GRID actors,
readers of the same and the other sex — GRID talkers and corpus voices — at −12…+9 dB, 18–54
s) `reader_to_actor_db` came within ±3 dB on 75 of 84 by the timbre split alone (same sex 33
of 42), 81 of 84 with the seeded split (same sex 39 of 42; the 3 others: a GRID reader's two
lines hold 2.4 s of speech, under `MIN_VOICE_S`); on 65 monologues (the GRID sentences looped
to 15–60 s, the corpus talking heads, every corpus/real and real2 recording with sound, the
ready sample tapes) no reader was named either way.

Otherwise all speech is taken as one voice, the actor's, at confidence 0.5 (not enough to
count for a reader finding): a tape where nothing can be told is never said to have a loud
reader. When the speech stands less than `MIN_SNR_DB` above the background (speech.py's
levels) its timbre is mostly the room's: the voices are not assessed ("can't assess"), and
all speech is the actor's at confidence `UNSURE` — counted for no loudness, used by lip sync
only (whose own confidence test then decides).

**Lines.** Runs of one voice (voices.py's frame-level labels) inside speech; a line where the
face is missing or turned away in most sampled frames is *unknown*, whatever its voice. A
line's confidence is the naming's confidence (rising from 0.5 at the thresholds above to 1 at
twice their margins) × the share of its frames where the mouth could be judged. Lines of
confidence ≥ `COUNT_CONFIDENCE` count for the loudness of a voice. Where a reader was named,
a line whose own frame pairs contradict its voice (an "actor" line with the mouth as still as
while the reader speaks, or the reverse; `LINE_VETO`) is unknown: timbre alone mislabels a
fraction of a second here and there when the two voices are alike.

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
from .voices import MIN_SEED_RUNS, seeded

ACTOR, READER, UNKNOWN = "actor", "reader", "unknown"
#: Timbre split strength (voices.py d′) from which two voices are believed.
MIN_SPLIT = 4.0
#: The same for a split seeded by the mouth (voices.py `seeded`), whose d′ is cross-validated
#: (each run judged by a discriminant fitted without it): random partitions of one voice's
#: runs that passed the seeds' 80 % test reached ≤ 1.1; the seeded splits used on the 84
#: constructed exchanges (calibrate_crossmodal.py exchanges) ≥ 2.8 — 2.0 lies between.
SEEDED_MIN_SPLIT = 2.0
#: Speech each voice needs, s, and judged mouth frame pairs in it.
MIN_VOICE_S = 2.5
MIN_PAIRS = 4
#: The actor's voice must move the mouth this many times as much as the reader's.
MOUTH_RATIO = 2.0
#: Speech closer than this to the background (dB) is not attributed.
MIN_SNR_DB = 10.0
#: Lines at or above this confidence count for the loudness of a voice.
COUNT_CONFIDENCE = 0.5
#: Confidence of lines taken as the actor's when the voices cannot be assessed at all
#: (too close to the noise): below `COUNT_CONFIDENCE`, so they count for no loudness, but
#: lip sync may still use them.
UNSURE = 0.25
#: Below this share of judged frames a line is unknown (face missing, turned away).
MIN_JUDGED = 0.5
#: A line whose own mouth sits this close to the other voice's level (0 = reader's still
#: mouth, 1 = actor's talking mouth) contradicts its voice: it is unknown.
LINE_VETO = 0.35
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
    still: float | None         # mouth activity while the reader's voice speaks
    talking: float | None       # mouth activity while the actor's voice speaks
    told_apart: bool            # two voices, and the mouth said which is the actor's
    actor_lufs: float | None
    reader_lufs: float | None
    split_strength: float | None = None   # voices.py d′ (None: too little speech)
    reason: str = ""            # why no reader could be named ("" when one was, or a monologue)

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


def block_loudness(momentary: np.ndarray, spans: list[tuple[float, float]]) -> float | None:
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


def _pairs_in(mouth, spans: list[tuple[float, float]]) -> list[float]:
    out: list[float] = []
    for a, b in spans:
        out.extend(mouth.pairs(a, b))
    return out


def _geomean(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-6)))))


def name_voices(mouth, voices, snr_db: float | None) -> tuple[dict[int, str], float, str,
                                                              dict[int, float]]:
    """({voice: actor|reader}, confidence, reason, {voice: mouth activity}) — the naming of
    the module docstring. One voice named actor at 0.5 when the two cannot be told apart."""
    runs = voices.runs()
    spans = {v: [(a, b) for a, b, w in runs if w == v] for v in (0, 1)}
    acts = {v: _pairs_in(mouth, spans[v]) for v in (0, 1)}
    level = {v: _geomean(acts[v]) for v in (0, 1) if acts[v]}
    single = {0: ACTOR, 1: ACTOR}
    if snr_db is not None and snr_db < MIN_SNR_DB:
        return single, UNSURE, (f"the speech is only {snr_db:.0f} dB above the background "
                                f"noise ({MIN_SNR_DB:g} dB needed to tell voices apart)"), level
    strength = voices.strength
    least = SEEDED_MIN_SPLIT if getattr(voices, "by_mouth", False) else MIN_SPLIT
    if strength is None or strength < least:
        return single, 0.5, "", level
    short = min((0, 1), key=voices.seconds)
    if voices.seconds(short) < MIN_VOICE_S:
        if acts[short] and acts[1 - short] and \
                level[1 - short] >= MOUTH_RATIO * level[short]:
            return single, 0.5, (f"a second voice, off camera, speaks only "
                                 f"{voices.seconds(short):.1f} s: too little to measure it "
                                 f"({MIN_VOICE_S:g} s needed)"), level
        return single, 0.5, "", level
    if min(len(acts[0]), len(acts[1])) < MIN_PAIRS:
        return single, 0.5, ("two voices are heard, but the mouth is seen too little while "
                             "one of them speaks to tell which is yours"), level
    hi = 0 if level[0] >= level[1] else 1
    ratio = level[hi] / max(level[1 - hi], 1e-6)
    if ratio < MOUTH_RATIO:
        return single, 0.5, ("two voices are heard, but the mouth moves alike with both (one "
                             "voice changing its tone, or neither is the face on camera)"), level
    sure = min((ratio / MOUTH_RATIO - 1.0), (strength / least - 1.0))
    return {hi: ACTOR, 1 - hi: READER}, min(1.0, 0.5 + sure), "", level


#: Why a mouth could not be judged (mouth.py's states), in words.
MOUTH_REASONS = {"no-face": "the face is not in the picture",
                 "turned": "the face is turned away",
                 "small": "the face is too small to see the mouth",
                 "cut": "the mouth is out of frame", "no-frame": "no sampled frame falls in it"}


@dataclass(frozen=True)
class Attribution:
    """Lines without loudness, and how the voices were named (`attribute`)."""

    lines: list[tuple[float, float, str, float, float | None, int, str]]
    names: dict[int, str]
    reason: str
    level: dict[int, float]
    strength: float | None = None   # d′ of the split used (voices.py)

    @property
    def told_apart(self) -> bool:
        return READER in self.names.values()

    def activity_of(self, label: str) -> float | None:
        return next((self.level.get(v) for v, n in self.names.items() if n == label), None)


def mouth_seeds(mouth, voices) -> list[tuple[float, float, int]]:
    """The runs of speech (start, end, 1 where the mouth talks, 0 where it rests) when the
    mouth alone splits them in two: each run's activity (geometric mean of its frame pairs),
    the cut of their logs that best separates two groups (Otsu's criterion), and the groups'
    levels `MOUTH_RATIO` or more apart; runs in the middle third between the two levels are
    left out (a reader line with a swallow in it, an actor line half listened). Empty when
    the mouth moves alike through all of them."""
    runs = []
    for a, b in voices_runs(voices):
        acts = mouth.pairs(a, b)
        if acts:
            runs.append((a, b, math.log(_geomean(acts))))
    if len(runs) < 2 * MIN_SEED_RUNS:
        return []
    x = np.array([r[2] for r in runs])
    order = np.sort(x)
    best, cut = -1.0, None
    for k in range(1, len(order)):
        lo, hi = order[:k], order[k:]
        between = len(lo) * len(hi) * (hi.mean() - lo.mean()) ** 2
        if between > best:
            best, cut = between, 0.5 * (order[k - 1] + order[k])
    talk = x > cut
    if min(talk.sum(), (~talk).sum()) < MIN_SEED_RUNS:
        return []
    lo, hi = x[~talk].mean(), x[talk].mean()
    if hi - lo < math.log(MOUTH_RATIO):
        return []
    # a run in the middle third between the groups says little either way: not a seed
    third = (hi - lo) / 3.0
    keep = (x <= lo + third) | (x >= hi - third)
    if min((talk & keep).sum(), (~talk & keep).sum()) < MIN_SEED_RUNS:
        return []
    return [(a, b, int(t)) for (a, b, _), t, k in zip(runs, talk, keep) if k]


def voices_runs(voices) -> list[tuple[float, float]]:
    """The runs of speech (start s, end s), whoever speaks."""
    lab = voices.label >= 0
    d = np.diff(np.concatenate([[0], lab.astype(np.int8), [0]]))
    return [(a * voices.hop_s, b * voices.hop_s)
            for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1))]


def choose_split(mouth, voices, snr_db: float | None):
    """(the split used, its naming): the timbre split's, or the one the mouth seeds (voices.py
    `seeded`, from `mouth_seeds`) when the timbre bears that one out and it names the reader
    where the timbre split named none, or names one whose mouth rests more (a higher ratio of
    the actor's mouth activity to the reader's: the timbre split put some of the actor's
    speech in the reader's voice). A split of one talker's lines by timbre alone can be the
    strongest (a sentence said in two tones, a reader whose lines end alike) while the actor
    and a reader of the same sex sit closer; the mouth says which runs to hold apart."""
    named = name_voices(mouth, voices, snr_db)
    if snr_db is not None and snr_db < MIN_SNR_DB:
        return voices, named
    seeds = mouth_seeds(mouth, voices)
    alt = seeded(voices, seeds)[0] if seeds else None
    if alt is None or alt.strength < SEEDED_MIN_SPLIT:
        return voices, named
    again = name_voices(mouth, alt, snr_db)
    if READER not in named[0].values():
        # neither names a reader: the seeded split's reason is the truer one (a second voice
        # speaking too little, rather than a mouth moving alike with two halves of one)
        return alt, again
    if READER in again[0].values() and _mouth_ratio(again) > _mouth_ratio(named):
        return alt, again
    return voices, named


def _mouth_ratio(naming) -> float:
    names, _, _, level = naming
    actor = next(v for v, n in names.items() if n == ACTOR)
    reader = next(v for v, n in names.items() if n == READER)
    return level[actor] / max(level[reader], 1e-6)


def attribute(mouth, voices, snr_db: float | None) -> Attribution:
    """Each run of one voice as a line (start, end, label, confidence, median activity,
    pairs, reason): the voice's name, or unknown where the face cannot be judged."""
    voices, (names, conf, reason, level) = choose_split(mouth, voices, snr_db)
    lines = []
    for s, e, v in voices.runs():
        share = mouth.judged_share(s, e)
        pairs = mouth.pairs(s, e)
        med = float(np.median(pairs)) if pairs else None
        if share is None or share < MIN_JUDGED:
            states = [st for t, st in zip(mouth.times, mouth.state) if s <= t <= e and st]
            why = max(set(states), key=states.count) if states else "no-frame"
            lines.append((s, e, UNKNOWN, 0.0, med, len(pairs), MOUTH_REASONS.get(why, why)))
        elif READER in names.values() and pairs and _disagrees(names[v], pairs, names, level):
            lines.append((s, e, UNKNOWN, 0.0, med, len(pairs),
                          "the voice is the other one's, but the mouth says otherwise"))
        else:
            lines.append((s, e, names[v], round(conf * share, 3), med, len(pairs), ""))
    return Attribution(lines, names, reason, level, voices.strength)


def _disagrees(label: str, pairs: list[float], names: dict[int, str],
               level: dict[int, float]) -> bool:
    """Does this line's own mouth contradict its voice's name? Its activity placed on the
    tape's scale x = log(a / reader's) / log(actor's / reader's) (0 still, 1 talking): an
    actor line below `LINE_VETO`, or a reader line above 1 − `LINE_VETO`."""
    actor = level[next(v for v, n in names.items() if n == ACTOR)]
    reader = level[next(v for v, n in names.items() if n == READER)]
    x = math.log(_geomean(pairs) / reader) / math.log(actor / reader)
    return x < LINE_VETO if label == ACTOR else x > 1.0 - LINE_VETO


class Speakers(DerivedMeasure):
    name = "speakers"
    requires = ("mouth", "speech", "voices", "r128")

    def compute(self, results):
        mouth, speech, voices, r128 = (results["mouth"], results["speech"], results["voices"],
                                       results["r128"])
        for v in (mouth, speech, voices, r128):
            if isinstance(v, Missing):
                raise MeasureUnavailable(v.reason)
        if not speech.segments:
            raise MeasureUnavailable("no speech was found")
        act = speech.activity
        snr = act.active_level_db - act.noise_level_db if speech.speech_s > 0 else None
        att = attribute(mouth, voices, snr)
        mom = np.asarray(r128.momentary, np.float64)
        mom = np.where(np.isfinite(mom) & (mom > -120.0), mom, -math.inf)
        lines = [Line(s, e, lab, conf, med, n, block_loudness(mom, [(s, e)]), why)
                 for s, e, lab, conf, med, n, why in att.lines]
        spans = {lab: [(ln.start_s, ln.end_s) for ln in lines if ln.counts(lab)]
                 for lab in (ACTOR, READER)}
        return SpeakersResult(
            lines=tuple(lines), duration_s=speech.duration_s,
            still=att.activity_of(READER), talking=att.activity_of(ACTOR),
            told_apart=att.told_apart, actor_lufs=block_loudness(mom, spans[ACTOR]),
            reader_lufs=block_loudness(mom, spans[READER]),
            split_strength=att.strength, reason=att.reason)
