"""What to judge in a file, and how: the one argument every entry point hands the pipeline."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..settings import Settings


class Part(enum.Enum):
    """Which checks a judgement runs (a reel judges its file once and each clip on its own)."""

    WHOLE = "whole"  # every enabled check
    FILE = "file"    # only the checks of the file itself: those reading only fact measures
    TIMED = "timed"  # only the checks of what happens in time (one clip of a reel)


@dataclass(frozen=True)
class Plan:
    settings: Settings = field(default_factory=Settings)
    #: Treat the file as a reel: find its clips and judge each one.
    split: bool = False
    #: Judge only this span of the tape, (start, end) in seconds; times in the report then
    #: count from its start.
    window: tuple[float, float] | None = None
    part: Part = Part.WHOLE
    #: Clips of the reel this file or window belongs to (platform limits count them).
    clips: int | None = None
