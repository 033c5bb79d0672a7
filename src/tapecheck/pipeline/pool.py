"""A pool of worker processes for judging many files, each file isolated.

Each worker is a separate Python process (started with `spawn`, so nothing half-initialised
is inherited) that judges one file at a time and sends back its `FileReport`. The parent
watches every worker: when one dies (a crash in a native library, the OOM killer) or runs
past its file's time limit, the parent kills it, gives that file `status: error`
(`decode-failed` or `timeout`) and starts a fresh worker for the files still waiting — one
bad tape cannot take the batch down.

The time limit per file is `--timeout` (or `timeout =` in the config) when given; otherwise
it scales with the file's length once the worker has probed it: 120 s + 8 s per second of
media (twice that for a reel being split), above ffmpeg's own duration-scaled limits
(ingest/ffmpeg.py), so it only catches real hangs.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable

from ..model import FileError, FileReport
from .plan import Plan

#: Time limit before the length is known, and the default per second of media.
BASE_TIMEOUT_S = 120.0
PER_MEDIA_S = 8.0
#: A worker tells the parent how far it is at most this often (the first message, with the
#: tape's length, always goes: it sets the time limit).
PROGRESS_EVERY_S = 0.25


def default_jobs() -> int:
    """Workers for a pool: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def time_limit(plan: Plan, duration: float | None) -> float:
    """Seconds a file may take: `--timeout`, else scaled to its length once it is known."""
    if plan.settings.file_timeout_s is not None:
        return plan.settings.file_timeout_s
    if duration is None:
        return BASE_TIMEOUT_S
    return (BASE_TIMEOUT_S + PER_MEDIA_S * duration) * (2 if plan.split else 1)


def timeout_error(path: str, limit: float) -> FileReport:
    return FileReport(path=path, status="error", error=FileError(
        "timeout", f"{path}: judging it took longer than {limit:.0f} s and was stopped; the "
        "file may be damaged — try re-exporting it, or raise the limit with --timeout"))


def crash_error(path: str, what: str) -> FileReport:
    """`what` says which process died and how, e.g. "the process judging it crashed (…)"."""
    return FileReport(path=path, status="error", error=FileError(
        "decode-failed", f"{path}: {what}; the file may be damaged — try re-exporting it as "
        "H.264/AAC MP4"))


def judge_guarded(judge, path: str, plan: Plan, on_progress) -> FileReport:
    """`judge` in a worker: a bug outside the per-check boundary fails this file only."""
    try:
        return judge(path, plan, on_progress=on_progress)
    except Exception as exc:
        return FileReport(path=path, status="error", error=FileError(
            "decode-failed", f"{path}: tapecheck failed while judging it ({type(exc).__name__}"
            f": {exc}); this is a bug in tapecheck — please report it"))


# --- the worker side -------------------------------------------------------------------------

