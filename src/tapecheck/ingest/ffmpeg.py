"""Finding and running the system's ffmpeg and ffprobe.

Commands are argument lists built with ffmpeg-python (never shell strings), every process
has a timeout that scales with the file's duration, and stderr is captured so an error
message can say what ffmpeg said.
"""

from __future__ import annotations

import functools
import os
import queue
import re
import shutil
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator

from ..errors import IngestError

#: Seconds any ffmpeg call gets before the first second of media, and per second of media.
#: Measured: 4K HEVC decodes at ≈ 1× real time on 2 cores; 4 s per second leaves room for a
#: slow or busy machine, so a 2-hour reel gets 8 hours, not a "hang" verdict after a minute.
TIMEOUT_BASE_S = 60.0
TIMEOUT_PER_MEDIA_S = 4.0

#: Decoded chunks (frames, audio blocks) read ahead of the measures; bounded, so memory is too.
READ_AHEAD = 6

INSTALL_HINT = ("install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install "
                "ffmpeg; Windows: winget install ffmpeg) or point TAPECHECK_FFMPEG and "
                "TAPECHECK_FFPROBE at the binaries")


#: What ffmpeg's demuxers say when the data stops before the file's own index or header says
#: it ends: MP4/MOV "stream 1, offset 0x…: partial file", Matroska/WebM "File ended
#: prematurely". Seen on every cut of the truncation matrix (tests/test_truncated.py).
_CUT_SHORT = re.compile(r"partial file|File ended prematurely", re.I)
#: What its demuxers and decoders say about damaged data ("corrupt input packet", "Invalid NAL
#: unit size", "error while decoding MB", "concealing 120 DC errors", "Invalid data found").
#: A plain decode of every clip of corpus/real and real2 (42 files) logs none of these.
_DAMAGED = re.compile(r"corrupt|invalid nal|error while decoding|concealing|invalid data found"
                      r"|decode_slice_header error|missing picture in access unit"
                      r"|error splitting the input", re.I)


@dataclass
class DecodeLog:
    """How far one decode got, and what ffmpeg said about the data on the way.

    `end_s`: the end of the last frame or audio block decoded, s on the tape's timeline;
    `cut_short`: a demuxer said the file stops before its own index says it ends;
    `damaged`: lines reporting damaged data; `first_damage`: the first of them."""

    end_s: float = 0.0
    cut_short: bool = False
    damaged: int = 0
    first_damage: str = ""

    def read(self, line: str) -> None:
        if _CUT_SHORT.search(line):
            self.cut_short = True
        elif _DAMAGED.search(line):
            self.damaged += 1
            if not self.first_damage:
                self.first_damage = line.split("] ", 1)[-1].strip()[:160]


def binary(name: str) -> str:
    """Path of `ffmpeg` or `ffprobe`: $TAPECHECK_FFMPEG / $TAPECHECK_FFPROBE, else PATH."""
    override = os.environ.get(f"TAPECHECK_{name.upper()}")
    found = shutil.which(override) if override else shutil.which(name)
    if not found:
        where = f"TAPECHECK_{name.upper()}={override!r} is not an executable" if override \
            else f"{name} was not found on PATH"
        raise IngestError("ffmpeg-missing", f"{where}: {INSTALL_HINT}")
    return found


@functools.lru_cache(maxsize=2)
def version_line(name: str = "ffmpeg") -> str:
    """`ffmpeg -version`'s first words ("ffmpeg version 5.1.9-0+deb12u1"), "" when it will not
    run: what decides how frames decode, so a cluster's workers must all have the same."""
    try:
        out = subprocess.run([binary(name), "-hide_banner", "-version"], capture_output=True,
                             timeout=20, check=False).stdout.decode("utf-8", "replace")
    except (IngestError, OSError, subprocess.TimeoutExpired):
        return ""
    first = out.splitlines()[0] if out.strip() else ""
    return first.split(" Copyright")[0].strip()


def url(path: str) -> str:
    """The path as ffmpeg must see it: `file:` so names like `-x.mp4` or `concat:…` stay files."""
    return "file:" + os.path.abspath(path)


def timeout_for(duration_s: float | None) -> float:
    return TIMEOUT_BASE_S + TIMEOUT_PER_MEDIA_S * max(0.0, duration_s or 0.0)


def stderr_tail(text: str, lines: int = 6) -> str:
    kept = [ln.strip() for ln in text.strip().splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)


