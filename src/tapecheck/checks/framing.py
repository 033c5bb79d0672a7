"""Framing checks (V3xx): shot size, headroom, eye line, centring, a face cut by the edge.

Casting asks for a medium close-up: mid-chest to just above the head, eyes in the upper part
of the frame, the actor roughly centred — the common advice of casting directors' self-tape
guides; none publishes numbers, so these thresholds are recommendations calibrated on the
corpus and the labelled real set (corpus/real, LABELS.csv). Measure: measures/framing.py
(medians over the frames with the actor, inside any black bars).
CenterFace's box runs brow to chin; in a chest-up landscape frame it is ≈ 0.3–0.45 of the
frame height. Corpus (scripts/calibrate_vision.py): landscape/square talking heads 0.46–0.70
(the SadTalker crops 0.69–0.70 are the corpus' "too close" examples), full-body clip 0.10.
Framing warnings never make `can_see_eyes` false.
"""

from __future__ import annotations

from ..measures.framing import CROWN_ABOVE_BOX
from ..model import Severity
from ._picture import need_frames, spans
from .base import Hit, Param, check
from .plainly import share as _share


@check(code="V301", name="framed-too-wide", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio",
       params=(Param(name="min_face_height", default=0.18, unit="ratio", warns="below",
                     help="face (brow to chin) smaller than this share of the frame height warns",
                     min=0.02, max=0.6),
               Param(name="max_body_below", default=2.5, unit="face heights", warns="above",
                     help="more of the body than this under the chin (in face heights) warns",
                     min=0.5, max=20.0)),
       problem="the framing (you are too small)",
       fix="Move the camera closer (or step towards it) so the frame runs from mid-chest to "
           "just above your head.")
def framed_too_wide(m, p):
    """You are too small in the frame (the shot is too wide).

    Two readings of the same thing. The face height (brow to chin) below {min_face_height} of the
    frame height: wider than a waist-up shot, where the face is ≈ 0.2 (corpus: the full-body clip
    0.10, the football photo 0.13, a standing portrait 0.18; talking heads 0.46–0.70; pictures
    shrunk to 28 % 0.13–0.19). And the shot size, whatever the picture's shape: how much body shows
    under the chin, in face heights (measures/framing.py) — with body proportions in head lengths,
    a chest-up frame ends ≈ 2 face heights under the chin and the waist is ≈ 2.8, so more than
    {max_body_below} is a waist-up shot or wider. Real set: a seated interview framed from the
    knees up 2.63, a portrait phone tape from mid-thigh up 2.97 (both labelled too wide); a
    chest-up two-shot 2.33, a presenter 1.45, webcam tapes 0.0–0.9 (not).
    Why casting cares: casting needs to read your eyes; in a wide shot they are a few pixels
    on a laptop, and self-tape guidance asks for a medium close-up.
    How to fix: bring the camera closer — frame from mid-chest to just above the head.
    """
    fr = m["framing"]
    need_frames(len(fr.frames))
    h, below = fr.face_height, fr.below
    if h < p.min_face_height:
        return Hit("The shot is too wide: your face fills {} of the frame height", measured=h,
                   threshold=p.min_face_height, warns="below",
                   plain="You are small in the picture: the shot is too wide for casting to "
                   "read your eyes.")
    if below > p.max_body_below:
        return Hit("The shot is too wide: the frame shows {} of your body below the chin",
                   measured=below, threshold=p.max_body_below, unit="face heights",
                   detail="waist-up or wider",
                   plain="The shot is too wide: it shows you from the waist up or wider.")


@check(code="V302", name="framed-too-tight", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio",
       params=(Param(name="max_face_height", default=0.65, unit="ratio", warns="above",
                     help="face taller than this share of the frame height warns",
                     min=0.2, max=1.0),
               Param(name="min_head_room", default=0.2, unit="face heights", warns="below",
                     help="room above the brow line smaller than this (in face heights) means the "
                          "frame cuts into the head; warns", min=0.0, max=1.0)),
       problem="the framing (too tight)",
       fix="Move the camera back (or zoom out) so the frame runs from mid-chest to just above "
           "your head.")
