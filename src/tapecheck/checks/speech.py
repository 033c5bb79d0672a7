"""Speech and dead-air checks (A5xx): is there a voice, and does the tape start and end on it?"""

from __future__ import annotations

from ..model import Severity, Span
from .base import Hit, Param, Skip, check
from .media import is_silent
from .plainly import seconds as _seconds, share as _share, times as _times


def _silent(m) -> bool:
    """A track M002 calls silent at its default has no speech (and A501 names it)."""
    return is_silent(m["signal"].sample_peak_dbfs, m["r128"].integrated_lufs)


@check(code="A501", name="no-speech", category="speech", severity=Severity.ERROR,
       reads=("speech", "signal", "r128"), unit="s", absent=True, warns="below",
       words=("more than", "less than"),
       params=(Param(name="min_speech_s", default=1.0, unit="s", warns="below",
                     help="less speech than this is 'no speech'", min=0.1, max=60.0),),
       problem="the missing voice",
       fix="Check the microphone picked up your voice (not muted, not the wrong input) and "
           "record again.")
def no_speech(m, p):
    """No voice was found in the sound track.

    Speech is found by a learned voice detector (Silero VAD) whose voice must also stand out
    from the room (measures/speech.py): the corpus's noises, its music and a tape of room
    noise with distant voices give none. Under {min_speech_s} s of speech cannot be a read. A
    silent track (M002) has no speech either: it is reported here too, so the missing voice is
    named.
    Why casting cares: an audition without a voice cannot be judged.
    How to fix: check the mic input and that you are in range, and that you are close enough
    to be louder than the room.
    """
    s = m["speech"]
    if _silent(m):
        return Hit("No speech: the sound track is silent, {} of voice", measured=0.0,
                   threshold=p.min_speech_s, spans=(Span(0.0, s.duration_s),),
                   plain="There is no sound on the tape, so no voice.")
    if s.speech_s < p.min_speech_s:
        behind = s.activity.background_speech_s
        distant = behind > 0 and s.activity.foreground_db is not None
        why = (f"{behind:.1f} s of voices no louder than the room "
               f"({s.activity.foreground_db:+.1f} dB) are not taken for yours"
               if distant else "")
        return Hit("No speech found: {} of voice", measured=s.speech_s,
                   threshold=p.min_speech_s, spans=(Span(0.0, s.duration_s),), detail=why,
                   plain="No voice was found on the tape" + (
                       ": the voices heard are no louder than the room, too far from the "
                       "microphone to be yours." if distant else "."))


@check(code="A502", name="little-speech", category="speech", severity=Severity.WARNING,
       reads=("speech", "signal", "r128"), unit="%", warns="below",
       params=(Param(name="min_speech_percent", default=15.0, unit="%", warns="below",
                     help="share of the tape with speech below which it is a warning",
                     min=0.0, max=100.0),),
       problem="how little of the tape has speech",
       fix="Check the whole scene was recorded with sound and that your lines are audible.")
def little_speech(m, p):
    """Very little of the tape has speech (under {min_speech_percent} %).

    A self-tape is a read: even a scene with long reactions is mostly dialogue (the corpus
    talking-head clips run 44–97 %, GRID clips with their lead-in and tail 44–75 %). Under
    {min_speech_percent} % usually means the mic dropped out or the lines are too quiet to detect.
    Why casting cares: they may hear almost nothing of your read.
    How to fix: check the sound of the whole take before sending.
    """
    if _silent(m):
        raise Skip("the track is silent (M002 reports it)")
    s = m["speech"]
    pct = 100.0 * s.speech_ratio
    if s.speech_s >= no_speech.param("min_speech_s").default and pct < p.min_speech_percent:
        return Hit("Speech in {} of the tape", measured=pct, threshold=p.min_speech_percent,
                   plain=f"Only {_share(s.speech_ratio)} of the tape has speech: casting may "
                   "hear almost nothing of your read.")


