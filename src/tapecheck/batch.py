"""Judging many files at once: a pool of worker processes, each file isolated, plus the cache.

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

Files already in the cache (cache.py) are answered without a worker. Reports come back in
input order; `on_file` sees each as it finishes (completion order, for `--format jsonl`).
A single file to judge with no explicit time limit is judged in this process — the plain
`tapecheck check take.mp4` path stays exactly as it was.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable

from . import __version__
from .model import FileError, FileReport, Report
from .settings import Settings

#: Time limit before the length is known, and the default per second of media.
BASE_TIMEOUT_S = 120.0
PER_MEDIA_S = 8.0


@dataclass
class BatchStats:
    """What a run did, for `-v` and tests: files judged by a worker or in-process, answered
    from the cache, and lost to a crash or a time limit."""

    judged: int = 0
    cached: int = 0
    crashed: int = 0
    timed_out: int = 0
    judged_paths: list[str] = field(default_factory=list)
    #: Set when worker processes could not start and files were judged in this process.
    fallback: str | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def judge_one(path: str, settings: Settings, split: bool,
              on_probe: Callable[[float], None] | None = None) -> FileReport:
    """The default judge: `runner.check_file`."""
    from .runner import check_file

    return check_file(path, settings, split=split, on_probe=on_probe)


def run_batch(paths: list[str], settings: Settings, *, jobs: int | None = None,
              split: bool = False, cache=None,
              on_file: Callable[[FileReport], None] | None = None,
              on_progress: Callable[[int, int, str], None] | None = None,
              judge: Callable[..., FileReport] = judge_one,
              stats: BatchStats | None = None) -> Report:
    """Judge every file `paths` names (folders and globs expanded, runner.expand).

    `judge(path, settings, split, on_probe)` must be a module-level function (it is sent to
    worker processes by name). `cache` is an open `cache.Cache` or None."""
    from .cache import settings_key
    from .runner import expand

    stats = stats if stats is not None else BatchStats()
    items = expand(paths)
    total = len(items)
    results: list[FileReport | None] = [None] * total
    done = 0

    def finish(i: int, rep: FileReport) -> None:
        nonlocal done
        results[i] = rep
        done += 1
        if on_file is not None:
            on_file(rep)
        if on_progress is not None:
            on_progress(done, total, rep.path)

    mode = "reel" if split else "file"
    pending: list[tuple[int, str, str | None, str]] = []
    for i, (path, err) in enumerate(items):
        if err is not None:
            finish(i, FileReport(path=path, status="error", error=err))
            continue
        digest = cache.content_hash(path) if cache is not None else None
        key = settings_key(settings, path, mode)
        if digest is not None:
            hit = cache.get(digest, key, path)
            if hit is not None:
                stats.cached += 1
                finish(i, hit)
                continue
        pending.append((i, path, digest, key))

    def store(digest: str | None, key: str, rep: FileReport) -> None:
        if cache is not None and digest is not None:
            cache.put(digest, key, rep)

    if len(pending) == 1 and settings.file_timeout_s is None:
        i, path, digest, key = pending[0]
        rep = judge(path, settings, split)
        stats.judged += 1
        stats.judged_paths.append(path)
        store(digest, key, rep)
        finish(i, rep)
    elif pending:
        n = max(1, min(jobs or default_jobs(), len(pending)))

        def deliver(i, digest, key, rep):
            store(digest, key, rep)
            finish(i, rep)

        left = _Pool(n, settings, split, judge, stats).run(pending, deliver)
        for i, path, digest, key in left:  # workers could not start: judge here instead
            rep = judge(path, settings, split)
            stats.judged += 1
            stats.judged_paths.append(path)
            deliver(i, digest, key, rep)
    return Report(files=tuple(r for r in results if r is not None), tool_version=__version__,
                  fail_on=settings.fail_on)


def _portable(settings: Settings) -> Settings:
    """Settings as plain dicts (mapping proxies do not pickle) for a worker process."""
    from dataclasses import replace

    return replace(settings, params={k: dict(v) for k, v in settings.params.items()},
                   severities=dict(settings.severities))


# --- the worker side -------------------------------------------------------------------------

def _worker_main(conn, judge) -> None:
    """Loop in a worker process: receive (index, path, settings, split), send reports."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for everyone
    conn.send(("ready", -1, None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path, settings, split = msg

        def probed(duration: float, _i=index) -> None:
            conn.send(("probed", _i, float(duration or 0.0)))

        try:
            rep = judge(path, settings, split, probed)
        except Exception as exc:  # a bug outside the per-check boundary: this file only
            rep = FileReport(path=path, status="error", error=FileError(
                "decode-failed", f"{path}: tapecheck failed while judging it ({type(exc).__name__}"
                f": {exc}); this is a bug in tapecheck — please report it"))
        conn.send(("done", index, rep))


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


class _Pool:
    def __init__(self, size: int, settings: Settings, split: bool, judge, stats: BatchStats):
        self.size = size
        self.settings = settings
        self.split = split
        self.judge = judge
        self.stats = stats
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
        if self.settings.file_timeout_s is not None:
            return self.settings.file_timeout_s
        if duration is None:
            return BASE_TIMEOUT_S
        return (BASE_TIMEOUT_S + PER_MEDIA_S * duration) * (2 if self.split else 1)

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
                        w.conn.send((i, path, _portable(self.settings), self.split))
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
                elif kind == "probed" and index == w.task[0]:
                    w.deadline = w.started + self._limit(payload)
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
            err = FileError("timeout", f"{path}: judging it took longer than {limit:.0f} s and "
                            "was stopped; the file may be damaged — try re-exporting it, or "
                            "raise the limit with --timeout")
            self._retire(w)
        else:
            self._retire(w)
            code = w.proc.exitcode
            how = (f"signal {-code}" if code is not None and code < 0 else f"exit code {code}")
            self.stats.crashed += 1
            err = FileError("decode-failed", f"{path}: the process judging it crashed ({how}); "
                            "the file may be damaged — try re-exporting it as H.264/AAC MP4")
        deliver(i, None, key, FileReport(path=path, status="error", error=err))
