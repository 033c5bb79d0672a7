"""Judging many files: the cache first, then the pool (or this process, or a Dask cluster),
reports in order.

Files already in the cache (cache.py) are answered without judging. The rest are judged in
a pool of worker processes (pool.py), or in this process when only one file is left and no
time limit was asked for — the plain `tapecheck check take.mp4` costs no extra process — or,
with `scheduler=`, on a Dask cluster's workers (cluster.py), the cache still kept here.
Reports come back in input order; `on_file` sees each as it finishes (completion order, for
`--format jsonl`), `on_progress` how far the run is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..model import FileError, FileReport, Report
from ..version import __version__
from .judge import failed, judge
from .paths import expand
from .plan import Plan
from .pool import Pool, default_jobs


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
    #: What the user should know about how the run went (e.g. a cluster's retry setting).
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    """How far a run is: files finished, and the tape being measured (seconds of it done)."""

    files_done: int
    files_total: int
    path: str | None = None
    tape_done_s: float = 0.0
    tape_total_s: float = 0.0


def judge_paths(paths: list[str], plan: Plan | None = None, *, jobs: int | None = None,
                cache=None, on_file: Callable[[FileReport], None] | None = None,
                on_progress: Callable[[Progress], None] | None = None,
                judge_fn: Callable[..., FileReport] = judge,
                stats: BatchStats | None = None, search: bool = True,
                scheduler: str | None = None) -> Report:
    """Judge every file `paths` names (folders searched and globs expanded unless
    `search=False`). `cache` is an open `cache.Cache` or None. `judge_fn(path, plan,
    on_progress=…)` must be a module-level function: it is sent to worker processes by name.
    `scheduler` (`tcp://HOST:8786` or `local:N`): judge on that Dask cluster instead of the
    local pool; raises `ClusterError` when it cannot be used or goes away mid-run."""
    from .cache import settings_key

    plan = plan or Plan()
    stats = stats if stats is not None else BatchStats()
    items: list[tuple[str, FileError | None]] = expand(paths) if search else \
        [(p, None) for p in paths]
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
            on_progress(Progress(done, total))

    def measuring(path: str, done_s: float, total_s: float) -> None:
        if on_progress is not None:
            on_progress(Progress(done, total, path, done_s, total_s))

    mode = "reel" if plan.split else "file"
    pending: list[tuple[int, str, str | None, str]] = []
    for i, (path, err) in enumerate(items):
        if err is not None:
            finish(i, failed(path, err))
            continue
        digest = cache.content_hash(path) if cache is not None else None
        key = settings_key(plan.settings, path, mode)
        if digest is not None:
            hit = cache.get(digest, key, path)
            if hit is not None:
                stats.cached += 1
                finish(i, hit)
                continue
        pending.append((i, path, digest, key))

    def deliver(i: int, digest: str | None, key: str, rep: FileReport) -> None:
        if cache is not None and digest is not None:
            cache.put(digest, key, rep)
        finish(i, rep)

    def here(task) -> None:
        i, path, digest, key = task
        rep = judge_fn(path, plan, on_progress=lambda d, t, _p=path: measuring(_p, d, t))
        stats.judged += 1
        stats.judged_paths.append(path)
        deliver(i, digest, key, rep)

    if scheduler is not None and pending:
        from .cluster import run as run_on_cluster  # Dask is an optional extra

        run_on_cluster(scheduler, pending, plan, judge_fn, stats, deliver, measuring)
    elif len(pending) == 1 and plan.settings.file_timeout_s is None:
        here(pending[0])
    elif pending:
        n = max(1, min(jobs or default_jobs(), len(pending)))
        left = Pool(n, plan, judge_fn, stats, measuring).run(pending, deliver)
        for task in left:  # workers could not start: judge here instead
            here(task)
    return Report(files=tuple(r for r in results if r is not None), tool_version=__version__,
                  fail_on=plan.settings.fail_on)
