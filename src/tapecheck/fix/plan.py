"""Planning the submission-ready copy: a pure function from the judged tape to a `FixPlan`.

A plan is data: the changes (what, the number before, the number aimed for, in words) and
the `Edit` that command.py turns into ffmpeg commands. It reads the input's `FileReport`
(named measures, findings, media facts), the container timing the report does not carry
(`Facts`, read by facts.py) and the user's `FixOptions`; nothing here runs ffmpeg, so
`--dry-run` and the unit tests see exactly what a fix would do.

What it decides, and why (each number's source is beside its constant):
* loudness — one linear gain so the speech (`speech_lufs`, BS.1770-4 gated over speech only)
  lands on the target. The gain is global, so the reader stays as far below the actor as
  before; a true-peak limiter is added only when the gained peaks would pass the ceiling.
* sync — the audio moves by the measured offset only when the estimate is confident
  (`av_offset_ms` is null otherwise) and beyond the measurement's tolerance. Times are on the
  player's timeline (ingest/audio.py: a sound the container starts late is measured late),
  so an offset that lives only in the timestamps is fixed like one in the samples; the copy
  starts both streams at 0.
* trim — head and tail cut to a margin before the first and after the last speech, only
  where dead air is (never inside the take); a copied picture is cut at a keyframe at or
  before that point, so the margin can only grow.
* channels — a dead or quiet channel (A401) becomes dual mono from the louder one; channels
  in opposite phase (A402) become dual mono from one of them; DC is removed when present or
  when the gain would lift it past A403's limit.
* picture — copied whenever nothing forces a re-encode: a codec MP4 cannot carry or the
  profile does not recommend, rotation to bake in, variable frame rate, or a size cap the
  copy would exceed (then a two-pass encode at the bitrate that fits).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace

from ..model import FileReport, Finding, Severity
from ..profiles import Profile

#: Speech loudness aimed for, LUFS: inside AES TD1004's −16…−20 LUFS for speech-led online
#: content and the recommended −23…−16 band of A103 (checks/loudness.py).
TARGET_LUFS = -20.0
#: True-peak ceiling, dBTP: EBU R128 and AES TD1008 (lossy re-encoding overshoots above it).
CEILING_DBTP = -1.0
#: The limiter sits this far under the ceiling, for what the AAC encode adds: measured here
#: with 8 dB of gain into the limiter on eight sample tapes, the copy's true peak was within
#: 0.1 dB of the limit at AAC_KBPS (but up to 5 dB over it at 96 kb/s mono, hence the rates).
LIMIT_MARGIN_DB = 0.7
#: A gain smaller than this is not worth a new generation of the sound: it is inside the
#: ±0.5 LU the fix promises and under loudness's just-noticeable difference (≈ 1 dB).
MIN_GAIN_DB = 0.5
#: Offsets within this are left alone: the sync measure's own tolerance (X102, 40 ms: every
#: confident estimate on the studio-synchronised GRID clips was within ±30 ms).
SYNC_TOLERANCE_MS = 40.0
#: Kept before the first line and after the last, s. The head is short (casting guidance:
#: start promptly; A503 warns past 3 s); the tail keeps a beat, because casting watch the
#: final moment (A504 allows 5 s; 2–3 s is usual).
HEAD_S = 0.5
TAIL_S = 1.0
#: Less dead air than this is not worth a cut.
MIN_TRIM_S = 0.5
#: Gaps in the sound up to this long are padded with silence (inaudible); longer ones get
#: room tone from a pause of at least ROOM_MIN_S beside them (ending this far from speech).
GAP_SILENT_S = 0.05
ROOM_MIN_S = 0.1
#: x264 quality when the picture must be re-encoded without a size cap: "consider 18 to be
#: visually lossless or nearly so" (FFmpeg's H.264 encoding guide, trac.ffmpeg.org/wiki/Encode/H.264).
CRF = 18
PRESET = "medium"  # x264's default: the usual balance of speed and compression
#: A capped file aims this far under the cap, for MP4's overhead and x264's two-pass average,
#: which lands within a few % of its target on tapes minutes long (a few-second tape can
#: overshoot more: run.py then encodes once more at a bitrate scaled by the overshoot).
SIZE_MARGIN = 0.05
#: AAC bitrate by channel count, kb/s: above the FFmpeg AAC guide's rule of thumb for
#: audible transparency (64 kb/s a channel, for libfdk_aac; ffmpeg's native encoder needs
#: more), and where the limited peaks stay put (LIMIT_MARGIN_DB).
AAC_KBPS = {1: 128, 2: 192}
#: Picture fidelity a re-encode must keep (x264's SSIM of the luma against its input): 0.95
#: is the lower edge of "good" (MOS 4) in the SSIM→MOS table used in video QoE work
#: (Zinner et al., "Impact of frame rate and resolution on objective QoE metrics", QoMEX
#: 2010: ≥ 0.99 excellent, 0.95–0.99 good, 0.88–0.95 fair).
MIN_SSIM = 0.95
#: Below this video bitrate a cap is left unmet rather than met with a picture that falls
#: apart: it is about the lowest rung streaming services offer at all (Apple's HLS Authoring
#: Specification: 145 kb/s H.264 at 416×234).
MIN_VIDEO_KBPS = 150
#: Video codecs an MP4 carries and the platforms take (HEVC is what iPhones record; Backstage
#: lists .hevc); others are re-encoded, and so is HEVC under a profile recommending H.264.
MP4_VIDEO = frozenset({"h264", "hevc"})
#: Frame rates a variable-rate tape is made constant at (the nearest within 5 %).
STANDARD_FPS = (23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0)


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


@dataclass(frozen=True)
class Change:
    """One thing the copy changes. `measure` names where `before` came from and where the
    copy's `after` is read (a named measure, `size_bytes`, … of the media summary)."""

    what: str  # loudness sync trim channels dc container rotation frame-rate size name
    detail: str
    unit: str = ""
    before: float | str | None = None
    target: float | str | None = None
    after: float | str | None = None
    measure: str | None = None
    codes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"what": self.what, "before": _num(self.before), "after": _num(self.after),
                "target": _num(self.target), "unit": self.unit, "measure": self.measure,
                "codes": list(self.codes), "detail": self.detail}


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


