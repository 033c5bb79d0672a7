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


def tape_from_audio(audio: str | Path, out: str | Path, *, af: str | None = None,
                    channels: int | None = None) -> Path:
    """A small tape: a plain 320×240 colour picture at 5 fps with the audio (AAC 48 kHz),
    optionally through an ffmpeg audio filter chain `af`. Video is cheap so tests stay fast."""
    args = [binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(audio),
            "-f", "lavfi", "-i", "color=c=gray:size=320x240:rate=5",
            "-map", "1:v", "-map", "0:a", "-shortest",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "160k", "-ar", "48000"]
    if channels:
        args += ["-ac", str(channels)]
    if af:
        args += ["-af", af]
    subprocess.run(args + [str(out)], check=True, capture_output=True)
    return Path(out)


def judge(path: str | Path, *select: str):
    """The real pipeline on one tape with only the named checks/categories selected."""
    from tapecheck import check_file
    from tapecheck.settings import Settings

    return check_file(str(path), Settings(select=tuple(select)))


def codes(report, min_severity: str = "warning") -> set[str]:
    from tapecheck.model import Severity

    floor = Severity.parse(min_severity)
    return {f.code for f in report.findings if f.severity >= floor}


# --- mixing speech and noise at a known SNR (CONTRACT definition) ------------------------

RATE = 48000
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def speech_track(names: list[str], gap_s: float = 0.7, lead_s: float = 1.0) -> np.ndarray:
    """Clean utterances in a row with pauses between, as an actor's lines."""
    parts = [np.zeros(int(lead_s * RATE), np.float32)]
    for n in names:
        parts += [decode(CORPUS / "speech" / n, RATE), np.zeros(int(gap_s * RATE), np.float32)]
    parts.append(np.zeros(int(lead_s * RATE), np.float32))
    return np.concatenate(parts)


def frame_power(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Speech-band (80 Hz–8 kHz) power and voicing per 20 ms frame, as the measures see it."""
    from tapecheck.measures.audioframes import SPEECH_BANDS, analyse

    bands, voicing = analyse(x, RATE)
    return bands[:, SPEECH_BANDS].sum(axis=1).astype(np.float64), voicing


def speech_probability(x: np.ndarray, frames: int) -> np.ndarray:
    """Silero's speech probability of 48 kHz mono samples, at each 20 ms frame (vad.py)."""
    from tapecheck.measures.vad import HOP_S, Decimator, Silero, VoiceProb

    dec, sil = Decimator(), Silero()
    prob = np.concatenate([sil.feed(dec.feed(x)), sil.feed(dec.flush())])
    return VoiceProb(HOP_S, prob).at_frames(frames, 0.02)


def mix_at(speech: np.ndarray, noise: np.ndarray, snr_db: float, offset_s: float = 5.0):
    """speech + noise scaled so that active speech level − mean noise level = snr_db."""
    return next(mixes(speech, noise, (snr_db,), offset_s))


def mixes(speech: np.ndarray, noise: np.ndarray, snrs, offset_s: float = 5.0):
    """`mix_at` for several SNRs, measuring the two levels once."""
    from tapecheck.measures.audioframes import power_db
    from tapecheck.measures.speech import detect

    p, _ = frame_power(speech)
    act = detect(power_db(p), speech_probability(speech, len(p)), 0.02)
    s_level = p[act.mask].mean()
    start = int(offset_s * RATE) if len(noise) > len(speech) + int(offset_s * RATE) else 0
    n = np.resize(noise[start:], len(speech)).astype(np.float32)
    pn, _ = frame_power(n)
    for snr_db in snrs:
        gain = np.sqrt(s_level / (pn.mean() * 10 ** (snr_db / 10)))
        yield (speech + gain * n).astype(np.float32)
