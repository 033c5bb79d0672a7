"""Judging a batch on a Dask cluster (`--scheduler`): the same `judge`, on other machines.

`judge_paths(…, scheduler=…)` hands the files the cache could not answer to this module
instead of the local pool (pool.py). Each becomes one Dask task that calls the batch's judge
(`pipeline.judge`) on a worker and sends back its `FileReport`; the batch delivers them as they
finish, so the order rules, the cache, the reporters and the exit code are the local batch's.

* `scheduler`: `tcp://HOST:8786` (any address `distributed.Client` takes), or `local:N` — a
  `LocalCluster` of N worker processes on this machine, started and stopped with the run.
* Paths: workers open the **same path** the client was given, made absolute (a shared mount
  seen at the same place everywhere); nothing is copied and no URL scheme is fetched —
  ffmpeg seeks in the file, and the client hashes the bytes for the cache. A worker that
  cannot see a file the client can says so. Workers write nothing next to the input (the
  judge writes nothing at all; Dask's scratch space is the worker's own folder).
* Versions: before anything is submitted, every worker's tapecheck (package version and a hash
  of its judging source, the cache's `code_version`), ffmpeg, ffprobe and measuring libraries
  must equal the client's — else the run is refused naming what differs. A worker that joins
  later is checked by its first task.
* Failures: a file whose worker dies mid-file (OOM killer, a crash in a native library, a lost
  machine) is run once more on another worker, then reported as `decode-failed`. The client
  counts the attempts itself: each task tells it when it starts, on which worker, and the
  scheduler (`allowed-failures` = 0, set for `local:N`, docs/cluster.md for a real one) hands
  back every task whose worker died. Only a death on the worker the file had started on counts
  against the file; a file that was merely waiting on that worker is submitted again. A file
  past its time limit (pool.py's, from the length the worker reports) is reported as
  `timeout`, and its worker is restarted by its nanny (a Python thread cannot be stopped). The
  scheduler going away stops the run with `ClusterError`; what was delivered before (the jsonl
  lines, the cache) stays.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import re
import threading
import time
import uuid
from dataclasses import dataclass, replace
from typing import Callable

from ..errors import ClusterError, ConfigError
from ..model import FileReport
from .plan import Plan
from .pool import PROGRESS_EVERY_S, crash_error, default_jobs, judge_guarded, time_limit, \
    timeout_error

INSTALL = 'the Dask backend is an extra: pip install "tapecheck[dask]"'
#: How often the client looks at finished files, progress and time limits when nothing arrives.
POLL_S = 0.2
#: Scheduler settings a `local:N` cluster gets, and a real one should (docs/cluster.md):
#: a task whose worker died comes straight back to the client, which decides on a retry; a
#: worker is sent only as many tasks as it has threads (in large batches: Dask queues only
#: those), so few files wait on a worker that dies.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": 0,
                    "distributed.scheduler.worker-saturation": 1.0}
#: Deaths of the worker a file was running on before it is reported (1 = retried once), and
#: resubmissions in all (a file can be caught waiting on dying workers, or die before its
#: start reached the client).
DEATHS = 2
REQUEUES = 4

_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|ucx)://[^\s/]+$")
_LOCAL = re.compile(r"^local(?::(\d+))?$")


def check_scheduler(value, where: str) -> str:
    """A `scheduler` setting as written, or ConfigError naming what is allowed."""
    text = value.strip() if isinstance(value, str) else None
    local = _LOCAL.match(text or "")
    if local and (local.group(1) is None or 1 <= int(local.group(1)) <= 256):
        return text
    if text and _ADDRESS.match(text):
        return text
    raise ConfigError(f"{where} = {value!r} is not a Dask scheduler: give its address "
                      "(tcp://HOST:8786) or local:N for N worker processes on this machine")


# --- what must match between client and workers --------------------------------------------

@functools.lru_cache(maxsize=1)
def versions() -> tuple[tuple[str, str], ...]:
    """Everything that decides a report besides the file and the settings, on this machine:
    tapecheck's code, ffmpeg and ffprobe, and the libraries tapecheck measures with."""
    from importlib.metadata import PackageNotFoundError, requires, version

    from ..ingest.ffmpeg import version_line
    from .cache import code_version

    out = [("tapecheck", code_version()), ("ffmpeg", version_line("ffmpeg")),
           ("ffprobe", version_line("ffprobe"))]
    try:
        needs = [r for r in requires("tapecheck") or [] if "extra ==" not in r]
    except PackageNotFoundError:
        needs = []
    for req in needs:
        name = re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]
        try:
            out.append((name, version(name)))
        except PackageNotFoundError:
            out.append((name, "missing"))
    return tuple(out)