@dataclass(frozen=True)
class FixPlan:
    input: str
    output: str
    changes: tuple[Change, ...]
    edit: Edit
    #: Things worth knowing that are not changes (drift left alone, a limiter, …).
    notes: tuple[str, ...] = ()
    #: Codes of findings editing cannot repair: the input's, until the copy is judged.
    needs_new_take: tuple[str, ...] = ()
    #: The size the copy must stay under, bytes (None: no cap).
    cap_bytes: int | None = None
    commands: tuple[tuple[str, ...], ...] = field(default=())


def make_plan(report: FileReport, facts: Facts, options: FixOptions, output: str,
              name_change: Change | None = None) -> FixPlan:
    """The plan for turning the judged `report`'s file into `output` (an MP4)."""
    m = dict(report.measures)
    media = report.media
    found = {f.code: f for f in report.findings}
    changes: list[Change] = []
    notes: list[str] = []
    has_audio = bool(media.audio_codec) and facts.audio_index is not None
    edit = Edit(video_index=facts.video_index, audio_index=facts.audio_index if has_audio else None,
                audio="copy" if has_audio else None,
                sample_rate=media.audio_sample_rate or 48000)
    if has_audio:
        edit = _channels(edit, media.audio_channels or 1, facts, found, changes)
        edit = _loudness(edit, m, facts, options, found, changes, notes)
        edit = _dc(edit, facts, options, found, changes)
        edit = _sync(edit, m, facts, options, found, changes, notes)
        edit = _trim(edit, m, facts, options)
    edit = _picture(edit, report, facts, options, found, changes)
    if edit.audio == "copy" and (_audio_touched(edit) or media.audio_codec != "aac"):
        edit = replace(edit, audio="aac")
    if edit.audio == "aac":
        edit = replace(edit, audio_kbps=AAC_KBPS[edit.audio_channels])
    cap = _cap(options)
    edit = _size(edit, report, facts, cap, options, found, changes, notes)
    edit = _cut(edit, m, facts, options, found, changes)
    if edit.audio == "aac":
        edit = _gaps(edit, m, facts, media.duration_s)
    edit = replace(edit, video_hevc=edit.video == "copy" and media.video_codec == "hevc",
                   portrait=media.height > media.width)

    ext = os.path.splitext(report.path)[1].lower()
    if ext != ".mp4":
        changes.append(Change("container", f"written as MP4 (was {ext or 'no extension'}): "
                              "the one file type every casting platform accepts", "",
                              ext or None, ".mp4", codes=("P101",) if "P101" in found else ()))
    if name_change is not None:
        changes.append(replace(name_change, codes=("P104",) if "P104" in found else ()))
    notes.extend(why for code, why in _LEFT_ALONE.items() if code in found)
    if "M005" in found and edit.video != "copy":
        notes.append("The HDR picture had to be re-encoded as 8-bit H.264 without tone "
                     "mapping: its colours may look flat; exporting SDR from your editor "
                     "first avoids that.")
    order = {w: i for i, w in enumerate(WHAT)}
    changes.sort(key=lambda c: order[c.what])
    plan = FixPlan(input=report.path, output=output, changes=tuple(changes), edit=edit,
                   notes=tuple(notes), needs_new_take=needs_new_take(report.findings),
                   cap_bytes=cap)
    from .command import commands

    return replace(plan, commands=commands(plan))


