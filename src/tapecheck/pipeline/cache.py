"""A cache of finished judgements, so re-auditing 500 tapes only judges what changed.

Where: `$TAPECHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/tapecheck`, else `~/.cache/tapecheck`
(macOS `~/Library/Caches/tapecheck`, Windows `%LOCALAPPDATA%\\tapecheck\\Cache`), one SQLite file
`cache.sqlite3`. It holds whole `FileReport`s **including the thumbnails of faces** the HTML
report shows, so it is private to the user (created 0700) and `tapecheck cache clear` empties
it.

Key: the SHA-256 of the file's bytes + the code version (the package version and a hash of
tapecheck's own source files, so an edited check never serves an old verdict) + the settings
fingerprint (thresholds, severities, selection, quick, profile, frame rate — not the fail
level, which changes the exit code but not the report) + the mode (whole file or split reel).
The file's folder is not part of the key (a moved tape is a hit; the report is given the
path it was asked under), its name is (platform profiles judge file names). Hashing a large file costs reading it, so the hash of a
path is remembered with its size, mtime and inode and reused while those stay the same (the
way git's index does); a file changed in place gets a new mtime and is hashed again.

Only judged reports without crashed checks are stored: errors (timeouts, unreadable files)
are judged again next time. Any cache failure (read-only disk, corrupt database, a report
that no longer unpickles) is a miss, never an error: the run goes on without the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import FileReport, Severity
from ..settings import Settings

DB_NAME = "cache.sqlite3"
#: Bumped when the stored format changes.
FORMAT = 1


def cache_dir() -> Path:
    env = os.environ.get("TAPECHECK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("tapecheck", appauthor=False)


_CODE_VERSION: str | None = None
#: What reads a FileReport without making one: the reporters, the command line.
_NOT_JUDGING = frozenset({"report", "cli", "__main__.py"})


def code_version() -> str:
    """The package version plus a short hash of tapecheck's own .py files (those that make
    a report, not the reporters or the CLI)."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        from ..version import __version__

        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            rel = p.relative_to(root).parts
            if rel[0] in _NOT_JUDGING:
                continue
            h.update(str(p.relative_to(root)).encode())
            try:
                h.update(p.read_bytes())
            except OSError:
                pass
        _CODE_VERSION = f"{__version__}+{h.hexdigest()[:12]}"
    return _CODE_VERSION


def settings_key(settings: Settings, path: str, mode: str = "file") -> str:
    """Everything but the bytes that decides a report: mode, file name, settings."""
    neutral = replace(settings, fail_on=Severity.ERROR, file_timeout_s=None)
    return f"{mode}|{os.path.basename(path)}|{neutral.fingerprint()}"


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    stored: int = 0


class Cache:
    """Open with `Cache.open()`; every method swallows database errors (a miss)."""

    def __init__(self, conn: sqlite3.Connection | None, path: Path):
        self.conn = conn
        self.path = path
        self.stats = Stats()
        self.warning: str | None = None

    @classmethod
    def open(cls, folder: Path | None = None) -> "Cache":
        folder = folder or cache_dir()
        path = folder / DB_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript("""
                CREATE TABLE IF NOT EXISTS reports (
                    content TEXT NOT NULL, code TEXT NOT NULL, settings TEXT NOT NULL,
                    format INTEGER NOT NULL, report BLOB NOT NULL, used REAL NOT NULL,
                    PRIMARY KEY (content, code, settings, format));
                CREATE TABLE IF NOT EXISTS hashes (
                    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    inode INTEGER NOT NULL, sha256 TEXT NOT NULL);
            """)
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
            return cls(conn, path)
        except (OSError, sqlite3.Error) as exc:
            c = cls(None, path)
            c.warning = f"cache disabled: cannot open {path} ({exc})"
            return c

    # --- content hashes -------------------------------------------------------------
    def content_hash(self, path: str) -> str | None:
        """SHA-256 of the file's bytes (remembered per path while size/mtime/inode match);
        None when the file cannot be read (the runner then reports why)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        key = os.path.abspath(path)
        row = self._query("SELECT size, mtime_ns, inode, sha256 FROM hashes WHERE path = ?",
                          (key,))
        if row and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ino):
            return row[3]
        try:
            with open(path, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            return None
        self._exec("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?)",
                   (key, st.st_size, st.st_mtime_ns, st.st_ino, digest))
        return digest

    # --- reports -----------------------------------------------------------------------
    def get(self, content: str, settings_text: str, path: str) -> FileReport | None:
        row = self._query("SELECT report FROM reports WHERE content = ? AND code = ? AND "
                          "settings = ? AND format = ?",
                          (content, code_version(), settings_text, FORMAT))
        if row is None:
            self.stats.misses += 1
            return None
        try:
            report = pickle.loads(row[0])
            if not isinstance(report, FileReport):
                raise TypeError(type(report).__name__)
        except Exception:  # stale or damaged entry: judge again
            self.stats.misses += 1
            return None
        self._exec("UPDATE reports SET used = ? WHERE content = ? AND code = ? AND settings = ? "
                   "AND format = ?", (time.time(), content, code_version(), settings_text,
                                      FORMAT))
        self.stats.hits += 1
        return _with_path(report, path)

    def put(self, content: str, settings_text: str, report: FileReport) -> None:
        if report.status != "judged" or report.check_errors:
            return
        blob = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        if self._exec("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)",
                      (content, code_version(), settings_text, FORMAT, blob, time.time())):
            self.stats.stored += 1

    # --- housekeeping ------------------------------------------------------------------
    def info(self) -> dict:
        rows = self._query("SELECT COUNT(*), COALESCE(SUM(LENGTH(report)), 0) FROM reports", ())
        size = 0
        for suffix in ("", "-wal", "-shm"):
            try:
                size += os.path.getsize(str(self.path) + suffix)
            except OSError:
                pass
        return {"path": str(self.path), "reports": rows[0] if rows else 0,
                "report_bytes": rows[1] if rows else 0, "file_bytes": size}

    def clear(self) -> int:
        row = self._query("SELECT COUNT(*) FROM reports", ())
        self._exec("DELETE FROM reports", ())
        self._exec("DELETE FROM hashes", ())
        try:
            if self.conn is not None:
                self.conn.execute("VACUUM")
        except sqlite3.Error:
            pass
        return row[0] if row else 0

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
            self.conn = None

    def _query(self, sql: str, args: tuple):
        if self.conn is None:
            return None
        try:
            return self.conn.execute(sql, args).fetchone()
        except sqlite3.Error as exc:
            self.warning = f"cache read failed ({exc}); judging without it"
            return None

    def _exec(self, sql: str, args: tuple) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.execute(sql, args)
            return True
        except sqlite3.Error as exc:
            self.warning = f"cache write failed ({exc}); judging without it"
            return False


def _with_path(report: FileReport, path: str) -> FileReport:
    """The cached report as if judged under `path` (the JSON names the path asked for)."""
    return report if report.path == path else replace(report, path=path)
