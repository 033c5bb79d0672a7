"""Noise and hum checks (A2xx): does the background compete with the voice?"""

from __future__ import annotations

from ..model import Severity
from .base import Hit, Param, Skip, check


#: DNSMOS BAK under this: listeners would call the background at least "somewhat intrusive"
#: (ITU-T P.835 background scale: 2 = somewhat intrusive, 1 = very intrusive).
BAK_INTRUSIVE = 2.0


def _bak(m) -> float | None:
    """DNSMOS BAK when the model ran (A201 declares it an optional read), else None."""
    d = m.get("dnsmos")
    return getattr(d, "bak", None)


@check(code="A201", name="noisy-background", category="noise", severity=Severity.WARNING,
       reads=("noise",), optional=("dnsmos",), unit="dB",
       params=(Param(name="min_weighted_snr_db", default=15.0, unit="dB", warns="below",
                     help="intelligibility-weighted speech-to-noise ratio below which it is a "
                          "warning", min=-15.0, max=30.0),
               Param(name="error_sii", default=0.45, unit="", warns="below",
                     help="Speech Intelligibility Index below which the noise covers words "
                          "(error)", min=0.0, max=1.0),
               Param(name="max_bak", default=BAK_INTRUSIVE, unit="", warns="below",
                     help="DNSMOS background score (P.835, 1–5) below which the background is "
                          "remarked on as intrusive (info)", min=1.0, max=5.0)),
       problem="the background noise",
       fix="Turn off fans, fridges and appliances, close the windows, and move the mic closer "
           "to your mouth.")
def noisy_background(m, p):
    """Background noise competes with the voice, judged as a listener hears it.

    Measured (measures/noise.py): per band, speech over noise, each band weighted by its
    importance to intelligibility (ANSI S3.5-1997 band-importance function): `snr_weighted_db`
    and the Speech Intelligibility Index `sii`. A low hum or music bed under 300 Hz barely
    counts; babble or hiss across 1–4 kHz counts fully. The noise comes from the pauses, or,
    when the speech never pauses, from minimum statistics. Evidence from a listener model:
    DNSMOS P.835's background score `dnsmos_bak` (measures/dnsmos.py).
    Thresholds:
    * error — `sii` under {error_sii}: on the Connected Speech Test a normal-hearing listener then
      follows under 90 % of the words (Sherbecoe & Studebaker, Int. J. Audiol. 42, 2003, the
      SII-to-score transfer function; 0.45 → 90 %, 0.30 → 60 %): casting loses words.
    * warning — `snr_weighted_db` under {min_weighted_snr_db} dB: ANSI S3.5 counts a band's speech
    cues fully
      audible only once speech is 15 dB above the noise in it, so below that the room takes
      part of the voice away.
    * info — DNSMOS BAK under {max_bak}, where P.835 listeners call the background "somewhat
      intrusive" or worse, while the words stand clear of it. A remark, not a warning: on the
      42 labelled real clips (corpus/real and real2) BAK alone raised no true alarm and two
      false ones (a film line at 16.4 dB weighted, BAK 1.8; music taken for speech, BAK 1.6),
      one in each split half; every clip labelled noisy is found by the SNR.
    * no voice, no verdict: without speech there is no voice for the background to compete
      with; the check is skipped and A501 says the voice is missing (corpus/real2's audit:
      "no voice at all, so the babble/HVAC cannot compete with one"). Before, a voiceless
      clip was judged on BAK alone (1.1–1.6 on three such clips).
    Checked on constructed mixtures (scripts/calibrate_audio.py weighted, dnsmos) and on
    corpus/real: the two phone tapes labelled noisy read 1.1–7.9 dB weighted (SII 0.54–0.76,
    BAK 1.2), and every clip labelled clean ≥ 18.7 dB (SII ≥ 0.98, BAK ≥ 2.7).
    Why casting cares: noise competes with the words and marks the tape as careless.
    How to fix: silence the room (appliances, traffic, air conditioning), soften it (blankets,
    curtains), and bring the mic closer: halving the distance gains 6 dB.
    """
    n, bak = m["noise"], _bak(m)
    if n.snr_weighted_db is None:
        raise Skip("no voice on the tape for the background to compete with")
    w, sii = n.snr_weighted_db, n.sii
    also = "" if bak is None else f", DNSMOS background {bak:.1f} of 5"
    detail = f"SII {sii:.2f}{also}"
    if sii < p.error_sii:
        return Hit("The noise covers words: Speech Intelligibility Index {}", measured=sii,
                   threshold=p.error_sii, unit="", warns="below", severity=Severity.ERROR,
                   detail=f"speech {w:.1f} dB above the noise where words are heard{also}",
                   plain="Background noise covers some of your words.")
    if w < p.min_weighted_snr_db:
        return Hit("Speech is {} above the background noise where words are heard",
                   measured=w, threshold=p.min_weighted_snr_db, warns="below", detail=detail,
                   plain="Background noise competes with your voice.")
    if bak is not None and bak < p.max_bak:
        return Hit("The background is intrusive: DNSMOS background score {} of 5",
                   measured=bak, threshold=p.max_bak, unit="", warns="below",
                   severity=Severity.INFO,
                   detail=f"speech {w:.1f} dB above it where words are heard",
                   plain="The background noise is intrusive, though your words are clear.")


@check(code="A202", name="mains-hum", category="hum", severity=Severity.WARNING,
       reads=("hum",), unit="dB",
       params=(Param(name="max_hum_db", default=-35.0, unit="dB", warns="above",
                     help="hum closer than this to the voice level is a warning",
                     min=-80.0, max=0.0),),
       problem="the electrical hum",
       fix="Move the mic and its cable away from power supplies, lamps with dimmers and "
           "chargers; run the camera or recorder on battery.")
def mains_hum(m, p):
    """Mains hum (50/60 Hz and harmonics) is audible in the pauses.

    `hum_db` is the A-weighted power of the 50 Hz or 60 Hz series in the pauses relative to the
    active speech level (measures/noise.py), counting only tones a listener hears as tones
    (ECMA-74's prominence: well above the room noise around them) in a series that holds the
    mains frequency or its double, where every mains hum has its energy: a fan's faint whine
    that happens to fall on a harmonic (corpus/real's corridor tape) is not hum. Threshold,
    measured (scripts/calibrate_audio.py corpus): every corpus
    speech file and GRID clip reads −90 dB or lower, or no hum at all (before the prominence
    rule: up to −52 dB, GRID's faint 100 Hz mains −58 … −98 dB); a 50/100/150 Hz hum mixed
    under corpus speech that is plainly heard in the pauses reads −31 dB (the defect-hum sample
    tape); corpus/real's tapes −78 dB or lower (the low-angle phone's 100 Hz line, "hum
    unsure" in its label, read −37 dB before the prominence rule, −95 dB now). {max_hum_db} dB sits
    between.
    Why casting cares: a steady buzz under the read marks the tape as amateur and tires the
    ear. How to fix: find the source (charger, dimmer, ground loop in an audio interface).
    """
    h = m["hum"]
    if h.hum_db is None:
        raise Skip("no speech to compare the hum against")
    if h.mains_hz is not None and h.hum_db > p.max_hum_db:
        comps = ", ".join(f"{f:.0f}" for f in h.components[:4])
        return Hit(f"{h.mains_hz:.0f} Hz mains hum at {{}} against the voice", measured=h.hum_db,
                   threshold=p.max_hum_db, detail=f"components at {comps} Hz",
                   plain="There is an electrical hum (a low buzz) under your voice.")
