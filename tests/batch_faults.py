"""Judges for tests/test_batch.py that misbehave on purpose, run inside worker processes
(a batch sends its judge to workers by module and name, so it must live in a module)."""

from __future__ import annotations

import os
import signal
import time

from tapecheck.batch import judge_one


def faulty(path, settings, split, on_probe=None):
    name = os.path.basename(path)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a native library would
    if name.startswith("hang"):
        if on_probe is not None:
            on_probe(1.0)
        time.sleep(3600)
    if name.startswith("raise"):
        raise RuntimeError("a bug outside the per-check boundary")
    return judge_one(path, settings, split, on_probe)