def _worker_main(conn, judge) -> None:
    """Loop in a worker process: receive (index, path, plan), send progress and reports."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for everyone
    conn.send(("ready", -1, None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path, plan = msg
        last = [0.0]

        def progress(done_s: float, total_s: float, _i=index) -> None:
            now = time.monotonic()
            if done_s == 0.0 or now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                conn.send(("progress", _i, (float(done_s), float(total_s or 0.0))))

        conn.send(("done", index, judge_guarded(judge, path, plan, progress)))


# --- the parent side -------------------------------------------------------------------------

@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: tuple | None = None
    deadline: float = 0.0
    started: float = 0.0
    #: The process said it is up (a worker that dies before that could not start at all).
    ready: bool = False


class _PoolBroken(Exception):
    """Worker processes cannot start here (e.g. the interpreter cannot be executed again)."""


class Pool:
    """`run(pending, deliver)`: judge (index, path, digest, key) tasks in `size` workers."""

    def __init__(self, size: int, plan: Plan, judge, stats,
                 on_progress: Callable[[str, float, float], None] | None = None):
        self.size = size
        self.plan = plan
        self.judge = judge
        self.stats = stats
        self.on_progress = on_progress
        self.ctx = mp.get_context("spawn")
        self.workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, args=(child, self.judge), daemon=True,
                                name="tapecheck-worker")
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def _limit(self, duration: float | None) -> float:
        return time_limit(self.plan, duration)

    def _retire(self, w: _Worker) -> None:
        try:
            if w.proc.is_alive():
                w.proc.kill()
            w.proc.join(timeout=5)
        finally:
            w.conn.close()
            if w in self.workers:
                self.workers.remove(w)

    def run(self, pending: list, deliver: Callable) -> list:
        """Judge `pending` in workers; return the tasks left when workers cannot start."""
        queue = list(pending)
        try:
            while queue or any(w.task for w in self.workers):
                while queue and (len(self.workers) < self.size
                                 or any(w.task is None for w in self.workers)):
                    w = next((w for w in self.workers if w.task is None), None) or self._spawn()
                    task = queue.pop(0)
                    i, path = task[0], task[1]
                    w.task = task
                    w.started = time.monotonic()
                    w.deadline = w.started + self._limit(None)
                    try:
                        w.conn.send((i, path, self.plan))
                    except (OSError, BrokenPipeError):
                        if not w.ready:
                            raise _PoolBroken("worker processes could not start; files were "
                                              "judged one by one instead") from None
                        self._lost(w, deliver, "crashed")
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    continue
                now = time.monotonic()
                wait_s = max(0.0, min(w.deadline for w in busy) - now)
                wait([h for w in busy for h in (w.conn, w.proc.sentinel)], timeout=wait_s)
                for w in busy:
                    self._service(w, deliver)
            return []
        except _PoolBroken as exc:
            self.stats.fallback = str(exc)
            queue = [w.task for w in self.workers if w.task is not None] + queue
            for w in self.workers:
                w.task = None
            return sorted(queue)
        finally:
            for w in list(self.workers):
                if w.task is None and w.proc.is_alive():
                    try:
                        w.conn.send(None)
                    except OSError:
                        pass
                    w.proc.join(timeout=2)
                self._retire(w)

    def _service(self, w: _Worker, deliver: Callable) -> None:
        try:
            while w.task is not None and w.conn.poll():
                kind, index, payload = w.conn.recv()
                if kind == "ready":
                    w.ready = True
                elif kind == "progress" and index == w.task[0]:
                    done_s, total_s = payload
                    if done_s == 0.0:
                        w.deadline = w.started + self._limit(total_s)
                    if self.on_progress is not None:
                        self.on_progress(w.task[1], done_s, total_s)
                elif kind == "done" and index == w.task[0]:
                    i, path, digest, key = w.task
                    w.task = None
                    self.stats.judged += 1
                    self.stats.judged_paths.append(path)
                    deliver(i, digest, key, payload)
        except (EOFError, OSError):
            pass
        if w.task is None:
            return
        if not w.proc.is_alive():
            if not w.ready:
                raise _PoolBroken(f"worker processes could not start (exit code "
                                  f"{w.proc.exitcode}); files were judged one by one instead")
            self._lost(w, deliver, "crashed")
        elif time.monotonic() >= w.deadline:
            if not w.ready:
                raise _PoolBroken("worker processes did not start in time; files were judged "
                                  "one by one instead")
            self._lost(w, deliver, "timeout")

    def _lost(self, w: _Worker, deliver: Callable, why: str) -> None:
        i, path, digest, key = w.task
        limit = w.deadline - w.started
        w.task = None
        if why == "timeout":
            self.stats.timed_out += 1
            self._retire(w)
            rep = timeout_error(path, limit)
        else:
            self._retire(w)
            code = w.proc.exitcode
            how = (f"signal {-code}" if code is not None and code < 0 else f"exit code {code}")
            self.stats.crashed += 1
            rep = crash_error(path, f"the process judging it crashed ({how})")
        deliver(i, None, key, rep)
