"""Cross-modal checks (X1xx): picture and sound together — the reader's level and lip sync.

Sources:
* Casting guidance on the reader: Erica Sbream Casting, "Self-Tape Tips Part 3: Sound"
  (ericasbreamcasting.com) — "Your reader is 20x louder than you. This is the MOST common sound
  problem we see in self-tapes", and sound out of sync "is the #1 thing that will make us turn
  off a self-tape"; Acting Coach Scotland, "Do I need a reader for my self tape?" — the reader
  stands by the camera, so "closer to the microphone than you are", and "should purposefully
  keep their volume lower … audible to the CD, but not dominating the audio". Neither gives a
  number; see X101 for ours.
* Lip sync: ITU-R BT.1359-1 (1998), "Relative timing of sound and vision for broadcasting":
  viewers *detect* sound more than about 45 ms before the picture or 125 ms after it, and find
  it *unacceptable* beyond 90 ms early / 185 ms late. EBU R37 (2007) allows a broadcast chain
  only 40 ms early / 60 ms late so that the end-to-end result stays inside BT.1359's window.
  Sign: BT.1359 counts sound *advanced* as positive; tapecheck's `av_offset_ms` counts sound
  *late* as positive (CONTRACT.md) — so "45 ms early" is av_offset_ms −45, "125 ms late" +125.
"""

from __future__ import annotations

import math

from ..measures.lipmotion import BEHIND, SPEAKING_MIN, STILL, STILL_MAX, UNKNOWN
from ..model import Severity, Span
from .base import Hit, Param, Skip, check
from .loudness import voice_too_quiet
from .plainly import milliseconds


@check(code="X101", name="reader-too-loud", category="reader-balance",
       severity=Severity.WARNING, reads=("speakers",), unit="dB",
       params=(Param(name="max_reader_to_actor_db", default=-2.0, unit="dB", warns="above",
                     help="reader loudness minus yours above which it is a warning (the reader "
                          "should be quieter than you)", min=-20.0, max=20.0),),
       problem="your reader's level",
       fix="Move your reader behind the camera and ask them to speak at half volume.")
def reader_too_loud(m, p):
    """The off-camera reader is as loud as the actor, or louder.

    The speech is split into two voices by timbre (measures/voices.py), and the voice that
    moves the actor's mouth is the actor's (measures/speakers.py); `reader_to_actor_db` is the
    BS.1770-4 gated loudness of the reader's lines minus the actor's. Lines that cannot be
    attributed (face turned away, speech too close to the noise) count for neither. A tape
    with no reader lines — one voice, or two that move the mouth alike — gets no finding and
    says so.
    Why casting cares: casting directors name a reader louder than the actor as the most
    common sound problem of self-tapes (Erica Sbream Casting); the reader stands beside the
    phone, nearer its microphone than the actor, and should keep their volume down so the
    actor's voice leads (Acting Coach Scotland). Guidance says "quieter" without a number,
    ideally several dB. The warning starts at {max_reader_to_actor_db} dB: a reader measured
    within 2 dB of the actor cannot be shown to be quieter. On 33 constructed exchanges (7 GRID
    actors and 4 corpus talking heads, corpus readers at +6, 0 and −10 dB;
    scripts/calibrate_crossmodal.py reader) 30 were measured, errors −0.7…+0.5 dB (median
    |error| 0.25 dB), 3 not measured; on 84 more (issue 25: GRID actors, readers of the same
    and the other sex, −12…+9 dB, 18–54 s; calibrate_crossmodal.py exchanges) 81 were
    measured, |error| ≤ 1.2 dB (median 0.25 dB), and this check fired exactly on the 42 whose
    reader was louder than the line; real
    rooms add error that constructed tapes do not have, so the margin stays at 2 dB.
    How to fix: put the reader behind the camera (not beside the phone's microphone) and have
    them read at half volume; a clip-on mic on the actor helps most.
    """
    sp = m["speakers"]
    readers = sp.lines_of("reader")
    if not readers:
        judged = [ln for ln in sp.lines if ln.label != "unknown"]
        if not judged:
            why = sp.lines[0].reason if sp.lines else "no speech"
            raise Skip(f"no line could be told to be yours or the reader's: {why}")
        if sp.reason:
            raise Skip(f"no reader lines found, all the speech is taken as yours (a monologue "
                       f"as far as can be told): {sp.reason}")
        raise Skip("no reader lines found: a monologue (one voice is heard)")
    value = sp.reader_to_actor_db
    if value is None:
        if sp.actor_lufs is None:
            raise Skip("reader lines found, but none of yours long enough to measure")
        raise Skip("reader lines found, but too short to measure their loudness")
    if value > p.max_reader_to_actor_db:
        loud = [ln for ln in readers if ln.lufs is not None
                and ln.lufs - sp.actor_lufs > p.max_reader_to_actor_db]
        loud.sort(key=lambda ln: -ln.lufs)
        spans = tuple(sorted((Span(ln.start_s, ln.end_s) for ln in loud[:5]),
                             key=lambda s: s.start_s))
        how = "louder than" if value > 0.05 else "as loud as"
        return Hit("Reader loudness minus yours: {}", measured=value,
                   threshold=p.max_reader_to_actor_db, spans=spans,
                   detail="several dB quieter is ideal",
                   plain=f"Your reader is {how} you: they should be clearly quieter, so your "
                   "voice leads.")


