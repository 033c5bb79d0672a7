"""Media checks (M0xx): what the file itself is — its audio track, length, shape and format."""

from __future__ import annotations

import math

from ..measures.loudness import ABSOLUTE_GATE_LUFS
from ..model import Severity, Span
from ..timecode import timecode
from .base import Hit, Param, check

#: M002's default: a track whose loudest sample stays at or below this carries no sound.
SILENT_PEAK_DBFS = -60.0


def is_silent(peak_dbfs: float, integrated_lufs: float,
              max_peak_dbfs: float = SILENT_PEAK_DBFS) -> bool:
    """No sample above `max_peak_dbfs`, or nothing above BS.1770's absolute gate (M002)."""
    gated_out = not math.isfinite(integrated_lufs) or integrated_lufs <= ABSOLUTE_GATE_LUFS
    return peak_dbfs <= max_peak_dbfs or gated_out


@check(code="M001", name="no-audio-track", category="media", severity=Severity.ERROR,
       reads=("media",), unit="", blocks="voice", absent=True,
       problem="the missing audio track",
       fix="Record with sound on, or export the tape again with its audio track.")
def no_audio_track(m, p):
    """The file has no audio stream at all.

    Why casting cares: a self-tape is judged on the read; with no sound there is nothing to
    judge, so casting cannot hear your voice.
    How to fix: check the camera app records sound and that the export includes audio.
    """
    if not m["media"].has_audio:
        return Hit("The file has no audio track", plain="The file has no sound at all.")


@check(code="M002", name="silent-audio-track", category="media", severity=Severity.ERROR,
       reads=("signal", "r128", "media"), unit="dBFS", blocks="voice", absent=True, warns="below",
       params=(Param(name="max_peak_dbfs", default=SILENT_PEAK_DBFS, unit="dBFS", warns="below",
                     help="a track whose loudest sample stays at or below this is silent",
                     min=-120.0, max=-20.0),),
       problem="the silent audio track",
       fix="Check the microphone is connected and not muted, then record again.")
def silent_audio_track(m, p):
    """The audio track is there but carries no sound.

    Silent means either no sample louder than `max_peak_dbfs` (default {max_peak_dbfs} dBFS: a
    voice even from a phone across the room peaks tens of dB above it) or no 400 ms block above
    BS.1770-4's absolute gate of −70 LUFS — the standard's own definition of "no programme".
    Why casting cares: the file looks fine but casting hears nothing.
    How to fix: an external mic that is unplugged or muted, or a mute switch on the phone,
    records silence; test it before the take.
    """
    peak = m["signal"].sample_peak_dbfs
    integrated = m["r128"].integrated_lufs
    if is_silent(peak, integrated, p.max_peak_dbfs):
        return Hit("The audio track is silent: its loudest sample is at {}", measured=peak,
                   threshold=p.max_peak_dbfs,
                   detail="" if peak <= p.max_peak_dbfs else
                   f"but no sound above {ABSOLUTE_GATE_LUFS:.0f} LUFS",
                   plain="The sound track is silent: nothing was recorded.",
                   spans=(Span(0.0, m["media"].duration_s),))


@check(code="M003", name="too-short", category="media", severity=Severity.ERROR,
       reads=("media",), unit="s", warns="below", words=("longer than", "shorter than"),
       params=(Param(name="min_duration_s", default=1.0, unit="s", warns="below",
                     help="shortest tape that can be judged", min=0.1, max=60.0),),
       problem="the length of the file", halts="the tape is too short to judge",
       fix="Export the whole take; this file is too short to be an audition.")
def too_short(m, p):
    """The tape is too short to judge.

    Why casting cares: under {min_duration_s} s there is no read to judge. It is also too little
    picture and sound for any measure (a BS.1770 loudness block alone is 0.4 s), so the
    other checks are skipped.
    How to fix: export or trim the take again; something cut it short.
    """
    duration = m["media"].duration_s
    if duration < p.min_duration_s:
        return Hit("The tape is {} long", measured=duration, threshold=p.min_duration_s,
                   plain=f"The file is only {duration:.1f} seconds long: too short to be an "
                   "audition, or to judge.")


