"""Clarity checks (A3xx): muffled, phone-like, echoey, or knocked about?"""

from __future__ import annotations

from ..model import Severity
from .base import Hit, Param, Skip, check
from .plainly import times as _times

#: Default muffled limit (A301); A302 stays quiet below it so one problem gives one finding.
MUFFLED_HF_DB = -22.0


@check(code="A301", name="muffled-voice", category="clarity", severity=Severity.WARNING,
       reads=("clarity",), unit="dB",
       params=(Param(name="min_hf_balance_db", default=MUFFLED_HF_DB, unit="dB", warns="below",
                     help="2–5 kHz speech level relative to 0.3–1 kHz below which the voice is "
                          "muffled", min=-60.0, max=0.0),),
       problem="the muffled voice",
       fix="Keep the mic uncovered and pointed at your mouth (not under clothing or behind "
           "the phone case), and turn off heavy noise reduction.")
def muffled_voice(m, p):
    """The voice is muffled: its consonant range (2–5 kHz) is missing.

    `hf_balance_db` = speech level in 2–5 kHz minus that in 300 Hz–1 kHz (measures/clarity.py).
    Threshold, measured on the corpus (scripts/calibrate_audio.py): clean speech and the GRID
    and other talking-head clips read −2.7 … −16.4 dB; the same speech low-passed at 2 kHz
    reads −18 … −25 dB and at 1.5 kHz (a lav under a shirt, a phone mic covered by a hand)
    −27 … −34 dB. {min_hf_balance_db} dB leaves 5 dB of margin over the dullest clean voice.
    Why casting cares: consonants carry the words (ANSI S3.5 gives the 1–5 kHz bands most of
    the intelligibility weight); a muffled read sounds distant and is tiring to follow.
    How to fix: uncover the mic, face it, switch off aggressive noise suppression.
    """
    c = m["clarity"]
    if c.hf_balance_db is None:
        raise Skip("no speech found to judge")
    if c.hf_balance_db < p.min_hf_balance_db:
        return Hit("The voice is muffled: its 2–5 kHz level is {} against 0.3–1 kHz",
                   measured=c.hf_balance_db, threshold=p.min_hf_balance_db, warns="below",
                   plain="Your voice sounds muffled: the crisp consonant sounds are missing.")


@check(code="A302", name="narrow-band-audio", category="clarity", severity=Severity.WARNING,
       reads=("clarity",), unit="Hz",
       params=(Param(name="min_bandwidth_hz", default=5000.0, unit="Hz", warns="below",
                     help="audio bandwidth below this sounds like a phone call",
                     min=1000.0, max=20000.0),),
       problem="the phone-call sound",
       fix="Record with the camera or phone's own video app (not a call or voice-message app), "
           "and export with the sound at full quality (44.1 or 48 thousand samples a second).")
def narrow_band_audio(m, p):
    """The audio stops at telephone bandwidth (≤ 4 kHz): it sounds like a phone call.

    `bandwidth_hz` is where the speech spectrum falls off a cliff (measures/clarity.py): 8 kHz
    sampled audio (telephone, some messaging apps, Bluetooth headset mics in call mode) ends at
    4 kHz, the ITU-T G.711 narrow band being 300–3400 Hz; any camera, phone video app or USB
    mic records to 12 kHz and beyond. The corpus IVR prompt (asterisk, 8 kHz) reads 4000 Hz;
    16 kHz corpus speech 8000 Hz; every talking-head clip ≥ 10 kHz. Not reported when the voice
    is already judged muffled (A301): that is the same complaint.
    Why casting cares: phone-band audio loses the sibilants and the presence of the voice.
    How to fix: record through the camera app; check the export's audio sample rate.
    """
    c = m["clarity"]
    if c.bandwidth_hz is None:
        raise Skip("no speech found to judge")
    if c.hf_balance_db is not None and c.hf_balance_db < MUFFLED_HF_DB:
        return None  # muffled: A301 says it
    if c.bandwidth_hz < p.min_bandwidth_hz:
        return Hit("The audio stops at {}", measured=c.bandwidth_hz,
                   threshold=p.min_bandwidth_hz, warns="below",
                   plain="The sound is thin, like a phone call.")


