"""The installed package's version (the cache key and every report carry it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("tapecheck")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
