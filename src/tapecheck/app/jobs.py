"""The tapes being judged: one job per upload, judged through the pipeline in a worker process.

Each job runs `pipeline.judge_paths` on its one file with a time limit, which puts the judging
in a worker process of its own: a tape that crashes the decoder or hangs becomes that job's
error and the server keeps serving. At most `parallel` tapes are judged at once (one check
already keeps two cores busy); the rest wait their turn. The uploaded file is deleted as soon
as it is judged; the report stays in memory for the page (the newest `KEEP` jobs).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from ..model import FileReport, Report
from ..pipeline import Plan, default_jobs, judge_paths
from ..settings import Settings
from .uploads import Upload

#: Jobs remembered for the page; older ones are forgotten.
KEEP = 50
#: Per-tape time limit when the settings give none: the batch's own scaled limit applies
#: once the worker has probed the tape; this only makes the worker process mandatory.
DEFAULT_TIMEOUT_S = 3600.0


@dataclass
class Job:
    id: str
    name: str
    size: int
    state: str = "waiting"          # waiting | judging | done
    progress: float = 0.0           # 0–1 of the tape measured
    report: FileReport | None = None
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> dict:
        out = {"id": self.id, "name": self.name, "size_bytes": self.size, "state": self.state,
               "progress": round(self.progress, 3)}
        if self.report is not None:
            out["file"] = self.report.to_dict()
        return out


class Jobs:
    def __init__(self, settings: Settings, parallel: int | None = None):
        if settings.file_timeout_s is None:
            settings = replace(settings, file_timeout_s=DEFAULT_TIMEOUT_S)
        self.plan = Plan(settings)
        self.pool = ThreadPoolExecutor(max_workers=parallel or min(2, default_jobs()),
                                       thread_name_prefix="tapecheck-job")
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def start(self, upload: Upload) -> Job:
        job = Job(id=os.urandom(9).hex(), name=upload.name, size=upload.size)
        with self.lock:
            self.jobs[job.id] = job
            for old in list(self.jobs)[:-KEEP]:
                del self.jobs[old]
        self.pool.submit(self._judge, job, upload)
        return job

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def report(self, job: Job) -> Report:
        """The job's tape as a one-file `Report`, for the JSON and HTML renderers."""
        return Report(files=(job.report,), tool_version=_version(),
                      fail_on=self.plan.settings.fail_on)

    def _judge(self, job: Job, upload: Upload) -> None:
        job.state = "judging"

        def progress(p) -> None:
            if p.tape_total_s > 0:
                job.progress = min(1.0, p.tape_done_s / p.tape_total_s)

        try:
            rep = judge_paths([str(upload.path)], self.plan, jobs=1, on_progress=progress,
                              search=False).files[0]
            error = rep.error and replace(
                rep.error, message=rep.error.message.replace(str(upload.path), upload.name))
            job.report = replace(rep, path=upload.name, error=error)
        finally:
            shutil.rmtree(upload.path.parent, ignore_errors=True)  # never kept once judged
            job.progress = 1.0
            job.state = "done"

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _version() -> str:
    from ..version import __version__

    return __version__
