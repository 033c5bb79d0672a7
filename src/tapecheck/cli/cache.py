"""`tapecheck cache info|clear`: the cache of finished judgements (it holds face thumbnails)."""

from __future__ import annotations

import click


@click.group()
def cache() -> None:
    """The cache of finished judgements (it holds thumbnails of faces)."""


@cache.command("clear")
def cache_clear() -> None:
    """Delete everything in the cache."""
    from ..pipeline.cache import Cache

    c = Cache.open()
    n = c.clear()
    c.close()
    click.echo(f"cleared {n} cached report(s) from {c.path}")


@cache.command("info")
def cache_info() -> None:
    """Where the cache is and how big."""
    from ..pipeline.cache import Cache

    c = Cache.open()
    info = c.info()
    c.close()
    click.echo(f"{info['path']}\n{info['reports']} cached report(s), "
               f"{info['file_bytes'] / 1e6:.1f} MB on disk")
