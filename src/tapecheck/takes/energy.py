"""Delivery energy, per take: pitch range and loudness range beside those of ordinary speech.

Information only, never a verdict on the acting: a still, intimate read is a choice, and so is
a big one. Casting guidance names both ends — over-acting reads as cartoonish, "mumbling
through your lines with minimal emotion" as flat — so the take's figures are shown against a
reference band of ordinary speech, and the report says only where they fall.

The measures are measures/delivery.py's: pitch span between the 10th and 90th percentiles of
F0 in semitones (the span measure of Mennen, Schaeffler & Docherty 2012, JASA 131(3)) and the
spread of the 400 ms speech level between its 10th and 95th percentiles (EBU Tech 3342's
percentiles) in dB.

**The reference bands are measurements on our corpus**, not published norms: published pitch
spans depend on the measure, the language and the kind of discourse (Traunmüller & Eriksson
1995 show the F0 spread grows with how "lively" the discourse is), and we found no published
value for exactly these two measures that we could check. `scripts/calibrate_takes.py
reference` measures them on 26 corpus recordings with ≥ 2 s of speech: read sentences and
audiobook passages (LibriSpeech ×3, LJSpeech, CMU ARCTIC ×4, one GRID sentence), two radio
addresses, and the 15 recordings of corpus/real whose label says the voice can be heard
(addresses to camera, interviews, a news read, five self-tapes, three of MEAD's acted
emotions). The band is their 10th to 90th percentile: pitch span 4.0–10.0 semitones (median
7.7; the self-tapes sit low, 2.8–4.3), loudness range 6.3–10.6 dB (median 8.6). A take
below both bands reads as flat by these measures; above either, as heightened.
"""

from __future__ import annotations

from .result import Energy

#: 10th–90th percentile of the pitch span (semitones) of corpus speech (see the docstring).
PITCH_RANGE_ST = (4.0, 10.0)
#: 10th–90th percentile of the loudness range (dB) of corpus speech.
LOUDNESS_RANGE_DB = (6.3, 10.6)
REFERENCE = ("10th–90th percentile of {n} corpus recordings of speech, measured the same way "
             "(scripts/calibrate_takes.py reference)")
REFERENCE_N = 26


def _where(v: float, band: tuple[float, float]) -> str:
    return "below" if v < band[0] else "above" if v > band[1] else "within"


def energy_notes(d) -> list[Energy]:
    """Pitch range and loudness range of a take's delivery, each beside its reference band."""
    out = []
    ref = REFERENCE.format(n=REFERENCE_N)
    if d.pitch_range_st is not None:
        out.append(Energy("pitch range", d.pitch_range_st, "st", *PITCH_RANGE_ST, ref,
                          _where(d.pitch_range_st, PITCH_RANGE_ST)))
    if d.loudness_range_db is not None:
        out.append(Energy("loudness range", d.loudness_range_db, "dB", *LOUDNESS_RANGE_DB, ref,
                          _where(d.loudness_range_db, LOUDNESS_RANGE_DB)))
    return out


def energy_sentence(notes) -> str | None:
    """One sentence when a take sits outside the band: a measurement, with its reference."""
    pos = {n.what: n.position for n in notes}
    if not pos:
        return None
    if all(p == "below" for p in pos.values()):
        return ("Pitch range and loudness range are both below ordinary speech: a flat "
                "delivery by these measures.")
    above = [w for w, p in pos.items() if p == "above"]
    if above:
        return (f"{' and '.join(above).capitalize()} above ordinary speech: a heightened "
                "delivery by these measures.")
    return None
