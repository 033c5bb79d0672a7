"""The data model every stage shares: plain, frozen, numpy-free dataclasses.

Checks produce `Finding`s, the scorer turns results into a `Verdict`, the pipeline
wraps everything for one file into a `FileReport` and for one call into a `Report`.
Reporters read these and nothing else. `to_dict()` gives exactly the JSON of
CONTRACT.md (non-finite numbers become ``None``).
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

#: Finding categories, the vocabulary of CONTRACT.md.
CATEGORIES = (
    "media", "orientation", "resolution", "face", "eyes", "extra-face", "lighting",
    "framing", "focus", "stability", "edit", "loudness", "clipping", "noise", "hum",
    "clarity", "channels", "speech", "reader-balance", "sync", "platform",
)
#: What `tapecheck fix` can change in a copy, in the order it lists its changes (CONTRACT.md's
#: `fix.changes[].what`); a check declares which of them repairs its finding (`repair=`).
REPAIRS = ("loudness", "sync", "trim", "channels", "dc", "container", "rotation", "frame-rate",
           "size", "name")
#: A finding of severity error here means casting cannot see your eyes.
EYES_CATEGORIES = frozenset({"face", "eyes", "lighting", "focus", "framing", "stability"})
#: A finding of severity error here means casting cannot hear your voice.
VOICE_CATEGORIES = frozenset({
    "loudness", "clipping", "noise", "hum", "clarity", "channels", "speech", "reader-balance",
})


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (allowed: info, warning, error)") from None


def finite_or_none(value: Any) -> Any:
    """JSON must never carry NaN or Infinity (CONTRACT.md)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float

    def to_dict(self) -> dict:
        return {"start_s": round(self.start_s, 2), "end_s": round(self.end_s, 2)}


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    category: str
    severity: Severity
    message: str
    measured: float | None
    threshold: float | None
    unit: str
    spans: tuple[Span, ...] = ()
    fix: str = ""
    #: True when the fix needs a new take; False when editing can repair it.
    reshoot: bool = True
    #: What `tapecheck fix` changes to repair it (one of REPAIRS), "" when fix cannot.
    repair: str = ""
    #: "eyes" or "voice" when this finding alone decides that verdict (no audio track), else "".
    blocks: str = ""
    #: True when its error means there is nothing to see or hear at all (no sound, no speech),
    #: not merely an unclear picture or voice.
    absent: bool = False
    #: The problem in plain words, for headlines ("the light behind you"); "" = by category.
    problem: str = ""
    #: What the actor reads by default: plain English, everyday units ("" = the message).
    #: `message` stays the engineer's sentence with the exact numbers.
    plain: str = ""

    @property
    def said(self) -> str:
        """The sentence an actor reads."""
        return self.plain or self.message

    def to_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "category": self.category,
            "severity": self.severity.label, "message": self.message,
            "measured": _round(self.measured), "threshold": _round(self.threshold),
            "unit": self.unit, "spans": [s.to_dict() for s in self.spans], "fix": self.fix,
            "plain": self.said,
        }


#: The measured details of a skip reason, which only -v and the JSON show: a parenthesis
#: holding numbers, thresholds or check codes ("(1.7 s, 3 s needed)", "(z = 2.8, 3 needed)",
#: "(A501)"), or a last clause with a number ("; integrated loudness -45.0 LUFS").
_DETAILS = re.compile(r"\s*\((?=[^()]*[\d=])[^()]*\)|;[^;]*\d[^;]*$")


@dataclass(frozen=True)
class Skipped:
    code: str
    reason: str
    #: The skipped check's category, and the answer its error alone decides ("eyes"/"voice").
    category: str = ""
    blocks: str = ""
    #: What the check looks for, in plain words ("the room echo"); "" = by its code.
    problem: str = ""

    def to_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason}

    @property
    def said(self) -> str:
        """What an actor reads: what was not checked and why, without the measured details
        (those stay in `reason`)."""
        why = _DETAILS.sub("", self.reason).strip() or self.reason
        return f"{self.problem or self.code} — {why}"

    def could_change(self, verdict: "Verdict") -> bool:
        """Whether this check, had it run, could have changed the verdict: it could turn an
        answer that is still yes to no, or it could stop a ready tape being ready."""
        answer = self.blocks or ("eyes" if self.category in EYES_CATEGORIES else
                                 "voice" if self.category in VOICE_CATEGORIES else "")
        still_yes = {"eyes": verdict.can_see_eyes, "voice": verdict.can_hear_voice}
        return still_yes.get(answer, False) or verdict.level == "ready"


