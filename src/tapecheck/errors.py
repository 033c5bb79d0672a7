"""One root exception; everything the tool raises on purpose derives from it."""

from __future__ import annotations


class TapecheckError(Exception):
    """Root of tapecheck's own errors."""


class IngestError(TapecheckError):
    """A file could not be read as a tape. `code` is one of CONTRACT.md's error codes."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class UsageError(TapecheckError):
    """A command-line mistake the user can fix (a missing -o, an unknown check). Exit code 2."""


class ConfigError(TapecheckError):
    """Bad settings: an unknown key, a value out of range. Exit code 2."""


class MeasureUnavailable(TapecheckError):
    """A measure cannot exist for this file (no audio stream, too short); checks needing it skip."""


class SetupError(TapecheckError):
    """The installation is incomplete (a model file missing): no tape can be judged until it is
    repaired, and the message says how. Not a bug in tapecheck, not a fault of the tape."""


class ClusterError(TapecheckError):
    """The Dask cluster cannot be used or went away (no `distributed`, scheduler unreachable,
    workers with another tapecheck or ffmpeg): the message says which and what to do. Exit 2."""
