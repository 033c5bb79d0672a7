"""The tapes being judged: one job per upload, judged through the pipeline in a worker process;
then, on request, the fixed copy of a tape (`tapecheck fix`) and the comparison of takes
(`tapecheck takes`).

Each job runs `pipeline.judge_paths` on its one file with a time limit, which puts the judging
in a worker process of its own: a tape that crashes the decoder or hangs becomes that job's
error and the server keeps serving. At most `parallel` tapes are judged at once (one check
already keeps two cores busy); the rest wait their turn.

The uploaded file stays in the app's private folder while its job is remembered, because the
actor may ask for its fixed copy or compare it with other takes; it is deleted when the job is
forgotten (only the newest `KEEP` are remembered) and with the whole folder when the server
stops. Judgements go into a cache inside that same folder, so comparing takes already checked
does not judge them again. A fix runs `fix.fix` (which judges through the same pipeline) in a
process of its own, for the same reason judging does.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import FileReport, Report
from ..pipeline import Plan, default_jobs, judge_paths
from ..settings import Settings
from .uploads import Upload

#: Jobs remembered for the page; older ones are forgotten (and their uploads deleted).
KEEP = 50
#: Per-tape time limit when the settings give none: the batch's own scaled limit applies
#: once the worker has probed the tape; this only makes the worker process mandatory.
DEFAULT_TIMEOUT_S = 3600.0


@dataclass
class Task:
    """Something the actor asked for after the verdict: a fixed copy, a comparison."""

    state: str = "working"          # working | done | failed
    error: str | None = None
    document: dict | None = None    # the JSON document of the finished work
    output: Path | None = None      # the file it made (the fixed copy)
    takes: object | None = None     # the TakesReport of a comparison, for its HTML page

    def summary(self) -> dict:
        out = {"state": self.state}
        if self.error is not None:
            out["error"] = self.error
        if self.document is not None:
            out["result"] = self.document
        return out


@dataclass
class Job:
    id: str
    name: str
    size: int
    path: Path | None = None        # the upload, while the job is remembered
    state: str = "waiting"          # waiting | judging | done
    progress: float = 0.0           # 0–1 of the tape measured
    report: FileReport | None = None
    fix: Task | None = None
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> dict:
        out = {"id": self.id, "name": self.name, "size_bytes": self.size, "state": self.state,
               "progress": round(self.progress, 3)}
        if self.report is not None:
            out["file"] = self.report.to_dict()
        if self.fix is not None:
            out["fix"] = self.fix.summary()
        return out


class Jobs:
    def __init__(self, settings: Settings, folder: Path, parallel: int | None = None):
        if settings.file_timeout_s is None:
            settings = replace(settings, file_timeout_s=DEFAULT_TIMEOUT_S)
        self.plan = Plan(settings)
        self.cache_folder = folder / "cache"
        self.pool = ThreadPoolExecutor(max_workers=parallel or min(2, default_jobs()),
                                       thread_name_prefix="tapecheck-job")
        self.jobs: dict[str, Job] = {}
        self.comparisons: dict[str, Task] = {}
        self.lock = threading.Lock()

    def start(self, upload: Upload) -> Job:
        job = Job(id=os.urandom(9).hex(), name=upload.name, size=upload.size, path=upload.path)
        with self.lock:
            self.jobs[job.id] = job
            gone = [self.jobs.pop(old) for old in list(self.jobs)[:-KEEP]]
        for old in gone:
            _delete(old)
        self.pool.submit(self._judge, job)
        return job

    def forget(self, job: Job) -> None:
        """Drop `job` and delete its upload."""
        with self.lock:
            self.jobs.pop(job.id, None)
        _delete(job)

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def report(self, job: Job) -> Report:
        """The job's tape as a one-file `Report`, for the JSON and HTML renderers."""
        return Report(files=(job.report,), tool_version=_version(),
                      fail_on=self.plan.settings.fail_on)

    def _judge(self, job: Job) -> None:
        job.state = "judging"

        def progress(p) -> None:
            if p.tape_total_s > 0:
                job.progress = min(1.0, p.tape_done_s / p.tape_total_s)

        cache = self._cache()
        try:
            rep = judge_paths([str(job.path)], self.plan, jobs=1, on_progress=progress,
                              cache=cache, search=False).files[0]
            job.report = _named(rep, job)
            if rep.status != "judged":  # nothing to fix or compare: do not keep the bytes
                _delete(job)
        finally:
            cache.close()
            job.progress = 1.0
            job.state = "done"

    # --- the fixed copy -------------------------------------------------------------------
    def start_fix(self, job: Job) -> Task | str:
        """Begin making `job`'s fixed copy; a reason (str) when it cannot be made."""
        with self.lock:
            if job.state != "done" or job.report is None or job.report.status != "judged":
                return "the tape has not been judged"
            if job.path is None or not job.path.exists():
                return "the tape is no longer here: add it again"
            if job.fix is not None and job.fix.state != "failed":
                return "the fixed copy is already being made"
            job.fix = Task()
        self.pool.submit(self._fix, job, job.fix)
        return job.fix

    def _fix(self, job: Job, task: Task) -> None:
        try:
            if job.path is None:  # forgotten while it waited for a free worker
                raise FileNotFoundError("the tape is no longer here: add it again")
            out = job.path.parent / "fixed" / (Path(job.name).stem + "_fixed.mp4")
            out.parent.mkdir(exist_ok=True)
            ctx = multiprocessing.get_context("spawn")  # no forked copy of the server's threads
            with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as proc:
                doc = proc.submit(make_fixed_copy, str(job.path), str(out),
                                  self.plan.settings).result()
        except Exception as exc:  # the worker's FixError, or the worker died
            task.error = f"the fixed copy could not be made: {exc}"
            task.state = "failed"
            return
        doc["fix"]["input"], doc["fix"]["output"] = job.name, out.name
        doc["files"][0]["path"] = out.name
        task.document, task.output, task.state = doc, out, "done"

    # --- comparing takes ------------------------------------------------------------------
    def start_comparison(self, ids: list[str]) -> tuple[str, Task] | str:
        """Begin comparing the takes of `ids` (in that order); a reason when it cannot."""
        with self.lock:
            chosen = [self.jobs.get(i) for i in ids]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            return "choose two or more different takes"
        for job in chosen:
            if job is None or job.state != "done" or job.path is None or not job.path.exists():
                return "every take must be checked first (and still be here)"
        cid, task = os.urandom(9).hex(), Task()
        with self.lock:
            self.comparisons[cid] = task
            for old in list(self.comparisons)[:-KEEP]:
                del self.comparisons[old]
        self.pool.submit(self._compare, chosen, task)
        return cid, task

    def comparison(self, cid: str) -> Task | None:
        with self.lock:
            return self.comparisons.get(cid)

    def _compare(self, chosen: list[Job], task: Task) -> None:
        from ..report.takes import render as render_takes
        from ..takes import compare_takes

        cache = self._cache()
        try:
            report = compare_takes([str(j.path) for j in chosen], self.plan, jobs=1,
                                   cache=cache)
            report = replace(report, takes=tuple(_named(rep, job)
                                                 for rep, job in zip(report.takes, chosen)))
            task.document = json.loads(render_takes(report, "json"))
            task.takes, task.state = report, "done"
        except Exception as exc:
            task.error = f"the takes could not be compared: {exc}"
            task.state = "failed"
        finally:
            cache.close()

    def _cache(self):
        from ..pipeline.cache import Cache

        return Cache.open(self.cache_folder)

    def close(self) -> None:
        """The app stops: drop the waiting work and end the processes judging or fixing, so
        their threads finish at once instead of holding the exit for minutes."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        for proc in multiprocessing.active_children():  # only this app's own workers
            proc.kill()


def make_fixed_copy(src: str, out: str, settings: Settings) -> dict:
    """In a worker process: make the copy as `tapecheck fix SRC -o OUT` does; its JSON."""
    from ..fix import fix, options_for
    from ..report.fix import render
    from ..version import __version__

    result = fix(src, options_for(settings), settings, output=out, force=True)
    return json.loads(render(result, "json", tool_version=__version__,
                             fail_on=settings.fail_on))


def _named(rep: FileReport, job: Job) -> FileReport:
    """The report under the name the browser gave, never the private folder's path."""
    error = rep.error and replace(rep.error,
                                  message=rep.error.message.replace(str(job.path), job.name))
    return replace(rep, path=job.name, error=error)


def _delete(job: Job) -> None:
    if job.path is not None:
        shutil.rmtree(job.path.parent, ignore_errors=True)
        job.path = None


def _version() -> str:
    from ..version import __version__

    return __version__
