"""Facts about the file that need no decoding, and the loudness ffmpeg meters while decoding.

* `media` — the probe's `MediaInfo` (container, size, streams, rotation, frame timing).
* `platform` — the `--profile`'s published limits, with the clip count of a split reel.
* `r128` — EBU R128 / BS.1770-4 integrated loudness, range and true peak of the whole
  stream, from ffmpeg's `ebur128` filter running in the audio pass's own ffmpeg process.

Checks read them like any other measure; a check that reads only fact measures is a check of
the file itself (run once per file, also for a reel split into clips).
"""

from __future__ import annotations

from ..errors import MeasureUnavailable
from ..profiles import PlatformFacts, get
from .base import AudioMeasure, FactMeasure


class Media(FactMeasure):
    name = "media"

    def compute(self):
        return self.ctx.info


class Platform(FactMeasure):
    name = "platform"

    def compute(self):
        if not self.ctx.profile:
            raise MeasureUnavailable("no casting platform profile chosen (--profile)")
        return PlatformFacts(get(self.ctx.profile), self.ctx.clips)


class StreamLoudness(AudioMeasure):
    name = "r128"

    def finish(self, done):
        return done["r128"]
