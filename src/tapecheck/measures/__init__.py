"""Measures: what the tape *is* (face boxes, loudness, noise …), before any judgement.

`MEASURES` is the explicit registry. The runner runs only the measures the selected checks
need (and what those require), in one video pass and one audio pass, then the derived ones.
"""

from __future__ import annotations

from .base import AudioMeasure, Context, DerivedMeasure, Measure, Missing, Results, VideoMeasure
from .signal import Frames, Signal
from .faces import Faces
from .eyes import Eyes
from .light import Light
from .framing import Framing
from .focus import Focus
from .motion import Motion
from .picture import Picture
from .mouth import Mouth
from .audioframes import AudioFrames
from .vad import VoiceActivity
from .dnsmos import Dnsmos
from .speech import Speech
from .loudness import Clipping, Loudness
from .noise import Hum, Noise
from .clarity import Clarity
from .channels import Channels
from .deadair import DeadAir
from .speakers import Speakers
from .sync import Sync

#: Every measure, in an order where each comes after what it `requires`.
MEASURES: tuple[type[Measure], ...] = (
    Frames,
    Faces,
    Eyes,
    Light,
    Framing,
    Focus,
    Motion,
    Picture,
    Mouth,
    Signal,
    AudioFrames,
    VoiceActivity,
    Dnsmos,
    Speech,
    Loudness,
    Clipping,
    Noise,
    Hum,
    Clarity,
    Channels,
    DeadAir,
    Speakers,
    Sync,
)

BY_NAME: dict[str, type[Measure]] = {m.name: m for m in MEASURES}


def closure(names) -> list[type[Measure]]:
    """The measures needed for `names`, with everything they require, in registry order."""
    wanted: set[str] = set()
    stack = [n for n in names if n != "media"]
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        if name not in BY_NAME:
            raise KeyError(f"unknown measure {name!r}")
        wanted.add(name)
        stack.extend(r for r in BY_NAME[name].requires if r not in ("media", "r128"))
    return [m for m in MEASURES if m.name in wanted]


__all__ = ["AudioMeasure", "BY_NAME", "Context", "DerivedMeasure", "MEASURES", "Measure",
           "Missing", "Results", "VideoMeasure", "closure"]
