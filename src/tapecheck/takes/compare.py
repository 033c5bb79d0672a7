"""How alike two aligned takes are, dimension by dimension, and one plain sentence about it.

Every figure compares the *same words*: frames are paired along the DTW path (align.py).

* `pace_ratio` — speech rate of b ÷ a: the sounding time of a over the time the same words
  take in b. a's phrases, less `EDGE_S` at either end, are cut where their partners on the
  path fall silent in b (a pause in either take, or a gap one take holds just past the 250 ms
  pause limit while the other's is shorter, then counts for neither); each stretch where both
  sound is carried onto b by a least-squares line through its frames' mean partners, so no
  single frame decides where it ends. Same words, so the ratio of times is the ratio of
  rates. (Counting only frames above the speech threshold instead was 5–8 % off on
  librosa-stretched copies: the phase vocoder smears sound into short silences.)
* `pitch_median_diff_st` — median over the voiced pairs of 12·log2(F0_b / F0_a): the same
  syllables compared, so a take that voices a few more or fewer of them does not move it.
* `pitch_range_diff_st` — b − a of the pitch span (measures/delivery.py) over the same voiced
  pairs, so syllables one take voices and the other does not leave the span alone.
* `loudness_diff_lu` — b − a of the tape's `speech_lufs` (BS.1770 loudness of the speech)
  when the judgements have it, else the median level difference of the sounding pairs.
* `pitch_contour_r`, `loudness_contour_r` — Pearson correlation of the aligned contours (pitch
  in semitones; level over 200 ms in dB) over pairs voiced / sounding in both.
* `pause_match` — pauses of b carried onto a's time along the path, matched with a's pauses
  within `PAUSE_MATCH_S`: 2·matched / (pauses of a + pauses of b) (1 when neither pauses).

**"Nearly the same"** (`NEAR`): for each dimension, how far apart two takes that *are* the
same read still measure — 9 corpus sources (LibriSpeech ×3, LJSpeech, CMU ARCTIC ×2, a radio
address, GRID ×2) against copies of themselves re-encoded (AAC 32 kb/s), time-stretched
×0.8/0.9/1.1/1.2 and pitch-shifted ±2 semitones (librosa), gain ±6 dB: 81 copies
(scripts/calibrate_takes.py same). Below the tolerance the tool cannot tell the takes apart:

* pace ±3 %: every copy within ±2.9 % of its true rate (median error 0.3 %; the largest on
  GRID's 1–2 s of speech);
* pitch 0.3 semitone: every shifted copy within 0.1 semitone of its shift (pYIN's resolution);
* pitch range 1.0 semitone: copies differ by a median 0.1, 90 % within 0.7, 98 % within 1.0;
* loudness 1.0 LU: gain recovered to 0.0 LU, re-encoding moves it 0.1–0.2 LU; 1 dB is about the
  smallest change in level listeners notice (Zwicker & Fastl, *Psychoacoustics*, the just-
  noticeable difference in level);
* contours r ≥ 0.80: the 5th percentile of r over the copies, rounded down (pitch and
  loudness, 162 values: median 0.954, 5th percentile 0.81, 78 % ≥ 0.90 — librosa's phase
  vocoder smears the level contour most); "follows almost exactly" is said at or above it;
* pauses: every pause matched (a pause one take holds and the other does not is a difference).

No corpus holds an actor reading the same lines twice on purpose differently, so these are the
limits of *measurement*, not of how different casting would find two reads; they err towards
not claiming "the same read". `alike` is the mean over the dimensions of a closeness in 0…1
(1 at no difference, 0 at three times the tolerance; for the correlations, r floored at 0).
"""

from __future__ import annotations

import math

import numpy as np

from ..measures.delivery import Delivery, _moving_power_db, _runs
from ..model import Span
from .align import SAME_TEXT_MAX_RATIO, Alignment
from .result import LineDiff, PairResult

#: A pause of b lands within this of a pause of a (in a's time) to be "in the same place".
PAUSE_MATCH_S = 0.3
#: The "nearly the same" tolerances (see the module docstring).
NEAR = {
    "pace": 0.03,          # |ratio − 1|
    "pitch_median": 0.3,   # semitones
    "pitch_range": 1.0,    # semitones
    "loudness": 1.0,       # LU
    "contour_r": 0.80,     # r at or above
    "pause": 0.99,         # pause_match at or above
}
CONTOUR_WINDOW_S = 0.2
#: Phrase edges left out of the pace count: the level threshold and the 60 ms smoothing widen
#: every phrase by the same few frames whatever its pace, which would pull ratios towards 1.
EDGE_S = 0.08


def _r(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 10 or np.std(x) < 1e-9 or np.std(y) < 1e-9:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _interior(sounding: np.ndarray, m: int) -> np.ndarray:
    """Sounding frames at least `m` frames inside their run."""
    out = sounding.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], sounding.astype(np.int8), [0]])))
    for e in edges:
        out[max(0, e - m):e + m] = False
    return out


