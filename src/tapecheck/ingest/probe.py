"""ffprobe → `MediaInfo`: container, streams, displayed size, rotation, frame rate, VFR, HDR.

Two cheap ffprobe calls and no decoding: one for the container and streams, one that reads
packet headers (timestamps and keyframe flags) of the first minute of video. The packets tell
whether the frame rate is variable and how far apart keyframes are, which decides how
frames are sampled (see `frames.py`).

Files whose header has no duration (browser MediaRecorder WebM: the recorder cannot seek back
to write it) have every packet header read instead: the duration is the last packet's end,
and the frame rate the packets' own when the header's disagrees (Matroska's default
duration, 30.3 fps, on a 10 fps webcam stream).
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass

from ..errors import IngestError
from ..model import MediaSummary
from .ffmpeg import binary, run, timeout_for, url

#: Packet headers read to judge frame-rate variability and keyframe spacing (s of media).
PACKET_WINDOW_S = 60.0
#: An interval counts as irregular when it is this far (relative) from the median interval.
VFR_TOLERANCE = 0.15
#: Share of irregular intervals above which the file is variable frame rate. Constant-rate
#: files measured here have none; a CFR export with a rare dropped frame stays well below 2 %.
VFR_SHARE = 0.02
#: In a header without a duration, a frame rate this far (relative) from the packets' median
#: interval is not believed either.
FPS_MISMATCH = 0.2

IMAGE_CODECS = frozenset({"png", "mjpeg", "bmp", "gif", "tiff", "webp", "jpegls", "jpeg2000",
                          "pam", "ppm", "pgm", "pbm", "qoi", "targa", "sgi", "xbm", "xwd"})
HDR_TRANSFERS = frozenset({"smpte2084", "arib-std-b67"})


@dataclass(frozen=True)
class MediaInfo:
    path: str
    container: str
    size_bytes: int
    duration_s: float
    coded_width: int
    coded_height: int
    width: int            # displayed, after rotation and pixel aspect
    height: int
    rotation_deg: int     # clockwise turn a player applies (0, 90, 180, 270)
    fps: float | None
    variable_fps: bool
    keyframe_interval_s: float | None  # median spacing of keyframes in the first minute
    video_codec: str
    pix_fmt: str | None
    bit_depth: int
    color_transfer: str | None
    hdr: bool
    video_stream_index: int
    audio_stream_index: int | None
    audio_codec: str | None
    audio_sample_rate: int | None
    audio_channels: int | None
    #: For one clip of a reel: where the clip starts in the file, s (None: the whole file).
    #: `duration_s` is then the clip's length and ingest reads only that window, with times
    #: counted from its start.
    window_start_s: float | None = None
    #: Share of frame intervals (first minute) more than `VFR_TOLERANCE` from the median
    #: interval: how much of the timing is irregular (None: too few frames to tell).
    irregular_frame_share: float | None = None
    #: Where the later of the video and audio streams ends by its own header (s from the
    #: file's start), None when neither says: an MP4's container can announce more than its
    #: streams hold (64.1 s over streams of 61.4 s on a broadcast clip in corpus/real2).
    streams_end_s: float | None = None

    @property
    def has_audio(self) -> bool:
        return self.audio_stream_index is not None

    def summary(self) -> MediaSummary:
        return MediaSummary(
            container=self.container, size_bytes=self.size_bytes, duration_s=self.duration_s,
            width=self.width, height=self.height, rotation_deg=self.rotation_deg, fps=self.fps,
            variable_fps=self.variable_fps, video_codec=self.video_codec,
            audio_codec=self.audio_codec, audio_sample_rate=self.audio_sample_rate,
            audio_channels=self.audio_channels)


def check_path(path: str) -> int:
    """Fail early and clearly on paths ffprobe would choke or hang on; return the size."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise IngestError("not-found", f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise IngestError("unreadable", f"{path}: cannot read it ({exc.strerror}); "
                          "check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise IngestError("not-a-file", f"{path}: is a folder with no video files in it")
    if not stat.S_ISREG(st.st_mode):
        raise IngestError("not-a-file", f"{path}: is not a regular file (a pipe or device); "
                          "give the path of a video file")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise IngestError("unreadable", f"{path}: cannot open it ({exc.strerror}); "
                          "check its permissions") from None
    if st.st_size == 0:
        raise IngestError("not-media", f"{path}: the file is empty (0 bytes); export or copy "
                          "the tape again")
    return st.st_size


