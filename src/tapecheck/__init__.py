"""tapecheck: will casting see your eyes and hear your voice?

    >>> from tapecheck import check_file
    >>> report = check_file("take1.mp4")          # a FileReport
    >>> report.verdict.can_hear_voice, report.to_dict()["findings"]

Heavy libraries (OpenCV, librosa) load only when a file is checked.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("tapecheck")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "check_file", "check_paths"]


def check_file(path, settings=None):
    """Judge one tape; returns a `tapecheck.model.FileReport` (the JSON is its `to_dict()`)."""
    from .runner import check_file as _check_file
    from .settings import Settings

    return _check_file(str(path), settings or Settings())


def check_paths(paths, settings=None):
    """Judge files, folders and globs; returns a `tapecheck.model.Report`."""
    from .runner import check_paths as _check_paths
    from .settings import Settings

    return _check_paths([str(p) for p in paths], settings or Settings())