def framed_too_tight(m, p):
    """You are framed too close: the face fills the frame or the frame cuts into your head.

    One rule for tight framing and head cuts, both from the face box (brow to chin):
    the face taller than {max_face_height} of the frame height, or less room above the box top
    than {min_head_room} face heights. The hair top sits ≈ 0.38 face heights above the box top
    (GRID, whole heads in frame), so hair touching the top edge leaves ≈ 0.3–0.4 and passes,
    while under {min_head_room} the edge cuts through the skull or the forehead. Corpus: the
    SadTalker crops (0.69–0.70) are flagged — SOURCES.md calls them the "too close" case; GRID
    head-and-shoulders shots reach 0.58 with 0.44 room and are not; videoretalking_face5 (0.61,
    whole head, 0.45 room) is not; zoomed ×2: 0.88–1.0. Real set, labelled head cut / too
    close: 0.73 (room 0.19), 0.71 (0.14), 0.68 (0.03), 0.68 (0.39); labelled fine: 0.49–0.59
    with room 0.24–0.58 (an address crop whose hair touches the edge: 0.58, room 0.37).
    The blind set's tight crops at 0.62–0.64 (hair cut by the top edge, shoulders barely in)
    are missed at this line, and moving it into the gap the labelled clips leave (fine up to
    0.593, tight from 0.677) was tried in #21 and undone: the project's own ready sample tape
    (a GRID close-up, whole head in frame with room above it) measures 0.614. What tells those
    crops apart is the cut hair, i.e. the head room, which needs a better crown estimate than
    the face box gives (the hair top is ≈ 0.38 face heights above it on GRID, but varies).
    Why casting cares: casting wants to see your shoulders and some space above the head — a
    face crammed into the frame feels claustrophobic and every movement leaves the shot.
    How to fix: step back or move the camera back until there is a little space above your
    head and your chest shows.
    """
    fr = m["framing"]
    need_frames(len(fr.frames))
    h, room = fr.face_height, fr.above
    if h > p.max_face_height:
        return Hit("The shot is too tight: your face fills {} of the frame height",
                   measured=h, threshold=p.max_face_height,
                   plain="You are too close: your face fills most of the picture.")
    if room < p.min_head_room:
        return Hit("The top of the frame cuts into your head: {} of room above your brows",
                   measured=room, threshold=p.min_head_room, unit="face heights",
                   warns="below", detail=f"the whole head needs about {CROWN_ABOVE_BOX:g}",
                   plain="The top of the picture cuts into your head.")


@check(code="V303", name="eyes-too-low", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio", words=("more than", "less than"),
       params=(Param(name="max_eye_line", default=0.67, unit="ratio", warns="above",
                     help="eye line lower than this share of the frame height (from the top) "
                          "warns", min=0.3, max=1.0),),
       problem="the framing (your eyes sit too low)",
       fix="Tilt the camera down or raise it to eye level so your eyes sit in the upper part of "
           "the frame, with only a little space above your head.")
def eyes_too_low(m, p):
    """Your eyes sit low in the frame (too much space above your head).

    Eye line in the lower third of the picture (below {max_eye_line} of its height from the top).
    The rule of thirds puts the eyes on the upper third line (0.33); the corpus' studio talking
    heads sit at 0.43–0.58 (GRID's level camera puts eyes near the middle), webcam tapes of the
    real set labelled well framed at 0.44–0.64; a webcam tape labelled "too close and low" 0.71;
    the picture moved down 28 %: 0.72–0.82. Measured inside black bars.
    Why casting cares: a frame that is mostly wall above the head pushes you to the bottom of
    the screen and usually means the camera is too low or tilted up at you.
    How to fix: raise the camera to eye level and tilt it so the eyes sit about a third of
    the way down.
    """
    fr = m["framing"]
    need_frames(len(fr.frames))
    eyes = fr.eye_line
    if eyes > p.max_eye_line:
        return Hit("Your eyes are {} of the way down the frame", measured=eyes,
                   threshold=p.max_eye_line,
                   plain="Your eyes sit low in the picture: there is too much space above "
                   "your head.")


@check(code="V304", name="face-cut-off", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio",
       params=(Param(name="max_share", default=0.2, unit="ratio", warns="above",
                     help="share of the frames with your face cut by a frame edge that warns",
                     min=0.0, max=1.0),),
       problem="your face cut off by the frame",
       fix="Re-frame so your whole face is inside the picture with some space around it, and "
           "stay inside that space while you play the scene.")
