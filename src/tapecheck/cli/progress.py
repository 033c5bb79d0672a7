"""One self-overwriting line on stderr while tapes are judged (only when stderr is a terminal).

    [#########...............] 3/8  take4.mp4  42 %  about 0:35 left

The file count shows for a batch; the percent of the tape being measured and the time left
(from how fast this tape has gone so far) show once a few seconds of it are measured.
"""

from __future__ import annotations

import os
import sys
import time

from ..timecode import timecode

#: Redraw at most this often, s.
EVERY_S = 0.2
#: Estimate the time left only after this much of the tape and this much time.
MIN_FRACTION = 0.05
MIN_ELAPSED_S = 1.0


class ProgressLine:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.shown = False
        self.last = 0.0
        self.started: dict[str, float] = {}

    def update(self, p) -> None:
        """`p`: a `pipeline.Progress`."""
        now = time.monotonic()
        if p.path is not None:
            self.started.setdefault(p.path, now)
        if now - self.last < EVERY_S and p.path is not None:
            return
        self.last = now
        parts = []
        if p.files_total > 1:
            width = 24
            filled = int(width * p.files_done / p.files_total)
            parts.append(f"[{'#' * filled}{'.' * (width - filled)}] "
                         f"{p.files_done}/{p.files_total}")
        if p.path is not None and p.tape_total_s > 0:
            name = os.path.basename(p.path)
            name = name if len(name) <= 40 else "…" + name[-39:]
            fraction = min(1.0, p.tape_done_s / p.tape_total_s)
            parts.append(f"{name}  {fraction * 100:.0f} %")
            elapsed = now - self.started[p.path]
            if fraction >= MIN_FRACTION and elapsed >= MIN_ELAPSED_S:
                left = elapsed * (1.0 - fraction) / fraction
                parts.append(f"about {timecode(left)} left")
        if not parts:
            return
        self.stream.write("\r\x1b[2K" + "  ".join(parts))
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
