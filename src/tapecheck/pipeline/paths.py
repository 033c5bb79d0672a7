"""From what the user typed to the files to judge: folders searched, globs expanded."""

from __future__ import annotations

import glob
import os
from typing import Iterable

from ..model import FileError

#: File name endings searched for when a folder is given (probing decides in the end).
VIDEO_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".mts", ".m2ts",
    ".ts", ".3gp", ".3g2", ".wmv", ".flv", ".ogv", ".mxf", ".hevc",
})


def expand(paths: Iterable[str]) -> list[tuple[str, FileError | None]]:
    """Files to judge, in a stable order: folders are searched (recursively) for videos, globs
    expanded; a path that yields nothing comes back with the error to report for it."""
    out: list[tuple[str, FileError | None]] = []
    seen: set[str] = set()

    def add(p: str, err: FileError | None = None) -> None:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            out.append((p, err))

    for raw in paths:
        if os.path.isdir(raw):
            found = sorted(_videos_in(raw))
            if not found:
                add(raw, FileError("not-a-file", f"{raw}: is a folder with no video files in it "
                                   f"(looked for {', '.join(sorted(VIDEO_EXTENSIONS))})"))
            for f in found:
                add(f)
        elif not os.path.lexists(raw) and glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                add(raw, FileError("not-found", f"{raw}: no file matches this pattern"))
            for f in matches:
                add(f)
        else:
            add(raw)
    return out


def _videos_in(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in files:
            if os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS:
                yield os.path.join(root, name)
