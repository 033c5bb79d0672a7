"""The command line: the only place that prints or exits. `main()` is the single error boundary.

Heavy libraries are imported inside commands so `tapecheck --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__
from .cli_batch import batch_options, cache
from .errors import ConfigError, UsageError
from .report import FORMATS

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tapecheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def cli(debug: bool) -> None:
    """Will casting see your eyes and hear your voice? Check a self-tape before you send it."""


def report_options(func):
    """Options shared by `check` and `reel`: output, fail level, selection."""
    opts = [
        click.option("--format", "fmt", type=click.Choice([*FORMATS, "auto"]), default="text",
                     show_default=True, help="Output format (html: one self-contained page, "
                     "written with -o FILE; auto: github under GitHub Actions, else text)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                     help="Write the report to this file instead of stdout."),
        click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
                     help="Exit 1 when a finding reaches this severity [default: error]."),
        click.option("--strict", is_flag=True, help="Same as --fail-on warning."),
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
                     help="Also list what was not checked and why, and what the cache did."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@report_options
@batch_options
def check(paths, **options) -> None:
    """Judge tapes: files, folders (searched for videos) or glob patterns."""
    _run(paths, options)


@cli.command()
@click.argument("reels", nargs=-1, required=True)
@report_options
@batch_options
def reel(reels, **options) -> None:
    """Split a reel into clips and judge each clip (same as `check --split`)."""
    options["split"] = True
    _run(reels, options)


def _run(paths, options: dict) -> None:
    from .cli_batch import run_check

    if options["fmt"] == "html" and options["output"] is None and sys.stdout.isatty():
        # an HTML page dumped on a terminal helps nobody; piping it on is fine
        raise UsageError("--format html writes a page to open in a browser: add -o report.html"
                         " (or pipe it: tapecheck check --format html TAPE > report.html)")
    if options["color"] is None:
        options["color"] = (options["output"] is None and sys.stdout.isatty()
                            and not os.environ.get("NO_COLOR")
                            and os.environ.get("TERM") != "dumb")
    for key in ("select", "ignore"):
        options[key] = tuple(v.strip() for raw in options[key] for v in raw.split(",")
                             if v.strip())
    sys.exit(run_check(list(paths), **options))


@cli.command()
def explain() -> None:
    """How findings become the verdict: the two answers, the score, the level, the fixes."""
    import inspect

    from . import score

    click.echo(inspect.cleandoc(score.__doc__ or ""))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def rules(fmt: str) -> None:
    """List every check: code, name, category, default severity, what it checks."""
    from . import rules as r

    click.echo(r.render_json(r.REGISTRY) if fmt == "json" else r.render_list(r.REGISTRY),
               nl=False)


@cli.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json: a list of objects).")
def rule(codes, fmt: str) -> None:
    """Explain checks by CODE or name: thresholds, why casting cares, how to fix."""
    from . import rules as r

    found = []
    for code in codes:
        try:
            found.append(r.find(code))
        except KeyError:
            raise UsageError(f"unknown check {code!r}: `tapecheck rules` lists them all") \
                from None
    click.echo(r.render_json(found) if fmt == "json"
               else "\n".join(r.render_one(c) for c in found), nl=False)


cli.add_command(cache)


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="tapecheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("tapecheck: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except UsageError as exc:
        click.echo(f"tapecheck: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ConfigError as exc:
        click.echo(f"tapecheck: config error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("tapecheck: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # the error boundary: a bug must not print a raw traceback
        if debug:
            raise
        click.echo(f"tapecheck: internal error: {type(exc).__name__}: {exc} "
                   "(run again with --debug for details, and please report it)", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(0)


if __name__ == "__main__":
    main()