def _offset_words(ms: float) -> str:
    return f"{ms:.0f} ms behind the lips" if ms >= 0 else f"{-ms:.0f} ms ahead of the lips"


@check(code="X102", name="lip-sync-offset", category="sync", severity=Severity.WARNING,
       reads=("sync",), unit="ms", quick=False, reshoot=False, repair="sync",
       params=(Param(name="max_audio_late_ms", default=125.0, unit="ms", warns="above",
                     help="sound later than the lips by more than this is noticed (BT.1359)",
                     min=0.0, max=1000.0),
               Param(name="max_audio_early_ms", default=45.0, unit="ms", warns="above",
                     help="sound earlier than the lips by more than this is noticed (BT.1359)",
                     min=0.0, max=1000.0),
               Param(name="tolerance_ms", default=40.0, unit="ms", warns="above",
                     help="measurement tolerance added to both limits before warning",
                     min=0.0, max=500.0)),
       problem="the sound sync",
       fix="Export the take again straight from the camera app (not through a messaging app "
           "or screen recording); if it is still off, slide the sound in your editor until "
           "the lips match.")
def lip_sync_offset(m, p):
    """The sound is out of sync with the lips by more than viewers notice.

    `av_offset_ms` (+ = sound late, on the timeline a player shows) comes from matching the
    speed at which the actor's lips open and close against the rise and fall of their voice
    over a few seconds of their lines at full frame rate (measures/sync.py). It is given only
    when the lips match this sound clearly better than they match unrelated speech (z ≥ 3
    against 16 stored recordings) over ≥ 4 s of lip movement; otherwise this check says why
    instead of guessing (a take's picture with another take's sound passed that test in 2.1 %
    of 856 corpus pairs).
    Why casting cares: casting directors call sound out of sync the #1 thing that makes them
    turn off a self-tape (Erica Sbream Casting). ITU-R BT.1359 puts the threshold of
    detection at sound 125 ms late or 45 ms early (tapecheck's sign: +125 / −45 ms); a warning
    needs the estimate beyond that by the measurement tolerance ({tolerance_ms} ms: on the
    studio-synchronised GRID clips shifted by −200…+400 ms every confident estimate was
    within ±30 ms, scripts/calibrate_crossmodal.py), so only offsets that are surely
    noticeable are reported. EBU R37's tighter +60/−40 ms is a budget for
    broadcast chains, not for what a viewer sees, and is not used.
    How to fix: phones record in sync; offsets come from re-encoding (messaging apps, screen
    recorders, some editors). Export again from the original, or shift the audio track in an
    editor by the amount reported.
    """
    s = m["sync"]
    if s.av_offset_ms is None:
        raise Skip(f"no lip movement could be measured reliably: {s.reason}")
    v = s.av_offset_ms
    spans = tuple(Span(w.start_s, w.end_s) for w in s.confident)
    beyond = v > p.max_audio_late_ms + p.tolerance_ms or \
        v < -(p.max_audio_early_ms + p.tolerance_ms)
    if beyond and not s.corroborated:
        raise Skip(f"the sound reads {_offset_words(v)}, but no second stretch of the take "
                   "confirms it (two windows, or the two halves of one, must agree within "
                   "40 ms): too little evidence to report it")
    why = f"noticed per ITU-R BT.1359; warned past it by {p.tolerance_ms:g} ms"
    if v > p.max_audio_late_ms + p.tolerance_ms:
        return Hit("Sound offset {}: the sound is " + _offset_words(v), measured=v,
                   threshold=p.max_audio_late_ms, spans=spans, detail=why,
                   plain=f"The sound is late: it comes {milliseconds(v)} after your lips "
                   "move.")
    if v < -(p.max_audio_early_ms + p.tolerance_ms):
        return Hit("Sound offset {}: the sound is " + _offset_words(v), measured=v,
                   threshold=-p.max_audio_early_ms, warns="below", spans=spans, detail=why,
                   plain=f"The sound is early: it comes {milliseconds(v)} before your lips "
                   "move.")