#: The order changes are listed in (CONTRACT.md's vocabulary).
WHAT = ("loudness", "sync", "trim", "channels", "dc", "container", "rotation", "frame-rate",
        "size", "name")

#: Findings editing could address but this fix deliberately does not, and why.
_LEFT_ALONE = {
    "X103": "The sound drifts out of sync during the take (X103): reported, not corrected — "
            "a drift needs the offset at every moment, and stretching the sound on two "
            "estimates would be a guess; nor is the sound shifted, which would be right at "
            "one moment only.",
    "M005": "HDR video (M005) is left as it is: converting it to standard range changes "
            "the picture's look and is better done in an editor that shows the result.",
    "V501": "Black frames (V501) are not cut: they may be inside the take.",
}


def needs_new_take(findings) -> tuple[str, ...]:
    """Codes of warning-or-worse findings that only a new take repairs."""
    return tuple(dict.fromkeys(f.code for f in findings
                               if f.reshoot and f.severity >= Severity.WARNING))


def _num(v):
    if isinstance(v, float):
        return round(v, 3) if math.isfinite(v) else None
    return v


def _cap(options: FixOptions) -> int | None:
    prof = options.profile
    caps = [options.max_bytes]
    if prof is not None:
        caps += [prof.max_bytes, prof.soft_max_bytes]
    caps = [c for c in caps if c]
    return min(caps) if caps else None


def _db(x: float) -> float:
    return 10.0 * math.log10(x) if x > 0 else -math.inf


def _channels(edit: Edit, channels: int, facts: Facts, found: dict[str, Finding],
              changes: list[Change]) -> Edit:
    edit = replace(edit, audio_channels=min(max(channels, 1), 2))
    if channels < 2 or not ({"A401", "A402"} & set(found)):
        return edit
    rms = facts.channel_rms_dbfs
    louder = 0 if len(rms) < 2 or rms[0] >= rms[1] else 1
    side = ("left", "right")[louder]
    if "A402" in found:
        f = found["A402"]
        changes.append(Change("channels", f"dual mono from the {side} channel: the two sides "
                              f"were in opposite phase (the voice lost {f.measured:.1f} dB "
                              "in mono)", "dB", f.measured, 0.0, codes=("A402",)))
    else:
        f = found["A401"]
        changes.append(Change("channels", f"dual mono from the {side} channel (the other was "
                              f"{f.measured:.1f} dB quieter)", "dB", f.measured, 0.0,
                              measure="channel_imbalance_db", codes=("A401",)))
    return replace(edit, mono_from=louder)


def _mono_gain_db(edit: Edit, facts: Facts) -> float:
    """How much louder (BS.1770 sums the channels' power) dual mono from one channel is than
    the input's two channels."""
    rms = facts.channel_rms_dbfs
    if not isinstance(edit.mono_from, int) or len(rms) < 2:
        return 0.0
    p = [10 ** (r / 10.0) for r in rms[:2]]
    return _db(2.0 * p[edit.mono_from] / sum(p)) if sum(p) > 0 else 0.0


