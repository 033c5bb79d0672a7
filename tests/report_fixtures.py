"""Hand-made reports for the reporter tests: every part a FileReport can have, with known
values, so reporters are tested without waiting for the measures that fill them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from synth import FFMPEG
from tapecheck import score
from tapecheck.settings import DEFAULT_FAIL_ON
from tapecheck.model import (CheckError, FileError, FileReport, Finding, MediaSummary, Report,
                             Segment, Series, Severity, Skipped, Span, Thumbnail)

XSS_NAME = '<img src=x onerror=alert(1)> take "1".mp4'
SAMPLE = Path(__file__).resolve().parents[1] / "sample_tapes" / "ready_grid-man-denim.mp4"


def jpeg_at(t_s: float, vf: str = "scale=320:-2") -> bytes:
    """One real JPEG frame of a sample tape (what the vision measures keep)."""
    proc = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-ss", f"{t_s}", "-i", str(SAMPLE),
                           "-frames:v", "1", "-vf", vf, "-f", "image2pipe", "-c:v", "mjpeg",
                           "-"], capture_output=True, check=True, timeout=60)
    assert proc.stdout[:2] == b"\xff\xd8", "ffmpeg gave no JPEG"
    return proc.stdout


def finding(code, name, category, severity, message, spans=(), fix="Do this.", reshoot=True,
            measured=None, threshold=None, unit="", problem=""):
    return Finding(code=code, name=name, category=category, severity=severity, message=message,
                   measured=measured, threshold=threshold, unit=unit,
                   spans=tuple(Span(a, b) for a, b in spans), fix=fix, reshoot=reshoot,
                   problem=problem)


def media(duration=30.0, width=1280, height=720, audio=True):
    return MediaSummary(container="mov,mp4,m4a,3gp,3g2,mj2", size_bytes=2_345_678,
                        duration_s=duration, width=width, height=height, rotation_deg=0,
                        fps=25.0, variable_fps=False, video_codec="h264",
                        audio_codec="aac" if audio else None,
                        audio_sample_rate=48000 if audio else None,
                        audio_channels=2 if audio else None)


def series_set(duration=30.0):
    """Face lost 12–15 s, eyes lost 11–16 s (with a 2 s unmeasured gap), loudness per
    second dipping at 20 s, speech on/off, reader lines at 5–7 s and 22–24 s."""
    t_half = tuple(i * 0.5 for i in range(int(duration * 2)))
    face = tuple(0.0 if 12 <= t < 15 else 1.0 for t in t_half)
    eyes = tuple(None if 25 <= t < 27 else 0.0 if 11 <= t < 16 else 1.0 for t in t_half)
    t_1 = tuple(float(i) for i in range(int(duration)))
    loud = tuple(-45.0 if 19 <= t <= 21 else -20.0 - (t % 4) for t in t_1)
    t_tenth = tuple(round(i * 0.1, 1) for i in range(int(duration * 10)))
    speech = tuple(1.0 if (t % 3) < 2.2 else 0.0 for t in t_tenth)
    reader = tuple(1.0 if 5 <= t < 7 or 22 <= t < 24 else 0.0 for t in t_tenth)
    return (Series("face", "on/off", t_half, face), Series("eyes", "on/off", t_half, eyes),
            Series("loudness", "LUFS", t_1, loud), Series("speech", "on/off", t_tenth, speech),
            Series("reader", "on/off", t_tenth, reader))


def defect_file(path="tapes/take3.mp4", with_segments=False, thumbs=None) -> FileReport:
    findings = (
        finding("V101", "face-not-visible", "face", Severity.ERROR,
                "Face visible 90 % of the tape (below 95 %)", spans=[(12.0, 15.0)],
                fix="Keep your whole face in the shot; mark your spot on the floor.",
                problem="your face <b>leaving</b> the shot"),
        finding("V201", "face-too-dark", "lighting", Severity.WARNING,
                "Face luma 48 of 255 (below 60)", spans=[(11.0, 16.0)],
                fix="Put a soft light in front of you, at eye level."),
        finding("V202", "backlit", "lighting", Severity.WARNING,
                "Face 0.4 × as bright as the background (below 0.6)",
                fix="Turn so the window is in front of you, not behind."),
        finding("A101", "too-quiet", "loudness", Severity.WARNING,
                "Speech loudness -31.2 LUFS (below -30 LUFS)", spans=[(19.0, 22.0)],
                fix="Move the phone closer or speak up.", reshoot=False),
        finding("M004", "variable-frame-rate", "media", Severity.INFO,
                "The frame rate is variable", fix="Export at a constant frame rate.",
                reshoot=False),
    )
    v = score.verdict(findings)
    segments = ()
    if with_segments:
        segments = (Segment(0.0, 14.0, score.verdict(findings[:1]), (("face_visible_ratio", 0.8),),
                            findings[:1]),
                    Segment(14.0, 30.0, score.verdict(()), (("face_visible_ratio", 1.0),), ()))
    if thumbs is None:
        thumbs = (Thumbnail(13.0, "lost face: face turned away", jpeg_at(1.0)),
                  Thumbnail(12.0, "darkest face: luma 48", jpeg_at(0.5, "scale=320:-2,eq=brightness=-0.35")),
                  Thumbnail(20.0, "framing: eye line low <b>", jpeg_at(2.0)))
    # the contact sheet: a picture every 2 s (one JPEG, times apart)
    sheet = jpeg_at(1.5)
    frames = tuple(Thumbnail(float(t), "", sheet) for t in range(0, 30, 2))
    return FileReport(
        path=path, status="judged", media=media(), verdict=v,
        measures=(("face_visible_ratio", 0.9), ("integrated_lufs", -24.5), ("snr_db", None)),
        findings=findings, skipped=(Skipped("X102", "no lip movement <could> be measured"),),
        check_errors=(CheckError("V401", "V401 crashed: ZeroDivisionError"),),
        segments=segments, thumbnails=thumbs, series=series_set(), frames=frames)


def ready_file(path="tapes/take4.mp4") -> FileReport:
    return FileReport(path=path, status="judged", media=media(12.0), verdict=score.verdict(()),
                      measures=(("integrated_lufs", -19.0),), series=series_set(12.0)[:2])


def error_file(path="tapes/missing.mp4") -> FileReport:
    return FileReport(path=path, status="error",
                      error=FileError("not-found", f"{path}: no such file; check the path"))


def report(*files: FileReport) -> Report:
    return Report(files=tuple(files), tool_version="0.1.0", fail_on=DEFAULT_FAIL_ON)
