"""Does the face on camera speak the speech that is heard? Its lips at full frame rate.

A tape can hold speech that is not the actor's at all: the actor listens while only the
reader was recorded, the actor's own mic was off, or the framed person is silent while
people off camera talk (a car vlog in the corpus). speakers.py cannot say so — when the
mouth moves alike with every voice it takes all the speech as the actor's — and lip sync
only says that the lips do not match the sound, which a poorly seen mouth also gives. The
claim "this is not your voice" needs *positive* evidence: a mouth that is seen, frontal, and
still while the speech goes on.

**Lip movement.** The full-rate lip-opening speed of sync_lips.py (Farnebäck flow of the lower
lip band minus the upper, in the 64 × 48 px aligned mouth crop: 40 px per eye distance),
over the frames inside speech, in eye distances per second; `lip_speed` is its 90th
percentile (a speaking mouth opens and closes several times a second; the top tenth of its
frames are those movements, while a resting mouth's top tenth is noise, a swallow, a
smile). The frames are those lip sync decoded anyway (its windows); only when they show
still lips is the rest of the speech decoded too (pieces of ≤ `PIECE_S`, ≤ `MAX_EXTRA_S`
in all, spread over it), so a tape whose actor speaks costs nothing more.

Measured (scripts/calibrate_crossmodal.py lips; per clip over its speech frames, or all
frames of a clip without speech): speaking faces 0.45 (GRID lwbsza, 360 × 288) and
0.58–1.47 for every other GRID, corpus talking-head and corpus/real recording with speech
(windows as lip sync chooses them: 0.43–1.44); faces that do not speak 0.12 (webcam, man
listening to room sound), 0.30 (car vlog, passengers talking), 0.16–0.34 (LivePortrait
s20/s32 and a letterboxed webcam, silent), 0.40 (a webcam user turning his head). So the
face is *still* when `lip_speed` < `STILL_MAX` (0.35), every decoded piece of speech stays
under `PIECE_MAX` (a line the actor does say, inside much speech that is not theirs, moves
its piece), and the lips do not match the sound (lip sync gave no offset). Between 0.35
and 0.45 nothing is claimed.

**Voices no louder than the room.** When speech.py found no speech that stands out of the
room (its step 4: voices at the level of the background — passengers talking over car noise,
a television, people off mic) the tape has no speech of its own and A501 says so; but
whose voices were they? Those set-aside voices are then the speech tested here (source
`BEHIND`; there are no lip-sync windows, so they are decoded here, within the same budget),
and a face that stays still through them says the voices heard are other people's (X105),
while lips that move leave it to A501. On corpus/real: the car vlog (voices 12.7 s, −12.8
LUFS) reads 0.30, still; the backlit webcam man (3.2 s of faint voices) cannot be assessed.

The full-rate pieces follow the actor (faces.py `pick_actor`, via sync_lips.py's
`actor_chooser`): the lips of someone else in the shot are never measured.

**Can't assess** (state "unknown") — and nothing is claimed — when there is less than
`MIN_SPEECH_S` of speech, the mouth is seen at full rate in under `MIN_SEEN` of the decoded
speech or for under `MIN_EVIDENCE_S`, or the face, where found at 2 fps, is mostly turned
away, too small or cut (mouth.py's `judgeable`): a monologue whose mouth is hard to see is
never called silent. A reader told apart by speakers.py, or lips that match the sound, mean
the face speaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import IngestError, MeasureUnavailable
from ..model import Span
from .base import DerivedMeasure, Missing
from .mouth import HALF_W_EYES
from .speakers import MOUTH_REASONS, block_loudness
from .sync_lips import FLOW_W, actor_chooser, decode_track

STILL, SPEAKS, UNKNOWN = "still", "speaks", "unknown"
PERFORMED, BEHIND = "speech", "voices behind the room"
#: Crop px per eye distance of the flow crop (64 px across 1.6 eye distances).
PX_PER_EYE = FLOW_W / (2.0 * HALF_W_EYES)
#: Percentile of |lip-opening speed| over the speech frames.
PERCENTILE = 90.0
#: Lips slower than this (eye distances/s) through the speech are still …
STILL_MAX = 0.35
#: … and the slowest speaking lips on the corpus moved this much (what is said to the actor).
SPEAKING_MIN = 0.45
#: No decoded piece of speech may reach this (eye distances/s) for the face to be still.
PIECE_MAX = 0.5
#: Speech needed, s; seconds of speech frames with the mouth measured.
MIN_SPEECH_S = 3.0
MIN_EVIDENCE_S = 3.0
#: Share of the decoded speech frames with the mouth measured.
MIN_SEEN = 0.5
#: Share of the 2 fps faces in speech whose mouth can be judged (not turned, small, cut).
MIN_JUDGEABLE = 0.5
#: Speech outside lip sync's windows is decoded in pieces of at most this, s …
PIECE_S = 4.0
#: … and at most this much in all, s.
MAX_EXTRA_S = 20.0


@dataclass(frozen=True)
class LipMotionResult:
    """Whether the face on camera speaks the speech heard (module docstring)."""

    state: str                      # still | speaks | unknown
    lip_speed: float | None         # p90 lip-opening speed in speech, eye distances/s
    seen_s: float                   # s of speech frames with the mouth measured
    speech_s: float                 # s of speech heard
    decoded_s: float                # full-rate video decoded here (beyond lip sync's), s
    reason: str                     # why (for speaks/unknown), "" for still
    spans: tuple[Span, ...] = ()    # the speech heard
    #: PERFORMED: the speech found (speech.py); BEHIND: voices no louder than the room, set
    #: aside by speech.py (step 4) — the tape has no speech of its own
    source: str = "speech"
    voices_lufs: float | None = None   # BS.1770-4 gated loudness of those spans, LUFS


def _speech_mask(t: np.ndarray, spans: list[tuple[float, float]]) -> np.ndarray:
    mask = np.zeros(len(t), bool)
    for a, b in spans:
        mask |= (t >= a) & (t <= b)
    return mask


@dataclass(frozen=True)
class Piece:
    """The speech frames of one full-rate track."""

    speeds: np.ndarray          # |lip-opening speed|, eye distances/s, where measured
    frames: int                 # speech frames, measured or not
    fps: float

    @property
    def seen_s(self) -> float:
        return len(self.speeds) / self.fps


def lip_speeds(t: np.ndarray, speed: np.ndarray, spans: list[tuple[float, float]]) -> Piece:
    """The speech frames of one full-rate track (times, lip-opening speed in crop px per
    frame) and their lip speed in eye distances/s."""
    if len(t) < 2:
        return Piece(np.zeros(0), 0, 25.0)
    gaps = np.diff(t)
    fps = 1.0 / float(np.median(gaps)) if np.median(gaps) > 0 else 25.0
    inside = _speech_mask(t, spans)
    v = np.abs(np.asarray(speed, np.float64)) * fps / PX_PER_EYE
    return Piece(v[inside & np.isfinite(v)], int(inside.sum()), fps)


def uncovered(spans: list[tuple[float, float]], done: list[tuple[float, float]],
              ) -> list[tuple[float, float]]:
    """The parts of `spans` outside every stretch in `done`."""
    out = []
    for a, b in spans:
        pieces = [(a, b)]
        for s, e in done:
            nxt = []
            for x, y in pieces:
                if e <= x or s >= y:
                    nxt.append((x, y))
                    continue
                if s > x:
                    nxt.append((x, s))
                if e < y:
                    nxt.append((e, y))
            pieces = nxt
        out.extend(p for p in pieces if p[1] - p[0] > 0.2)
    return out


def extra_pieces(rest: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Pieces of ≤ `PIECE_S` covering `rest`, thinned evenly to ≤ `MAX_EXTRA_S` in all."""
    pieces = []
    for a, b in rest:
        n = max(1, int(math.ceil((b - a) / PIECE_S)))
        step = (b - a) / n
        pieces.extend((a + i * step, a + (i + 1) * step) for i in range(n))
    total = sum(b - a for a, b in pieces)
    if total <= MAX_EXTRA_S:
        return pieces
    keep = max(1, int(len(pieces) * MAX_EXTRA_S / total))
    idx = np.unique(np.linspace(0, len(pieces) - 1, keep).round().astype(int))
    return [pieces[i] for i in idx]


