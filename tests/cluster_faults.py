"""Judges for tests/test_cluster.py that misbehave on purpose on a Dask worker (a task names
its judge by module and function, so they live in a module the workers can import).

Each attempt is logged as a line in `attempts/<file name>` beside the tapes' folder, so a test
can count how often a file was tried — the input folder itself is never written."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import batch_faults


def attempts(path) -> Path:
    p = Path(path)
    return p.parent.parent / "attempts" / p.name


def faulty(path, plan, on_progress=None):
    """die-once / die-always kill the worker process; the rest as batch_faults.faulty (hang,
    raise, else the real judge)."""
    log = attempts(path)
    log.parent.mkdir(exist_ok=True)
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    tried = len(log.read_text().splitlines())
    name = os.path.basename(path)
    if name.startswith("die-always") or (name.startswith("die-once") and tried == 1):
        time.sleep(0.5)  # partway into the file (the client has heard that it started)
        os.kill(os.getpid(), signal.SIGKILL)  # the worker process dies, as under the OOM killer
    return batch_faults.faulty(path, plan, on_progress)