@check(code="A503", name="long-lead-in", category="edit", severity=Severity.WARNING,
       reads=("dead_air",), unit="s", reshoot=False, words=("more than", "less than"),
       repair="trim",
       params=(Param(name="max_lead_in_s", default=3.0, unit="s", warns="above",
                     help="longest wait before the first word", min=0.5, max=60.0),),
       problem="the long wait before your first line",
       fix="Trim the start so your first line (or slate) comes within a second or two.")
def long_lead_in(m, p):
    """Long dead air before the first word.

    Why casting cares: casting guidance says start the slate or scene promptly; directors
    scrub past or stop a tape that opens on several seconds of nothing. {max_lead_in_s} s allows a
    breath and a beat before the first line (the GRID clips, like most takes, start speaking within
    0.3–0.5 s).
    How to fix: trim the head of the clip in any editor; no new take needed.
    """
    d = m["dead_air"]
    if d.leading_silence_s is None:
        raise Skip("no speech found")
    if d.leading_silence_s > p.max_lead_in_s:
        return Hit("{} before the first word", measured=d.leading_silence_s,
                   threshold=p.max_lead_in_s, spans=(Span(0.0, d.leading_silence_s),),
                   plain=f"The tape runs {_seconds(d.leading_silence_s)} before your first "
                   "word.")


@check(code="A504", name="long-tail", category="edit", severity=Severity.WARNING,
       reads=("dead_air",), unit="s", reshoot=False, words=("more than", "less than"),
       repair="trim",
       params=(Param(name="max_tail_s", default=5.0, unit="s", warns="above",
                     help="longest time after the last word", min=0.5, max=60.0),),
       problem="the dead air after your last line",
       fix="Trim the end: hold a beat after your last line, then cut.")
def long_tail(m, p):
    """Long dead air after the last word.

    Why casting cares: casting guidance asks actors to hold the moment for a beat after the
    last line; {max_tail_s} s allows that hold (2–3 s is usual) without the tape running on and on.
    How to fix: trim the tail; no new take needed.
    """
    d = m["dead_air"]
    if d.trailing_silence_s is None:
        raise Skip("no speech found")
    if d.trailing_silence_s > p.max_tail_s:
        end = d.duration_s
        return Hit("{} after the last word", measured=d.trailing_silence_s,
                   threshold=p.max_tail_s, spans=(Span(end - d.trailing_silence_s, end),),
                   plain=f"The tape runs on for {_seconds(d.trailing_silence_s)} after your "
                   "last word.")


@check(code="A505", name="audio-dropout", category="edit", severity=Severity.WARNING,
       reads=("dead_air",), unit="dropouts", words=("more than", "fewer than"),
       params=(Param(name="max_dropouts", default=0.0, unit="dropouts", warns="above",
                     help="more dropouts than this is a warning", min=0.0, max=100.0),),
       problem="the sound dropouts",
       fix="Record again: check the wireless mic's battery and range, and close other apps "
           "while recording.")
def audio_dropout(m, p):
    """The sound cuts out mid-take (falls to digital silence or far below the room's noise).

    A dropout is ≥ 100 ms at ≤ −100 dBFS or ≥ 35 dB under the tape's own noise floor, between
    the first and last sound (measures/deadair.py); a room never goes that quiet by itself.
    Why casting cares: a hole in a line sounds like a fault and may lose words.
    How to fix: a new take; wireless mics drop out at the edge of range or on low battery.
    """
    d = m["dead_air"]
    if not d.dropouts_judged:
        raise Skip("the pauses are digital silence already (noise gate): dropouts cannot be "
                   "told apart")
    if len(d.dropouts) > p.max_dropouts:
        total = sum(s.end_s - s.start_s for s in d.dropouts)
        return Hit("The sound cuts out: {}", measured=float(len(d.dropouts)),
                   threshold=p.max_dropouts, spans=tuple(d.dropouts[:20]),
                   detail=f"{total:.2f} s in all",
                   plain=f"The sound cuts out {_times(len(d.dropouts))}.")