def probe(path: str) -> MediaInfo:
    size = check_path(path)
    try:
        raw = run([binary("ffprobe"), "-v", "error", "-print_format", "json", "-show_format",
                   "-show_streams", "-i", url(path)], timeout_for(None), path, "not-media",
                  "; is it a video file? Export the tape as MP4 (H.264/AAC)")
    except IngestError as exc:
        if not _starts_like_video(path):
            raise IngestError("not-media", f"{path}: this is not a video file (its first bytes "
                              "are not those of any video format ffmpeg reads); check it is "
                              "the tape you meant, or export the tape as MP4 (H.264/AAC)") \
                from None
        if "moov atom not found" in exc.message:
            raise IngestError("not-media", f"{path}: the file is incomplete (its MP4 index, "
                              "the 'moov' box, is missing): let the export or download finish, "
                              "or export it again") from None
        raise
    return _parse(path, size, raw)


#: ISO BMFF (MP4, MOV, 3GP) files begin with one of these boxes at byte 4.
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot")
#: The first bytes of the other video containers and streams ffmpeg reads: Matroska/WebM,
#: AVI, FLV, Ogg, ASF/WMV, MXF, MPEG program and elementary streams (start codes).
_VIDEO_HEADS = (b"\x1a\x45\xdf\xa3", b"RIFF", b"FLV", b"OggS", b"\x30\x26\xb2\x75",
                b"\x06\x0e\x2b\x34", b"\x00\x00\x01", b"\x00\x00\x00\x01")
#: Where MPEG-TS packets (188 bytes) and M2TS ones (a 4-byte prefix, then 188) put their
#: sync bytes, 0x47: two of them, since one "G" is just text.
_TS_SYNC = ((0, 188), (4, 196))


