"""Run the audio measures on any audio or video file, through the real ingest (AudioStream).

`probe()` rejects audio-only files (a tape needs a picture), so for audio files we build the
few MediaInfo fields the audio pass reads from ffprobe ourselves; the decoding, resampling,
ebur128 meter and measures are exactly the tool's. Used by the audio tests and by
`scripts/calibrate_audio.py`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from tapecheck.ingest import AudioStream, MediaInfo
from tapecheck.ingest.ffmpeg import binary
from tapecheck.measures import Context, Missing, Results, closure
from tapecheck.errors import MeasureUnavailable


def audio_info(path: str | Path) -> MediaInfo:
    out = subprocess.run([binary("ffprobe"), "-v", "error", "-print_format", "json",
                          "-show_format", "-show_streams", str(path)],
                         capture_output=True, check=True).stdout
    data = json.loads(out)
    a = next(s for s in data["streams"] if s.get("codec_type") == "audio")
    return MediaInfo(
        path=str(path), container=data["format"].get("format_name", ""),
        size_bytes=int(data["format"].get("size") or 0),
        duration_s=float(data["format"].get("duration") or a.get("duration") or 0.0),
        coded_width=1280, coded_height=720, width=1280, height=720, rotation_deg=0, fps=25.0,
        variable_fps=False, keyframe_interval_s=1.0, video_codec="none", pix_fmt="yuv420p",
        bit_depth=8, color_transfer=None, hdr=False, video_stream_index=-1,
        audio_stream_index=int(a["index"]), audio_codec=a.get("codec_name"),
        audio_sample_rate=int(a.get("sample_rate") or 0) or None,
        audio_channels=int(a.get("channels") or 0) or None)


def measure_audio(path: str | Path, names: tuple[str, ...]) -> Results:
    """The named audio measures (and what they require) of the file's first audio stream."""
    info = audio_info(path)
    ctx = Context(info=info)
    results = Results(info)
    classes = closure(names)
    stream = AudioStream(info)
    live = {cls.name: cls(ctx) for cls in classes}
    for block in stream.blocks():
        upstream = {}
        for name, m in live.items():
            upstream[name] = m.feed(block, upstream)
    results.set("r128", stream.r128)
    done = {"r128": stream.r128}
    for name, m in live.items():
        try:
            value = m.finish(done)
        except MeasureUnavailable as exc:
            value = Missing(str(exc))
        done[name] = value
        results.set(name, value)
    return results


def decode(path: str | Path, rate: int = 48000) -> np.ndarray:
    """The whole file as mono float32 at `rate` (short files only: tests and calibration)."""
    raw = subprocess.run([binary("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path),
                          "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).copy()


def write_wav(path: str | Path, samples: np.ndarray, rate: int = 48000) -> Path:
    """Float samples (n or n × ch) to a 32-bit float WAV via ffmpeg (no clipping)."""
    samples = np.asarray(samples, np.float32)
    ch = 1 if samples.ndim == 1 else samples.shape[1]
    subprocess.run([binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-f", "f32le",
                    "-ar", str(rate), "-ac", str(ch), "-i", "-", "-c:a", "pcm_f32le", str(path)],
                   input=samples.tobytes(), check=True)
    return Path(path)
