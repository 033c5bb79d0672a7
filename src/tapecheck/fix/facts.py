"""What a fix needs to know about the file beyond its judgement: container timing, keyframes,
and each channel's level and DC (`plan.Facts`). Packet headers and one audio decode; the
picture is not decoded.
"""

from __future__ import annotations

import json
import math
import re

from ..ingest import MediaInfo
from ..ingest.ffmpeg import binary, run, timeout_for, url
from ..ingest.probe import _float, packet_times
from .edit import Facts

_ASTATS = re.compile(r"(Channel|DC offset|RMS level dB):\s*(\S+)")


#: Packet headers read for keyframes and the commonest frame interval, s of media (at least;
#: more when a head cut lies further in).
PACKETS_S = 60.0


def gather(info: MediaInfo, keyframes_until_s: float | None) -> Facts:
    """`keyframes_until_s`: read keyframe times at least up to here (a head cut)."""
    raw = run([binary("ffprobe"), "-v", "error", "-print_format", "json", "-show_entries",
               "format=start_time:stream=index,codec_type,start_time,duration,bit_rate",
               "-i", url(info.path)], timeout_for(None), info.path)
    data = json.loads(raw or "{}")
    streams = {int(s["index"]): s for s in data.get("streams", []) if "index" in s}
    fmt_start = _float((data.get("format") or {}).get("start_time")) or 0.0
    v = streams.get(info.video_stream_index, {})
    a = streams.get(info.audio_stream_index, {}) if info.has_audio else {}
    rms, dc = _channel_stats(info) if info.has_audio else ((), ())
    keys, interval = _packets(info, fmt_start, max(PACKETS_S, keyframes_until_s or 0.0))
    return Facts(
        video_index=info.video_stream_index, audio_index=info.audio_stream_index,
        format_start_s=fmt_start,
        audio_start_s=_float(a.get("start_time")) if a else None,
        video_duration_s=_float(v.get("duration")) or info.duration_s,
        audio_duration_s=_float(a.get("duration")) if a else None,
        keyframes_s=keys, common_fps=1.0 / interval if interval else None,
        channel_rms_dbfs=rms, channel_dc_dbfs=dc,
        audio_bitrate_bps=_float(a.get("bit_rate")) if a else None)


def _packets(info: MediaInfo, start: float, until: float) -> tuple[tuple[float, ...],
                                                                   float | None]:
    """(keyframe times from the file's start, the median interval between frames)."""
    times, keys = packet_times(info.path, info.video_stream_index, until + 1.0)
    gaps = sorted(b - a for a, b in zip(times, times[1:]) if b > a)
    return (tuple(round(k - start, 6) for k in keys) or (0.0,),
            gaps[len(gaps) // 2] if gaps else None)


def _channel_stats(info: MediaInfo) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per channel: RMS level and |DC offset|, dBFS, over the whole track (ffmpeg astats)."""
    err = run([binary("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-v", "info",
               "-i", url(info.path), "-map", f"0:{info.audio_stream_index}", "-af",
               "astats=measure_overall=none:measure_perchannel=DC_offset+RMS_level",
               "-f", "null", "-"], timeout_for(info.duration_s), info.path, stderr=True)
    rms: list[float] = []
    dc: list[float] = []
    for key, value in _ASTATS.findall(err):
        if key == "RMS level dB":
            rms.append(_float(value) if _float(value) is not None else -math.inf)
        elif key == "DC offset":
            x = abs(_float(value) or 0.0)
            dc.append(20.0 * math.log10(x) if x > 0 else -math.inf)
    return tuple(rms), tuple(dc)
