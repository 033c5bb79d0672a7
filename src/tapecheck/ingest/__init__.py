"""Everything that talks to ffmpeg: probing, sampled frames, streamed audio."""

from .audio import AudioBlock, AudioStream, R128
from .ffmpeg import DecodeLog
from .frames import Frame, iter_frames
from .probe import MediaInfo, probe

__all__ = ["AudioBlock", "AudioStream", "DecodeLog", "Frame", "MediaInfo", "R128", "iter_frames", "probe"]
