"""`tapecheck fix`: the submission-ready copy of a tape, proved by judging it again.

* plan.py — pure: from the input's judgement (and container facts) to the changes and the
  ffmpeg commands; `--dry-run` shows it, tests check it without ffmpeg; picture.py — its
  picture part (re-encode or copy, size caps); edit.py — the plan's data; limits.py — the
  numbers it works to, each with its source;
* command.py — the plan's ffmpeg argument lists (it reads the plan's data only, so plan.py
  and picture.py import it and nothing imports back); naming.py — the copy's path and name;
* facts.py — container timing, keyframes and channel levels the judgement does not carry;
* run.py — judge (through `tapecheck.pipeline`), write through a temporary file, rename,
  judge the copy with the same settings; result.py — the changes before → after.
"""

from .edit import FixOptions, FixPlan
from .plan import make_plan
from .result import FixResult
from .run import FixError, fix, options_for

__all__ = ["FixError", "FixOptions", "FixPlan", "FixResult", "fix", "make_plan",
           "options_for"]
