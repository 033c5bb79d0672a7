"""The command line: the only place that prints or exits. `main()` is the single error boundary.

One module per job: check.py (`check`, `reel`), fix.py (`fix`), takes.py (`takes`),
rules.py (`rules`, `rule`, `explain`), cache.py (`cache`), app.py (`app`), with output.py
and progress.py for what they write. Heavy libraries are imported inside commands so
`tapecheck --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from ..errors import ClusterError, ConfigError, UsageError
from ..version import __version__

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tapecheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def cli(debug: bool) -> None:
    """Will casting see your eyes and hear your voice? Check a self-tape before you send it."""


def _register() -> None:
    from .app import app
    from .cache import cache
    from .check import check, reel
    from .fix import fix
    from .rules import explain, rule, rules
    from .takes import takes

    for command in (check, reel, fix, takes, explain, rules, rule, cache, app):
        cli.add_command(command)


_register()


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
    except (UsageError, ClusterError) as exc:
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