def face_cut_off(m, p):
    """Part of your face is cut off by an edge of the frame.

    A face box that reaches an edge of the picture (within 1 % of its size) means the face
    runs out of the frame there. Warned when it happens in {max_share:%} of the frames with a face.
    Corpus: no clean clip (0 %); faces shifted to the edge 89–100 %; the partial-face photo.
    Why casting cares: half a face is half an audition — and the half missing is often an eye.
    How to fix: centre yourself with room to move; mark your position.
    """
    fr = m["framing"]
    need_frames(len(fr.frames))
    cut = [bool(f.edges) for f in fr.frames]
    share = sum(cut) / len(cut)
    if share >= p.max_share:
        sides = {"l": "left", "r": "right", "t": "top", "b": "bottom"}
        which = sorted({sides[e] for f in fr.frames for e in f.edges})
        found = spans(fr.times, cut, fr.duration_s, 0.0)
        edges = " and ".join(which)
        return Hit(f"Your face is cut off by the {edges} edge of the frame in {{}} of the "
                   "frames showing it", measured=share, threshold=p.max_share, spans=found,
                   plain=f"The {edges} edge of the picture cuts off part of your face "
                   f"{_share(share)} of the time.")


@check(code="V305", name="off-centre", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio",
       params=(Param(name="max_offset", default=0.25, unit="ratio", warns="above",
                     help="face centre further than this share of the width from the middle warns",
                     min=0.05, max=0.5),),
       problem="the off-centre framing",
       fix="Move the camera (or yourself) so you are in the middle of the frame, or just off "
           "it towards your reader's side.")
def off_centre(m, p):
    """You are far off-centre in the frame.

    Face centre more than {max_offset} of the frame width from the middle (in the outer quarter
    of the picture). Corpus: clean clips within 0.09 of the middle; the two-people photo's
    larger face 0.22; the partial-face photo 0.31; faces moved to 82 % of the width 0.29–0.32.
    Why casting cares: self-tapes are framed centred (or slightly off towards the reader);
    an actor pushed to the side leaves casting watching an empty room.
    How to fix: centre yourself in the frame before you start.
    """
    fr = m["framing"]
    need_frames(len(fr.frames))
    c = fr.center
    if abs(c) > p.max_offset:
        side = "right" if c > 0 else "left"
        return Hit(f"Your face is {{}} of the frame width {side} of centre", measured=abs(c),
                   threshold=p.max_offset,
                   plain=f"You are far to the {side} of the picture, not in the middle.")


@check(code="V306", name="black-bars", category="framing", severity=Severity.WARNING,
       reads=("framing",), unit="ratio",
       params=(Param(name="max_bars", default=0.05, unit="ratio", warns="above",
                     help="black bars taking more than this share of the frame (both sides) warn",
                     min=0.0, max=0.5),),
       problem="the black bars around your picture",
       fix="Record and export at the camera's own shape (16:9 landscape) so the picture fills "
           "the frame; don't place it inside a 4:3 or square frame.")
def black_bars(m, p):
    """Your picture sits inside black bars (letterbox or pillarbox): casting sees it smaller.

    Black bars are rows or columns at the frame's edges that are black and flat in every
    sampled frame, in a centred pair (measures/framing.py); warned when they take more than
    {max_bars:%} of the frame. Real set: a 640×360 webcam picture inside a 640×480 frame (60 px
    bars top and bottom, 25 % of the frame) is flagged; no other clip, including dark backdrops at
    one side, has bars. The other framing checks judge the picture inside the bars.
    Why casting cares: a letterboxed picture plays smaller still inside the casting site's
    own player, and bars read as a conversion mistake.
    How to fix: record landscape at the camera's native size, and export at that size.
    """
    fr = m["framing"]
    top, bottom, left, right = fr.bars
    share = 1 - (1 - top - bottom) * (1 - left - right)
    if share > p.max_bars:
        where = " and ".join(w for w, on in (("top and bottom", top + bottom > 0),
                                             ("left and right", left + right > 0)) if on)
        return Hit(f"Black bars at the {where} take {{}} of the frame", measured=share,
                   threshold=p.max_bars,
                   plain=f"Black bars at the {where} make your picture play smaller than it "
                   "could.")