def _loudness(edit: Edit, m: dict, facts: Facts, options: FixOptions,
              found: dict[str, Finding], changes: list[Change], notes: list[str]) -> Edit:
    speech = m.get("speech_lufs")
    peak = m.get("true_peak_dbtp")
    if speech is None:
        if {"A101", "A102", "A103"} & set(found):
            notes.append("No speech was measured, so the level is left as it is.")
        return edit
    shift = _mono_gain_db(edit, facts)
    gain = options.target_lufs - (speech + shift)
    if abs(gain) < MIN_GAIN_DB:
        gain = 0.0
    codes = tuple(c for c in ("A101", "A102", "A103") if c in found)
    peak_after = None if peak is None else peak + gain + shift
    limit = None
    if peak_after is not None and peak_after > options.ceiling_dbtp - LIMIT_MARGIN_DB:
        limit = options.ceiling_dbtp - LIMIT_MARGIN_DB
    if gain:
        why = "no limiter needed" if limit is None else "true-peak limiter on"
        changes.append(Change("loudness", f"{gain:+.1f} dB linear gain on the whole track "
                              f"(the reader keeps the same distance below you; {why})",
                              "LUFS", speech, options.target_lufs, measure="speech_lufs",
                              codes=codes))
    if limit is not None:
        over = peak_after - limit
        changes.append(Change("loudness", f"true-peak limiter at {limit:+.1f} dBTP: the "
                              f"{'gained ' if gain else ''}peaks reach {peak_after:+.1f} dBTP, "
                              f"so the loudest moments are held down by up to {over:.1f} dB",
                              "dBTP", peak, options.ceiling_dbtp, measure="true_peak_dbtp",
                              codes=("A104",) if "A104" in found else ()))
        notes.append(f"A limiter was needed: the peaks would reach {peak_after:+.1f} dBTP; "
                     f"it holds them at {limit:+.1f} dBTP (the speech level is set by the "
                     "gain; only the loudest moments are touched).")
    return replace(edit, gain_db=round(gain, 2), limit_dbtp=limit)


def _dc(edit: Edit, facts: Facts, options: FixOptions, found: dict[str, Finding],
        changes: list[Change]) -> Edit:
    dc = max(facts.channel_dc_dbfs, default=-math.inf)
    lifted = dc + max(edit.gain_db, 0.0)
    if "A403" not in found and lifted <= options.max_dc_dbfs:
        return edit
    before = found["A403"].measured if "A403" in found else dc
    why = "" if "A403" in found else f" (the gain would lift it to {lifted:.0f} dBFS)"
    changes.append(Change("dc", f"DC offset removed (20 Hz high-pass){why}", "dBFS", before,
                          None, codes=("A403",) if "A403" in found else ()))
    return replace(edit, dc=True)


def _sync(edit: Edit, m: dict, facts: Facts, options: FixOptions, found: dict[str, Finding],
          changes: list[Change], notes: list[str]) -> Edit:
    """The sync shift (audio_start_s). `av_offset_ms` is what a player shows (+ = sound late),
    timestamps included, so the copy's sound moves by exactly that."""
    measured = m.get("av_offset_ms")
    if "X103" in found:
        measured = None  # drifting: one shift would be right at one moment only
    if measured is None:
        if "X103" not in found and "X102" in found:
            notes.append("The sound's sync could not be measured with confidence, so it is "
                         "kept as players show it now.")
        return edit
    if abs(measured) <= options.sync_tolerance_ms:
        return edit
    where = "earlier" if measured > 0 else "later"
    delay = _delay(facts)
    via = (f" (the file's timestamps start it {delay * 1000:.0f} ms after the picture)"
           if delay > 0.001 else "")
    changes.append(Change("sync", f"sound moved {abs(measured):.0f} ms {where}{via}", "ms",
                          measured, 0.0, measure="av_offset_ms",
                          codes=("X102",) if "X102" in found else ()))
    return replace(edit, audio_start_s=measured / 1000.0)


def _delay(facts: Facts) -> float:
    """How late the container starts the sound, s (players, and the measures, pad it)."""
    return max(0.0, (facts.audio_start_s or 0.0) - facts.format_start_s)


def _sound_end(facts: Facts, length: float) -> float:
    """Where the sound ends on the player's timeline, s."""
    return _delay(facts) + (facts.audio_duration_s or length)


def _trim(edit: Edit, m: dict, facts: Facts, options: FixOptions) -> Edit:
    """Where dead air ends would be cut. Speech times are the sound's (from its first sample);
    they move onto the picture's timeline by where the copy's sound starts."""
    lead, trail = m.get("leading_silence_s"), m.get("trailing_silence_s")
    length = facts.video_duration_s
    if lead is None or trail is None or not length:
        return edit
    first = lead - edit.audio_start_s
    last = _sound_end(facts, length) - trail - edit.audio_start_s
    start = first - options.head_s if first - options.head_s >= MIN_TRIM_S else 0.0
    end = last + options.tail_s if length - (last + options.tail_s) >= MIN_TRIM_S else length
    if start == 0.0 and end >= length:
        return edit
    return replace(edit, start_s=start, duration_s=end - start if end < length else None)