def judge(pieces: list[Piece]) -> tuple[str, float | None, str]:
    """(state, lip_speed, reason) of the decoded pieces of speech."""
    frames = sum(p.frames for p in pieces)
    speeds = np.concatenate([p.speeds for p in pieces]) if pieces else np.zeros(0)
    if frames == 0 or len(speeds) == 0:
        return UNKNOWN, None, "the mouth was not found in the decoded speech"
    seen = len(speeds) / frames
    lip = float(np.percentile(speeds, PERCENTILE))
    if lip >= STILL_MAX:
        return SPEAKS, lip, f"the lips move during the speech ({lip:.2f} eye distances/s)"
    worst = max((float(np.percentile(p.speeds, PERCENTILE)) for p in pieces
                 if len(p.speeds) >= 10), default=0.0)
    if worst >= PIECE_MAX:
        return SPEAKS, lip, (f"the lips move in part of the speech ({worst:.2f} eye "
                             "distances/s)")
    if seen < MIN_SEEN:
        return UNKNOWN, lip, (f"the mouth is seen in only {100 * seen:.0f} % of the speech "
                              f"checked ({100 * MIN_SEEN:.0f} % needed)")
    seen_s = sum(p.seen_s for p in pieces)
    if seen_s < MIN_EVIDENCE_S:
        return UNKNOWN, lip, (f"the mouth is seen during only {seen_s:.1f} s of speech "
                              f"({MIN_EVIDENCE_S:g} s needed)")
    return STILL, lip, ""