def _starts_like_video(path: str) -> bool:
    """Whether a file ffprobe rejects begins as a video does (a damaged tape: ffprobe's own
    message says what is wrong), as opposed to something else — a text file, a document —
    whatever its name: that is plainly "not a video file"."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return True
    mpeg_ts = any(head[a:a + 1] == head[b:b + 1] == b"\x47" for a, b in _TS_SYNC)
    return head[4:8] in _MP4_BOXES or head.startswith(_VIDEO_HEADS) or mpeg_ts


def _parse(path: str, size: int, raw: str) -> MediaInfo:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise IngestError("not-media", f"{path}: ffprobe could not read it; is it a video file?") \
            from None
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    if not fmt or not streams:
        raise IngestError("not-media", f"{path}: not a media file ffmpeg can read; "
                          "export the tape as MP4 (H.264/AAC)")
    videos = [s for s in streams if s.get("codec_type") == "video"
              and not (s.get("disposition") or {}).get("attached_pic")]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    container = fmt.get("format_name", "")
    if not videos or _is_image(videos[0], container):
        what = "an audio file" if audios else ("an image" if videos else "a file with no video")
        raise IngestError("no-video", f"{path}: has no video stream ({what}); "
                          "give the video file of your tape")
    v = videos[0]
    a = audios[0] if audios else None
    duration = _float(fmt.get("duration")) or _float(v.get("duration")) or 0.0
    rotation = _rotation(v)
    cw, ch = int(v.get("width") or 0), int(v.get("height") or 0)
    if cw <= 0 or ch <= 0:
        raise IngestError("decode-failed", f"{path}: the video stream has no picture size; "
                          "the file is damaged — export it again")
    sar = _ratio(v.get("sample_aspect_ratio")) or 1.0
    dw, dh = int(round(cw * sar)), ch
    if rotation in (90, 270):
        dw, dh = dh, dw
    fps = _ratio(v.get("avg_frame_rate")) or _ratio(v.get("r_frame_rate"))
    pix_fmt = v.get("pix_fmt")
    depth = int(v.get("bits_per_raw_sample") or 0) or _depth_of(pix_fmt)
    transfer = v.get("color_transfer")
    whole = duration <= 0
    timing = _packet_timing(path, int(v["index"]), whole=whole)
    if whole and timing.end_s:
        duration = timing.end_s
        if timing.interval_s and (not fps or abs(fps * timing.interval_s - 1) > FPS_MISMATCH):
            fps = 1.0 / timing.interval_s
    return MediaInfo(
        path=path, container=container, size_bytes=size, duration_s=duration,
        coded_width=cw, coded_height=ch, width=dw, height=dh, rotation_deg=rotation,
        fps=fps, variable_fps=timing.variable, keyframe_interval_s=timing.keyframe_interval_s,
        video_codec=v.get("codec_name", "unknown"), pix_fmt=pix_fmt, bit_depth=depth,
        color_transfer=transfer, hdr=transfer in HDR_TRANSFERS,
        video_stream_index=int(v["index"]),
        audio_stream_index=int(a["index"]) if a else None,
        audio_codec=a.get("codec_name") if a else None,
        audio_sample_rate=int(a.get("sample_rate") or 0) or None if a else None,
        audio_channels=int(a.get("channels") or 0) or None if a else None,
        irregular_frame_share=timing.irregular_share,
        streams_end_s=_streams_end(fmt, [v] + ([a] if a else [])),
    )


def _streams_end(fmt: dict, streams: list[dict]) -> float | None:
    origin = _float(fmt.get("start_time")) or 0.0
    ends = [(_float(s.get("start_time")) or origin) + d - origin for s in streams
            if (d := _float(s.get("duration"))) is not None]
    return max(ends) if ends else None


def _is_image(v: dict, container: str) -> bool:
    if container.endswith("_pipe") or container in ("image2", "png", "webp"):
        return True
    frames = int(v.get("nb_frames") or 0)
    return v.get("codec_name") in IMAGE_CODECS and frames <= 1 and container != "avi"


@dataclass(frozen=True)
class _Timing:
    variable: bool = False
    keyframe_interval_s: float | None = None   # median spacing of keyframes
    irregular_share: float | None = None       # share of intervals off the median
    interval_s: float | None = None            # median frame interval
    end_s: float | None = None                 # last packet's end (whole file read only)


def _packet_timing(path: str, index: int, whole: bool = False) -> _Timing:
    """Frame timing from packet headers: the first minute's, or every packet when `whole`
    (a header without a duration)."""
    pts, keys = packet_times(path, index, None if whole else PACKET_WINDOW_S)
    keyint = None
    if len(keys) >= 2:
        keyint = float(_median([b - a for a, b in zip(keys, keys[1:])]))
    elif keys and pts:
        keyint = max(pts[-1] - keys[0], 0.0) or None
    gaps = [b - a for a, b in zip(pts, pts[1:]) if b > a]
    med = _median(gaps) if gaps else None
    end = pts[-1] + (med or 0.0) if whole and pts else None
    if len(gaps) < 10:
        return _Timing(False, keyint, None, med, end)
    irregular = sum(1 for g in gaps if abs(g - med) > VFR_TOLERANCE * med) / len(gaps)
    return _Timing(irregular > VFR_SHARE, keyint, irregular, med, end)


def packet_times(path: str, index: int,
                 window_s: float | None) -> tuple[list[float], list[float]]:
    """(every packet's time, the keyframes' times), sorted, over the first `window_s` s of
    stream `index` (the whole stream when None), from packet headers alone (nothing is
    decoded)."""
    window = [] if window_s is None else ["-read_intervals", f"%+{window_s:g}"]
    out = run([binary("ffprobe"), "-v", "error", "-select_streams", str(index), *window,
               "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", "-i", url(path)],
              timeout_for(window_s), path)
    pts: list[float] = []
    keys: list[float] = []
    for line in out.splitlines():
        t_text, _, flags = line.partition(",")
        t = _float(t_text)
        if t is None:
            continue
        pts.append(t)
        if "K" in flags:
            keys.append(t)
    return sorted(pts), sorted(keys)


def _rotation(v: dict) -> int:
    ccw = None
    for sd in v.get("side_data_list") or []:
        if "rotation" in sd:
            ccw = _float(sd["rotation"])
    if ccw is None:
        tag = _float((v.get("tags") or {}).get("rotate"))
        if tag is not None:
            return int(round(tag / 90.0)) * 90 % 360  # the old tag is already clockwise
        return 0
    return int(round(-ccw / 90.0)) * 90 % 360


def _depth_of(pix_fmt: str | None) -> int:
    if not pix_fmt:
        return 8
    for bits in (16, 14, 12, 10):
        if f"p{bits}" in pix_fmt:
            return bits
    return 8


def _ratio(text: str | None) -> float | None:
    if not text or ":" not in text and "/" not in text:
        return _float(text)
    num, _, den = text.replace(":", "/").partition("/")
    n, d = _float(num), _float(den)
    if not n or not d:
        return None
    return n / d


def _float(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else 0.5 * (s[mid - 1] + s[mid])
