"""Reporters: they read a `Report` and return text; they never measure, decide or print."""

from __future__ import annotations

from ..model import Report

FORMATS = ("text", "json", "html")


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
    raise ValueError(f"unknown format {fmt!r} (allowed: {', '.join(FORMATS)})")
