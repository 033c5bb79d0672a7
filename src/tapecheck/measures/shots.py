"""Cuts inside the take: where the picture jumps from one shot to another.

The content change of PySceneDetect's detectors (the mean absolute difference of the HSV
pictures), read on the frames the video pass already samples (2 per second, reduced to
`WORK_WIDTH`), made adaptive as its `AdaptiveDetector` is: a pair's change against the mean
change of the two pairs either side of it, so an actor moving or a hand-held camera, which
change every pair, do not look like a cut, while a cut changes one pair far more than its
neighbours. (The reel splitter, cuts.py, runs the library itself on its own 5 fps pass; here
the frames are those already decoded, and the pairs are 0.5 s apart.)

A pair is a cut when its change is at least `CUT_RATIO` × its neighbours' mean (+1) and at
least `CUT_MIN` levels, or when it alone reaches `CUT_ALONE` levels (a cut into busy motion
graphics, whose own changes are large). Pairs further apart than `MAX_GAP_S`, or touching a
black frame (V501's business), are not judged. Calibrated on corpus/real and real2 (42
clips; each label lists its cut times): on the 33 clips without cuts the largest ratio is
2.4 and the largest change 53 levels (a hand-held phone walking outdoors); the labelled cuts
read 3.2–30 (at 23–91 levels), one cut into motion graphics 2.5 at 79 levels. Split halves:
A's uncut clips reach 2.4, B's 1.7; A's cuts ≥ 3.9 (one 2.5 at 79), B's ≥ 3.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import VideoMeasure

WORK_WIDTH = 160
MAX_GAP_S = 0.75
CUT_RATIO = 3.0
CUT_MIN = 20.0
CUT_ALONE = 65.0
#: Pairs either side that make a pair's neighbourhood.
NEIGHBOURS = 2


@dataclass(frozen=True)
class ShotChanges:
    cuts: tuple[float, ...]     # times of the first frame after each cut, s
    pairs: int                  # frame pairs judged


class Shots(VideoMeasure):
    name = "shot_changes"
    #: its black-frame verdict per frame (blackdetect's rule, V501's), not a second one here
    requires = ("picture",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self._prev = None
        self._prev_t = None
        self.scores: list[float | None] = []
        self.times: list[float] = []

    def feed(self, frame, upstream):
        import cv2

        img = frame.image
        h, w = img.shape[:2]
        small = cv2.resize(img, (WORK_WIDTH, max(1, round(h * WORK_WIDTH / w))),
                           interpolation=cv2.INTER_AREA)
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV).astype(np.int16)
        black, _ = upstream["picture"]
        score = None
        if (self._prev is not None and not black and frame.t - self._prev_t <= MAX_GAP_S
                and self._prev.shape == hsv.shape):
            score = float(np.abs(hsv - self._prev).mean())
        self._prev = None if black else hsv
        self._prev_t = frame.t
        self.scores.append(score)
        self.times.append(frame.t)
        return None

    def finish(self, done):
        s = self.scores
        cuts = []
        for i, score in enumerate(s):
            if score is None:
                continue
            around = [x for x in s[max(0, i - NEIGHBOURS):i] + s[i + 1:i + 1 + NEIGHBOURS]
                      if x is not None]
            ratio = score / (float(np.mean(around)) + 1.0) if around else 0.0
            if (ratio >= CUT_RATIO and score >= CUT_MIN) or score >= CUT_ALONE:
                cuts.append(self.times[i])
        return ShotChanges(tuple(cuts), sum(x is not None for x in s))
