"""`tapecheck takes TAKE1 TAKE2 [TAKE3 …]`: judge each take, then compare how they are played.

Exit code as for `check` over the takes (0: every take ready; 1: a finding at the fail level;
2: a take could not be judged, a usage error, or a comparison crashed). Takes that are not
the same lines, or a take without speech, are said so in the report: that is an answer, not
an error.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import UsageError
from ..settings import DEFAULT_FAIL_ON
from .output import on_each_file, open_cache, pick_format, write


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "auto"]),
              default="text", show_default=True,
              help="Output format (html: one self-contained page, written with -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding in any take reaches this severity "
              f"[default: {DEFAULT_FAIL_ON.label}].")
@click.option("--quick", is_flag=True, help="Keyframes only when judging each take (the "
              "delivery is measured in full either way).")
@click.option("--select", multiple=True, help="Run only these checks on each take.")
@click.option("--ignore", multiple=True, help="Leave out these checks on each take.")
@click.option("--preset", type=click.Choice(["default", "strict", "relaxed"]), default=None,
              help="Start from a preset of thresholds.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Read this config file instead of searching for one.")
@click.option("--no-config", is_flag=True, help="Ignore config files.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Takes judged at once [default: the number of CPUs].")
@click.option("--no-cache", is_flag=True, help="Judge every take again.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report [default: when writing to a terminal].")
@click.option("-v", "--verbose", is_flag=True, help="Exact numbers: the figures behind each "
              "sentence, and what was not checked and why.")
def takes(paths, fmt, output, fail_on, quick, select, ignore, preset, config_path, no_config,
          jobs, no_cache, color, verbose) -> None:
    """Compare takes of the same lines: pace, pauses, pitch, loudness, movement.

    Each take is also judged as a tape, as `tapecheck check` does."""
    if len(paths) < 2:
        raise UsageError("takes compares two or more takes of the same lines: give at least "
                         "two files (tapecheck takes TAKE1 TAKE2 …)")
    fmt = pick_format(fmt)
    if fmt == "github":
        fmt = "text"
    if fmt == "html" and output is None and sys.stdout.isatty():
        raise UsageError("--format html writes a page to open in a browser: add -o takes.html")
    if color is None:
        color = (output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
                 and os.environ.get("TERM") != "dumb")
    from .check import resolve_settings

    split = lambda vals: tuple(v.strip() for raw in vals for v in raw.split(",") if v.strip())  # noqa: E731
    resolved = resolve_settings(fail_on=fail_on, strict=False, quick=quick, select=split(select),
                                ignore=split(ignore), preset=preset, config_path=config_path,
                                no_config=no_config, jobs=jobs)
    sys.exit(run_takes(list(paths), resolved, fmt=fmt, output=output, color=color,
                       verbose=verbose, no_cache=no_cache))


def run_takes(paths, resolved, *, fmt, output, color, verbose, no_cache) -> int:
    from ..pipeline import Plan
    from ..report.takes import render
    from ..takes import compare_takes
    from .progress import ProgressLine

    cache = open_cache(no_cache, verbose)
    progress = ProgressLine() if sys.stderr.isatty() else None
    on_file = on_each_file(progress, fmt, output)
    try:
        report = compare_takes(paths, Plan(resolved.settings), jobs=resolved.jobs, cache=cache,
                               on_file=on_file,
                               on_progress=progress.update if progress else None)
    finally:
        if progress:
            progress.clear()
        if cache is not None:
            cache.close()
    for err in report.errors:
        click.echo(f"tapecheck: comparison failed: {err} (a bug in tapecheck; please report "
                   "it)", err=True)
    write(render(report, fmt, color=color, verbose=verbose), output)
    return report.exit_code()
