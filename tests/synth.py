"""Synthetic media for tests, made with ffmpeg's lavfi sources: exact, known properties."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FFMPEG = os.environ.get("TAPECHECK_FFMPEG") or shutil.which("ffmpeg") or "ffmpeg"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def ffmpeg(*args: str, timeout: float = 120) -> None:
    """Run ffmpeg with an argument list; fail the test with ffmpeg's own words."""
    cmd = [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {' '.join(cmd)}\n{proc.stderr.decode()}")


def tape(path: Path, *, seconds: float = 3.0, size: str = "1280x720", rate: int = 25,
         video: str | None = None, audio: str | None = "sine=frequency=440:sample_rate=48000",
         vcodec: tuple[str, ...] = ("-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                                    "-pix_fmt", "yuv420p"),
         acodec: tuple[str, ...] = ("-c:a", "aac", "-b:a", "96k"),
         extra: tuple[str, ...] = ()) -> Path:
    """A test-pattern tape with an optional audio source (lavfi expressions)."""
    src = video or f"testsrc2=size={size}:rate={rate}"
    args = ["-f", "lavfi", "-t", str(seconds), "-i", src]
    if audio:
        args += ["-f", "lavfi", "-t", str(seconds), "-i", audio]
    args += [*vcodec]
    args += [*acodec] if audio else ["-an"]
    args += ["-t", str(seconds), *extra, str(path)]
    ffmpeg(*args)
    return path