@check(code="M008", name="file-cut-short", category="media", severity=Severity.ERROR,
       reads=("integrity",), unit="s", warns="below", words=("later than", "earlier than"),
       reshoot=False,
       params=(Param(name="max_missing_s", default=1.0, unit="s", warns="above",
                     help="length the file may lack against what it announces before it is "
                          "cut short", min=0.1, max=60.0),),
       problem="the unfinished file",
       fix="Export the tape again and let the export, copy or upload finish; play the new "
           "file to the end before you send it.")
def file_cut_short(m, p):
    """The file stops before its end, or ffmpeg reports damaged data in it.

    Measured (measures/integrity.py): how far the picture or the sound actually decodes
    against the length the container announces, and what ffmpeg's demuxers and decoders log:
    "partial file" (MP4/MOV) or "File ended prematurely" (Matroska/WebM) when the data stops
    before the file's own index says it ends, "corrupt input packet", "Invalid NAL unit",
    "concealing … errors" for damaged data.
    Thresholds: an error when the demuxer says the data was cut, or when the decode stops more
    than {max_missing_s} s before the announced end (beyond the sampling step, so a tape
    whose sound stops a little before its picture is not a cut); a warning for damaged data
    alone. Evidence: every cut of the truncation matrix (MP4 with and without faststart, MOV,
    MKV, WebM at 10/50/90/99 % of their bytes, tests/test_truncated.py) logs one of those
    lines, and a plain decode of the 42 clips of corpus/real and real2 logs none.
    Why casting cares: an export or upload that stopped halfway still opens and plays its
    first part; casting sees a take that stops mid-line, or a file their site refuses.
    How to fix: export again, let the copy or upload finish, and play the file to the end.
    """
    d = m["integrity"]
    span = (Span(d.reach_s, d.promised_s),) if d.missing_s > 0.05 else ()
    stops = f"{timecode(d.reach_s)} of {timecode(d.promised_s)}"
    if d.missing_s > p.max_missing_s:
        return Hit("The file stops at {}", measured=d.reach_s,
                   threshold=d.promised_s - p.max_missing_s, spans=span,
                   detail=f"it announces {d.promised_s:.1f} s"
                   + ("; ffmpeg: the file is cut short" if d.cut_short else ""),
                   plain=f"The file stops at {stops}: the export, copy or upload did not "
                   "finish.")
    if d.cut_short:
        return Hit("The file is cut short: ffmpeg reports its data ends before its index says",
                   spans=span, detail=f"decodes to {d.reach_s:.1f} s of {d.promised_s:.1f} s",
                   plain="The end of the file is missing: the export, copy or upload did not "
                   "finish.")
    if d.damaged:
        return Hit("ffmpeg reports damaged data", measured=float(d.damaged), unit="",
                   severity=Severity.WARNING, detail=d.first_damage,
                   plain="Part of the file is damaged: the picture or sound may glitch.")


@check(code="M004", name="variable-frame-rate", category="media", severity=Severity.WARNING,
       reads=("media",), unit="ratio", reshoot=False, repair="frame-rate",
       params=(Param(name="max_irregular", default=0.2, unit="ratio", warns="above",
                     help="share of frame intervals off the usual spacing (by over 15 %) that "
                          "warns", min=0.0, max=1.0),),
       problem="the variable frame rate",
       fix="Export again at a constant frame rate (most editors: 'constant frame rate' or "
           "HandBrake's 'Constant Framerate').")
def variable_frame_rate(m, p):
    """The frame timing is irregular through the file, not just a dropped frame here and there.

    Measured from the packet timestamps of the first minute (ingest/probe.py): the share of
    frame intervals more than 15 % away from the median interval. Warned from {max_irregular:%}:
    timing that wobbles through that much of the tape. Real set (corpus/real): a phone tape that
    drops single frames (39 doubled intervals in 725, 5.4 %, each a 33 ms hiccup nobody sees) and
    another with 0.5 % are not flagged; browser MediaRecorder webcam files whose ~10 fps frames
    arrive 96 or 115 ms apart (26 % and 32 % of intervals) are. A 2 s clip with 2 doubled intervals
    (3 %) is not. Files that are technically variable but steady still say so in
    `media.variable_fps`.
    Why casting cares: sustained irregular timing judders on screen and is the variable-frame-
    rate video editors drift out of sync with — and sync problems make casting stop watching.
    How to fix: re-export at a constant frame rate.
    """
    info = m["media"]
    share = info.irregular_frame_share
    if share is not None and share > p.max_irregular:
        return Hit("The frame rate is variable: {} of the frame intervals are off the usual "
                   "spacing", measured=share, threshold=p.max_irregular,
                   detail=f"average {info.fps:.2f} fps" if info.fps else "",
                   plain="The frame rate keeps changing: the picture may judder, and editors "
                   "can let the sound drift out of sync.")


