"""The one door: every way of judging a file goes through here.

* `judge(path, plan)` — one file, or one window of it, → `FileReport` (judge.py);
* `judge_paths(paths, plan, …)` — files, folders and globs, with the cache, a process pool
  and per-file time limits → `Report` (batch.py).

The CLI, the library API (`tapecheck.check_file`, `check_paths`), reels and every new entry
point call these; none measures or checks a file by another route.
"""

from .batch import BatchStats, Progress, judge_paths
from .judge import judge
from .paths import expand
from .plan import Part, Plan
from .pool import default_jobs

__all__ = ["BatchStats", "Part", "Plan", "Progress", "default_jobs", "expand", "judge",
           "judge_paths"]