def differences(theirs: tuple, ours: tuple) -> list[str]:
    mine, other = dict(ours), dict(theirs)
    return [f"{k} = {other.get(k, 'missing')!s} (here: {mine[k]})" for k in mine
            if other.get(k) != mine[k]]


class VersionMismatch(Exception):
    """Raised by a task on a worker whose versions are not the client's."""


# --- the worker side -------------------------------------------------------------------------

def _on_worker(index: int, path: str, plan: Plan, judge, expected: tuple, topic: str):
    """One file on a Dask worker: check the versions, tell the client it started (and how long
    the tape is, and how far), judge it."""
    from distributed import get_worker

    diff = differences(versions(), expected)
    if diff:
        raise VersionMismatch("; ".join(diff))
    worker = get_worker()
    key = worker.get_current_task()

    def tell(done_s: float, total_s: float) -> None:
        worker.log_event(topic, {"i": index, "key": key, "worker": worker.address,
                                 "done": float(done_s), "total": float(total_s or 0.0)})

    tell(-1.0, 0.0)  # started: the time limit counts from here, and a death here counts
    last = [0.0]

    def progress(done_s: float, total_s: float) -> None:
        now = time.monotonic()
        if done_s == 0.0 or now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            tell(done_s, total_s)

    return judge_guarded(judge, path, plan, progress)


# --- the client side -------------------------------------------------------------------------

@dataclass
class _Task:
    index: int
    typed: str  # the path as given: the report names it
    path: str   # absolute: what the worker opens
    digest: str | None
    key: str
    future: object = None
    #: The current attempt: where it runs (from its start event), since when, until when.
    worker: str | None = None
    started: float | None = None
    deadline: float | None = None
    #: Workers that died while running this file, and submissions after the first.
    deaths: int = 0
    requeues: int = 0


def connect(scheduler: str, stats=None):
    """(client, cluster or None) for `scheduler`; ClusterError when it cannot be used."""
    check_scheduler(scheduler, "scheduler")
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(f"--scheduler {scheduler}: {INSTALL}") from None
    local = _LOCAL.match(scheduler)
    cluster = None
    try:
        if local:
            n = int(local.group(1)) if local.group(1) else default_jobs()
            with dask.config.set(SCHEDULER_CONFIG):
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.CRITICAL)
            client = Client(cluster, set_as_default=False)
        else:  # waits Dask's distributed.comm.timeouts.connect (30 s) for the scheduler
            client = Client(scheduler, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({exc}): is it "
                           "running, and is the address right?") from None
    try:
        _ready(client, scheduler, stats)
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return client, cluster