@check(code="X103", name="sync-drift", category="sync", severity=Severity.WARNING,
       reads=("sync",), unit="ms", quick=False, reshoot=False,
       words=("more than", "less than"),
       params=(Param(name="max_drift_ms", default=80.0, unit="ms", warns="above",
                     help="change of the sound's offset from the start to the end of the take",
                     min=10.0, max=1000.0),),
       problem="the sound drifting out of sync",
       fix="Record with a constant frame rate (turn off variable or 'auto' frame rate in the "
           "camera app) or export again at a constant frame rate.")
def sync_drift(m, p):
    """The sound drifts out of sync during the take (its offset at the end differs from the
    start).

    For takes of 20 s or more the offset is measured near the start and near the end
    (measures/sync.py); drift is their difference.
    Why casting cares: a tape that starts in sync and slides out of it looks like a dubbed
    film by the end (Erica Sbream Casting: sync is what makes casting turn off a tape).
    {max_drift_ms} ms is about half of ITU-R BT.1359's window of unnoticed offsets (−45…+125 ms,
    170 ms wide): a take drifting more than that cannot be in sync at both ends. It is also twice
    the measurement tolerance of each estimate (40 ms); on the corpus the same clip's estimate
    moves by ≤ 20 ms when the whole sound is shifted, and takes built to drift by 0 and 300 ms read
    −3…+1 and +212…+216 ms between the windows (true 0 and 225–227 ms). Both windows must be
    confident on their own: two independent readings, which is what an offset needs to become a
    finding (X102). Of the 72 pairs of one take's picture with another's sound long enough for two
    windows, none had both confident (scripts/calibrate_crossmodal.py chance); asking each window's
    halves to agree as well lost the 300 ms drift tape (halves at z 0.6 and 1.2). The usual cause
    is variable frame rate (phones lower it in dim light) or a separate recorder whose clock runs
    at a slightly different speed.
    How to fix: set a constant frame rate before recording, or re-export at constant frame
    rate; sound from a separate recorder needs aligning at the end as well as the start.
    """
    s = m["sync"]
    if len(s.windows) < 2:
        raise Skip("the take is shorter than 20 s: drift is measured on longer takes")
    d = s.drift_ms
    if d is None:
        raise Skip("the offset could not be measured both near the start and near the end")
    if abs(d) > p.max_drift_ms:
        a, b = s.windows[0], s.windows[-1]
        return Hit(f"The sound drifts {{}} {'later' if d > 0 else 'earlier'} during the take",
                   measured=abs(d), threshold=p.max_drift_ms,
                   detail=f"{_offset_words(a.offset_ms)} at {a.center_s:.0f} s, "
                   f"{_offset_words(b.offset_ms)} at {b.center_s:.0f} s",
                   plain="The sound slowly drifts out of step with your lips during the "
                   "take.", spans=(Span(a.start_s, a.end_s), Span(b.start_s, b.end_s)))


def _still_words(lm) -> str:
    heard = "voices heard" if lm.source == BEHIND else "speech heard"
    return (f"the lips of the face on camera stay still through the {lm.speech_s:.1f} s of "
            f"{heard} ({lm.lip_speed:.2f} eye distances/s; speaking lips move "
            f"{SPEAKING_MIN:g} or more)")


