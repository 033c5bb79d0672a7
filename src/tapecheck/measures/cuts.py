"""Where the clips of a long reel begin and end (`--split`, `tapecheck reel`).

`find_clips` combines three signals from one cheap pass over the reel:

1. **Cuts** — PySceneDetect's `AdaptiveDetector` (the measured best default of its detectors:
   a frame's HSV change against the average change of its neighbours, so a moving actor does
   not look like a cut) on frames sampled at 5 per second, 256 px wide. Each cut is then
   placed on the exact frame by decoding the 0.2 s around it at full rate and taking the
   biggest frame-to-frame change.
2. **Black gaps** — runs of black sampled frames (the black-frame rule of picture.py, ffmpeg
   blackdetect's) are gaps between clips, never part of one (a fade through black too).
3. **Silence gaps** — 50 ms audio blocks at or below −50 dBFS for ≥ 0.3 s. A pause is not a
   clip boundary on its own (actors pause mid-read), so silence only *confirms* a weaker cut:
   a cut whose content score is below `STRONG_CUT` must have a silence or black gap within
   1 s of it, or it is dropped as movement inside a clip.

Measured on corpus reels (tests/test_reel.py: GRID and SadTalker/video-retalking clips
concatenated): content scores at real cuts between different tapes 38–85; inside clips at
most 13.6 (SadTalker head movement), so `STRONG_CUT` = 25 sits between with room both ways.
Pieces shorter than `MIN_CLIP_S` join their neighbour. Boundaries land on the frame of the
cut (tolerance in the test: 0.1 s); edges of a black gap without a hard cut are within one
sample (0.2 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..ingest import MediaInfo
from .audioframes import power_db
from .picture import is_black

#: Sampling for the split pass.
RATE = 5.0
MAX_SIDE = 256
#: Content score (PySceneDetect's HSV change) above which a cut needs no other evidence.
STRONG_CUT = 25.0
#: Silence: 50 ms blocks at or below this level, for at least this long.
SILENCE_DBFS = -50.0
SILENCE_MIN_S = 0.3
#: A weak cut needs a gap this close to count.
CONFIRM_WITHIN_S = 1.0
#: Shortest clip; shorter pieces join a neighbour.
MIN_CLIP_S = 1.0


@dataclass(frozen=True)
class Clip:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def find_clips(info: MediaInfo) -> list[Clip]:
    """The clips of a reel, in order, without the black gaps between them."""
    from scenedetect.common import FrameTimecode
    from scenedetect.detectors import AdaptiveDetector
    from scenedetect.stats_manager import StatsManager

    from ..ingest import iter_frames

    det = AdaptiveDetector(min_scene_len=max(1, int(RATE * 0.6)))
    det.stats_manager = StatsManager()
    times: list[float] = []
    black: list[bool] = []
    cuts: list[int] = []
    scores: dict[int, float] = {}
    for fr in iter_frames(info, rate=RATE, max_side=MAX_SIDE):
        times.append(fr.t)
        black.append(is_black(fr.gray))
        tc = FrameTimecode(fr.index, fps=RATE)
        for cut in det.process_frame(tc, fr.image):
            cuts.append(int(cut.frame_num))
    for k in cuts:
        got = det.stats_manager.get_metrics(FrameTimecode(k, fps=RATE), ["content_val"])
        scores[k] = float(got[0]) if got and got[0] is not None else math.inf
    if not times:
        return [Clip(0.0, info.duration_s)]
    duration = info.duration_s
    quiet = _silences(info)
    step = 1.0 / RATE

    def near_gap(t: float) -> bool:
        if any(a - CONFIRM_WITHIN_S <= t <= b + CONFIRM_WITHIN_S for a, b in quiet):
            return True
        return any(black[i] and abs(times[i] - t) <= CONFIRM_WITHIN_S
                   for i in range(len(times)))

    bounds: list[float] = []
    for k in cuts:
        if k <= 0 or k >= len(times):
            continue
        if scores[k] >= STRONG_CUT or near_gap(times[k]) or black[k] or black[k - 1]:
            bounds.append(_refine(info, times[k - 1], times[k]))
    # edges of black runs that no cut marked (fades): within one sample
    for i in range(1, len(times)):
        if black[i] != black[i - 1] and not any(abs(b - times[i]) <= step * 1.5
                                                 for b in bounds):
            bounds.append(times[i])
    bounds = sorted(b for b in bounds if 0.0 < b < duration)

    edges = [0.0, *bounds, duration]
    pieces = []
    for a, b in zip(edges, edges[1:]):
        if b - a <= 1e-3:
            continue
        idx = [i for i, t in enumerate(times) if a - 1e-3 <= t < b - 1e-3]
        gap = bool(idx) and sum(black[i] for i in idx) >= 0.6 * len(idx)
        pieces.append((a, b, gap))
    return _merge_short(pieces)


def _merge_short(pieces: list[tuple[float, float, bool]]) -> list[Clip]:
    clips: list[list[float]] = []
    joined_prev = False  # the last clip ends where the next piece starts (no gap between)
    for a, b, gap in pieces:
        if gap:
            joined_prev = False
            continue
        if clips and joined_prev and (b - a < MIN_CLIP_S
                                      or clips[-1][1] - clips[-1][0] < MIN_CLIP_S):
            clips[-1][1] = b
        else:
            clips.append([a, b])
        joined_prev = True
    out = [Clip(round(a, 3), round(b, 3)) for a, b in clips if b - a >= MIN_CLIP_S]
    return out


def _refine(info: MediaInfo, before: float, after: float) -> float:
    """The exact frame of a cut known to lie in (before, after]: decode that span at full
    rate and take the biggest HSV change between consecutive frames."""
    import cv2

    from ..errors import IngestError
    from ..ingest import iter_frames

    fps = info.fps or 25.0
    prev = None
    best, best_t = -1.0, after
    try:
        for fr in iter_frames(info, rate=0, max_side=MAX_SIDE, start_s=max(0.0, before - 0.5 / fps),
                              duration_s=after - before + 1.0 / fps):
            hsv = cv2.cvtColor(fr.image, cv2.COLOR_BGR2HSV).astype(np.int16)
            if prev is not None and prev.shape == hsv.shape:
                change = float(np.abs(hsv - prev).mean())
                if change > best:
                    best, best_t = change, fr.t
            prev = hsv
    except IngestError:
        return after
    return best_t


def _silences(info: MediaInfo) -> list[tuple[float, float]]:
    """Runs of 50 ms audio blocks at or below SILENCE_DBFS lasting SILENCE_MIN_S or more."""
    if not info.has_audio:
        return []
    from ..errors import IngestError
    from ..ingest import AudioStream

    runs: list[tuple[float, float]] = []
    start = None
    t = 0.0
    try:
        stream = AudioStream(info)
        for block in stream.blocks():
            x = block.mono
            n = max(1, int(block.sample_rate * 0.05))
            whole = (len(x) // n) * n
            levels = power_db(np.square(x[:whole], dtype=np.float64).reshape(-1, n).mean(axis=1))
            for k, level in enumerate(levels):
                t = block.t0 + k * n / block.sample_rate
                if level <= SILENCE_DBFS:
                    start = t if start is None else start
                elif start is not None:
                    if t - start >= SILENCE_MIN_S:
                        runs.append((start, t))
                    start = None
    except IngestError:
        return runs
    if start is not None and t + 0.05 - start >= SILENCE_MIN_S:
        runs.append((start, t + 0.05))
    return runs
