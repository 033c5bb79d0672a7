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
What it changes is what `check` asked for: the findings at warning or above whose check
declares a `repair=` (checks/base.py), plus `--also` and what an option asks (a size cap, a
name). Whatever else it could change (a sync offset casting would not notice, a voice inside
the accepted range) is left as it is, and the plan says so (`left_alone`, with the `--also`
that would change it). Every change and note is said twice: plainly, and with its numbers.

* sync — the audio moves by the measured offset only when the estimate is confident
  (`av_offset_ms` is null otherwise) and beyond the measurement's tolerance. Times are on the
  player's timeline (ingest/audio.py: a sound the container starts late is measured late),
  so an offset that lives only in the timestamps is fixed like one in the samples; the copy
  starts both streams at 0.
* trim — head and tail cut to a margin before the first and after the last speech, only
  where dead air is (never inside the take), at the end `check` found too long; a copied
  picture is cut at a keyframe at or before that point, so the margin can only grow — and
  when that keyframe is too far back (KEYFRAME_SLACK_S) the picture is re-encoded instead.
* channels — a dead, quiet or phase-inverted channel becomes dual mono from the louder one;
  DC is removed when found, or when the gain would lift it past the DC check's limit.
* picture — picture.py: copied whenever nothing forces a re-encode.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace

from ..checks.plainly import milliseconds, seconds
from ..model import FileReport, Severity
from .picture import picture as plan_picture, rotation, size
from .command import commands
from .edit import WHAT, Asked, Change, Edit, Facts, FixOptions, FixPlan, Note, Said
from .limits import (AAC_KBPS, GAP_SILENT_S, KEYFRAME_SLACK_S, LIMIT_MARGIN_DB, MIN_GAIN_DB,
                     MIN_TRIM_S, ROOM_MIN_S)


def make_plan(report: FileReport, facts: Facts, options: FixOptions, output: str,
              name_change: Change | None = None) -> FixPlan:
    """The plan for turning the judged `report`'s file into `output` (an MP4)."""
    m = dict(report.measures)
    media = report.media
    asked = Asked.of(report.findings, options.also)
    out = Said()
    has_audio = bool(media.audio_codec) and facts.audio_index is not None
    edit = Edit(video_index=facts.video_index, audio_index=facts.audio_index if has_audio else None,
                audio="copy" if has_audio else None,
                sample_rate=media.audio_sample_rate or 48000)
    if has_audio:
        edit = _channels(edit, media.audio_channels or 1, facts, asked, out)
        edit = _loudness(edit, m, facts, options, asked, out)
        edit = _dc(edit, facts, options, asked, out)
        edit = _sync(edit, m, facts, options, asked, out, report.findings)
        edit = _trim(edit, m, facts, options, asked, out)
    edit = plan_picture(edit, report, facts, options, asked, out)
    edit = _keyframes(edit, facts)
    if edit.audio == "copy" and (_audio_touched(edit) or media.audio_codec != "aac"):
        edit = replace(edit, audio="aac")
    if edit.audio == "aac":
        edit = replace(edit, audio_kbps=AAC_KBPS[edit.audio_channels])
    cap = _cap(options)
    edit = size(edit, report, facts, cap, options, asked, out)
    edit = rotation(edit, media, out)
    edit = _cut(edit, m, facts, options, asked, out)
    if edit.audio == "aac":
        edit = _gaps(edit, m, facts, media.duration_s)
    edit = replace(edit, video_hevc=edit.video == "copy" and media.video_codec == "hevc",
                   portrait=media.height > media.width)

    ext = os.path.splitext(report.path)[1].lower()
    if ext != ".mp4":  # the copy is an MP4 whatever was asked: the one type every site takes
        out.changes.append(Change(
            "container", f"written as MP4 (was {ext or 'no extension'}): the one file type "
            "every casting platform accepts", "", ext or None, ".mp4",
            codes=asked.codes("container"),
            plain="Saved as an MP4 file, the type every casting site accepts."))
    if name_change is not None:
        out.changes.append(replace(name_change, codes=asked.codes("name")))
    if edit.video != "copy":
        out.notes += [Note(f"The picture had to be saved again, and this stays as it was: "
                           f"{f.said}", f"{f.code} {f.name} carried into the re-encode as it "
                           f"is: {f.message}")
                      for f in report.findings if f.category == "media" and not f.reshoot
                      and not f.repair and f.severity >= Severity.WARNING]
    order = {w: i for i, w in enumerate(WHAT)}
    out.changes.sort(key=lambda c: order[c.what])
    plan = FixPlan(input=report.path, output=output, changes=tuple(out.changes), edit=edit,
                   notes=tuple(out.notes), left_alone=tuple(out.left_alone),
                   needs_new_take=needs_new_take(report.findings), cap_bytes=cap)
    return replace(plan, commands=commands(plan))


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