def _pace(al: Alignment, a: Delivery, b: Delivery, lo: int = 0,
          hi: int | None = None) -> float | None:
    """Sounding time of a ÷ the time the same words take in b, over a's frames [lo, hi)."""
    inner = _interior(a.sounding, max(1, int(round(EDGE_S / a.track.hop_s))))
    inner[:lo] = False
    if hi is not None:
        inner[hi:] = False
    idx = np.arange(a.track.count, dtype=float)
    partner = al.map_frames(idx)
    both = inner & b.sounding[np.clip(np.round(partner).astype(int), 0, b.track.count - 1)]
    ta = tb = 0.0
    for i0, i1 in _runs(both):
        if i1 - i0 < 3:
            continue
        # least squares through the stretch's partners: no single frame decides where it ends
        fit = np.polyfit(idx[i0:i1], partner[i0:i1], 1)
        j0, j1 = np.polyval(fit, [i0, i1])
        ta += i1 - i0
        tb += max(0.0, j1 - j0)
    return float(ta / tb) if ta > 0 and tb > 0 else None


def _st(d: Delivery, idx: np.ndarray) -> np.ndarray:
    return 12.0 * np.log2(d.track.f0_hz[idx] / 100.0)


def _pitch_diff(al: Alignment, a: Delivery, b: Delivery, steps=None) -> float | None:
    p = al.path if steps is None else al.path[steps]
    ok = np.isfinite(a.pitch_st[p[:, 0]]) & np.isfinite(b.pitch_st[p[:, 1]])
    if ok.sum() < 10:
        return None
    return float(np.median(_st(b, p[ok, 1]) - _st(a, p[ok, 0])))


def _range_diff(al: Alignment, a: Delivery, b: Delivery) -> float | None:
    """b − a of the pitch span over the same syllables (pairs voiced in both takes)."""
    from ..measures.delivery import PITCH_PERCENTILES

    p = al.path
    ok = np.isfinite(a.pitch_st[p[:, 0]]) & np.isfinite(b.pitch_st[p[:, 1]])
    if ok.sum() < 10:
        return None
    lo_a, hi_a = np.percentile(a.pitch_st[p[ok, 0]], PITCH_PERCENTILES)
    lo_b, hi_b = np.percentile(b.pitch_st[p[ok, 1]], PITCH_PERCENTILES)
    return float((hi_b - lo_b) - (hi_a - lo_a))


def _level_diff(al: Alignment, a: Delivery, b: Delivery, steps=None) -> float | None:
    p = al.path if steps is None else al.path[steps]
    ok = a.sounding[p[:, 0]] & b.sounding[p[:, 1]]
    if ok.sum() < 10:
        return None
    return float(np.median(b.loudness_db[p[ok, 1]] - a.loudness_db[p[ok, 0]]))


def _pause_match(al: Alignment, a: Delivery, b: Delivery) -> float:
    if not a.pauses and not b.pauses:
        return 1.0
    hop = a.track.hop_s
    mids_a = [(p.start_s + p.end_s) / 2 for p in a.pauses]
    used: set[int] = set()
    matched = 0
    for p in b.pauses:
        t = al.map_time((p.start_s + p.end_s) / 2, hop, reverse=True)
        best = min(((abs(t - m), k) for k, m in enumerate(mids_a) if k not in used),
                   default=None)
        if best is not None and best[0] <= PAUSE_MATCH_S:
            used.add(best[1])
            matched += 1
    return 2.0 * matched / (len(a.pauses) + len(b.pauses))


def _closeness(diff: float | None, tol: float) -> float | None:
    return None if diff is None else max(0.0, 1.0 - abs(diff) / (3.0 * tol))


def compare(a: Delivery, b: Delivery, al: Alignment, *, ia: int = 0, ib: int = 1,
            loudness_diff_lu: float | None = None) -> PairResult:
    """The comparison of take b with take a (indices `ia`, `ib` in the argument order)."""
    if not al.same_text:
        return PairResult(ia, ib, same_text=False, cost_ratio=al.cost_ratio,
                          summary=f"Take {ib + 1} does not follow the words of take {ia + 1}: "
                                  "they are not the same lines, so they are not compared.",
                          detail=f"Take {ib + 1} does not follow the words of take {ia + 1} "
                                 f"(alignment cost {al.cost_ratio:.2f}, above "
                                 f"{SAME_TEXT_MAX_RATIO:.2f}): they are not the same lines, "
                                 "so they are not compared.")
    p = al.path
    pace = _pace(al, a, b)
    pitch = _pitch_diff(al, a, b)
    prange = _range_diff(al, a, b)
    loud = loudness_diff_lu if loudness_diff_lu is not None else _level_diff(al, a, b)
    ok = np.isfinite(a.pitch_st[p[:, 0]]) & np.isfinite(b.pitch_st[p[:, 1]])
    pitch_r = _r(a.pitch_st[p[ok, 0]], b.pitch_st[p[ok, 1]])
    frames = max(1, int(round(CONTOUR_WINDOW_S / a.track.hop_s)))
    la, lb = (_moving_power_db(d.track.level_db, frames) for d in (a, b))
    both = a.sounding[p[:, 0]] & b.sounding[p[:, 1]]
    loud_r = _r(la[p[both, 0]], lb[p[both, 1]])
    pauses = _pause_match(al, a, b)
    scores = [_closeness(None if pace is None else math.log(pace), math.log1p(NEAR["pace"])),
              _closeness(pitch, NEAR["pitch_median"]),
              _closeness(prange, NEAR["pitch_range"]),
              _closeness(loud, NEAR["loudness"]),
              None if pitch_r is None else max(0.0, pitch_r),
              None if loud_r is None else max(0.0, loud_r),
              pauses]
    got = [s for s in scores if s is not None]
    alike = sum(got) / len(got) if got else None
    result = PairResult(
        ia, ib, same_text=True, cost_ratio=al.cost_ratio, pace_ratio=pace,
        pitch_median_diff_st=pitch, pitch_range_diff_st=prange, loudness_diff_lu=loud,
        pitch_contour_r=pitch_r, loudness_contour_r=loud_r, pause_match=pauses,
        pauses_a=len(a.pauses), pauses_b=len(b.pauses), alike=alike,
        lines=tuple(_lines(al, a, b)))
    return result.with_summary(sentence(result), sentence(result, exact=True))


