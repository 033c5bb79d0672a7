"""How a hit becomes a message: one formatter writes the measured value and the comparison.

A check gives what it measured, the threshold and the direction it warns in; `message` writes
"Speech loudness -31.2 LUFS (below -30 LUFS)" from those numbers in the hit's unit, so the
message and the finding's `measured`/`threshold` cannot disagree. Values are rounded to the
unit's precision, with a digit more where rounding would make the two look equal ("64.6 %
(below 65 %)", not "65 % (below 65 %)"). This is the engineer's register (JSON `message`,
`-v`, the HTML details); what the actor reads by default is the hit's `plain` sentence.
"""

from __future__ import annotations

import math

#: Decimals shown per unit (trailing zeros dropped); a unit not listed gets 2.
_DECIMALS = {"LUFS": 1, "LU": 1, "dB": 1, "dBTP": 1, "dBFS": 1, "s": 1, "ms": 0, "Hz": 0,
             "°": 0, "Y′": 0, "px": 1, "1/px": 2, "stops": 1, "face heights": 2, "bit": 0,
             "bursts": 0, "dropouts": 0, "clips": 0, "cuts": 0, "clicks": 0, "ratio": 0, "%": 2}
#: Units written with a sign: a level against full scale that may go above it.
_SIGNED = {"dBTP"}
#: Units written straight after the number.
_TIGHT = {"°"}


def number(value: float, unit: str, decimals: int | None = None, strip: bool = False) -> str:
    """`value` in `unit` as a reader sees it: "-31.2 LUFS", "62 %" (a ratio), "4.0 kHz";
    `strip` drops trailing zeros, as for a threshold ("-30 LUFS")."""
    if value is None or not math.isfinite(value):
        return {float("-inf"): "-inf", float("inf"): "inf"}.get(value, "none") + \
            (f" {unit}" if unit else "")
    d = _DECIMALS.get(unit, 2) if decimals is None else decimals
    if unit == "px" and float(value).is_integer() and decimals is None:
        d = 0  # a picture size, not a motion
    if unit == "ratio":
        return f"{_fixed(100.0 * value, d, strip)} %"
    if unit == "%" and decimals is None:
        d = 0 if abs(value) >= 10 else 1 if abs(value) >= 1 else 3
    if unit == "Hz" and abs(value) >= 1000:
        return f"{_fixed(value / 1000.0, d + 1, strip)} kHz"
    if unit == "bytes":
        from ..profiles import human_bytes

        return human_bytes(value)
    text = _fixed(value, d, strip)
    if unit in _SIGNED and value > 0:
        text = "+" + text
    if not unit:
        return text
    return text + unit if unit in _TIGHT else f"{text} {unit}"


def pair(measured: float, threshold: float, unit: str) -> tuple[str, str]:
    """Measured (fixed decimals) and threshold (trailing zeros dropped) in the same unit, a
    digit finer where they would read the same."""
    base = _DECIMALS.get(unit, 2)
    if unit == "%":
        base = 0 if min(abs(measured), abs(threshold)) >= 10 else \
            1 if min(abs(measured), abs(threshold)) >= 1 else 3
    for d in range(base, base + 4):
        m, t = number(measured, unit, d), number(threshold, unit, d, strip=True)
        if number(measured, unit, d, strip=True) != t or measured == threshold or \
                unit == "bytes":
            return m, t
    return m, t


def message(text: str, measured: float | None, threshold: float | None, unit: str,
            warns: str, words: tuple[str, str] = ("above", "below"), detail: str = "") -> str:
    """The hit's sentence: `text` with the measured value where "{}" stands (else after it),
    then "(<word> <threshold>; <detail>)". The word is `words[0]` when the value is above the
    threshold, `words[1]` when below, and the check's own direction `warns` on a tie."""
    if measured is None:
        shown, compared = "", ""
    elif threshold is None:
        shown, compared = number(measured, unit), ""
    else:
        shown, limit = pair(measured, threshold, unit)
        side = "above" if measured > threshold else "below" if measured < threshold else warns
        compared = f"{words[0] if side == 'above' else words[1]} {limit}"
    if "{}" in text:
        body = text.replace("{}", shown)
    else:
        body = f"{text} {shown}" if shown else text
    inner = "; ".join(x for x in (compared, detail) if x)
    return f"{body} ({inner})" if inner else body


def _fixed(value: float, decimals: int, strip: bool = False) -> str:
    text = f"{value:.{max(decimals, 0)}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text[1:] if text.startswith("-") and float(text) == 0 else text
