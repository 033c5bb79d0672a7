"""Picture-edit checks (V5xx): black frames, frozen video and cuts inside the take.

Measures: measures/picture.py — the rules of ffmpeg's blackdetect and freezedetect filters
applied to the sampled frames (2 per second); measures/shots.py — cuts between shots.
"""

from __future__ import annotations

from ..model import Severity, Span
from ._picture import GRACE_S, length
from .base import Hit, Param, Skip, check
from .plainly import seconds as _seconds
from .plainly import times as _times


@check(code="V501", name="black-frames", category="edit", severity=Severity.WARNING,
       reads=("picture",), unit="s", reshoot=False, words=("longer than", "shorter than"),
       params=(Param(name="min_black_s", default=1.0, unit="s", warns="above",
                     help="black picture at least this long warns", min=0.5, max=60.0),),
       problem="the black frames",
       fix="Trim the black part out in your editor, or export the take again.")
def black_frames(m, p):
    """The picture goes black for a while.

    A sampled frame is black when 98 % of its pixels are at or below 10 % of the luma range
    (ffmpeg blackdetect's defaults); a run of them lasting {min_black_s} s or more (two sampled
    frames in a row) is reported. Corpus: no clip has black frames; a tape blacked out from 1.0 to
    2.3 s is found as one span.
    Why casting cares: black at the head of a tape makes casting wonder whether it plays;
    black in the middle looks like a broken export or a lens cover.
    How to fix: trim it in an editor (no new take needed) and check the export plays through.
    """
    pic = m["picture"]
    if not pic.times:
        raise Skip("no picture frames were sampled")
    found = _runs(pic.times, pic.black, pic.duration_s, p.min_black_s)
    if found:
        total = sum(length(s) for s in found)
        return Hit("The picture is black for {}", measured=total, threshold=p.min_black_s,
                   spans=found, plain=f"The picture goes black for {_seconds(total)}.")


@check(code="V502", name="frozen-video", category="edit", severity=Severity.WARNING,
       reads=("picture",), unit="s", words=("longer than", "shorter than"),
       params=(Param(name="min_frozen_s", default=1.0, unit="s", warns="above",
                     help="a still picture at least this long warns", min=0.5, max=60.0),),
       problem="the frozen picture",
       fix="Free up storage, turn off battery saver and record again (a frozen picture is frames "
           "the phone dropped); if it froze in an edit, export the take again.")
def frozen_video(m, p):
    """The picture freezes while the tape goes on.

    Consecutive sampled frames with no difference (no cell of an 8 × 8 grid changes by more
    than 1 grey level on average; measures/picture.py) form a frozen stretch from the
    first identical frame's predecessor; {min_frozen_s} s or more is reported (two sampled frames
    in a row). Corpus: the busiest cell changes by ≥ 3.5 levels between frames 0.5 s apart on every
    clip; a frame held for 1.6 s is found.
    Why casting cares: a frozen face while the voice goes on looks like a broken file, and
    the moment it covers is lost.
    How to fix: frozen frames are frames the phone dropped (full storage, overheating, a
    battery saver) or an editing glitch: free space and record again, or re-export.
    """
    pic = m["picture"]
    if len(pic.times) < 2:
        raise Skip("fewer than two picture frames were sampled")
    found = []
    i, n = 0, len(pic.times)
    while i < n:
        if pic.frozen[i]:
            j = i
            while j + 1 < n and pic.frozen[j + 1]:
                j += 1
            span = Span(pic.times[i - 1], pic.times[j])
            if length(span) >= p.min_frozen_s - GRACE_S:
                found.append(span)
            i = j + 1
        else:
            i += 1
    if found:
        total = sum(length(s) for s in found)
        return Hit("The picture freezes for {}", measured=total, threshold=p.min_frozen_s,
                   spans=tuple(found), plain=f"The picture freezes for {_seconds(total)}.")


def _runs(times, flags, duration, min_s) -> tuple[Span, ...]:
    from ._picture import spans

    return spans(times, list(flags), duration, min_s)


@check(code="V503", name="cuts-in-take", category="edit", severity=Severity.WARNING,
       reads=("shot_changes",), unit="cuts", words=("more than", "fewer than"), quick=False,
       params=(Param(name="max_cuts", default=0.0, unit="cuts", warns="above",
                     help="more cuts between shots than this warns", min=0.0, max=100.0),),
       problem="the cuts in the take",
       fix="Record the scene as one continuous take, in one shot; if you add a slate, put it "
           "before the scene.")
def cuts_in_take(m, p):
    """The picture cuts from one shot to another inside the tape.

    A cut is a pair of sampled frames (0.5 s apart) whose colour content changes far more
    than the pairs around it (measures/shots.py). On the 42 labelled real clips (corpus/real
    and real2) it finds 8 of the 9 clips labelled with cuts or B-roll (the one missed cuts
    between two similar shots of a press junket) and none of the 33 without; split halves:
    half A 3 of 4 found, half B 5 of 5, no false alarm in either.
    Why casting cares: a self-tape is judged as one unbroken performance; casting breakdowns
    ask for continuous takes, and cuts (to another angle, to B-roll, between takes) read as
    an edited showreel, not an audition. A slate edited in front of the scene is usual; say
    so to casting if you were asked for one.
    How to fix: record the scene in one take from one camera position.
    """
    shots = m["shot_changes"]
    if not shots.pairs:
        raise Skip("no sampled frames close enough in time to compare")
    n = len(shots.cuts)
    if n > p.max_cuts:
        spans = tuple(Span(t, t) for t in shots.cuts[:20])
        return Hit("The picture cuts between shots {}", measured=float(n),
                   threshold=p.max_cuts, spans=spans,
                   plain=f"The picture cuts to another shot {_times(n)}: casting expects one "
                   "continuous take.")
