"""The app's private folder: uploads, fixed copies and the cache of judgements (with faces).

It must not outlive the app. A stop by Ctrl-C, SIGTERM or SIGHUP (the terminal closed)
deletes it (`serve`); a crash or `kill -9` cannot, so each folder carries its owner's pid in
its name (given atomically by mkdtemp, so no other app ever sees it unowned) and every app
that starts deletes the folders of owners that are no longer running.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "tapecheck-app-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


def make() -> Path:
    """A new private folder (mkdtemp makes it 0700), named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))


def sweep(parent: Path | None = None) -> list[Path]:
    """Delete the folders earlier apps of this user left behind; the ones deleted."""
    parent = Path(parent or tempfile.gettempdir())
    gone = []
    for folder in parent.glob(PREFIX + "*"):
        owner = _OWNED.match(folder.name)
        try:
            mine = folder.is_dir() and not folder.is_symlink() and _same_user(folder)
        except OSError:
            continue
        if mine and owner is not None and not _alive(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


def _same_user(folder: Path) -> bool:
    return not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()


def _alive(pid: int) -> bool:
    """Whether process `pid` runs. A reused pid keeps a folder (never deletes a live one).
    Without POSIX signals (Windows, where os.kill would end the process) a folder is kept."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
