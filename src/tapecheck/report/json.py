"""`--format json`: exactly the document of CONTRACT.md."""

from __future__ import annotations

import json

from ..model import FileReport, Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_file(file: FileReport) -> str:
    """One `files[]` object on one line (`--format jsonl`)."""
    return json.dumps(file.to_dict(), ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")) + "\n"
