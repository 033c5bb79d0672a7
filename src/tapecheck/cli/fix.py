"""`tapecheck fix`: write the submission-ready copy of a tape, judge it again, report."""

from __future__ import annotations

import os
import re
import sys

import click

from ..errors import UsageError
from ..fix.edit import ALSO
from ..settings import DEFAULT_FAIL_ON

_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)i?b?\s*$", re.I)
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def parse_size(text: str) -> int:
    """`95MB`, `1.5GB`, `800k`, `100000000`: bytes, decimal (as profiles.py reads the
    platforms' pages: the stricter reading)."""
    m = _SIZE.match(text or "")
    if not m:
        raise UsageError(f"--max-size {text!r}: give a size such as 95MB, 1.5GB or 800KB")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


@click.command()
@click.argument("tape", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write the copy here (a .mp4 file, or a folder) [default: beside the tape, "
              "named by --name or TAPE_fixed.mp4].")
@click.option("--profile", default=None, metavar="NAME",
              help="Meet a casting platform's published limits (size, file type, naming): "
              "actors-access, backstage, casting-networks, spotlight, cast-it, generic.")
@click.option("--max-size", default=None, metavar="SIZE",
              help="Keep the copy under this size, e.g. 95MB (decimal MB).")
@click.option("--target-lufs", type=click.FloatRange(-40.0, -10.0), default=-20.0,
              show_default=True, help="Speech loudness of the copy (LUFS, speech only).")
@click.option("--ceiling-dbtp", type=click.FloatRange(-6.0, 0.0), default=-1.0,
              show_default=True, help="Highest true peak (dBTP); a limiter holds only the "
              "peaks above it.")
@click.option("--head", "head_s", type=click.FloatRange(0.0, 10.0), default=0.5,
              show_default=True, help="Seconds kept before the first line when dead air is cut.")
@click.option("--tail", "tail_s", type=click.FloatRange(0.0, 10.0), default=1.0,
              show_default=True, help="Seconds kept after the last line (the beat casting "
              "watch).")
@click.option("--also", multiple=True, type=click.Choice(ALSO), metavar="REPAIR",
              help="Also change this where `check` found nothing at warning or above (by "
              f"default the copy repairs only what check reported): {', '.join(ALSO)}. "
              "Repeat for more.")
@click.option("--name", default=None, help='Your name, "First Last", to name the copy.')
@click.option("--role", default=None, help="The role, for the copy's name.")
@click.option("--take", type=click.IntRange(1, 999), default=None, help="Take number.")
@click.option("--dry-run", is_flag=True, help="Print the plan (each change; with -v the ffmpeg "
              "commands too) without writing anything.")
@click.option("--force", is_flag=True, help="Replace an existing output file (never the tape).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format (json: the check document of the copy "
              "plus a top-level `fix`).")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding on the copy reaches this severity "
              f"[default: {DEFAULT_FAIL_ON.label}].")
@click.option("--preset", type=click.Choice(["default", "strict", "relaxed"]), default=None,
              help="Start from a preset of thresholds.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Read this config file instead of searching for one.")
@click.option("--no-config", is_flag=True, help="Ignore config files.")
@click.option("--color/--no-color", default=None, help="Colour the text report.")
@click.option("-v", "--verbose", is_flag=True, help="Exact numbers: each change before → "
              "after with the engineer's detail, what was not checked, and the measures.")
def fix(tape, output, profile, max_size, target_lufs, ceiling_dbtp, head_s, tail_s, also,
        name, role, take, dry_run, force, fmt, fail_on, preset, config_path, no_config, color,
        verbose) -> None:
    """Make the submission-ready copy of TAPE: what `check` reports at warning or above and
    editing can repair (level, sync, dead air, channels, frame rate, file type, size) is
    fixed, and the copy is judged again with the same settings. The tape itself is never
    changed. Exit code as for `check`, on the copy."""
    from ..fix import FixError, options_for
    from ..fix import fix as make_copy
    from ..report.fix import render
    from ..version import __version__
    from .check import resolve_settings

    resolved = resolve_settings(fail_on=fail_on, strict=False, quick=False, select=(),
                                ignore=(), preset=preset, config_path=config_path,
                                no_config=no_config, profile=profile)
    settings = resolved.settings
    options = options_for(settings, target_lufs=target_lufs, ceiling_dbtp=ceiling_dbtp,
                          head_s=head_s, tail_s=tail_s, also=frozenset(also),
                          max_bytes=parse_size(max_size) if max_size else None)
    def stage(text: str) -> None:
        click.echo(f"tapecheck: {text} …", err=True)

    try:
        result = make_copy(tape, options, settings, output=output, name=name, role=role,
                           take=take, dry_run=dry_run, force=force,
                           on_stage=stage if sys.stderr.isatty() else None)
    except FixError as exc:
        click.echo(f"tapecheck: {exc}", err=True)
        sys.exit(2)
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(result, fmt, tool_version=__version__, fail_on=settings.fail_on,
                            color=color, verbose=verbose))
    sys.stdout.flush()
    sys.exit(0 if dry_run else result.exit_code(settings.fail_on))

