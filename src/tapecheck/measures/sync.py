"""Lip sync: how far the sound is shifted against the picture (`av_offset_ms`, + = audio late).

Over a few seconds of the actor's own speech (speakers.py), decoded again at the full frame
rate, the opening speed of the actor's lips (sync_lips.py) is matched against the rate of
change of the speech envelope (sync_offset.py: the estimate, and its test against unrelated
speech stored with the package, which decides whether a reading is evidence). This module
chooses the stretches, reads the take's offset from them and says when a reading becomes a
finding.

**A reading is not yet a finding.** A confident reading wrong by chance is rare, not
impossible; an offset beyond casting's tolerance is reported (X102) only when a second,
independent piece of the take backs it (`corroborates`): another window peaking within
`AGREE_MS` of it, or the window's own two halves each doing so, each half ≥ `HALF_Z` above
chance. Measured (calibrate chance, 812 mismatched pairs): readings 19 (2.3 %), beyond X102's
limits 15, corroborated 5 — all five GRID picture × GRID sound, where both are one 3 s sentence
looped three times, so a window's halves repeat each other and are not independent; of the 770
other pairs none. Matched takes: 18 of 29 read, all 18 corroborated; of their copies shifted
−300…+400 ms (the sound track moved, offline), 84 of 85 readings beyond X102's limits are
corroborated (the one not: a wrong reading, −513 ms for the presenter's +400 ms copy).

**On corpus/real** two corroborated offsets are beyond tolerance; neither label was checked by
ear. The gated-audio webcam reads +173 ms: its audio stream starts 0.166 s after its video, so
a player plays the sound that much late (its samples alone, read before ingest honoured start
times, gave −10 ms: the delay is the export's), and its confident window follows every shift of
its sound exactly (−300 → −129, +200 → +374, +300 → +472). The Obama address crop (+245 ms: two
windows at z 7.3 and 5.3, all four halves +233…+269; its −200 ms copy reads +44). A crude
independent measure — the dark share of the mouth crop (the open cavity) against the 300 Hz–3
kHz level, no flow, no slopes — reads +270 ms there, and within ≈ 30 ms of this method on the
news anchor, VoxCeleb, phone selfie, HDTF, MEAD W040 and GRID clips (which it reads −60…+20
ms): the picture and sound of that file disagree by about a quarter second, whatever the
feature; it is not a bias of the lip flow on 25 fps broadcast. Both findings stand.

**Whose lips.** The full-rate windows follow the actor (`actor_chooser`), never a larger face
beside them. A window decoded early, before the actor is known, takes the largest face; when
more than `MAX_OFF_ACTOR` of its detections fell outside the actor's box it is decoded again.

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

from dataclasses import dataclass

import numpy as np

from ..errors import IngestError, MeasureUnavailable
from .base import DerivedMeasure, Missing
# the picture's half and the estimate, re-exported: callers name them as sync's
from .sync_lips import (DETECT_EVERY_S, FLOW_H, FLOW_W, actor_chooser,  # noqa: F401
                        decode_track, largest, mouth_track)
from .sync_offset import (CHANCE_COUNT, MAX_LAG_MS, MIN_Z, Estimate, Evidence,  # noqa: F401
                          _smooth, decide, envelope_slope, estimate, evidence, halves, pooled)

#: Takes at least this long get a start and an end window (drift); shorter ones one window.
LONG_TAKE_S = 20.0
SHORT_WINDOW_S = 8.0
WINDOW_S = 5.0
#: Picture kept before and after the actor's lines in a window (mouth opening before the
#: first sound, closing after the last).
MARGIN_S = 0.4
#: Added to the correlation peak: the lips move slightly ahead of the sound they make, so
#: on the studio-synchronised GRID clips the raw peak sits 11.8 ms early on average (41
#: confident estimates, 7 speakers × 6 shifts; scripts/calibrate_crossmodal.py sync). Fitted
#: on the same clips it is judged on — one constant, stated as such.
LIP_LEAD_MS = 10.0
#: A window decoded early (from all speech, before the reader is told apart) is used instead
#: of the actor's own best window when it holds at least this share of the actor speech
#: that one would: a few tenths of a second of lines at the edge change no estimate.
EARLY_SHARE = 0.9
#: Less actor speech than this: no estimate.
MIN_ACTOR_SPEECH_S = 1.0
#: A finding needs more than a reading (`corroborates`): two independent pieces of the take
#: peaking within this of the offset, ms …
AGREE_MS = 40.0
#: … where a confident window's own halves count only when each stands this far above chance.
HALF_Z = 1.5
#: An early window (decoded before the actor is known, on the largest face) whose detections
#: fell outside the actor's box more often than this is decoded again on the actor.
MAX_OFF_ACTOR = 0.1


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
