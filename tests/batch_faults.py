"""Judges for tests/test_batch.py that misbehave on purpose, run inside worker processes
(a batch sends its judge to workers by module and name, so it must live in a module)."""

from __future__ import annotations

import os
import signal
import time

from tapecheck.pipeline import judge


def faulty(path, plan, on_progress=None):
    name = os.path.basename(path)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a native library would
    if name.startswith("hang"):
        if on_progress is not None:
            on_progress(0.0, 1.0)
        time.sleep(3600)
    if name.startswith("raise"):
        raise RuntimeError("a bug outside the per-check boundary")
    return judge(path, plan, on_progress=on_progress)
