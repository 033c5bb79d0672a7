"""Measures: what the tape *is* (face boxes, loudness, noise …), before any judgement.

`MEASURES` is the explicit registry. The pipeline runs only the measures the selected checks
need (and what those require), in one video pass and one audio pass, then the derived ones.
"""

from __future__ import annotations

from .base import (AudioMeasure, Context, DerivedMeasure, FactMeasure, Measure, Missing, Results,
                   VideoMeasure)
from .facts import Media, Platform, StreamLoudness
from .signal import Signal
from .faces import Faces
from .eyes import Eyes
from .light import Light
from .framing import Framing
from .focus import Focus
from .motion import Motion
from .picture import Picture
from .sheet import Sheet
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
from .voices import Voices
from .speakers import Speakers
from .sync import Sync
from .lipmotion import LipMotion
from .integrity import AudioDecode, Decoded, VideoDecode
from .shots import Shots

#: Every measure, in an order where each comes after what it `requires`.
MEASURES: tuple[type[Measure], ...] = (
    Media,
    Platform,
    Faces,
    Eyes,
    Light,
    Framing,
    Focus,
    Motion,
    Picture,
    Shots,
    Sheet,
    Mouth,
    VideoDecode,
    StreamLoudness,
    AudioDecode,
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
    Voices,
    Speakers,
    Sync,
    LipMotion,
    Decoded,
)

BY_NAME: dict[str, type[Measure]] = {m.name: m for m in MEASURES}


def closure(names) -> list[type[Measure]]:
    """The measures needed for `names`, with everything they require, in registry order; with
    them the report-only measures of any pass that will run."""
    wanted: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        if name not in BY_NAME:
            raise KeyError(f"unknown measure {name!r}")
        wanted.add(name)
        stack.extend(BY_NAME[name].requires)
    chosen = [m for m in MEASURES if m.name in wanted]
    passes = {base for m in chosen for base in (VideoMeasure, AudioMeasure) if issubclass(m, base)}
    return [m for m in MEASURES if m.name in wanted
            or (m.report_only and any(issubclass(m, base) for base in passes))]


__all__ = ["AudioMeasure", "BY_NAME", "Context", "DerivedMeasure", "FactMeasure", "MEASURES",
           "Measure",
           "Missing", "Results", "VideoMeasure", "closure"]