def _channels(edit: Edit, channels: int, facts: Facts, asked: Asked, out: Said) -> Edit:
    edit = replace(edit, audio_channels=min(max(channels, 1), 2))
    found = asked.of_repair("channels")
    if channels < 2 or not found:
        return edit
    rms = facts.channel_rms_dbfs
    louder = 0 if len(rms) < 2 or rms[0] >= rms[1] else 1
    f = found[0]
    out.changes.append(Change(
        "channels", f"dual mono from the {('left', 'right')[louder]} channel ({f.message})",
        f.unit, f.measured, 0.0, codes=asked.codes("channels"),
        plain="One side of the sound was faint or worked against the other: both sides now "
              "play the clear one."))
    return replace(edit, mono_from=louder)


def _mono_gain_db(edit: Edit, facts: Facts) -> float:
    """How much louder (BS.1770 sums the channels' power) dual mono from one channel is than
    the input's two channels."""
    rms = facts.channel_rms_dbfs
    if not isinstance(edit.mono_from, int) or len(rms) < 2:
        return 0.0
    p = [10 ** (r / 10.0) for r in rms[:2]]
    return _db(2.0 * p[edit.mono_from] / sum(p)) if sum(p) > 0 else 0.0


def _loudness(edit: Edit, m: dict, facts: Facts, options: FixOptions, asked: Asked,
              out: Said) -> Edit:
    speech = m.get("speech_lufs")
    peak = m.get("true_peak_dbtp")
    if speech is None:
        if "loudness" in asked:
            out.notes.append(Note("No speech was found, so your voice level is left as it is.",
                                  "speech_lufs not measured: no gain"))
        return edit
    shift = _mono_gain_db(edit, facts)
    gain = options.target_lufs - (speech + shift)
    if abs(gain) < MIN_GAIN_DB:
        gain = 0.0
    if gain and "loudness" not in asked:
        out.left_alone.append(Note(
            "Your voice level is within what casting accepts, so it is left as it is.",
            f"speech {speech:.1f} LUFS, {gain:+.1f} dB from the {options.target_lufs:g} LUFS "
            "aim: no loudness finding at warning or above, so no gain", also="loudness"))
        gain = 0.0
    peak_after = None if peak is None else peak + gain + shift
    limit = None
    if peak_after is not None and peak_after > options.ceiling_dbtp - LIMIT_MARGIN_DB and (
            gain or shift or "loudness" in asked):
        limit = options.ceiling_dbtp - LIMIT_MARGIN_DB
    # the reader is spoken of only when `check` heard one (reader_to_actor_db is measured)
    reader = m.get("reader_to_actor_db")
    if gain:
        stays = ("" if reader is None else
                 f"; the reader stays {abs(reader):.1f} dB {'below' if reader < 0 else 'above'}"
                 " you")
        why = "no limiter needed" if limit is None else "true-peak limiter on"
        louder = "raised it" if gain > 0 else "lowered it"
        out.changes.append(Change(
            "loudness", f"{gain:+.1f} dB linear gain on the whole track ({speech:.1f} → "
            f"{options.target_lufs:g} LUFS speech{stays}; {why})", "LUFS", speech,
            options.target_lufs, measure="speech_lufs", codes=asked.codes("loudness"),
            plain=f"Your voice was too {'quiet' if gain > 0 else 'loud'}: {louder} to the "
                  "level casting expects." + ("" if reader is None else
                                              " Your reader moved by the same amount, so they "
                                              "stay as far below you as before.")))
    if limit is not None:
        over = peak_after - limit
        out.changes.append(Change(
            "loudness", f"true-peak limiter at {limit:+.1f} dBTP: the "
            f"{'gained ' if gain else ''}peaks reach {peak_after:+.1f} dBTP, so the loudest "
            f"moments are held down by up to {over:.1f} dB", "dBTP", peak, options.ceiling_dbtp,
            measure="true_peak_dbtp",
            plain="The loudest moments are held down a little, so they do not distort."))
    return replace(edit, gain_db=round(gain, 2), limit_dbtp=limit)


