"""Reporters: they read a `Report` and return text; they never measure, decide or print."""

from __future__ import annotations

from ..model import Report

FORMATS = ("text", "json", "html")

#: Batch and CI formats (issue 7): one line per file, spreadsheets, GitHub annotations.
FORMATS = FORMATS + ("jsonl", "csv", "github")


def render(report: Report, fmt: str, *, color: bool = False, verbose: bool = False) -> str:
    if fmt == "json":
        from .json import render as r

        return r(report)
    if fmt == "text":
        from .text import render as r

        return r(report, color=color, verbose=verbose)
    if fmt == "html":
        from .html import render as r

        return r(report)
    if fmt == "jsonl":
        from .json import render_file

        return "".join(render_file(f) for f in report.files)
    if fmt == "csv":
        from .csv import render as r

        return r(report)
    if fmt == "github":
        from .github import render as r

        return r(report)
    raise ValueError(f"unknown format {fmt!r} (allowed: {', '.join(FORMATS)})")