@check(code="M005", name="hdr-video", category="media", severity=Severity.WARNING,
       reads=("media",), unit="bit", reshoot=False,
       problem="the HDR video",
       fix="Turn off HDR in the camera settings, or export as standard (SDR) 8-bit H.264.")
def hdr_video(m, p):
    """The video is HDR (PQ or HLG) or more than 8 bits per channel.

    Why casting cares: casting sites and most laptops play SDR; HDR phone clips (iPhone
    'HDR Video', HLG) look grey and washed out there, and some upload pipelines reject 10-bit.
    How to fix: turn off HDR video on the phone, or export as SDR H.264 8-bit.
    """
    info = m["media"]
    if info.hdr or info.bit_depth > 8:
        plain = ("The video was recorded in HDR: it may look grey and washed out on casting's "
                 "screens." if info.hdr else "The video has more colour depth than casting's "
                 "players show: it may look washed out, or be refused.")
        if info.bit_depth > 8:
            what = f"The video is HDR ({info.color_transfer}) at" if info.hdr else \
                "The video has"
            return Hit(what + " {} per channel", measured=float(info.bit_depth), threshold=8.0,
                       detail="8-bit SDR recommended", plain=plain)
        return Hit(f"The video is HDR, transfer {info.color_transfer}",
                   detail="8-bit SDR recommended", plain=plain)


@check(code="M006", name="portrait-orientation", category="orientation", severity=Severity.ERROR,
       reads=("media",), unit="ratio", warns="below",
       params=(Param(name="min_aspect", default=1.0, unit="ratio", warns="below",
                     help="lowest width ÷ height accepted as landscape", min=0.5, max=2.0),),
       problem="the portrait orientation",
       fix="Turn your phone sideways and record in landscape.")
def portrait_orientation(m, p):
    """The picture, as players show it (rotation applied), is taller than wide.

    Why casting cares: every casting platform and casting director asks for landscape
    (horizontal) self-tapes; portrait tapes play with black bars and are often rejected.
    How to fix: hold the phone sideways; rotation lock does not change what the camera records.
    """
    info = m["media"]
    aspect = info.width / info.height
    if aspect < p.min_aspect:
        return Hit("The picture is portrait: {} as wide as it is high", measured=aspect,
                   threshold=p.min_aspect, detail=f"{info.width}×{info.height} as played",
                   plain="The video is upright (portrait): casting asks for sideways "
                   "(landscape) video.")


@check(code="M007", name="low-resolution", category="resolution", severity=Severity.WARNING,
       reads=("media",), unit="px", warns="below",
       params=(Param(name="min_height_px", default=720.0, unit="px", warns="below",
                     help="smallest picture height (short side) accepted",
                     min=144.0, max=4320.0),),
       problem="the low resolution",
       fix="Record at 1080p (Full HD); at least 720p.")
def low_resolution(m, p):
    """The picture is smaller than {min_height_px}p.

    Why casting cares: casting watches on laptops and large screens; below {min_height_px}p faces
    go soft and eyes lose detail. Casting platforms recommend 1080p; 720p is the accepted floor.
    Measured on the short side of the displayed picture, so portrait clips are not penalised twice.
    How to fix: set the camera to 1080p (Full HD); do not export smaller than you recorded.
    """
    info = m["media"]
    short = min(info.width, info.height)
    if short < p.min_height_px:
        return Hit("The picture's short side is {}", measured=float(short),
                   threshold=p.min_height_px,
                   detail=f"{info.width}×{info.height}; 1080p is recommended",
                   plain=f"The picture is small, {short} pixels "
                   f"{'high' if info.width >= info.height else 'wide'}: your face will look soft "
                   "on casting's screens, which show 1080 (Full HD).")