def _dc(edit: Edit, facts: Facts, options: FixOptions, asked: Asked, out: Said) -> Edit:
    dc = max(facts.channel_dc_dbfs, default=-math.inf)
    lifted = dc + max(edit.gain_db, 0.0)
    found = asked.of_repair("dc")
    if not found and not (edit.gain_db > 0 and lifted > options.max_dc_dbfs):
        return edit  # not asked for, and no gain lifts it into a problem
    before = found[0].measured if found else dc
    why = "" if found else f" (the gain would lift it to {lifted:.0f} dBFS)"
    out.changes.append(Change(
        "dc", f"DC offset removed (20 Hz high-pass){why}", "dBFS", before, None,
        codes=asked.codes("dc"),
        plain="Removed a steady electrical offset from the sound, which clicks where it is "
              "cut."))
    return replace(edit, dc=True)


def _sync(edit: Edit, m: dict, facts: Facts, options: FixOptions, asked: Asked,
          out: Said, findings) -> Edit:
    """The sync shift (audio_start_s). `av_offset_ms` is what a player shows (+ = sound late),
    timestamps included, so the copy's sound moves by exactly that."""
    measured = m.get("av_offset_ms")
    # a sync finding no edit repairs is a drift: one shift would be right at one moment only
    drift = any(f.category == "sync" and not f.repair and f.severity >= Severity.WARNING
                for f in findings)
    if "sync" in asked and (drift or measured is None):
        out.notes.append(
            Note("The sound drifts out of step during the take: moving it would be right at "
                 "one moment only, so it is left as it is.",
                 "sync drift: not shifted (one offset fits one moment of a drift)")
            if drift else
            Note("The sync could not be measured surely enough to move the sound, so it is "
                 "left as it is.", "av_offset_ms not measured with confidence: not shifted"))
        return edit
    if drift or measured is None or abs(measured) <= options.sync_tolerance_ms:
        return edit
    late = measured > 0
    if "sync" not in asked:
        out.left_alone.append(Note(
            f"The sound comes {milliseconds(measured)} {'after' if late else 'before'} your "
            "lips: too little for casting to notice, so it is left as it is.",
            f"av_offset_ms {measured:+.0f} ms, beyond the {options.sync_tolerance_ms:g} ms "
            "tolerance but inside lip-sync-offset's limits: not shifted", also="sync"))
        return edit
    delay = _delay(facts)
    via = (f" (the file's timestamps start it {delay * 1000:.0f} ms after the picture)"
           if delay > 0.001 else "")
    out.changes.append(Change(
        "sync", f"sound moved {abs(measured):.0f} ms {'earlier' if late else 'later'}{via}",
        "ms", measured, 0.0, measure="av_offset_ms", codes=asked.codes("sync"),
        plain=f"The sound came {milliseconds(measured)} {'after' if late else 'before'} your "
              "lips: moved it so they match."))
    return replace(edit, audio_start_s=measured / 1000.0)


def _delay(facts: Facts) -> float:
    """How late the container starts the sound, s (players, and the measures, pad it)."""
    return max(0.0, (facts.audio_start_s or 0.0) - facts.format_start_s)


def _sound_end(facts: Facts, length: float) -> float:
    """Where the sound ends on the player's timeline, s."""
    return _delay(facts) + (facts.audio_duration_s or length)


