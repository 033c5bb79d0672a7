"""`tapecheck fix` reports: what was changed, before → after on the copy judged again, what
needs a new take; then the copy's own report. JSON is the `check` document for the copy plus
CONTRACT.md's top-level `fix` (for --dry-run: the input's document and the plan)."""

from __future__ import annotations

import json
import shlex

from ..fix.result import FixResult
from ..model import Report, Severity
from ..timecode import number_text
from .text import _painter, render_file


def render(result: FixResult, fmt: str, *, tool_version: str, fail_on: Severity,
           color: bool = False, verbose: bool = False) -> str:
    report = Report(files=(result.shown,), tool_version=tool_version, fail_on=fail_on)
    if fmt == "json":
        doc = report.to_dict()
        doc["fix"] = result.to_dict()
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return _text(result, color=color, verbose=verbose)


def _text(result: FixResult, *, color: bool, verbose: bool) -> str:
    """Plain by default, as `check`: what changed in words; `-v` adds each change's numbers
    (before → after), the engineer's detail and the ffmpeg commands' fidelity."""
    paint = _painter(color)
    plan = result.plan
    d = result.to_dict()
    head = "tapecheck fix --dry-run" if result.dry_run else "tapecheck fix"
    lines = [paint("bold", f"{head}: {plan.input} → {plan.output}")]
    if not d["changes"]:
        lines.append("  Nothing to change in editing: the copy is the tape as it is, as MP4.")
    elif verbose:
        lines.append("  Planned changes (before → aim):" if result.dry_run else
                     "  Changes (before → after, measured on the copy):")
        lines += [f"  - {c['what']:<10} {_numbers(c, result.dry_run)}  {c['detail']}"
                  + _mark(c, paint) for c in d["changes"]]
    else:
        lines.append("  What the copy will change:" if result.dry_run else "  What changed:")
        lines += [f"  - {c['plain']}" + _mark(c, paint) for c in d["changes"]]
    if d["fidelity"] is not None:
        f = d["fidelity"]
        if verbose:
            word = paint("green", "kept") if f["ok"] else paint("red", "below the aim")
            lines.append(f"  Picture fidelity of the re-encode: SSIM {f['ssim']:.3f} ({word}: "
                         f"≥ {f['min_ssim']} is 'good')")
        elif not f["ok"]:
            lines.append(paint("red", "  The picture lost some sharpness when it was saved "
                                      "again."))
    if d["cap_met"] is False:
        lines.append(paint("red", f"  The copy is over the size cap of {_mb(d['cap_bytes'])}."))
    notes = d["notes"] if verbose else d["notes_plain"]
    lines += [f"  Note: {note}" for note in notes]
    if d["left_alone"]:
        lines.append("  Left as it is (check did not ask for it):")
        lines += [f"  - {n['detail'] if verbose else n['plain']}"
                  + (f" (--also {n['also']} changes it)" if n["also"] else "")
                  for n in d["left_alone"]]
    findings = {fd.code: fd for fd in result.shown.findings}
    if d["needs_new_take"]:
        lines.append(paint("bold", "  Needs a new take (editing cannot repair it):"))
        lines += [_finding(findings[code], verbose) for code in d["needs_new_take"]]
    if d["not_fixed"]:
        lines.append("  Left for you to edit:")
        lines += [_finding(findings[code], verbose) for code in d["not_fixed"]]
    if result.dry_run:
        if verbose:
            lines.append("  ffmpeg commands (nothing was written):")
            lines += [f"    {shlex.join(cmd)}" for cmd in plan.commands]
        else:
            lines.append("  Nothing was written (-v shows the commands it would run).")
        return "\n".join(lines) + "\n"
    lines += ["", "The copy, judged again:"]
    return "\n".join(lines) + "\n" + render_file(result.shown, paint, verbose)


def _finding(fd, verbose: bool) -> str:
    return f"    {fd.code} {fd.name}: {fd.message}" if verbose else f"    {fd.said}"


def _numbers(c: dict, dry_run: bool) -> str:
    unit = f" {c['unit']}" if c["unit"] and c["unit"] != "bytes" else ""
    shown = c["target"] if dry_run else c["after"]
    if c["unit"] == "bytes":
        return f"{_mb(c['before'])} → {_mb(shown)}"
    return f"{_value(c['before'])} → {_value(shown)}{unit}"


def _value(v) -> str:
    if v is None:
        return "—"
    return number_text(v) if not isinstance(v, float) else f"{v:.1f}"


def _mb(v) -> str:
    return "—" if v is None else f"{v / 1e6:.2f} MB"


def _mark(c: dict, paint) -> str:
    if c["resolved"] is None:
        return ""
    return "  " + (paint("green", "(fixed)") if c["resolved"] else paint("red", "(still found)"))