@check(code="X104", name="voice-not-on-camera", category="speech", severity=Severity.ERROR,
       reads=("lip_motion",), unit="eye distances/s", quick=False,
       problem="your voice missing from the sound",
       fix="Check that your own microphone is on and recording you (not only your reader), "
           "and say your lines in frame.")
def voice_not_on_camera(m, p):
    """The person on camera does not speak: the speech heard is someone else's.

    The full-rate lip movement of the face on camera during the speech (measures/
    lipmotion.py) stays at the level of a resting mouth, and the lips do not match the sound
    (measures/sync.py): the actor listens while only the reader was recorded, the actor's
    mic was off, or other people talk while the framed person is silent.
    Threshold: the 90th percentile of the lip-opening speed under 0.35 eye distances per
    second, no piece of the speech at 0.5 or more, the mouth seen in ≥ 50 % of the speech
    and for ≥ 3 s. On the corpus speaking faces read 0.45 (a low-resolution GRID speaker)
    and 0.58–1.47 (every other talking head and corpus/real recording with speech), faces
    that do not speak 0.12–0.34 (scripts/calibrate_crossmodal.py lips). A mouth that is
    turned away, too small or seen too little is not judged: a monologue whose mouth is hard
    to see is never said to be someone else's voice. Voices no louder than the room are not
    judged here: A501 already says no speech was found (X105 says whose they are not).
    Why casting cares: an audition where the actor's voice is not heard cannot be judged.
    How to fix: check the microphone the take was recorded with (on, not muted, the right
    input, close to you) and that you are the one in frame.
    """
    lm = m["lip_motion"]
    if lm.state == UNKNOWN:
        raise Skip(f"cannot tell whether the face on camera speaks: {lm.reason}")
    if lm.source == BEHIND:
        raise Skip("no voice stands out of the room: A501 already says no speech was found")
    if lm.state == STILL:
        return Hit("Your voice is not heard: lip movement {} through the speech",
                   measured=lm.lip_speed, threshold=STILL_MAX, warns="below",
                   detail=_still_words(lm), spans=lm.spans[:20],
                   plain="Your voice is not heard: your lips stay still while someone else "
                   "speaks.")


@check(code="X105", name="only-other-voices", category="reader-balance",
       severity=Severity.WARNING, reads=("lip_motion",), unit="LUFS", quick=False,
       params=(Param(name="min_other_lufs", default=voice_too_quiet.param("min_lufs").default,
                     unit="LUFS", warns="above",
                     help="other voices at least this loud, with none of yours, are a warning",
                     min=-60.0, max=-10.0),),
       problem="the other voices",
       fix="Record where no one else can be heard, with your reader behind the camera at half "
           "volume, and say your own lines in frame.")
def only_other_voices(m, p):
    """Other voices are heard and the actor's is not: they drown the performer.

    The speech heard does not move the lips of the face on camera (X104,
    measures/lipmotion.py), so every voice heard is someone else's: the reader's, or people
    off camera. That includes voices no louder than the room, which speech.py does not take
    for a performance (A501 then says no speech was found): the mouth says whose they are not.
    Reported when those voices are at least {min_other_lufs} LUFS (BS.1770-4, gated over their
    spans): the level below which A101 already calls a voice too quiet to follow, so quieter sound
    — room tone, a distant TV — is not said to drown anyone.
    Why casting cares: casting directors name an off-camera voice louder than the actor as
    the most common sound problem of self-tapes (Erica Sbream Casting, see X101); here the
    off-camera voices are all there is.
    How to fix: record in a quiet room, keep the reader behind the camera at half volume,
    and make sure your own lines are recorded.
    """
    lm = m["lip_motion"]
    if lm.state == UNKNOWN:
        raise Skip(f"cannot tell whether the face on camera speaks: {lm.reason}")
    if lm.state != STILL:
        return None   # the face speaks: X101 judges the reader's level
    level = lm.voices_lufs
    if level is not None and math.isfinite(level) and level >= p.min_other_lufs:
        return Hit("Only other voices are heard, at {}", measured=level,
                   threshold=p.min_other_lufs, detail=_still_words(lm), spans=lm.spans[:20],
                   plain="Only other people's voices are heard, loud enough to drown you: "
                   "your lips stay still while they speak.")
