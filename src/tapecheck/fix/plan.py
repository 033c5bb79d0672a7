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
from dataclasses import replace

from ..model import FileReport, Finding, Severity
from .command import commands
from .edit import WHAT, Change, Edit, Facts, FixOptions, FixPlan
from .limits import (AAC_KBPS, GAP_SILENT_S, LIMIT_MARGIN_DB, MIN_GAIN_DB, MIN_TRIM_S,
                     ROOM_MIN_S)
from . import picture


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
    edit = picture.picture(edit, report, facts, options, found, changes)
    if edit.audio == "copy" and (_audio_touched(edit) or media.audio_codec != "aac"):
        edit = replace(edit, audio="aac")
    if edit.audio == "aac":
        edit = replace(edit, audio_kbps=AAC_KBPS[edit.audio_channels])
    cap = _cap(options)
    edit = picture.size(edit, report, facts, cap, options, found, changes, notes)
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
    return replace(plan, commands=commands(plan))



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


def _audio_touched(edit: Edit) -> bool:
    return bool(edit.gain_db or edit.limit_dbtp is not None or edit.mono_from is not None
                or edit.dc or abs(edit.audio_start_s) > 0.0005 or edit.start_s
                or edit.duration_s is not None)

