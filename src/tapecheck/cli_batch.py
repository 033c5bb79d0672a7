"""The command line, part two: how `check` and `reel` run (config, pool, cache, streaming
output, progress) and the `cache` commands. Part of the CLI layer: it prints.

`cli.py` keeps the commands and the options every user sees first; `batch_options` adds the
rest. Imported by `cli.py` at start-up, so heavy modules are imported inside functions.
"""

from __future__ import annotations

import os
import sys

import click

from .errors import UsageError

#: Formats that are written one file at a time as each finishes.
STREAMING = ("jsonl",)


def batch_options(func):
    """Options for config, batches, reels and platforms (added to `tapecheck check`)."""
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
        click.option("--no-cache", is_flag=True, help="Judge every file again; do not read or "
                     "write the cache."),
        click.option("--split", is_flag=True, help="Treat each file as a reel: split it into "
                     "clips and judge each clip."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def resolve_settings(*, fail_on, strict, quick, select, ignore, preset=None, config_path=None,
                     no_config=False, profile=None, jobs=None, timeout=None):
    """Command-line values over the config file over the preset (config.py)."""
    from .config import resolve

    cli: dict = {}
    if preset:
        cli["preset"] = preset
    if strict:
        cli["fail-on"] = "warning"
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
    return resolve(cli=cli, config_path=config_path, use_config=not no_config)


def run_check(paths, *, fmt, output, fail_on, strict, quick, select, ignore, color, verbose,
              preset=None, config_path=None, no_config=False, profile=None, jobs=None,
              timeout=None, no_cache=False, split=False) -> int:
    """Judge, write the report, return the exit code."""
    from .batch import BatchStats, run_batch
    from .report import render

    resolved = resolve_settings(fail_on=fail_on, strict=strict, quick=quick, select=select,
                                ignore=ignore, preset=preset, config_path=config_path,
                                no_config=no_config, profile=profile, jobs=jobs,
                                timeout=timeout)
    settings = resolved.settings
    fmt = pick_format(fmt)
    if verbose and resolved.source:
        click.echo(f"tapecheck: config {resolved.source} (preset {resolved.preset})", err=True)

    cache = None
    if not no_cache and os.environ.get("TAPECHECK_NO_CACHE", "") in ("", "0"):
        from .cache import Cache

        cache = Cache.open()
        if cache.warning and verbose:
            click.echo(f"tapecheck: {cache.warning}", err=True)

    sink = _Sink(output) if fmt in STREAMING else None
    progress = _Progress() if sys.stderr.isatty() else None

    def on_file(rep) -> None:
        if progress:
            progress.clear()
        _tell_errors(rep)
        if sink is not None:
            from .report.json import render_file

            sink.write(render_file(rep))

    stats = BatchStats()
    try:
        report = run_batch(list(paths), settings, jobs=resolved.jobs, split=split, cache=cache,
                           on_file=on_file,
                           on_progress=progress.update if progress else None, stats=stats)
    finally:
        if progress:
            progress.clear()
        if sink is not None:
            sink.close()
        if cache is not None:
            if cache.warning and verbose:
                click.echo(f"tapecheck: {cache.warning}", err=True)
            cache.close()
    if stats.fallback:
        click.echo(f"tapecheck: {stats.fallback}", err=True)
    if verbose:
        where = f" ({cache.path})" if cache is not None else " (cache off)"
        click.echo(f"tapecheck: {len(report.files)} file(s): {stats.judged} judged, "
                   f"{stats.cached} from the cache{where}", err=True)
    if sink is None:
        _write(render(report, fmt, color=color, verbose=verbose), output)
    return report.exit_code()


def _tell_errors(file_report) -> None:
    """One line on stderr per file that could not be judged or whose check crashed."""
    if file_report.status == "error":
        click.echo(f"tapecheck: {file_report.error.message}", err=True)
    for e in file_report.check_errors:
        click.echo(f"tapecheck: {file_report.path}: check {e.code} failed: {e.message} "
                   "(a bug in tapecheck; please report it)", err=True)


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {output}: {exc.strerror}") from None


def pick_format(fmt: str) -> str:
    """`auto`: GitHub workflow annotations under GitHub Actions, else text."""
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


class _Sink:
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


class _Progress:
    """One self-overwriting line on stderr (only when stderr is a terminal)."""

    def __init__(self):
        self.shown = False

    def update(self, done: int, total: int, path: str) -> None:
        if total < 2:
            return
        width = 24
        filled = int(width * done / total)
        name = os.path.basename(path)
        name = name if len(name) <= 40 else "…" + name[-39:]
        sys.stderr.write(f"\r\x1b[2K[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                         f"{name}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False


# --- cache commands ------------------------------------------------------------------------

@click.group()
def cache() -> None:
    """The cache of finished judgements (it holds thumbnails of faces)."""


@cache.command("clear")
def cache_clear() -> None:
    """Delete everything in the cache."""
    from .cache import Cache

    c = Cache.open()
    n = c.clear()
    c.close()
    click.echo(f"cleared {n} cached report(s) from {c.path}")


@cache.command("info")
def cache_info() -> None:
    """Where the cache is and how big."""
    from .cache import Cache

    c = Cache.open()
    info = c.info()
    c.close()
    click.echo(f"{info['path']}\n{info['reports']} cached report(s), "
               f"{info['file_bytes'] / 1e6:.1f} MB on disk")