def _cut(edit: Edit, m: dict, facts: Facts, options: FixOptions, found: dict[str, Finding],
         changes: list[Change]) -> Edit:
    """Settle the cut: a copied picture can only start on a keyframe, so its head cut moves
    back to the keyframe at or before the planned one (the margin grows, never shrinks)."""
    length = facts.video_duration_s or 0.0
    start, end = edit.start_s, (edit.start_s + edit.duration_s if edit.duration_s is not None
                                else length)
    if start and edit.video == "copy":
        start = max((k for k in facts.keyframes_s if k <= start + 1e-6), default=0.0)
        if start < MIN_TRIM_S:
            start = 0.0
    if not start and end >= length:
        return replace(edit, start_s=0.0, duration_s=None)
    codes = tuple(c for c in ("A503", "A504") if c in found)
    if start:
        kept = m["leading_silence_s"] - edit.audio_start_s - start
        snapped = " (at the keyframe before it: the picture is copied)" if (
            edit.video == "copy") else ""
        changes.append(Change("trim", f"{start:.2f} s of dead air cut from the start, "
                              f"{kept:.1f} s kept before the first line{snapped}", "s",
                              m["leading_silence_s"], round(kept, 2), measure="leading_silence_s",
                              codes=tuple(c for c in codes if c == "A503")))
    if end < length:
        changes.append(Change("trim", f"{length - end:.2f} s of dead air cut from the end, "
                              f"{options.tail_s:g} s kept after the last line", "s",
                              m["trailing_silence_s"], options.tail_s,
                              measure="trailing_silence_s",
                              codes=tuple(c for c in codes if c == "A504")))
    return replace(edit, start_s=start, duration_s=end - start if end < length else None)


def _gaps(edit: Edit, m: dict, facts: Facts, duration_s: float) -> Edit:
    """The copy's sound runs exactly the picture's length; a gap the shift leaves is filled
    with room tone from the pause beside it, when there is a pause of at least ROOM_MIN_S
    (at the head only when the container adds no silence of its own there)."""
    whole = facts.video_duration_s or duration_s
    length = edit.duration_s if edit.duration_s is not None else max(0.0, whole - edit.start_s)
    sound = _sound_end(facts, whole)
    shift = edit.start_s + edit.audio_start_s
    head = max(0.0, -shift)
    tail = length - head - (sound - max(shift, 0.0))

    def room(gap: float, pause: float | None) -> float:
        if gap <= GAP_SILENT_S or pause is None or pause - GAP_SILENT_S < ROOM_MIN_S:
            return 0.0
        return round(min(gap, pause - GAP_SILENT_S), 6)

    lead = m.get("leading_silence_s") if _delay(facts) <= 0.001 else None
    return replace(edit, length_s=length, sound_s=sound, room_head_s=room(head, lead),
                   room_tail_s=room(tail, m.get("trailing_silence_s")))


def _picture(edit: Edit, report: FileReport, facts: Facts, options: FixOptions,
             found: dict[str, Finding], changes: list[Change]) -> Edit:
    media = report.media
    encode = False
    prof = options.profile
    if media.video_codec not in MP4_VIDEO or (
            prof is not None and prof.video_codecs and media.video_codec not in prof.video_codecs):
        encode = True
        changes.append(Change("container", f"{media.video_codec} video re-encoded as H.264 "
                              "(what every casting player decodes)", "", media.video_codec,
                              "h264", measure="video_codec",
                              codes=("P106",) if "P106" in found else ()))
    if media.rotation_deg:
        encode = True
        changes.append(Change("rotation", f"the {media.rotation_deg}° turn players apply is "
                              "applied to the picture itself, so every player shows it "
                              "upright", "°", media.rotation_deg, 0, measure="rotation_deg"))
    fps = None
    if media.variable_fps:
        fps = _standard_fps(facts.common_fps or media.fps)
        encode = True
        changes.append(Change("frame-rate", f"variable frame rate made constant at "
                              f"{fps:g} fps (the rate it mostly runs at: frames are repeated "
                              "where it ran slower, so the sound stays in sync)", "fps",
                              "variable", fps, measure="fps",
                              codes=("M004",) if "M004" in found else ()))
    return replace(edit, video="crf", cfr_fps=fps) if encode else edit


def _standard_fps(fps: float | None) -> float:
    if not fps:
        return 30.0
    best = min(STANDARD_FPS, key=lambda s: abs(s - fps))
    return best if abs(best - fps) <= 0.05 * fps else round(fps, 3)


def _audio_touched(edit: Edit) -> bool:
    return bool(edit.gain_db or edit.limit_dbtp is not None or edit.mono_from is not None
                or edit.dc or abs(edit.audio_start_s) > 0.0005 or edit.start_s
                or edit.duration_s is not None)


