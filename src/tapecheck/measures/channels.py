"""The two channels: balance, phase, DC offset.

Per 20 ms frame we keep ΣL², ΣR² and ΣL·R (3 float32, ≈ 4.3 MB for 2 hours); per
channel the running sum for the DC offset. Read over the speech frames (all frames when no
speech was found), so a quiet room does not decide the balance of a voice.

* `channel_imbalance_db` — |level(L) − level(R)| over the speech frames; 0 for mono. A dead
  channel reads as ≥ 60 dB (one side digital silence).
* `correlation` — ΣLR / √(ΣL²·ΣR²) over the speech frames: +1 the same signal both sides
  (dual mono), 0 unrelated, −1 one side inverted.
* `mono_loss_db` — how much the voice drops when the two sides are summed to mono, as a phone
  speaker, many laptops and some web players do: level((L+R)/2) − mean level of L and R.
  0 dB for dual mono, −3 dB for unrelated sides, −∞ (floored at −120) when one side is the
  other inverted: the voice cancels.
* `dc_offset_dbfs` — the largest |mean| of a channel, dBFS (−120 when none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .audioframes import FLOOR_DB, HOP_S, need, power_db
from .base import AudioMeasure


@dataclass(frozen=True)
class ChannelsResult:
    channels: int
    channel_imbalance_db: float
    quieter_channel: str | None    # "left" / "right" / None
    correlation: float | None
    mono_loss_db: float
    dc_offset_dbfs: float
    channel_levels_dbfs: tuple[float, ...]

    def named(self) -> dict:
        return {"channel_imbalance_db": round(self.channel_imbalance_db, 2)}


class Channels(AudioMeasure):
    name = "channels"
    requires = ("speech",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.rows: list[np.ndarray] = []
        self.sums: np.ndarray | None = None
        self.count = 0
        self.channels = 1
        self._carry: np.ndarray | None = None
        self.hop = 960

    def feed(self, block, upstream):
        x = block.samples
        self.channels = x.shape[1]
        hop = self.hop = int(round(block.sample_rate * HOP_S))
        s = x.astype(np.float64).sum(axis=0)
        self.sums = s if self.sums is None else self.sums + s
        self.count += x.shape[0]
        if self._carry is not None and len(self._carry):
            x = np.concatenate([self._carry, x])
        n = x.shape[0] // hop
        self._carry = x[n * hop:]
        if n:
            self._frames(x[:n * hop].reshape(n, hop, x.shape[1]))
        return None

    def _frames(self, fr: np.ndarray) -> None:
        fr = fr.astype(np.float64)
        left = fr[:, :, 0]
        right = fr[:, :, -1]
        row = np.stack([(left ** 2).mean(axis=1), (right ** 2).mean(axis=1),
                        (left * right).mean(axis=1)], axis=1)
        self.rows.append(row.astype(np.float32))

    def finish(self, done):
        speech = need(done, "speech")
        if self._carry is not None and len(self._carry):
            c = self._carry
            pad = np.zeros((self.hop - len(c), c.shape[1]), c.dtype)
            self._frames(np.concatenate([c, pad]).reshape(1, self.hop, c.shape[1]))
        rows = np.concatenate(self.rows) if self.rows else np.zeros((0, 3))
        dc = FLOOR_DB
        if self.sums is not None and self.count:
            dc = float(max(20 * math.log10(abs(m)) if abs(m) > 1e-6 else FLOOR_DB
                           for m in self.sums / self.count))
        mask = speech.mask[:len(rows)]
        use = rows[:len(mask)][mask] if mask.any() else rows
        if len(use) == 0:
            return ChannelsResult(self.channels, 0.0, None, None, 0.0, dc, ())
        ll, rr, lr = (float(v) for v in use.astype(np.float64).sum(axis=0))
        levels = (float(power_db(ll / len(use))), float(power_db(rr / len(use))))
        if self.channels < 2:
            return ChannelsResult(1, 0.0, None, 1.0, 0.0, dc, levels[:1])
        imbalance = abs(levels[0] - levels[1])
        quieter = None if imbalance < 0.5 else ("left" if levels[0] < levels[1] else "right")
        corr = lr / math.sqrt(ll * rr) if ll > 0 and rr > 0 else None
        mono = (ll + rr + 2 * lr) / 4.0
        loss = float(power_db(max(mono, 0.0) / len(use)) - power_db((ll + rr) / 2 / len(use)))
        return ChannelsResult(2, imbalance, quieter, corr, loss, dc, levels)
