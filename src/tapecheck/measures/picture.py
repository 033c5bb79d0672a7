"""Picture edits: black frames and frozen video inside the take, from the sampled frames.

The same rules as ffmpeg's `blackdetect` and `freezedetect` filters, applied to the frames
the video pass already decodes (no second decode):

* black — at least 98 % of the pixels at or below 10 % of the luma range (blackdetect's
  defaults `pic_th=0.98`, `pix_th=0.10`; 10 % of the coded range 16–235 is Y′ ≤ 25 in the
  decoded full-range picture).
* frozen — the frame equals the previous sampled one: in every cell of an 8 × 8 grid the mean
  absolute difference of the grey pictures is ≤ 1 level (freezedetect compares the whole
  picture against −60 dB = 0.26 levels; per cell, so a small moving picture inside a static
  border is not called frozen: a GRID clip shrunk to 28 % on grey measured 0.08–0.24 over the
  whole frame but 1.3–5.8 in its busiest cell, the too-wide sample tape 1.7–5.6). Measured:
  held frames re-encoded by x264 0.0–0.11, 0.63 across a keyframe inside the hold (it
  re-quantises the picture); every corpus clip changes by ≥ 3.5 levels in its busiest cell
  between frames 0.5 s apart. One near-still pair is not a freeze: the checks want two in a
  row (≈ 1 s).
  Black frames are not also called frozen.

Spans are judged by the checks (V5xx); sampled at 2 fps, anything shorter than ≈ 0.5 s can be
missed, which is below what the checks report anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import VideoMeasure

BLACK_LUMA = 25
BLACK_SHARE = 0.98
FROZEN_DIFF = 1.0
GRID = 8
#: Frames compared for freezing are reduced to this width first (speed; noise averages out
#: equally in both frames so an exact copy still reads 0).
WORK_WIDTH = 320


@dataclass(frozen=True)
class PictureResult:
    times: tuple[float, ...]
    black: tuple[bool, ...]
    frozen: tuple[bool, ...]       # same picture as the previous sampled frame
    diff: tuple[float | None, ...]    # busiest grid cell's mean absolute difference
    duration_s: float


def is_black(gray: np.ndarray) -> bool:
    """blackdetect's rule on one grey picture."""
    return bool((gray <= BLACK_LUMA).mean() >= BLACK_SHARE)


class Picture(VideoMeasure):
    name = "picture"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.times: list[float] = []
        self.black: list[bool] = []
        self.frozen: list[bool] = []
        self.diff: list[float | None] = []
        self._prev: np.ndarray | None = None

    def feed(self, frame, upstream):
        import cv2

        gray = frame.gray
        h, w = gray.shape
        black = is_black(gray)
        small = gray
        if w > WORK_WIDTH:
            small = cv2.resize(gray, (WORK_WIDTH, max(1, round(h * WORK_WIDTH / w))),
                               interpolation=cv2.INTER_AREA)
        small = small.astype(np.int16)
        diff = None
        if self._prev is not None and self._prev.shape == small.shape:
            d = np.abs(small - self._prev)
            th, tw = max(1, d.shape[0] // GRID), max(1, d.shape[1] // GRID)
            cells = d[:th * GRID, :tw * GRID].reshape(GRID, th, GRID, tw).mean(axis=(1, 3))
            diff = float(cells.max())
        self._prev = small
        frozen = diff is not None and diff <= FROZEN_DIFF and not black
        self.times.append(frame.t)
        self.black.append(black)
        self.frozen.append(frozen)
        self.diff.append(diff)
        return black, frozen

    def finish(self, done):
        return PictureResult(tuple(self.times), tuple(self.black), tuple(self.frozen),
                             tuple(self.diff), self.ctx.info.duration_s)
