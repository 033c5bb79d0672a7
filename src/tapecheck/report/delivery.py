"""A take's delivery as `tapecheck takes` writes it: plain lines by default, figures for `-v`
(read by the text report, report/takes.py, and the HTML one, report/html/takes.py)."""

from __future__ import annotations

from ..takes.energy import energy_sentence
from ..takes.result import TakeDelivery
from ..timecode import timecode


def delivery_lines(d: TakeDelivery) -> list[str]:
    """A take's delivery in plain words: how long you speak, your pauses, and a note when
    your pitch and loudness vary much less or more than ordinary speech."""
    if d.missing:
        return [f"Delivery: not measured ({d.missing})."]
    g = d.get
    n = g("pause_count")
    lines = [f"You speak for {g('speaking_s'):.1f} s, with "
             + (f"{n} pause{'s' if n != 1 else ''} ({g('pause_total_s'):.1f} s in all)."
                if n else "no pauses.")]
    if d.pauses:
        lines.append("Pauses at " + ", ".join(f"{timecode(a)} ({b - a:.1f} s)"
                                              for a, b in d.pauses[:12])
                     + (" …" if len(d.pauses) > 12 else ""))
    note = energy_sentence(d.energy)
    if note:
        lines.append(note)
    return lines


def delivery_figures(d: TakeDelivery) -> list[str]:
    """A take's delivery figures, for `-v`: rates to two decimals, so two takes a sentence
    calls different never show the same number."""
    if d.missing:
        return [f"Delivery: not measured ({d.missing})."]
    g = d.get
    parts = [f"speaking {g('speaking_s'):.2f} s"]
    if g("articulation_rate_syl_per_s") is not None:
        parts.append(f"{g('articulation_rate_syl_per_s'):.2f} syllables/s")
    n = g("pause_count")
    parts.append(f"{n} pause{'s' if n != 1 else ''}"
                 + (f" ({g('pause_total_s'):.2f} s)" if n else ""))
    if g("pitch_median_hz") is not None:
        parts.append(f"pitch {g('pitch_median_hz'):.0f} Hz")
    lines = ["Delivery: " + " · ".join(parts)]
    energy = [f"{e.what} {e.measured:.2f} {e.unit} ({e.position} {e.low:g}–{e.high:g} "
              f"{e.unit}: {e.reference})" for e in d.energy]
    if energy:
        lines.append("Energy (information, not a verdict): " + "; ".join(energy))
    picture = [f"{label} {v:.2f}" for label, v in
               (("mouth movement", g("mouth_movement")),
                ("head movement", g("head_movement_eye_d_per_s"))) if v is not None]
    if picture:
        lines.append("Picture: " + ", ".join(picture)
                     + (" eye distances/s" if g("head_movement_eye_d_per_s") is not None else ""))
    if d.pauses:
        lines.append("Pauses at " + ", ".join(f"{timecode(a)} ({b - a:.2f} s)"
                                              for a, b in d.pauses))
    return lines
