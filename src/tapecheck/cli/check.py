"""`tapecheck check` and `tapecheck reel`: resolve the settings, judge through the pipeline,
write the report, exit with its code."""

from __future__ import annotations

import os
import sys

import click

from ..errors import UsageError
from ..report import FORMATS
from ..settings import DEFAULT_FAIL_ON
from .output import Sink, on_each_file, open_cache, pick_format, write

#: Formats that are written one file at a time as each finishes.
STREAMING = ("jsonl",)


def report_options(func):
    """Options shared by `check` and `reel`: output, fail level, selection."""
    opts = [
        click.option("--format", "fmt", type=click.Choice([*FORMATS, "auto"]), default="text",
                     show_default=True, help="Output format (html: one self-contained page, "
                     "written with -o FILE; auto: github under GitHub Actions, else text)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                     help="Write the report to this file instead of stdout."),
        click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
                     help="Exit 1 when a finding reaches this severity [default: "
                     f"{DEFAULT_FAIL_ON.label}, so exit 0 means ready to send; error lets "
                     "fix-first tapes through]."),
        # Kept for the scripts that pass it (CONTRACT.md), out of --help: it only ever meant
        # the default fail level, yet reads like `--preset strict`, which is what users meant.
        click.option("--strict", is_flag=True, hidden=True),
        click.option("--quick", is_flag=True,
                     help="Keyframes only: several times faster; checks that need every frame "
                     "are listed as skipped."),
        click.option("--select", multiple=True,
                     help="Run only these codes or categories (repeatable, or comma-separated)."),
        click.option("--ignore", multiple=True,
                     help="Leave out these codes or categories (repeatable, or comma-separated)."),
        click.option("--color/--no-color", default=None,
                     help="Colour the text report [default: when writing to a terminal]."),
        click.option("-v", "--verbose", is_flag=True,
                     help="Also the exact numbers: each finding's measurement, why each check "
                     "that could not run did not, the measures, what the cache did."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def batch_options(func):
    """Options for config, batches, reels and platforms."""
    opts = [
        click.option("--preset", type=click.Choice(["default", "strict", "relaxed"]),
                     default=None, help="Start from a preset of thresholds [default: default, "
                     "or `preset =` in the config]."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     default=None, help="Read this config file instead of searching for "
                     "tapecheck.toml / pyproject.toml from the current folder upward."),
        click.option("--no-config", is_flag=True, help="Ignore config files."),
        click.option("--profile", default=None, metavar="NAME",
                     help="Add a casting platform's published limits: actors-access, "
                     "backstage, casting-networks, spotlight, cast-it, generic."),
        click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
                     help="Files judged at once [default: the number of CPUs]."),
        click.option("--timeout", type=click.FloatRange(1.0, 86400.0), default=None,
                     metavar="SECONDS", help="Stop judging a file after this long and report "
                     "it as `timeout` [default: scaled to its length]."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Judge on a Dask cluster: its scheduler's address (tcp://HOST:8786), "
                     "or local:N for N worker processes here. Needs tapecheck[dask]; see "
                     "docs/cluster.md."),
        click.option("--no-cache", is_flag=True, help="Judge every file again; do not read or "
                     "write the cache."),
        click.option("--split", is_flag=True, help="Treat each file as a reel: split it into "
                     "clips and judge each clip."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


@click.command()
@click.argument("paths", nargs=-1, required=True)
@report_options
@batch_options
def check(paths, **options) -> None:
    """Judge tapes: files, folders (searched for videos) or glob patterns."""
    _run(paths, options)


@click.command()
@click.argument("reels", nargs=-1, required=True)
@report_options
@batch_options
def reel(reels, **options) -> None:
    """Split a reel into clips and judge each clip (same as `check --split`)."""
    options["split"] = True
    _run(reels, options)


def _run(paths, options: dict) -> None:
    if options["fmt"] == "html" and options["output"] is None and sys.stdout.isatty():
        # an HTML page dumped on a terminal helps nobody; piping it on is fine
        raise UsageError("--format html writes a page to open in a browser: add -o report.html"
                         " (or pipe it: tapecheck check --format html TAPE > report.html)")
    if options["color"] is None:
        options["color"] = (options["output"] is None and sys.stdout.isatty()
                            and not os.environ.get("NO_COLOR")
                            and os.environ.get("TERM") != "dumb")
    if options["strict"]:
        click.echo(f"tapecheck: --strict only sets the default fail level (--fail-on "
                   f"{DEFAULT_FAIL_ON.label}) and will be removed; for the strict thresholds "
                   "(1080p, steady frame rate) use --preset strict", err=True)
    for key in ("select", "ignore"):
        options[key] = tuple(v.strip() for raw in options[key] for v in raw.split(",")
                             if v.strip())
    sys.exit(run_check(list(paths), **options))


def resolve_settings(*, fail_on, strict, quick, select, ignore, preset=None, config_path=None,
                     no_config=False, profile=None, jobs=None, timeout=None, scheduler=None):
    """Command-line values over the config file over the preset (pipeline/config.py)."""
    from ..pipeline.config import resolve

    cli: dict = {}
    if preset:
        cli["preset"] = preset
    if strict:  # the old flag: the default fail level, whatever the config says
        cli["fail-on"] = DEFAULT_FAIL_ON.label
    elif fail_on:
        cli["fail-on"] = fail_on
    if quick:
        cli["quick"] = True
    if select:
        cli["select"] = list(select)
    if ignore:
        cli["ignore"] = list(ignore)
    if profile:
        cli["profile"] = profile
    if jobs:
        cli["jobs"] = jobs
    if timeout:
        cli["timeout"] = timeout
    if scheduler:
        cli["scheduler"] = scheduler
    return resolve(cli=cli, config_path=config_path, use_config=not no_config)


def run_check(paths, *, fmt, output, fail_on, strict, quick, select, ignore, color, verbose,
              preset=None, config_path=None, no_config=False, profile=None, jobs=None,
              timeout=None, no_cache=False, split=False, scheduler=None) -> int:
    """Judge, write the report, return the exit code."""
    from ..pipeline import BatchStats, Plan, judge_paths
    from ..report import render
    from .progress import ProgressLine

    resolved = resolve_settings(fail_on=fail_on, strict=strict, quick=quick, select=select,
                                ignore=ignore, preset=preset, config_path=config_path,
                                no_config=no_config, profile=profile, jobs=jobs,
                                timeout=timeout, scheduler=scheduler)
    fmt = pick_format(fmt)
    if verbose and resolved.source:
        click.echo(f"tapecheck: config {resolved.source} (preset {resolved.preset})", err=True)

    cache = open_cache(no_cache, verbose)

    sink = Sink(output) if fmt in STREAMING else None
    progress = ProgressLine() if sys.stderr.isatty() else None

    def stream(rep) -> None:
        from ..report.json import render_file

        sink.write(render_file(rep))

    on_file = on_each_file(progress, fmt, output, stream if sink is not None else None)

    stats = BatchStats()
    try:
        report = judge_paths(list(paths), Plan(resolved.settings, split=split),
                             jobs=resolved.jobs, cache=cache, on_file=on_file,
                             on_progress=progress.update if progress else None, stats=stats,
                             scheduler=resolved.scheduler)
    finally:
        if progress:
            progress.clear()
        if sink is not None:
            sink.close()
        if cache is not None:
            if cache.warning and verbose:
                click.echo(f"tapecheck: {cache.warning}", err=True)
            cache.close()
    for note in ([stats.fallback] if stats.fallback else []) + stats.notes:
        click.echo(f"tapecheck: {note}", err=True)
    if verbose:
        where = f" ({cache.path})" if cache is not None else " (cache off)"
        click.echo(f"tapecheck: {len(report.files)} file(s): {stats.judged} judged, "
                   f"{stats.cached} from the cache{where}", err=True)
    if sink is None:
        write(render(report, fmt, color=color, verbose=verbose), output)
    return report.exit_code()
