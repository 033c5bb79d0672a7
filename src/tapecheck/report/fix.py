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
    paint = _painter(color)
    plan = result.plan
    d = result.to_dict()
    head = "tapecheck fix --dry-run" if result.dry_run else "tapecheck fix"
    lines = [paint("bold", f"{head}: {plan.input} → {plan.output}")]
    if not d["changes"]:
        lines.append("  Nothing to change in editing: the copy is the tape as it is, as MP4.")
    else:
        lines.append("  Planned changes (before → aim):" if result.dry_run else
                     "  Changes (before → after, measured on the copy):")
        for c in d["changes"]:
            lines.append(f"  - {c['what']:<10} {_numbers(c, result.dry_run)}  {c['detail']}"
                         + _mark(c, paint))
    if d["fidelity"] is not None:
        f = d["fidelity"]
        word = paint("green", "kept") if f["ok"] else paint("red", "below the aim")
        lines.append(f"  Picture fidelity of the re-encode: SSIM {f['ssim']:.3f} ({word}: "
                     f"≥ {f['min_ssim']} is 'good')")
    if d["cap_met"] is False:
        lines.append(paint("red", f"  The copy is over the size cap of {_mb(d['cap_bytes'])}."))
    for note in d["notes"]:
        lines.append(f"  Note: {note}")
    findings = {fd.code: fd for fd in result.shown.findings}
    if d["needs_new_take"]:
        lines.append(paint("bold", "  Needs a new take (editing cannot repair it):"))
        lines += [f"    {code} {findings[code].name}: {findings[code].said}"
                  for code in d["needs_new_take"]]
    if d["not_fixed"]:
        lines.append("  Left for you to edit:")
        lines += [f"    {code} {findings[code].name}: {findings[code].said}"
                  for code in d["not_fixed"]]
    if result.dry_run:
        lines.append("  ffmpeg commands (nothing was written):")
        lines += [f"    {shlex.join(cmd)}" for cmd in plan.commands]
        return "\n".join(lines) + "\n"
    lines += ["", "The copy, judged again:"]
    return "\n".join(lines) + "\n" + render_file(result.shown, paint, verbose)


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
