"""`tapecheck app`: the local web page for actors who never open a terminal."""

from __future__ import annotations

import click


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@click.option("--max-upload", type=click.FloatRange(0.001, 1000.0), default=4.0,
              show_default=True, metavar="GB", help="Largest tape the page accepts, in GB.")
def app(port: int, no_browser: bool, max_upload: float) -> None:
    """Open a local page: drop tapes on it, watch them checked, read and save the report.

    The page and the server run on this computer only (127.0.0.1); tapes never leave it."""
    from ..app import serve
    from ..pipeline.config import resolve

    def announce(url: str) -> None:
        click.echo(url)
        click.echo("tapecheck app: open that address in your browser; Ctrl-C stops it "
                   "(uploaded tapes are deleted).", err=True)

    settings = resolve(cli={}, use_config=True).settings
    serve(port=port, open_browser=not no_browser, settings=settings,
          max_upload=int(max_upload * 1e9), announce=announce)
