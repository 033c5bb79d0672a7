"""The command line: the only place that prints or exits. `main()` is the single error boundary.

Heavy libraries are imported inside commands so `tapecheck --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__
from .cli_batch import batch_options
from .model import Severity
from .report import FORMATS

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Failure(Exception):
    """A user-facing error: print the message, exit 2."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tapecheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Will casting see your eyes and hear your voice? Check a self-tape before you send it."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "auto"]), default="text",
              show_default=True, help="Output format (html: one self-contained page, "
              "written with -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding reaches this severity [default: error].")
@click.option("--strict", is_flag=True, help="Same as --fail-on warning.")
@click.option("--quick", is_flag=True,
              help="Keyframes only: several times faster; checks that need every frame are "
                   "listed as skipped.")
@click.option("--select", multiple=True, help="Run only these codes or categories (repeatable).")
@click.option("--ignore", multiple=True, help="Leave out these codes or categories (repeatable).")
@click.option("--color/--no-color", default=None, help="Colour the text report [default: when "
              "writing to a terminal].")
@click.option("-v", "--verbose", is_flag=True, help="Also list what was not checked and why.")
@batch_options
def check(paths, fmt, output, fail_on, strict, quick, select, ignore, color, verbose,
          **batch) -> None:
    """Judge tapes: files, folders (searched for videos) or glob patterns."""
    _html_needs_a_file(fmt, output)
    from .cli_batch import run_check

    use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                  and not os.environ.get("NO_COLOR")
                                                  and os.environ.get("TERM") != "dumb")
    sys.exit(run_check(list(paths), fmt=fmt, output=output, fail_on=fail_on, strict=strict,
                       quick=quick, select=_split(select), ignore=_split(ignore),
                       color=use_color, verbose=verbose, **batch))


def _html_needs_a_file(fmt: str, output: str | None) -> None:
    """An HTML page dumped on a terminal helps nobody; piping it on is fine."""
    if fmt == "html" and output is None and sys.stdout.isatty():
        raise Failure("--format html writes a page to open in a browser: add -o report.html "
                      "(or pipe it: tapecheck check --format html TAPE > report.html)")


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
            raise Failure(f"unknown check {code!r}: `tapecheck rules` lists them all") from None
    click.echo(r.render_json(found) if fmt == "json"
               else "\n".join(r.render_one(c) for c in found), nl=False)


def _tell_errors(file_report) -> None:
    if file_report.status == "error":
        click.echo(f"tapecheck: {file_report.error.message}", err=True)
    for e in file_report.check_errors:
        click.echo(f"tapecheck: {file_report.path}: check {e.code} failed: {e.message} "
                   "(a bug in tapecheck; please report it)", err=True)


def _split(values) -> tuple[str, ...]:
    return tuple(v.strip() for raw in values for v in raw.split(",") if v.strip())


def _validate_selection(settings) -> None:
    from .checks import REGISTRY
    from .model import CATEGORIES

    known = {c.code for c in REGISTRY} | {c.name for c in REGISTRY} | set(CATEGORIES)
    for key in settings.select + settings.ignore:
        if key not in known:
            raise Failure(f"unknown check or category {key!r} in --select/--ignore "
                          "(see `tapecheck rules`)")


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise Failure(f"cannot write the report to {output}: {exc.strerror}") from None


def _add_batch_commands() -> None:
    from .cli_batch import cache, reel

    cli.add_command(reel)
    cli.add_command(cache)


_add_batch_commands()


def main(argv: list[str] | None = None) -> None:
    from .errors import ConfigError

    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="tapecheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("tapecheck: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except Failure as exc:
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