def _ends(asked: Asked) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The codes asking to cut the head and the tail (None: that end was not asked for).
    A dead-air finding's span says which end its dead air is at."""
    found = asked.of_repair("trim")
    head = tuple(f.code for f in found if not f.spans or f.spans[0].start_s <= 0.0)
    tail = tuple(f.code for f in found if not f.spans or f.spans[0].start_s > 0.0)
    everything = "trim" in asked.also
    return (head if head or everything else None), (tail if tail or everything else None)


def _trim(edit: Edit, m: dict, facts: Facts, options: FixOptions, asked: Asked,
          out: Said) -> Edit:
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
    head, tail = _ends(asked)
    if start and head is None:
        out.left_alone.append(Note(
            f"You wait {seconds(lead)} before your first line: within what casting accepts, "
            "so it is kept.", f"leading_silence_s {lead:.2f} s: no long-lead-in finding "
            "at warning or above, not cut", also="trim"))
        start = 0.0
    if end < length and tail is None:
        out.left_alone.append(Note(
            f"The tape runs on {seconds(trail)} after your last line: within what casting "
            "accepts, so it is kept.", f"trailing_silence_s {trail:.2f} s: no long-tail finding at "
            "warning or above, not cut", also="trim"))
        end = length
    if start == 0.0 and end >= length:
        return edit
    return replace(edit, start_s=start, duration_s=end - start if end < length else None)


def _snap(edit: Edit, facts: Facts) -> float:
    """The keyframe at or before the head cut: where a copied picture can start."""
    return max((k for k in facts.keyframes_s if k <= edit.start_s + 1e-6), default=0.0)


def _keyframes(edit: Edit, facts: Facts) -> Edit:
    """A head cut whose keyframe lies too far back would keep most of the wait (keyframes
    10 s apart are common in editors' exports): the picture is re-encoded, to cut there."""
    if edit.start_s and edit.video == "copy" and \
            edit.start_s - _snap(edit, facts) > KEYFRAME_SLACK_S:
        return replace(edit, video="crf")
    return edit


def _cut(edit: Edit, m: dict, facts: Facts, options: FixOptions, asked: Asked,
         out: Said) -> Edit:
    """Settle the cut: a copied picture can only start on a keyframe, so its head cut moves
    back to the keyframe at or before the planned one (the margin grows, never shrinks)."""
    length = facts.video_duration_s or 0.0
    start, end = edit.start_s, (edit.start_s + edit.duration_s if edit.duration_s is not None
                                else length)
    keyframe = _snap(edit, facts)
    if start and edit.video == "copy":
        start = keyframe if keyframe >= MIN_TRIM_S else 0.0
    if not start and end >= length:
        return replace(edit, start_s=0.0, duration_s=None)
    head, tail = _ends(asked)
    if start:
        lead = m["leading_silence_s"]
        kept = lead - edit.audio_start_s - start
        crf = " at x264 CRF 18" if edit.video == "crf" else ""
        how = (" (at the keyframe before it: the picture is copied)" if edit.video == "copy"
               else f" (the picture re-encoded{crf} to cut there: the keyframe before it is "
                    f"{edit.start_s - keyframe:.1f} s earlier)"
               if edit.start_s - keyframe > KEYFRAME_SLACK_S else "")
        out.changes.append(Change(
            "trim", f"{start:.2f} s of dead air cut from the start, {kept:.1f} s kept before "
            f"the first line{how}", "s", lead, round(kept, 2), measure="leading_silence_s",
            codes=head or (),
            plain=f"Cut {seconds(start)} of waiting at the start: your first line now comes "
                  f"after {seconds(kept)}." + (" The picture was saved again to cut exactly "
                                              "there, at a quality you will not see differ."
                                              if how.startswith(" (the picture re") else "")))
    if end < length:
        out.changes.append(Change(
            "trim", f"{length - end:.2f} s of dead air cut from the end, {options.tail_s:g} s "
            "kept after the last line", "s", m["trailing_silence_s"], options.tail_s,
            measure="trailing_silence_s", codes=tail or (),
            plain=f"Cut {seconds(length - end)} of dead air at the end, keeping "
                  f"{seconds(options.tail_s)} after your last line."))
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

