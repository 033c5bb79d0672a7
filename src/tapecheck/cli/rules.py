"""`tapecheck rules`, `rule CODE` and `explain`: what each check does and how the verdict is made."""

from __future__ import annotations

import click

from ..errors import UsageError


@click.command()
def explain() -> None:
    """How a tape is judged: the two answers, the verdict, the score, the fixes."""
    from ..report.explain import render

    click.echo(render(), nl=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def rules(fmt: str) -> None:
    """List every check: code, name, category, default severity, what it checks."""
    from ..report import rules as r

    click.echo(r.render_json(r.REGISTRY) if fmt == "json" else r.render_list(r.REGISTRY),
               nl=False)


@click.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json: a list of objects).")
def rule(codes, fmt: str) -> None:
    """Explain checks by CODE or name: thresholds, why casting cares, how to fix."""
    from ..report import rules as r

    found = []
    for code in codes:
        try:
            found.append(r.find(code))
        except KeyError:
            raise UsageError(f"unknown check {code!r}: `tapecheck rules` lists them all") \
                from None
    click.echo(r.render_json(found) if fmt == "json"
               else "\n".join(r.render_one(c) for c in found), nl=False)
