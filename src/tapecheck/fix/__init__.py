"""`tapecheck fix`: the submission-ready copy of a tape, proved by judging it again.

* plan.py — pure: from the input's judgement (and container facts) to the changes and the
  ffmpeg commands; `--dry-run` shows it, tests check it without ffmpeg;
* command.py — the plan's ffmpeg argument lists; naming.py — the copy's path and name;
* facts.py — container timing, keyframes and channel levels the judgement does not carry;
* run.py — judge (through `tapecheck.pipeline`), write through a temporary file, rename,
  judge the copy with the same settings; result.py — the changes before → after.
"""

from .plan import FixOptions, FixPlan, make_plan
from .result import FixResult
from .run import FixError, fix, options_for

__all__ = ["FixError", "FixOptions", "FixPlan", "FixResult", "fix", "make_plan",
           "options_for"]