class LipMotion(DerivedMeasure):
    name = "lip_motion"
    requires = ("speech", "speakers", "mouth", "sync", "faces", "r128")
    optional = ("speakers", "sync", "faces", "r128")

    def compute(self, results):
        speech, speakers, mouth, sync, faces, r128 = (
            results[k] for k in ("speech", "speakers", "mouth", "sync", "faces", "r128"))
        for v in (speech, mouth):
            if isinstance(v, Missing):
                raise MeasureUnavailable(v.reason)
        if not isinstance(speakers, Missing):
            source, spans = PERFORMED, [(ln.start_s, ln.end_s) for ln in speakers.lines]
        elif speech.background_segments:
            # no voice stands out of the room (speech.py step 4): whose are the voices heard?
            source = BEHIND
            spans = [(seg.start_s, seg.end_s) for seg in speech.background_segments]
        else:
            raise MeasureUnavailable(speakers.reason)
        speech_s = sum(b - a for a, b in spans)
        sp = tuple(Span(a, b) for a, b in spans)
        level = None
        if not isinstance(r128, Missing):
            mom = np.asarray(r128.momentary, np.float64)
            level = block_loudness(np.where(np.isfinite(mom) & (mom > -120.0), mom,
                                            -math.inf), spans)

        def result(state, lip=None, seen_s=0.0, decoded=0.0, why=""):
            return LipMotionResult(state, None if lip is None else round(lip, 3),
                                   round(seen_s, 2), round(speech_s, 2), round(decoded, 2),
                                   why, sp, source, None if level is None else round(level, 1))

        if speech_s < MIN_SPEECH_S:
            return result(UNKNOWN, why=f"too little speech ({speech_s:.1f} s, "
                                       f"{MIN_SPEECH_S:g} s needed)")
        if source == PERFORMED and speakers.told_apart:
            return result(SPEAKS, why="the mouth moves with one of the voices heard")
        states = [st for t, st in zip(mouth.times, mouth.state)
                  if st != "no-face" and any(a <= t <= b for a, b in spans)]
        if not states or sum(1 for st in states if not st) < MIN_JUDGEABLE * len(states):
            common = max(set(states) - {""}, key=states.count) if states else "no-face"
            return result(UNKNOWN, why=MOUTH_REASONS.get(common, common))
        if source == PERFORMED:
            if isinstance(sync, Missing):
                return result(UNKNOWN, why=sync.reason)
            if sync.av_offset_ms is not None:
                return result(SPEAKS, why="the lips match the sound (lip sync was measured)")
            tracks = sync.tracks
        else:
            tracks = ()   # lip sync had no speech to follow: the voices are decoded here
        pieces = [lip_speeds(tr.times, tr.speed, spans) for tr in tracks]
        state, lip, why = judge(pieces) if pieces else (UNKNOWN, None, "")
        decoded = 0.0
        if state != SPEAKS:
            choose = None if isinstance(faces, Missing) else actor_chooser(faces)
            done = [(tr.start_s, tr.end_s) for tr in tracks]
            for window in extra_pieces(uncovered(spans, done)):
                try:
                    t, speed = decode_track(self.ctx.info, window, choose)
                except IngestError:
                    continue   # a damaged stretch says nothing either way
                decoded += window[1] - window[0]
                pieces.append(lip_speeds(t, speed, spans))
            state, lip, why = judge(pieces)
        return result(state, lip, sum(p.seen_s for p in pieces), decoded, why)