def run(args: list[str], timeout: float, path: str, fail_code: str = "decode-failed",
        advice: str = "", stderr: bool = False) -> str:
    """Run a short ffmpeg/ffprobe command to completion; return stdout (or, with `stderr`,
    what it logged: filters such as astats report there) as text.

    A failure raises IngestError(`fail_code`) quoting ffmpeg's last words and `advice`."""
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise IngestError("timeout", f"{path}: {os.path.basename(args[0])} did not finish within "
                          f"{timeout:.0f} s; the file may be damaged — try re-exporting it") from None
    except OSError as exc:
        raise IngestError("ffmpeg-missing", f"cannot run {args[0]}: {exc}; {INSTALL_HINT}") from None
    if proc.returncode != 0:
        said = stderr_tail(proc.stderr.decode("utf-8", "replace"))
        raise IngestError(fail_code, f"{path}: {os.path.basename(args[0])} could not read it "
                          f"({said}){advice}")
    return (proc.stderr if stderr else proc.stdout).decode("utf-8", "replace")


class Stream:
    """A running ffmpeg whose stdout is read in fixed-size chunks.

    stderr is drained by a thread (so ffmpeg never blocks on a full pipe) and each line is
    handed to `on_stderr` (and read into `log`: how far decoding got, what ffmpeg said of
    damage); the last lines are kept for error messages. A watchdog kills the
    process when `timeout` passes. Use as a context manager: leaving it always reaps ffmpeg.
    """

    def __init__(self, args: list[str], timeout: float, path: str,
                 on_stderr: Callable[[str], None] | None = None, log: DecodeLog | None = None):
        self.path = path
        self.log = log
        self.timeout = timeout
        self.timed_out = False
        self._tail: deque[str] = deque(maxlen=12)
        self._on_stderr = on_stderr
        try:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, bufsize=0)
        except OSError as exc:
            raise IngestError("ffmpeg-missing", f"cannot run {args[0]}: {exc}; {INSTALL_HINT}") \
                from None
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self._timer = threading.Timer(timeout, self._kill)
        self._timer.daemon = True
        self._timer.start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            if self.log is not None:
                self.log.read(line)
            if self._on_stderr is not None:
                self._on_stderr(line)
            if line and not line.startswith("[Parsed_"):
                self._tail.append(line)

    def _kill(self) -> None:
        self.timed_out = True
        self.proc.kill()

    def chunks(self, size: int, tail_align: int = 0) -> Iterator[bytes]:
        """`size` bytes at a time until ffmpeg's stdout ends. A short last chunk is dropped,
        or kept (cut to a multiple of `tail_align` bytes) when `tail_align` is given.

        A thread reads up to READ_AHEAD chunks ahead: a pipe holds 64 KB, far less than one
        frame, so without it ffmpeg would stop decoding whenever a measure is busy and the
        two would take turns instead of sharing the cores."""
        ahead: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
        stop = threading.Event()

        def offer(item) -> bool:
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def pump() -> None:
            try:
                for chunk in self._read(size, tail_align):
                    if not offer(chunk):
                        return
            except (OSError, ValueError):  # the pipe closed under us: ffmpeg was killed
                pass
            offer(None)

        thread = threading.Thread(target=pump, daemon=True)
        thread.start()
        try:
            while (chunk := ahead.get()) is not None:
                yield chunk
        finally:
            stop.set()
            thread.join(timeout=5)

    def _read(self, size: int, tail_align: int) -> Iterator[bytes]:
        assert self.proc.stdout is not None
        read = self.proc.stdout.read
        while True:
            buf = bytearray()
            while len(buf) < size:
                part = read(size - len(buf))
                if not part:
                    break
                buf += part
            if len(buf) == size:
                yield bytes(buf)
                continue
            if tail_align and len(buf) >= tail_align:
                yield bytes(buf[:len(buf) - len(buf) % tail_align])
            return

    def finish(self) -> None:
        """Wait for ffmpeg to end; raise IngestError if it failed or timed out."""
        self.proc.wait()
        self._reader.join(timeout=5)
        self._timer.cancel()
        if self.timed_out:
            raise IngestError("timeout", f"{self.path}: ffmpeg did not finish within "
                              f"{self.timeout:.0f} s; the file may be damaged — try re-exporting it")
        if self.proc.returncode != 0:
            raise IngestError("decode-failed", f"{self.path}: ffmpeg could not decode it "
                              f"({stderr_tail(chr(10).join(self._tail))}); try re-exporting it "
                              "as H.264/AAC MP4")

    def close(self) -> None:
        self._timer.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        self._reader.join(timeout=5)

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
