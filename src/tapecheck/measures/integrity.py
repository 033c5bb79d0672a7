"""How much of the file decodes: a file cut short or damaged must never pass as ready.

An export, copy or upload that stopped halfway often still opens: an MP4 written with its index
at the front (`+faststart`, as phones and `tapecheck fix` write it) keeps announcing the whole
length, and players show the first part. ffmpeg then decodes what is there and logs "partial
file" (MP4/MOV) or "File ended prematurely" (Matroska/WebM). Each pass's ffmpeg keeps a
`DecodeLog` (ingest/ffmpeg.py): how far it got and what it said of damage.

`promised_s` is where the streams' own headers say they end (an MP4 container may announce
more than its streams hold), else the container's length. `reach_s` is how far the tape
decodes: the audio's end (every sample is decoded), or the last
sampled frame plus the sampling step (a later frame may exist that the sampler did not take:
0.5 s at 2 fps, a keyframe interval when only keyframes are decoded), whichever is later, so a
sound track that ends before the picture (or the reverse) is not a cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ingest.frames import sampling_mode
from .base import AudioMeasure, DerivedMeasure, Missing, VideoMeasure


@dataclass(frozen=True)
class Integrity:
    promised_s: float     # the length the streams (else the container) announce
    reach_s: float        # how far the picture or the sound decodes (docstring)
    cut_short: bool       # a demuxer said the data stops before the file's index says it ends
    damaged: int          # lines in which ffmpeg reported damaged data
    first_damage: str

    @property
    def missing_s(self) -> float:
        return max(0.0, self.promised_s - self.reach_s)


class VideoDecode(VideoMeasure):
    name = "video_decode"

    def finish(self, done):
        return done["video_log"]


class AudioDecode(AudioMeasure):
    name = "audio_decode"

    def finish(self, done):
        return done["audio_log"]


class Decoded(DerivedMeasure):
    name = "integrity"
    requires = ("video_decode", "audio_decode")
    optional = ("audio_decode",)

    def compute(self, results):
        info = self.ctx.info
        video = results["video_decode"]
        audio = results["audio_decode"]
        audio = None if isinstance(audio, Missing) else audio  # no audio track
        if sampling_mode(info, self.ctx.frame_rate, self.ctx.quick) == "keyframes":
            step = info.keyframe_interval_s or 1.0 / self.ctx.frame_rate
        else:
            step = 1.0 / self.ctx.frame_rate
        reach = video.end_s + step if video.end_s > 0 else 0.0
        if audio is not None:
            reach = max(reach, audio.end_s)
        promised = info.duration_s
        if info.window_start_s is None and info.streams_end_s:
            promised = min(promised, info.streams_end_s)
        logs = [x for x in (video, audio) if x is not None]
        first = next((x.first_damage for x in logs if x.first_damage), "")
        return Integrity(promised_s=promised, reach_s=reach,
                         cut_short=any(x.cut_short for x in logs),
                         damaged=sum(x.damaged for x in logs), first_damage=first)
