"""Decoded audio, streamed in float32 blocks, with ffmpeg's EBU R128 meter in the same pass.

One ffmpeg process decodes the first audio stream, places it on the player's timeline (below),
runs `ebur128=peak=true` on it at its own sample rate and channel layout (BS.1770-4 gating, EBU Tech 3342 loudness range, 4× oversampled
true peak per BS.1770 Annex 2), then resamples to 48 kHz and downmixes anything wider than
stereo to stereo for the measures. Blocks are 1 s long, so memory stays ≈ constant for a
2-hour reel (a whole 10-minute 48 kHz stereo file in memory costs 0.5–1 GB; 1 s blocks ≈ 30 MB).

**One timeline, as a player shows it.** Raw samples carry no timestamps, so sample 0 of the
output must *be* time 0 of the tape — the time the video frames are counted from (ffmpeg counts
every stream from the file's start, the earliest stream's first timestamp, as players do). An
audio stream that starts later (a stream start time, an MP4 edit list, an export that left a
gap, a sound track slid with `-itsoffset`) is padded with silence in front, and samples before
0 (encoder priming an edit list did not remove) are cut: `aresample=first_pts=0`, ahead of the
meter, so R128's 100 ms log is on the same clock too. Without it a tape whose sound starts
0.166 s late (corpus/real, a webcam export) read 10 ms early for lip sync instead of ≈ 156 ms
late, and a copy whose audio was delayed 0.3 s by timestamps alone read like the original.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from .ffmpeg import DecodeLog, Stream, binary, timeout_for, url
from .probe import MediaInfo

#: Analysis sample rate: keeps everything up to 24 kHz, enough for bandwidth and sibilance.
SAMPLE_RATE = 48000
BLOCK_S = 1.0

_FRAMELOG = re.compile(r"t:\s*([0-9.]+)\s+TARGET:.*?M:\s*(-?[0-9.]+|-?inf|nan)\s+"
                       r"S:\s*(-?[0-9.]+|-?inf|nan)")
_SUMMARY_I = re.compile(r"^\s*I:\s*(-?[0-9.]+|-?inf|nan)\s+LUFS")
_SUMMARY_LRA = re.compile(r"^\s*LRA:\s*(-?[0-9.]+|-?inf|nan)\s+LU")
_SUMMARY_PEAK = re.compile(r"^\s*Peak:\s*(-?[0-9.]+|-?inf|nan)\s+dBFS")


@dataclass(frozen=True)
class AudioBlock:
    t0: float                # start time, s
    sample_rate: int
    samples: np.ndarray      # n × channels, float32, full scale = 1.0

    @property
    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=1) if self.samples.shape[1] > 1 else self.samples[:, 0]

    @property
    def duration(self) -> float:
        return self.samples.shape[0] / self.sample_rate


@dataclass
class R128:
    """What ffmpeg's ebur128 filter reported for the whole stream (BS.1770-4 / EBU R128).

    Values are LUFS / LU / dBTP and may be -inf for silence; `momentary` holds the
    momentary loudness every 100 ms (the filter's frame log) for timelines and gating.
    """

    integrated_lufs: float = -math.inf
    loudness_range_lu: float = 0.0
    true_peak_dbtp: float = -math.inf
    max_momentary_lufs: float = -math.inf
    max_short_term_lufs: float = -math.inf
    momentary: array = field(default_factory=lambda: array("f"))
    _section: str = ""

    def feed_line(self, line: str) -> None:
        m = _FRAMELOG.search(line)
        if m:
            mom, short = _num(m.group(2)), _num(m.group(3))
            self.momentary.append(mom)
            # ffmpeg logs -120.7 while a window is not yet full; BS.1770 has no value there.
            if mom > -120.0:
                self.max_momentary_lufs = max(self.max_momentary_lufs, mom)
            if short > -120.0:
                self.max_short_term_lufs = max(self.max_short_term_lufs, short)
            return
        text = line.split("]", 1)[-1] if line.startswith("[Parsed_ebur128") else line
        stripped = text.strip()
        if stripped.endswith(":") and stripped[:-1] in ("Integrated loudness", "Loudness range",
                                                        "True peak", "Sample peak"):
            self._section = stripped[:-1]
        elif self._section == "Integrated loudness" and (m := _SUMMARY_I.match(text)):
            self.integrated_lufs = _num(m.group(1))
        elif self._section == "Loudness range" and (m := _SUMMARY_LRA.match(text)):
            self.loudness_range_lu = _num(m.group(1))
        elif self._section == "True peak" and (m := _SUMMARY_PEAK.match(text)):
            self.true_peak_dbtp = _num(m.group(1))


class AudioStream:
    """Iterate `blocks()` once; afterwards `r128` holds the whole-stream loudness figures and
    `log` how far the sound decoded."""

    def __init__(self, info: MediaInfo, *, sample_rate: int = SAMPLE_RATE,
                 block_s: float = BLOCK_S):
        if info.audio_stream_index is None:
            raise ValueError(f"{info.path} has no audio stream")
        self.info = info
        self.sample_rate = sample_rate
        self.block_s = block_s
        self.channels = min(info.audio_channels or 1, 2)
        self.r128 = R128()
        self.log = DecodeLog()

    def blocks(self) -> Iterator[AudioBlock]:
        import ffmpeg

        in_opts = {}
        if self.info.window_start_s is not None:  # a reel's clip: its window, times from its start
            in_opts = {"ss": f"{self.info.window_start_s:.3f}",
                       "t": f"{self.info.duration_s:.3f}"}
        stream = (ffmpeg.input(url(self.info.path), **in_opts)[str(self.info.audio_stream_index)]
                  .filter("aresample", first_pts=0)   # the player's timeline (docstring)
                  .filter("ebur128", peak="true", framelog="info")
                  .filter("aresample", self.sample_rate))
        args = (ffmpeg.output(stream, "pipe:", format="f32le", acodec="pcm_f32le",
                              ac=self.channels, vn=None, sn=None, dn=None)
                .global_args("-nostdin", "-hide_banner", "-nostats", "-v", "info")
                .compile(cmd=binary("ffmpeg")))
        ch = self.channels
        n = int(round(self.sample_rate * self.block_s))
        t0 = 0.0
        with Stream(args, timeout_for(self.info.duration_s), self.info.path,
                    on_stderr=self.r128.feed_line, log=self.log) as proc:
            for buf in proc.chunks(n * ch * 4, tail_align=ch * 4):
                samples = np.frombuffer(buf, np.float32).reshape(-1, ch)
                block = AudioBlock(t0, self.sample_rate, samples)
                t0 += block.duration
                self.log.end_s = t0
                yield block
            proc.finish()


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan
