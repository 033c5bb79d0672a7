"""What a plan holds, as data: the container facts it reads (`Facts`), the user's options
(`FixOptions`), each change (`Change`), the edit ffmpeg is told to make (`Edit`) and the whole
plan (`FixPlan`). No decisions here (plan.py, picture.py) and no ffmpeg (command.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import REPAIRS, Finding, Severity
from ..profiles import Profile
from .limits import CEILING_DBTP, HEAD_S, SYNC_TOLERANCE_MS, TAIL_S, TARGET_LUFS

#: The order changes are listed in (CONTRACT.md's vocabulary).
WHAT = REPAIRS
#: What `--also` may ask for beyond the findings: the repairs with a measure of their own to
#: act on when no check asked ("container": the picture re-encoded in the codec the profile
#: recommends). Channels, dc, size and name need a finding or an option of their own.
ALSO = ("loudness", "sync", "trim", "container", "rotation", "frame-rate")


@dataclass(frozen=True)
class Facts:
    """What the plan needs that the report does not carry (read by facts.py)."""

    video_index: int = 0
    audio_index: int | None = 1
    #: Start times from the container, s: ffmpeg counts every time from the file's start.
    format_start_s: float = 0.0
    audio_start_s: float | None = 0.0
    video_duration_s: float | None = None
    audio_duration_s: float | None = None
    #: Video keyframes, s from the file's start, ascending (at least up to a head cut).
    keyframes_s: tuple[float, ...] = (0.0,)
    #: 1 / the median interval between frames: the rate a variable-rate phone clip mostly
    #: runs at (it drops below it in dim light), None: unknown.
    common_fps: float | None = None
    #: Per-channel RMS and DC of the whole track, dBFS (ffmpeg astats), to pick a channel.
    channel_rms_dbfs: tuple[float, ...] = ()
    channel_dc_dbfs: tuple[float, ...] = ()
    #: Bitrate of the audio stream, bit/s (None: unknown).
    audio_bitrate_bps: float | None = None


@dataclass(frozen=True)
class FixOptions:
    target_lufs: float = TARGET_LUFS
    ceiling_dbtp: float = CEILING_DBTP
    head_s: float = HEAD_S
    tail_s: float = TAIL_S
    #: A size cap of the user's own (`--max-size`), bytes; the profile's applies as well.
    max_bytes: int | None = None
    profile: Profile | None = None
    #: Limits of the checks that decide a DC offset and a sync offset (the run's settings).
    max_dc_dbfs: float = -40.0
    sync_tolerance_ms: float = SYNC_TOLERANCE_MS
    #: Repairs (ALSO) made even where `check` reported nothing at warning or above.
    also: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """One thing the copy changes, in two registers as `check`'s findings: `plain`, what the
    actor reads by default, and `detail`, the engineer's sentence with the exact numbers
    (`-v`, JSON, the app's details). `measure` names where `before` came from and where the
    copy's `after` is read (a named measure, `size_bytes`, … of the media summary)."""

    what: str  # loudness sync trim channels dc container rotation frame-rate size name
    detail: str
    unit: str = ""
    before: float | str | None = None
    target: float | str | None = None
    after: float | str | None = None
    measure: str | None = None
    codes: tuple[str, ...] = ()
    plain: str = ""

    def to_dict(self) -> dict:
        return {"what": self.what, "before": _num(self.before), "after": _num(self.after),
                "target": _num(self.target), "unit": self.unit, "measure": self.measure,
                "codes": list(self.codes), "detail": self.detail,
                "plain": self.plain or self.detail}


@dataclass(frozen=True)
class Asked:
    """What the copy is to repair: the findings `check` reported at warning or above, by the
    repair their check declares (`repair=`), and the repairs `--also` adds. Anything else the
    plan could change is left alone and said so (`FixPlan.left_alone`)."""

    findings: tuple[Finding, ...] = ()
    also: frozenset[str] = frozenset()

    @classmethod
    def of(cls, findings, also=frozenset()) -> "Asked":
        return cls(tuple(f for f in findings if f.repair and f.severity >= Severity.WARNING),
                   frozenset(also))

    def __contains__(self, repair: str) -> bool:
        return repair in self.also or any(f.repair == repair for f in self.findings)

    def of_repair(self, repair: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.repair == repair)

    def codes(self, repair: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.code for f in self.of_repair(repair)))


@dataclass(frozen=True)
class Note:
    """Something worth knowing that is not a change, in the same two registers; `also` names
    the `--also` repair that would make it a change (what was left alone, and why)."""

    plain: str
    detail: str
    also: str = ""

    def to_dict(self) -> dict:
        return {"plain": self.plain, "detail": self.detail, "also": self.also or None}


@dataclass(frozen=True)
class Edit:
    """What command.py builds the ffmpeg commands from (times in s, the picture's timeline)."""

    video_index: int
    audio_index: int | None
    #: Head cut, s from the file's start; the copy's length (None: to the end).
    start_s: float = 0.0
    duration_s: float | None = None
    #: How far the copy's sound is ahead of where a player plays it now, s (the sync shift:
    #: + takes a late sound earlier). Times are on the player's timeline, as the measures'
    #: (the sound placed where its timestamps put it). Audio None: no audio stream; "copy":
    #: the sound as it is.
    audio: str | None = "copy"  # None | "copy" | "aac"
    audio_start_s: float = 0.0
    audio_channels: int = 2
    audio_kbps: int = 192
    sample_rate: int = 48000
    gain_db: float = 0.0
    #: Limit (dBTP) of the oversampled peak limiter; None: no limiter.
    limit_dbtp: float | None = None
    #: Channel (0 = left) copied to both sides (dual mono); None: the channels as they are.
    mono_from: int | None = None
    dc: bool = False
    video: str = "copy"  # "copy" | "crf" | "two-pass"
    video_hevc: bool = False  # a copied HEVC picture gets the hvc1 tag Apple players need
    video_kbps: int | None = None
    cfr_fps: float | None = None
    #: The picture's short side after scaling, px (None: its own size).
    short_side: int | None = None
    portrait: bool = False
    #: The copy's length, s: the sound is padded or cut to it (None: the sound is copied).
    length_s: float | None = None
    #: Where the input's sound ends on the player's timeline, s. A gap the shift leaves at the head or the tail is filled
    #: with the tape's own room tone — this much of the pause beside it, played alternately
    #: backwards and forwards so every join is continuous — rather than with digital silence,
    #: which sounds like the sound cutting out (0: silence).
    sound_s: float | None = None
    room_head_s: float = 0.0
    room_tail_s: float = 0.0


@dataclass
class Said:
    """What the planning steps say as they go: changes, notes, what they leave alone."""

    changes: list[Change] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    left_alone: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class FixPlan:
    input: str
    output: str
    changes: tuple[Change, ...]
    edit: Edit
    #: Things worth knowing that are not changes (a limiter, an HDR picture re-encoded, …).
    notes: tuple[Note, ...] = ()
    #: What the copy leaves as it is though it could change it, because `check` did not ask
    #: (nothing at warning or above) and `--also` did not either.
    left_alone: tuple[Note, ...] = ()
    #: Codes of findings editing cannot repair: the input's, until the copy is judged.
    needs_new_take: tuple[str, ...] = ()
    #: The size the copy must stay under, bytes (None: no cap).
    cap_bytes: int | None = None
    commands: tuple[tuple[str, ...], ...] = field(default=())


def _num(v):
    if isinstance(v, float):
        return round(v, 3) if math.isfinite(v) else None
    return v

