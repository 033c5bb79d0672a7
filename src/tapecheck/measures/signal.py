"""How loud the sound's peaks are, per channel: the media check for a silent track reads it.

Richer sound measures live in their own modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import AudioMeasure


@dataclass(frozen=True)
class SignalResult:
    duration_s: float
    sample_peak_dbfs: float             # loudest sample over all channels, -inf for silence
    channel_peak_dbfs: tuple[float, ...]

    def named(self) -> dict[str, Any]:
        return {}


class Signal(AudioMeasure):
    name = "signal"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.samples = 0
        self.rate = 1
        self.peaks: np.ndarray | None = None

    def feed(self, block, upstream):
        self.rate = block.sample_rate
        self.samples += block.samples.shape[0]
        peak = np.abs(block.samples).max(axis=0) if block.samples.size else None
        if peak is not None:
            self.peaks = peak if self.peaks is None else np.maximum(self.peaks, peak)

    def finish(self, done):
        peaks = self.peaks if self.peaks is not None else np.zeros(1)
        db = tuple(_db(float(p)) for p in peaks)
        return SignalResult(self.samples / self.rate, max(db), db)


def _db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else -math.inf
