"""Noise and hum checks (A2xx): does the background compete with the voice?"""

from __future__ import annotations

from ..model import Severity
from .base import Hit, Param, Skip, check


@check(code="A201", name="noisy-background", category="noise", severity=Severity.WARNING,
       needs=("noise",), unit="dB",
       params=(Param("min_snr_db", 25.0, "dB", "speech-to-noise ratio below this is a warning",
                     0.0, 60.0),
               Param("error_snr_db", 15.0, "dB", "speech-to-noise ratio below this is an error",
                     -10.0, 60.0)),
       problem="the background noise",
       fix="Turn off fans, fridges and appliances, close the windows, and move the mic closer "
           "to your mouth.")
def noisy_background(m, p):
    """Background noise competes with the voice: speech-to-noise ratio (`snr_db`) under 25 dB.

    `snr_db` is the active speech level (ITU-T P.56 style, speech frames only) minus the mean
    level of the pauses, over 80 Hz–8 kHz (measures/noise.py); it tracks known mixes of
    corpus speech and real noise within ±3 dB (±0.8 dB for steady noise; tests/test_audio_noise.py).
    Why casting cares: noise competes with the words. The thresholds: +15 dB is the speech-over-noise minimum ANSI/ASA
    S12.60-2010 sets for classrooms (listeners must follow every word), and the ANSI S3.5-1997
    Speech Intelligibility Index counts a band fully audible only once speech is 15 dB above
    the noise — below 15 dB words get lost (error). 25 dB is the target of intelligibility
    design guides ("better than 25 dB to optimise intelligibility": AETM Audio Visual Design
    Guidelines, Acoustics in teaching spaces, 2019; P. Mapp, "Sound System Performance, Part
    3", Sound & Communications 2018, on the 6/10/15/25 dB rules of thumb, ≈ 0.1 STI per 3 dB).
    Between the two the voice is understood but the room is plainly heard: a warning.
    How to fix: silence the room (appliances, traffic, air conditioning), soften it (blankets,
    curtains), and bring the mic closer: halving the distance gains 6 dB.
    """
    n = m["noise"]
    if n.snr_db is None:
        raise Skip("no pauses without speech (or no speech) to compare the voice against")
    snr = n.snr_db
    if snr < p.error_snr_db:
        return Hit(f"Speech is {snr:.1f} dB above the background noise (below "
                   f"{p.error_snr_db:.0f} dB): the noise will cover words",
                   measured=snr, threshold=p.error_snr_db, severity=Severity.ERROR)
    if snr < p.min_snr_db:
        return Hit(f"Speech is {snr:.1f} dB above the background noise (below "
                   f"{p.min_snr_db:.0f} dB)", measured=snr, threshold=p.min_snr_db)


@check(code="A202", name="mains-hum", category="hum", severity=Severity.WARNING,
       needs=("hum",), unit="dB",
       params=(Param("max_hum_db", -35.0, "dB",
                     "hum closer than this to the voice level is a warning", -80.0, 0.0),),
       problem="the electrical hum",
       fix="Move the mic and its cable away from power supplies, lamps with dimmers and "
           "chargers; run the camera or recorder on battery.")
def mains_hum(m, p):
    """Mains hum (50/60 Hz and harmonics) is audible in the pauses.

    `hum_db` is the A-weighted power of the prominent 50 Hz or 60 Hz series in the pauses
    relative to the active speech level (measures/noise.py). Threshold, measured: every corpus
    speech file and GRID clip reads −52 dB or lower (the loudest: a bare 60 Hz tone under
    LibriSpeech libri3, −52 dB; GRID's faint 100 Hz mains −58 … −98 dB); a 50/100/150 Hz hum mixed
    under corpus speech that is plainly heard in the pauses reads −31 dB (the defect-hum sample
    tape). −35 dB sits between.
    Why casting cares: a steady buzz under the read marks the tape as amateur and tires the
    ear. How to fix: find the source (charger, dimmer, ground loop in an audio interface).
    """
    h = m["hum"]
    if h.hum_db is None:
        raise Skip("no speech to compare the hum against")
    if h.mains_hz is not None and h.hum_db > p.max_hum_db:
        comps = ", ".join(f"{f:.0f}" for f in h.components[:4])
        return Hit(f"{h.mains_hz:.0f} Hz mains hum {-h.hum_db:.1f} dB below the voice (closer "
                   f"than {-p.max_hum_db:.0f} dB; components at {comps} Hz)",
                   measured=h.hum_db, threshold=p.max_hum_db)