def _ready(client, scheduler: str, stats) -> None:
    """At least one worker, every worker with the client's versions; a note in `stats` when
    the scheduler would retry a dead worker's file more than once."""
    import dask
    from dask.utils import parse_timedelta

    wait_s = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    try:
        client.wait_for_workers(1, timeout=wait_s)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler at {scheduler} within "
                           f"{wait_s:.0f} s: start some with `dask worker {scheduler}`") from None
    ours = versions()
    try:
        theirs = client.run(_worker_versions)
    except Exception as exc:  # e.g. no tapecheck on a worker: the function cannot load there
        raise ClusterError(f"the Dask workers at {scheduler} could not say which tapecheck and "
                           f"ffmpeg they have ({type(exc).__name__}: {exc}): install "
                           '"tapecheck[dask]" and ffmpeg on them (docs/cluster.md)') from None
    bad = {w: differences(tuple(map(tuple, v)), ours) for w, v in theirs.items()}
    bad = {w: d for w, d in bad.items() if d}
    if bad:
        first = sorted(bad)[:3]
        raise ClusterError(
            f"{len(bad)} Dask worker(s) at {scheduler} differ from this machine, so their "
            "reports would not be the ones tapecheck gives here: "
            + "; ".join(f"{w}: {', '.join(bad[w])}" for w in first)
            + (" …" if len(bad) > 3 else "")
            + ". Install the same tapecheck and ffmpeg on the workers (docs/cluster.md)")
    allowed = client.run_on_scheduler(_allowed_failures)
    if stats is not None and allowed != SCHEDULER_CONFIG["distributed.scheduler.allowed-failures"]:
        stats.notes.append(
            f"the scheduler at {scheduler} lets {allowed + 1} workers die under one file before "
            "tapecheck hears of it (start it with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0"
            " and tapecheck retries a file once)")


def _worker_versions() -> tuple:
    return versions()


def _allowed_failures(dask_scheduler=None) -> int:
    return dask_scheduler.allowed_failures


