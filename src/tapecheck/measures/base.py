"""How a measure is written.

Decode dominates the cost of a check, so every frame and every audio block is decoded once
and handed to all the measures that need it: a measure is an *accumulator*.

* `VideoMeasure` — `feed(frame, upstream)` once per sampled frame, `finish(done)` at the end.
* `AudioMeasure` — `feed(block, upstream)` once per 1 s audio block, `finish(done)` at the end.
* `FactMeasure` — `compute()` from the probe alone, before any decoding (the media facts,
  the platform's limits): checks that read only facts are the checks *of the file itself*.
* `DerivedMeasure` — `compute(results)` after both passes, from other measures' results
  (cross-modal measures; measures that decode a few seconds again at full frame rate).
  It may also do `early(results)`: work that needs only the audio pass's results, run in
  the audio thread while the video pass still decodes (sampled decoding leaves ≈ 0.4 of a
  core idle on 2 cores; scripts/bench.py).

`requires` names measures whose output this one reads. Within a pass, `upstream` holds the
per-item return values of `feed` of the measures listed earlier in the same pass (the face
detections of this frame, say); `done` in `finish` holds the finished results of those
measures (and, for audio, ``"r128"``: the ebur128 figures of the whole stream, which ffmpeg
meters while it decodes; the `R128` measure hands them on under that name).

A result is any object; it may offer `named() -> dict` (CONTRACT.md's named measures),
`series() -> list[Series]`, `thumbnails() -> list[Thumbnail]` (telling moments) and
`frames() -> list[Thumbnail]` (pictures at regular times) for the reports. A measure
that cannot exist for this file raises `MeasureUnavailable(reason)`: its checks are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..ingest import AudioBlock, Frame, MediaInfo


@dataclass(frozen=True)
class Context:
    info: MediaInfo
    quick: bool = False
    #: Frames per second of tape the video pass samples.
    frame_rate: float = 2.0
    #: The casting platform whose published limits apply (`--profile`), if any.
    profile: str | None = None
    #: How many clips a split reel has (None: the tape is judged whole).
    clips: int | None = None


class Measure:
    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    #: Of `requires`, those a `DerivedMeasure` can do without: computed first, but handed to
    #: `compute` as their `Missing` instead of making this one missing too.
    optional: ClassVar[tuple[str, ...]] = ()
    #: True for a measure no check reads, made for the reports (pictures of the tape): it runs
    #: whenever its pass runs anyway.
    report_only: ClassVar[bool] = False

    def __init__(self, ctx: Context):
        self.ctx = ctx


class FactMeasure(Measure):
    def compute(self) -> Any:
        raise NotImplementedError


class VideoMeasure(Measure):
    def feed(self, frame: Frame, upstream: dict[str, Any]) -> Any:
        return None

    def finish(self, done: dict[str, Any]) -> Any:
        raise NotImplementedError


class AudioMeasure(Measure):
    def feed(self, block: AudioBlock, upstream: dict[str, Any]) -> Any:
        return None

    def finish(self, done: dict[str, Any]) -> Any:
        raise NotImplementedError


class DerivedMeasure(Measure):
    def early(self, results: "Results") -> None:
        """Start on what the audio results already allow (the video ones are not there yet)."""

    def compute(self, results: "Results") -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Missing:
    """Stands in a `Results` slot for a measure that does not exist for this file."""

    reason: str
    failed: bool = False  # True: the measure could not run (a bug, or a broken installation)
    bug: bool = True      # with failed: a crash in tapecheck, not an installation to repair


class Results:
    """Finished measures by name. Checks read them with `results["name"]`."""

    def __init__(self, info: MediaInfo | None = None) -> None:
        #: `info`: the probe's facts under "media" (what the `Media` fact measure gives), for
        #: scripts and tests that run measures by hand.
        self._data: dict[str, Any] = {} if info is None else {"media": info}

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._data.get(name, default)

    def set(self, name: str, value: Any) -> None:
        self._data[name] = value

    def missing(self, names: tuple[str, ...]) -> Missing | None:
        """The first of `names` that is missing (a crash wins over a plain absence)."""
        gone = [self._data.get(n, Missing(f"measure {n!r} was not run")) for n in names]
        gone = [g for g in gone if isinstance(g, Missing)]
        return next((g for g in gone if g.failed), gone[0] if gone else None)

    def items(self):
        return self._data.items()