def _lines(al: Alignment, a: Delivery, b: Delivery) -> list[LineDiff]:
    hop = a.track.hop_s
    out = []
    for ph in a.phrases:
        lo, hi = int(round(ph.start_s / hop)), int(round(ph.end_s / hop))
        steps = (al.path[:, 0] >= lo) & (al.path[:, 0] < hi)
        if not steps.any():
            continue
        span_b = Span(al.map_time(ph.start_s, hop), al.map_time(ph.end_s, hop))
        out.append(LineDiff(ph.start_s, ph.end_s, span_b.start_s, span_b.end_s,
                            _pace(al, a, b, lo, hi), _pitch_diff(al, a, b, steps),
                            _level_diff(al, a, b, steps)))
    return out


def sentence(r: PairResult, *, exact: bool = False) -> str:
    """One sentence: what differs, what does not, and what casting may conclude — in plain
    words, or `exact` with the figures that decide it."""
    a, b = r.a + 1, r.b + 1
    differ, same = _differences(r, exact)
    contours = {n: v for n, v in (("pitch", r.pitch_contour_r), ("loudness", r.loudness_contour_r))
                if v is not None}
    if not contours:
        return (f"Take {b} is {_join(differ)}." if differ else
                f"Take {b} has too little voiced speech to compare its shape with take {a}.")
    head = f"Take {b} is {_join(differ)}" if differ else \
        f"Take {b} keeps the {_join(same) or 'timing'} of take {a}"
    low = min(contours.values())
    follows = [n for n, v in contours.items() if v >= NEAR["contour_r"]]
    if len(follows) == len(contours):
        how = (f"follow{'s' if len(follows) == 1 else ''} take {a} almost exactly "
               f"(r = {low:.2f})" if exact else
               f"rise{'s' if len(follows) == 1 else ''} and fall{'s' if len(follows) == 1 else ''}"
               f" just as take {a}'s do")
        return (f"{head}, {'but' if differ else 'and'} its {' and '.join(follows)} {how}: "
                "casting may see the same read twice.")
    other = [n for n in contours if n not in follows]
    shape = (f"its {' and '.join(other)} take{'s' if len(other) == 1 else ''} a different "
             "shape" + (f" (r = {min(contours[n] for n in other):.2f})" if exact else ""))
    return f"{head}, and {shape}: a different read."


def _differences(r: PairResult, exact: bool = False) -> tuple[list[str], list[str]]:
    """What differs beyond "nearly the same", in words (with its size when `exact`), and
    what stays the same."""
    differ, same = [], []
    if r.pace_ratio is not None:
        pct = (r.pace_ratio - 1.0) * 100.0
        if abs(r.pace_ratio - 1.0) > NEAR["pace"]:
            differ.append(f"{abs(pct):.0f} % {'faster' if pct > 0 else 'slower'}")
        else:
            same.append("pace")
    st = r.pitch_median_diff_st
    if st is not None and abs(st) > NEAR["pitch_median"]:
        differ.append(f"pitched {abs(st):.1f} semitones {'higher' if st > 0 else 'lower'}"
                      if exact else f"pitched {'higher' if st > 0 else 'lower'}")
    st = r.pitch_range_diff_st
    if st is not None and abs(st) > NEAR["pitch_range"]:
        differ.append(f"{'wider' if st > 0 else 'narrower'} in pitch"
                      + (f" by {abs(st):.1f} semitones" if exact else ""))
    lu = r.loudness_diff_lu
    if lu is not None and abs(lu) > NEAR["loudness"]:
        differ.append((f"{abs(lu):.1f} LU " if exact else "")
                      + ('louder' if lu > 0 else 'quieter'))
    if r.pause_match is not None:
        if r.pause_match < NEAR["pause"]:
            differ.append("pauses in different places")
        else:
            same.append("pauses")
    return differ, same


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