def run(scheduler: str, pending: list, plan: Plan, judge, stats, deliver: Callable,
        on_progress: Callable[[str, float, float], None] | None = None) -> None:
    """Judge `pending` (index, path, digest, key) tasks on the cluster; `deliver` each report
    as it arrives. Raises ClusterError when the cluster cannot be used or goes away."""
    client, cluster = connect(scheduler, stats)
    try:
        _Run(client, scheduler, plan, judge, stats, deliver, on_progress).run(pending)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Run:
    def __init__(self, client, scheduler, plan, judge, stats, deliver, on_progress):
        self.client = client
        self.scheduler = scheduler
        self.plan = plan
        self.judge = judge
        self.stats = stats
        self.deliver = deliver
        self.on_progress = on_progress
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.topic = f"tapecheck-{uuid.uuid4().hex}"

    def run(self, pending: list) -> None:
        from distributed import as_completed

        self.client.subscribe_topic(self.topic, self.events.put)
        self.ours = versions()
        self.tasks: dict[str, _Task] = {}
        self.done = as_completed([], loop=self.client.loop)
        for i, path, digest, key in pending:
            self._submit(_Task(i, path, os.path.abspath(path), digest, key))
        by_index = {t.index: t for t in self.tasks.values()}
        total, finished = len(self.tasks), 0
        try:
            while self.tasks:
                for fut in self.done.next_batch(block=False) if self.done.has_ready() else ():
                    t = self.tasks.pop(fut.key, None)
                    if t is None:
                        continue
                    self._events(by_index, block=False)  # its start, if it got that far
                    if not self._retried(t, fut):
                        finished += 1
                        self._finished(t, fut, finished, total)
                if self.tasks:
                    self._events(by_index, block=not self.done.has_ready())
                    for t in [t for t in self.tasks.values() if t.deadline is not None
                              and time.monotonic() >= t.deadline]:
                        del self.tasks[t.future.key]
                        finished += 1
                        self._timed_out(t)
        finally:
            try:
                self.client.unsubscribe_topic(self.topic)
            except Exception:  # the client may be gone with the scheduler
                pass

    def _submit(self, t: _Task) -> None:
        t.worker = t.started = t.deadline = None
        key = f"{self.topic}-{t.index}" + (f"-{t.requeues}" if t.requeues else "")
        t.future = self.client.submit(_on_worker, t.index, t.path, self.plan, self.judge,
                                      self.ours, self.topic, key=key, pure=False)
        self.tasks[t.future.key] = t
        self.done.add(t.future)

    def _retried(self, t: _Task, fut) -> bool:
        """A file handed back because a worker died: submitted again unless it has now seen
        `DEATHS` of the workers it was running on (a file that was only waiting on one does
        not count it)."""
        from distributed import KilledWorker

        if fut.status != "error":
            return False
        exc = fut.exception()
        if not isinstance(exc, KilledWorker):
            return False
        if t.worker is not None and t.worker == exc.last_worker.address:
            t.deaths += 1
        if t.deaths >= DEATHS or t.requeues >= REQUEUES:
            return False
        fut.release()
        t.requeues += 1
        self._submit(t)
        return True

    def _events(self, by_index: dict, block: bool) -> None:
        """Progress from the workers: when a file started (its time limit counts from there)
        and how long it is (the limit scales with it)."""
        try:
            _, msg = self.events.get(timeout=POLL_S) if block else self.events.get_nowait()
        except queue.Empty:
            return
        while True:
            t = by_index.get(msg.get("i"))
            if t is not None and msg.get("key") == t.future.key:
                now = time.monotonic()
                if msg["done"] < 0:
                    t.worker, t.started = msg["worker"], now
                    t.deadline = now + time_limit(self.plan, None)
                elif t.started is not None:
                    if msg["done"] == 0.0:
                        t.deadline = t.started + time_limit(self.plan, msg["total"])
                    if self.on_progress is not None:
                        self.on_progress(t.typed, msg["done"], msg["total"])
            try:
                _, msg = self.events.get_nowait()
            except queue.Empty:
                return

    def _finished(self, t: _Task, fut, finished: int, total: int) -> None:
        from distributed import KilledWorker

        if fut.status == "finished":
            rep = fut.result()
            self.stats.judged += 1
            self.stats.judged_paths.append(t.typed)
            fut.release()
            self.deliver(t.index, t.digest, t.key, self._as_typed(t, rep))
            return
        if fut.status == "cancelled":
            raise ClusterError(
                f"lost the Dask scheduler at {self.scheduler} after {finished - 1} of the "
                f"{total} files sent to it; the reports delivered so far were written (and "
                "cached). Run again to judge the rest")
        exc = fut.exception()
        fut.release()
        if isinstance(exc, VersionMismatch):
            raise ClusterError(f"a Dask worker that joined {self.scheduler} during the run "
                               f"differs from this machine: {exc}. Install the same tapecheck "
                               "and ffmpeg on every worker (docs/cluster.md)")
        self.stats.crashed += 1
        if isinstance(exc, KilledWorker) and t.deaths >= DEATHS:
            what = "the Dask worker judging it died, and so did the one that tried it again"
        elif isinstance(exc, KilledWorker):
            what = f"Dask workers died under it {t.requeues + 1} times"
        else:
            what = f"the Dask task judging it failed ({type(exc).__name__}: {exc})"
        self.deliver(t.index, None, t.key, crash_error(t.typed, what))

    def _timed_out(self, t: _Task) -> None:
        """Past the limit: the file is a timeout, and its worker is restarted (a hung thread
        cannot be stopped any other way; another file it held is retried elsewhere)."""
        self.stats.timed_out += 1
        limit = t.deadline - t.started
        t.future.cancel()
        if t.worker is not None:
            # in the background: Dask waits up to minutes for a hung worker to go (130 s
            # measured here), and the other files' results must not wait with it
            threading.Thread(target=self._restart, args=(t.worker,), daemon=True,
                             name="tapecheck-restart").start()
        self.deliver(t.index, None, t.key, timeout_error(t.typed, limit))

    def _restart(self, worker: str) -> None:
        try:
            self.client.restart_workers([worker], raise_for_error=False)
        except Exception:  # no nanny to restart it (the thread stays busy), or the run is over
            pass

    @staticmethod
    def _as_typed(t: _Task, rep: FileReport) -> FileReport:
        """The report under the path as given (the worker opened the absolute one); a file the
        client sees but a worker does not is a missing shared mount, and says so."""
        if rep.error is not None and rep.error.code == "not-found" and os.path.exists(t.path):
            rep = replace(rep, error=replace(rep.error, message=(
                f"{t.typed}: a Dask worker cannot see this file at {t.path}, though this "
                "machine can: workers read the same paths as the client (a shared mount)")))
        if t.path == t.typed:
            return rep
        error = rep.error and replace(rep.error, message=rep.error.message.replace(t.path,
                                                                                    t.typed))
        return replace(rep, path=t.typed, error=error)