@check(code="A303", name="room-echo", category="clarity", severity=Severity.WARNING,
       reads=("clarity",), unit="s", words=("longer than", "shorter than"),
       params=(Param(name="max_rt60_s", default=0.6, unit="s", warns="above",
                     help="estimated reverberation time above which the room echoes",
                     min=0.1, max=5.0),),
       problem="the room echo",
       fix="Record in a smaller, furnished room (a bedroom, a closet of clothes), hang "
           "blankets near you, and bring the mic closer.")
def room_echo(m, p):
    """The room echoes: the estimated reverberation time (RT60) is above {max_rt60_s} s.

    `reverb_rt60_s` is a blind estimate from the voice's own decays, calibrated on corpus
    speech convolved with measured room responses (rms error 0.11 s; measures/clarity.py).
    Threshold: ANSI/ASA S12.60-2010 caps classrooms (≤ 283 m³) at 0.6 s so speech stays clear;
    voice booths and home studios aim for 0.2–0.4 s. Dry close-mic speech reads 0.2–0.3 s here.
    Why casting cares: casting guidance asks for no echo; a reverberant room smears words and
    sounds like a bathroom.
    How to fix: soft furnishings, a smaller room, mic closer to the mouth.
    """
    c = m["clarity"]
    if c.reverb_rt60_s is None:
        raise Skip("too few word endings to estimate the echo (needs 5 clean decays)")
    if c.reverb_rt60_s > p.max_rt60_s:
        return Hit("The room echoes: estimated reverberation time {}",
                   measured=c.reverb_rt60_s, threshold=p.max_rt60_s,
                   plain="The room echoes: your words blur into each other.")


@check(code="A304", name="handling-or-wind-noise", category="clarity",
       severity=Severity.WARNING, reads=("clarity",), unit="bursts",
       words=("more than", "fewer than"),
       params=(Param(name="max_bursts", default=1.0, unit="bursts", warns="above",
                     help="more bursts than this is a warning (fewer are a remark)",
                     min=0.0, max=100.0),),
       problem="the thumps and wind noise",
       fix="Keep hands and clothing off the mic and phone, use a foam windscreen outdoors, "
           "and put the phone on a stand.")
def handling_or_wind_noise(m, p):
    """Thumps, rubbing or wind: low-frequency bursts outside the voice.

    A burst is 0.1–2 s where the power under 300 Hz jumps ≥ 20 dB over the pauses' level and
    is a large part of the sound, away from voiced speech (measures/clarity.py). The corpus's
    real mic rub (iPhone) and laptop tap, mixed into two pauses of corpus speech, are two
    bursts and are found (tests/test_audio_checks.py; a tap inside a line is covered by the
    voice and is not a burst); none of the clean corpus speech or GRID clips has any.
    Warned from two bursts; one alone is a remark (info). Real positives are too few to fit a
    count on: of the 42 labelled real clips one has handling noise (a phone picked up at the
    end of the take: one 0.5 s burst), while a single burst also came from a plosive on a
    gated close voice, a music intro's sound effect and a gated webcam track's onset (three
    clips not labelled for it, split halves A and B alike; the blind set adds a plosive and a
    music bed). A single burst cannot tell them apart; repeated bursts are the handling that
    costs a take. With no voice on the tape the check does not run: a rumble with nobody
    speaking (air conditioning, 56 "bursts" on an open-office clip) covers no words, and
    A501 says what matters there.
    Why casting cares: a bump or a gust makes casting reach for the volume and breaks the
    moment. How to fix: don't hold the phone; stand it; shield the mic from wind.
    """
    c = m["clarity"]
    if c.bandwidth_hz is None:
        raise Skip("no voice on the tape for bumps or wind to cover")
    bursts = c.bursts
    if bursts:
        total = sum(b.end_s - b.start_s for b in bursts)
        return Hit("{} of thumps, rubbing or wind", measured=float(len(bursts)),
                   threshold=p.max_bursts, spans=tuple(bursts[:20]),
                   detail=f"{total:.1f} s in all",
                   severity=None if len(bursts) > p.max_bursts else Severity.INFO,
                   plain=f"The microphone picks up thumps, rubbing or wind {_times(len(bursts))}.")