@dataclass(frozen=True)
class CheckError:
    code: str
    message: str
    #: False when the check could not run because the installation is incomplete (the message
    #: says how to repair it), True for a crash in tapecheck itself.
    bug: bool = True

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Fix:
    """One de-duplicated thing to do, ordered by the scorer."""

    category: str
    text: str
    severity: Severity
    codes: tuple[str, ...]
    reshoot: bool
    #: "eyes" or "voice" when this fix turns that answer from no to yes, else "".
    decides: str = ""
    #: The problem in plain words, from the check that found it (for headlines).
    problem: str = ""
    #: Its worst finding says there is nothing to see or hear at all.
    absent: bool = False
    #: What `tapecheck fix` changes to repair it (REPAIRS), "" when fix cannot.
    repair: str = ""

    def to_dict(self) -> dict:
        return {"category": self.category, "fix": self.text, "severity": self.severity.label,
                "codes": list(self.codes), "needs": "reshoot" if self.reshoot else "edit",
                "decides": self.decides or None, "repair": self.repair or None}


@dataclass(frozen=True)
class Verdict:
    can_see_eyes: bool
    can_hear_voice: bool
    score: int
    level: str  # ready | fix-first | unusable
    headline: str
    fixes: tuple[Fix, ...] = ()

    def to_dict(self) -> dict:
        return {"can_see_eyes": self.can_see_eyes, "can_hear_voice": self.can_hear_voice,
                "score": self.score, "level": self.level, "headline": self.headline,
                "fixes": [f.to_dict() for f in self.fixes]}


@dataclass(frozen=True)
class MediaSummary:
    container: str
    size_bytes: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    fps: float | None
    variable_fps: bool
    video_codec: str | None
    audio_codec: str | None
    audio_sample_rate: int | None
    audio_channels: int | None

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["duration_s"] = round(self.duration_s, 3)
        d["fps"] = None if self.fps is None else round(self.fps, 3)
        return d


@dataclass(frozen=True)
class FileError:
    code: str  # not-found, not-a-file, unreadable, not-media, no-video, decode-failed, timeout, ffmpeg-missing
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Segment:
    """One clip of a reel split into clips."""

    start_s: float
    end_s: float
    verdict: Verdict
    measures: tuple[tuple[str, float | None], ...]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict:
        return {"start_s": round(self.start_s, 2), "end_s": round(self.end_s, 2),
                "verdict": self.verdict.to_dict(),
                "measures": {k: _round(v) for k, v in self.measures},
                "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class Thumbnail:
    """A small JPEG of a telling moment, taken while measuring; reporters only embed it."""

    t_s: float
    label: str
    jpeg: bytes = field(repr=False)


@dataclass(frozen=True)
class Series:
    """A measure over time for the report's timeline (e.g. face visible, loudness)."""

    name: str
    unit: str
    t_s: tuple[float, ...]
    values: tuple[float | None, ...]
    #: The clip of a split reel it belongs to (1, 2, …), None for a whole tape.
    clip: int | None = None


@dataclass(frozen=True)
class FileReport:
    path: str
    status: str  # judged | error
    error: FileError | None = None
    media: MediaSummary | None = None
    verdict: Verdict | None = None
    measures: tuple[tuple[str, float | None], ...] = ()
    findings: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    check_errors: tuple[CheckError, ...] = ()
    segments: tuple[Segment, ...] = ()
    #: Not part of the JSON: for the HTML report (telling moments, the measures over time,
    #: and small pictures at regular times to show the moment of any finding).
    thumbnails: tuple[Thumbnail, ...] = ()
    series: tuple[Series, ...] = ()
    frames: tuple[Thumbnail, ...] = ()

    def worst(self) -> Severity | None:
        sevs = [f.severity for f in self.findings]
        for seg in self.segments:
            sevs.extend(f.severity for f in seg.findings)
        return max(sevs, default=None)

    def unchecked(self) -> tuple[list[Skipped], list[Skipped]]:
        """The checks that could not run: those that could have changed the verdict (the one
        count every report gives), and the rest."""
        if self.verdict is None:
            return [], list(self.skipped)
        could = [s for s in self.skipped if s.could_change(self.verdict)]
        return could, [s for s in self.skipped if s not in could]

    def exit_code(self, fail_on: Severity) -> int:
        if self.status != "judged" or self.check_errors:
            return 2
        worst = self.worst()
        return 1 if worst is not None and worst >= fail_on else 0

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error.to_dict() if self.error else None,
            "media": self.media.to_dict() if self.media else None,
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "measures": {k: _round(v) for k, v in self.measures},
            "findings": [f.to_dict() for f in self.findings],
            "skipped": [s.to_dict() for s in self.skipped],
            "check_errors": [e.to_dict() for e in self.check_errors],
            "segments": [s.to_dict() for s in self.segments],
        }


@dataclass(frozen=True)
class Report:
    files: tuple[FileReport, ...]
    tool_version: str
    #: The run's fail level, always given (settings.DEFAULT_FAIL_ON is the default).
    fail_on: Severity

    def exit_code(self) -> int:
        codes = [f.exit_code(self.fail_on) for f in self.files]
        if 2 in codes:
            return 2
        return max(codes, default=0)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "tapecheck", "version": self.tool_version},
            "files": [f.to_dict() for f in self.files],
        }


def _round(value: Any) -> Any:
    value = finite_or_none(value)
    if isinstance(value, float):
        return round(value, 4)
    return value