def _size(edit: Edit, report: FileReport, facts: Facts, cap: int | None, options: FixOptions,
          found: dict[str, Finding], changes: list[Change], notes: list[str]) -> Edit:
    """Under a cap, the picture is copied when the copy fits with the margin to spare, else
    encoded in two passes at the bitrate that fits (never above the source's own)."""
    if cap is None:
        return edit
    media = report.media
    whole = facts.video_duration_s or media.duration_s
    length = edit.duration_s if edit.duration_s is not None else max(0.0, whole - edit.start_s)
    audio_bps = (edit.audio_kbps * 1000.0 if edit.audio == "aac"
                 else facts.audio_bitrate_bps or 0.0 if edit.audio == "copy" else 0.0)
    budget = cap * (1.0 - SIZE_MARGIN)
    source_bps = max(media.size_bytes * 8.0 / max(media.duration_s, 1e-3)
                     - (facts.audio_bitrate_bps or 0.0), 1000.0)
    if edit.video == "copy" and (source_bps + audio_bps) * length / 8.0 <= budget:
        return edit
    fit = budget * 8.0 / max(length, 1e-3) - audio_bps
    kbps = int(min(fit, source_bps) // 1000)
    if kbps < MIN_VIDEO_KBPS:
        notes.append(f"The size cap of {cap / 1e6:g} MB leaves {max(kbps, 0)} kb/s for "
                     f"{length:.0f} s of picture, under the {MIN_VIDEO_KBPS} kb/s a watchable "
                     "picture needs: the size is left as it is.")
        return edit
    prof = options.profile
    if options.max_bytes == cap:
        whose = "your --max-size"
    elif prof is not None and prof.soft_max_bytes == cap:
        whose = f"{prof.title}'s recommended size"
    else:
        whose = f"{prof.title}'s limit" if prof is not None else "the cap"
    codes = tuple(c for c in ("P102", "P103") if c in found)
    changes.append(Change("size", _size_detail(kbps, whose, cap), "bytes", media.size_bytes,
                          int(budget), measure="size_bytes", codes=codes))
    return replace(edit, video="two-pass", video_kbps=kbps)


def _size_detail(kbps: int, whose: str, cap: int) -> str:
    return (f"picture encoded as H.264 in two passes at {kbps} kb/s to fit {whose} "
            f"({cap / 1e6:g} MB) with {SIZE_MARGIN:.0%} to spare")


#: Short sides a capped picture steps down to when its fidelity falls short at full size:
#: casting watch in a browser player, which shows 1080p or less; 720p is the floor M007
#: (low-resolution) accepts.
SCALE_STEPS = (1080, 720)


def downscale(plan: FixPlan, ssim: float, short_side: int) -> FixPlan | None:
    """The plan again with the picture one step smaller, when a capped encode kept too
    little of it (SSIM under MIN_SSIM): fewer pixels at the same bitrate keep more of each.
    None when there is no smaller step. SSIM is then measured against the scaled picture."""
    now = plan.edit.short_side or short_side
    step = next((h for h in SCALE_STEPS if h < now), None)
    if step is None or plan.edit.video != "two-pass":
        return None
    note = (f"At {now}p the capped encode kept SSIM {ssim:.3f} (under {MIN_SSIM}): the picture "
            f"is scaled to {step}p, and its fidelity is measured against the scaled picture.")
    plan = replace(plan, edit=replace(plan.edit, short_side=step), notes=plan.notes + (note,))
    from .command import commands

    return replace(plan, commands=commands(plan))


def refit(plan: FixPlan, size_bytes: int) -> FixPlan:
    """The plan again at a bitrate scaled down by how far a capped copy overshot its cap
    (x264's two-pass average can miss on short or very uneven tapes)."""
    kbps = int(plan.edit.video_kbps * plan.cap_bytes * (1.0 - SIZE_MARGIN) / size_bytes)
    old = f"at {plan.edit.video_kbps} kb/s"
    changes = tuple(replace(c, detail=c.detail.replace(old, f"at {kbps} kb/s (a first "
                                                       f"encode at {plan.edit.video_kbps} "
                                                       f"kb/s came out {size_bytes:,} bytes)"))
                    if c.what == "size" else c for c in plan.changes)
    plan = replace(plan, edit=replace(plan.edit, video_kbps=kbps), changes=changes)
    from .command import commands

    return replace(plan, commands=commands(plan))
