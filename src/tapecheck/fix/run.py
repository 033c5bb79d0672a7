"""Making the copy: judge the tape, plan, write through a temporary file, judge the copy.

The input is only ever read. ffmpeg writes a hidden file beside the output, which is renamed
to the output once every pass has finished, so an interrupted or failed fix leaves no half
file (and removes its temporary ones). The copy is judged again through the same pipeline
with the same settings; its report, not the plan, says whether it is ready.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import shutil
import signal
import subprocess
from typing import Callable

from ..errors import IngestError, TapecheckError
from ..ingest import probe
from ..ingest.ffmpeg import binary, stderr_tail, timeout_for
from ..pipeline import Plan, judge
from ..settings import Settings
from .command import passlog_prefix, temp_path
from .facts import gather
from .naming import choose_output, refuse
from .edit import FixOptions, FixPlan
from .limits import MIN_SSIM
from .picture import downscale, refit
from .plan import make_plan
from .result import FixResult, settle

#: An encode may take many times the tape's length on a busy 2-core machine: one x264
#: `medium` pass over 60 s of 1080p took over 20 min with the machine loaded 14-fold; the
#: ingest limit (60 s + 4 s per media second) is multiplied by this, as a guard against a
#: hung ffmpeg, not a deadline.
ENCODE_TIMEOUT_FACTOR = 16.0
_SSIM = re.compile(r"SSIM Mean Y:\s*([0-9.]+)")

Stage = Callable[[str], None]


class FixError(TapecheckError):
    """The copy could not be made; the message says why and what to do (exit code 2)."""


def options_for(settings: Settings, **given) -> FixOptions:
    """The fix's options for a run with `settings`: the profile it names, and the limits of
    the checks the plan mirrors (the DC check's limit, the sync check's tolerance) as those
    settings have them, so the copy is fixed against the thresholds it will be judged by."""
    from ..checks import REGISTRY
    from ..profiles import get

    by_repair = {c.repair: c for c in REGISTRY if c.repair in ("dc", "sync")}
    return FixOptions(profile=get(settings.profile) if settings.profile else None,
                      max_dc_dbfs=settings.values(by_repair["dc"])["max_dc_dbfs"],
                      sync_tolerance_ms=settings.values(by_repair["sync"])["tolerance_ms"],
                      **given)


def fix(path: str, options: FixOptions, settings: Settings | None = None, *,
        output: str | None = None, name: str | None = None, role: str | None = None,
        take: int | None = None, dry_run: bool = False, force: bool = False,
        on_stage: Stage | None = None) -> FixResult:
    """Judge `path`, make its submission-ready copy and judge the copy (or, with `dry_run`,
    only plan it). Raises UsageError for a bad request, FixError when the copy fails."""
    settings = settings or Settings()
    stage = on_stage or (lambda text: None)
    out, name_change = choose_output(path, output, name=name, role=role, take=take,
                                     profile=options.profile)
    refuse(path, out, force=force or dry_run)
    try:
        info = probe(path)
    except IngestError as exc:
        raise FixError(exc.message) from None
    if not dry_run:
        _can_write(out)
    try:
        stage("judging the tape")
        before = judge(info, Plan(settings))
        if before.status != "judged":
            raise FixError(before.error.message)
        lead = dict(before.measures).get("leading_silence_s")
        facts = gather(info, None if lead is None else lead + 1.0)
        plan = make_plan(before, facts, options, out, name_change)
        if dry_run:
            return FixResult(plan=plan, before=before)
        _room_for(plan, info.size_bytes)
        plan, ssim = _write(plan, info.duration_s, stage)
        while ssim is not None and ssim < MIN_SSIM:
            smaller = downscale(plan, ssim, min(info.width, info.height))
            if smaller is None:
                break
            stage(f"picture fidelity SSIM {ssim:.3f}: encoding again at "
                  f"{smaller.edit.short_side}p")
            plan, ssim = _write(smaller, info.duration_s, stage)
    except BaseException:
        _clean(out)
        raise
    os.replace(temp_path(out), out)
    _clean(out)
    stage("checking the copy")
    after = judge(out, Plan(settings))
    return settle(plan, before, after, ssim)


def _write(plan: FixPlan, duration_s: float, stage: Stage) -> tuple[FixPlan, float | None]:
    """Run the plan's commands; when a capped copy still comes out too large, encode once
    more at the bitrate scaled down by how far it overshot."""
    ssim = _run_all(plan, duration_s, stage)
    cap = plan.cap_bytes
    size = os.path.getsize(temp_path(plan.output))
    if cap is not None and size > cap and plan.edit.video_kbps:
        plan = refit(plan, size)
        stage(f"the copy came out {size / 1e6:.1f} MB: encoding again at "
              f"{plan.edit.video_kbps} kb/s")
        ssim = _run_all(plan, duration_s, stage)
    return plan, ssim


def _run_all(plan: FixPlan, duration_s: float, stage: Stage) -> float | None:
    ssim = None
    n = len(plan.commands)
    for i, cmd in enumerate(plan.commands, 1):
        stage("writing the copy" + (f" (pass {i} of {n})" if n > 1 else ""))
        said = _ffmpeg(list(cmd), duration_s, plan)
        found = _SSIM.findall(said)
        if found:
            ssim = float(found[-1])
    return ssim


def _ffmpeg(args: list[str], duration_s: float, plan: FixPlan) -> str:
    args[0] = binary("ffmpeg")
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE,
                              timeout=timeout_for(duration_s) * ENCODE_TIMEOUT_FACTOR)
    except subprocess.TimeoutExpired:
        raise FixError(f"{plan.input}: ffmpeg did not finish writing the copy in time; the "
                       "tape may be damaged — try exporting it again") from None
    text = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise FixError(_why(proc.returncode, text, plan))
    return text


def _why(code: int, said: str, plan: FixPlan) -> str:
    folder = os.path.dirname(os.path.abspath(plan.output))
    if "No space left on device" in said:
        return (f"the disk holding {folder} is full: the copy of {plan.input} could not be "
                "written; free some space or write it elsewhere with -o")
    if code == -signal.SIGXFSZ or "File too large" in said:
        return (f"the file system refused a file this large in {folder} (a file size limit): "
                "write the copy elsewhere with -o")
    if "Permission denied" in said or "Read-only file system" in said:
        return f"cannot write in {folder} (permission denied): choose another folder with -o"
    return (f"{plan.input}: ffmpeg could not write the copy ({stderr_tail(said)}); try "
            "exporting the tape again as MP4")


def _can_write(output: str) -> None:
    """Fail before judging when the folder cannot take a file at all."""
    temp = temp_path(output)
    folder = os.path.dirname(temp)
    if not os.path.isdir(folder):
        raise FixError(f"{folder}: no such folder: create it or choose another with -o")
    try:
        with open(temp, "wb"):
            pass
    except OSError as exc:
        raise FixError(_os_why(exc, folder)) from None


def _os_why(exc: OSError, folder: str) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"cannot write in {folder} ({exc.strerror}): choose another folder with -o")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"the disk holding {folder} is full ({exc.strerror}): free some space"
    return f"cannot write in {folder}: {exc.strerror}"


def _room_for(plan: FixPlan, input_bytes: int) -> None:
    """Refuse to start when the disk plainly cannot hold the copy (its size is at most the
    cap, or about the input's)."""
    folder = os.path.dirname(temp_path(plan.output))
    need = plan.cap_bytes or input_bytes
    free = shutil.disk_usage(folder).free
    if free < need:
        raise FixError(f"the disk holding {folder} has {free / 1e6:.0f} MB free; the copy "
                       f"needs about {need / 1e6:.0f} MB: free some space or write it "
                       "elsewhere with -o")


def _clean(output: str) -> None:
    """Remove the temporary file and two-pass logs (never the output)."""
    for p in [temp_path(output), *glob.glob(glob.escape(passlog_prefix(output)) + "*")]:
        try:
            os.remove(p)
        except FileNotFoundError:
            pass
