"""Where reports and messages go: stdout or the -o file, stderr for what went wrong."""

from __future__ import annotations

import os
import sys

import click

from ..errors import UsageError


def pick_format(fmt: str) -> str:
    """`auto`: GitHub workflow annotations under GitHub Actions, else text."""
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def tell_errors(file_report) -> None:
    """One line on stderr per file that could not be judged or whose check failed."""
    if file_report.status == "error":
        click.echo(f"tapecheck: {file_report.error.message}", err=True)
    for e in file_report.check_errors:
        why = " (a bug in tapecheck; please report it)" if e.bug else ""
        click.echo(f"tapecheck: {file_report.path}: check {e.code} failed: {e.message}{why}",
                   err=True)


def on_each_file(progress, fmt: str, output: str | None, then=None):
    """What the command line does as each file finishes: clear the progress line, say the
    file's errors on stderr, then `then(file_report)` if given. Errors go to stderr in every
    format, so `check … > out.txt` still shows them; only when the text report is on the
    same terminal as stderr, where the reader sees it in the report, are they not said twice."""
    errors_in_report = fmt == "text" and output is None and _one_terminal()

    def on_file(file_report) -> None:
        if progress:
            progress.clear()
        if not errors_in_report:
            tell_errors(file_report)
        if then is not None:
            then(file_report)

    return on_file


def _one_terminal() -> bool:
    """Whether stdout and stderr are the same terminal."""
    try:
        return os.ttyname(sys.stdout.fileno()) == os.ttyname(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # not terminals, or no ttyname (Windows)
        return False


def write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {output}: {exc.strerror}") from None


class Sink:
    """Where streamed lines go: stdout, or the -o file opened once."""

    def __init__(self, output: str | None):
        self.fh = sys.stdout
        self.own = False
        if output is not None:
            try:
                self.fh = open(output, "w", encoding="utf-8")
                self.own = True
            except OSError as exc:
                raise UsageError(f"cannot write the report to {output}: {exc.strerror}") from None

    def write(self, text: str) -> None:
        self.fh.write(text)
        self.fh.flush()

    def close(self) -> None:
        if self.own:
            self.fh.close()


def open_cache(no_cache: bool, verbose: bool = False):
    """The user's cache of judgements, or None with --no-cache or TAPECHECK_NO_CACHE set."""
    if no_cache or os.environ.get("TAPECHECK_NO_CACHE", "") not in ("", "0"):
        return None
    from ..pipeline.cache import Cache

    cache = Cache.open()
    if cache.warning and verbose:
        click.echo(f"tapecheck: {cache.warning}", err=True)
    return cache
