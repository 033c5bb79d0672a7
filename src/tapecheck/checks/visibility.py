"""Face, eyes and extra-face checks (V1xx): can casting see your face and your eyes?

Measures: measures/faces.py (CenterFace, the actor = the largest face), measures/eyes.py (eye
regions and head pose from the five landmarks). Calibration: scripts/calibrate_vision.py,
numbers quoted in each check. A face or eyes *error* means casting cannot see your eyes
(`can_see_eyes` false); these are kept for what the issue calls "truly cannot see the eyes":
face missing most of the tape, eyes hidden most of the tape.
"""

from __future__ import annotations

import numpy as np

from ..measures.eyes import GLARE, PROFILE, SHADOW
from ..model import Severity
from ._picture import GRACE_S, length, longest, need_frames, spans
from .base import Hit, Param, Skip, check
from .plainly import seconds as _seconds, share as _share, times as _times


def _judged(faces) -> tuple[float, list[bool]]:
    """Share of the non-black sampled frames showing the face, and where it is lost (black
    frames are V501's: the face is not called lost there)."""
    black = faces.black or (False,) * faces.frames
    judged = faces.frames - sum(black)
    if faces.frames == 0:
        raise Skip("no picture frames were sampled")
    if judged == 0:
        raise Skip("the picture is black throughout (V501)")
    seen = sum(v for v, b in zip(faces.visible, black) if not b)
    return seen / judged, [not v and not b for v, b in zip(faces.visible, black)]


@check(code="V101", name="face-not-visible", category="face", severity=Severity.WARNING,
       reads=("faces",), unit="ratio", warns="below",
       params=(Param(name="min_visible", default=0.9, unit="ratio", warns="below",
                     help="share of sampled frames showing your face below which it warns",
                     min=0.0, max=1.0),
               Param(name="error_visible", default=0.5, unit="ratio", warns="below",
                     help="share below which casting cannot see you (error)", min=0.0, max=1.0)),
       problem="your face missing from the shot",
       fix="Stay in the frame facing the camera for the whole take; check the framing on the "
           "screen before you start.")
def face_not_visible(m, p):
    """Your face is missing from much of the tape.

    Share of sampled frames (2 per second) in which the face detector finds the actor's face;
    black frames are left out (V501 reports them). Thresholds: a warning below {min_visible:%} — on
    the corpus every talking-head clip shows the face in 100 % of its frames (105 of 105
    talking-head frames; 170 of 170 frames of all face clips) and the no-face clip in 0 % — and an
    error below {error_visible:%}, when the face is missing for most of the tape.
    Why casting cares: casting judges the read through your face; every second it is gone (out
    of frame, turned away, covered) is a second of the audition they cannot see.
    How to fix: frame yourself from mid-chest up, centred, and play the scene towards the
    camera (your reader sits beside the lens).
    """
    faces = m["faces"]
    ratio, lost_mask = _judged(faces)
    lost = spans(faces.times, lost_mask, faces.duration_s, 1.0)
    if ratio < p.error_visible:
        return Hit("Your face is visible in {} of the sampled frames", measured=ratio,
                   threshold=p.error_visible, spans=lost, severity=Severity.ERROR,
                   plain=f"Casting can't see you: your face is in the picture only "
                   f"{_share(ratio)} of the time.")
    if ratio < p.min_visible:
        return Hit("Your face is visible in {} of the sampled frames", measured=ratio,
                   threshold=p.min_visible, spans=lost,
                   plain=f"Your face is out of the picture {_share(1 - ratio)} of the time.")


@check(code="V102", name="face-lost", category="face", severity=Severity.WARNING,
       reads=("faces",), unit="s", words=("longer than", "shorter than"),
       params=(Param(name="min_lost_s", default=1.0, unit="s", warns="above",
                     help="a stretch without your face at least this long warns",
                     min=0.5, max=30.0),),
       problem="your face leaving the shot",
       fix="Keep your face in the frame and towards the camera; if you move in the scene, "
           "frame wider or mark where you stand.")
def face_lost(m, p):
    """Your face leaves the picture for a moment (turned away, out of frame, covered).

    Stretches of at least {min_lost_s} s (two sampled frames in a row) without the actor's face.
    Only judged when the face shows in enough of the tape for V101 not to call it an error
    (its `error_visible`): below that these moments are the whole tape.
    Why casting cares: a turn away from the lens or a step out of frame in the middle of a
    line loses the moment casting is watching for. One second is the issue's "longer than
    about a second"; single sampled frames without a face are ignored (a blink of the detector).
    How to fix: play towards the camera; if the scene needs movement, keep it inside the frame.
    """
    faces = m["faces"]
    ratio, lost_mask = _judged(faces)
    if ratio < face_not_visible.param("error_visible").default:
        return None  # V101's error says it: the whole tape is these moments
    lost = spans(faces.times, lost_mask, faces.duration_s, p.min_lost_s)
    if lost:
        worst = longest(lost)
        return Hit(f"Your face leaves the picture {len(lost)} time(s), the longest for {{}}",
                   measured=length(worst), threshold=p.min_lost_s, spans=lost,
                   plain=f"Your face leaves the picture {_times(len(lost))}, the longest for "
                   f"{_seconds(length(worst))}.")


def _hidden(m, p, state: str, what: str, plain: str):
    eyes = m["eyes"]
    face_frames = sum(s != "no-face" for s in eyes.states)
    need_frames(face_frames)
    mask = eyes.mask(state)
    count = sum(mask)
    if count == 0:
        return None
    share_face = count / face_frames
    share_tape = count / eyes.frames
    found = spans(eyes.times, mask, eyes.duration_s, 0.0)
    long = [s for s in found if length(s) >= p.max_span_s - GRACE_S]
    if share_tape >= p.error_share:
        return Hit(f"Your eyes are hidden by {what} in {{}} of the sampled frames",
                   measured=share_tape, threshold=p.error_share, spans=found,
                   severity=Severity.ERROR,
                   plain=f"{plain} for most of the tape: casting can't see your eyes.")
    if share_face >= p.max_share or long:
        return Hit(f"Your eyes are hidden by {what} in {{}} of the frames showing your face",
                   measured=share_face, threshold=p.max_share, spans=tuple(long or found),
                   detail=f"also warned when {p.max_span_s:g} s in a row",
                   plain=f"{plain} for {_share(share_face)} of the time your face is seen.")


_HIDDEN_PARAMS = (
    Param(name="max_share", default=0.2, unit="ratio", warns="above",
          help="share of the frames with your face in which hidden eyes warn", min=0.0, max=1.0),
    Param(name="max_span_s", default=3.0, unit="s", warns="above",
          help="hidden this long in a row warns on its own", min=0.5, max=60.0),
    Param(name="error_share", default=0.5, unit="ratio", warns="above",
          help="share of the whole tape with hidden eyes that is an error", min=0.0, max=1.0),
)


@check(code="V110", name="eyes-in-shadow", category="eyes", severity=Severity.WARNING,
       reads=("eyes",), unit="ratio", params=_HIDDEN_PARAMS,
       problem="the shadows over your eyes",
       fix="Put a soft light in front of you at eye height (a lamp or window behind the "
           "camera) so it fills your eye sockets; avoid light only from the ceiling.")
def eyes_in_shadow(m, p):
    """Your eyes sit in dark sockets: light from above leaves them in shadow.

    Per frame (measures/eyes.py): the brightest tenth of each eye region is compared with the
    cheek below it; both eyes under 0.45 × the cheek are "in shadow". Corpus: clean eyes
    measure 0.67–1.05 on all 15 face clips, darker and lighter skin alike (it is a ratio to
    the actor's own cheek); eyes with the band from brows to below the eyes darkened to 30 %
    measure 0.28–0.49 and are flagged in 44–86 % of frames.
    Why casting cares: "the eyes are the audition" — casting reads thought in the eyes, and
    top light (a ceiling lamp, midday sun) turns them into dark holes. Warned when it holds
    for {max_share:%} of the frames or {max_span_s} s in a row (a glance down is not a problem); an
    error when the eyes are hidden for {error_share:%} of the tape.
    How to fix: add a frontal, soft light at eye level — a lamp behind the camera bounced off
    a wall, or face a window.
    """
    return _hidden(m, p, SHADOW, "shadow", "Your eyes are in shadow")


@check(code="V111", name="glare-on-glasses", category="eyes", severity=Severity.WARNING,
       reads=("eyes",), unit="ratio", params=_HIDDEN_PARAMS,
       problem="the glare on your glasses",
       fix="Tilt your glasses down slightly, or move the light higher and to the side, until "
           "the reflection leaves the lenses (or take the glasses off if the role allows).")
def glare_on_glasses(m, p):
    """A reflection (on glasses) covers your eyes.

    Per frame: more than 30 % of an eye region is near white (luma ≥ 235) while the cheek is
    not blown out. Corpus: catchlights — the small reflections casting wants — cover at most
    1.9 % of an eye region (0 % on most clips; the glasses in grid_lbax4n, videoretalking_face5
    and liveportrait d13 give none); white patches over the lenses are flagged in 89–100 % of
    frames.
    Why casting cares: a bright patch where the eyes should be hides exactly what they watch.
    Same thresholds as V110.
    How to fix: raise the light or move it to the side so its reflection misses the lenses;
    tilt the frames down a little at the temples; anti-reflective lenses help.
    """
    return _hidden(m, p, GLARE, "a reflection (glare)",
                   "A reflection on your glasses hides your eyes")


def _pose_spans(eyes, values, limit: float, min_s: float):
    mask = [v is not None and v > limit for v in values]
    return mask, spans(eyes.times, mask, eyes.duration_s, min_s)


@check(code="V112", name="eyeline-turned-away", category="eyes", severity=Severity.WARNING,
       reads=("eyes",), unit="°",
       params=(Param(name="max_yaw_deg", default=35.0, unit="°", warns="above",
                     help="head turned further than this from the lens (left or right) counts",
                     min=10.0, max=90.0),
               Param(name="max_span_s", default=3.0, unit="s", warns="above",
                     help="turned away this long in a row warns", min=0.5, max=60.0),
               Param(name="off_lens_deg", default=25.0, unit="°", warns="above",
                     help="head turned further than this counts as playing well off the lens",
                     min=5.0, max=90.0),
               Param(name="max_off_share", default=0.6, unit="ratio", warns="above",
                     help="share of the frames (with a measurable head turn) played that far off "
                          "the lens that warns", min=0.0, max=1.0),
               Param(name="error_share", default=0.5, unit="ratio", warns="above",
                     help="share of the tape in profile (one eye hidden) that is an error",
                     min=0.0, max=1.0)),
       problem="your head turned away from the camera",
       fix="Place your reader (or the eyeline mark) right beside the camera lens so you play "
           "just off it, not to the side.")
def eyeline_turned_away(m, p):
    """Your head is turned well away from the camera: for a while, or for most of the tape.

    Head yaw from the five landmarks (measures/eyes.py, a generic-head model; the corpus'
    talking heads read within ±6° per frame on GRID and up to 25° when the speaker glances
    aside; the off-centre LivePortrait clip, looking past the lens, 37° for a moment). Past
    50° one eye is lost behind the nose (profile).
    Why casting cares: casting wants the eyeline just off the lens — the reader sits beside
    the camera, 10–20° of gaze off axis at a normal distance, of which the head turns about
    two thirds (the eyes do the rest), so the head stays within ≈ 15° — and both eyes read.
    Warned: a head turned past {max_yaw_deg}° for more than {max_span_s} s in a row (the issue:
    profile "tolerated for a few seconds"), or past {off_lens_deg}° (a gaze ≈ 35–40° off: a reader
    beside the camera operator, an interviewer, not beside the lens) in {max_off_share:%} or more
    of the frames. Real set: median head turn 1–16° on every clip, and no clip past 25° in more
    than 17 % of its frames but a TV interview answering an interviewer off camera (median 24°, 50
    % — labelled a normal interview eyeline, and left unflagged). In profile for {error_share:%} of
    the tape casting loses your eyes altogether (error).
    How to fix: put your reader or eyeline mark next to the lens, at eye height.
    """
    eyes = m["eyes"]
    need_frames(sum(y is not None for y in eyes.yaw), "a face with a measurable head turn")
    yaw = [None if y is None else abs(y) for y in eyes.yaw]
    profile = sum(s == PROFILE for s in eyes.states) / eyes.frames
    _, found = _pose_spans(eyes, yaw, p.max_yaw_deg, p.max_span_s)
    turned = [y for y, t in zip(yaw, eyes.times) if y is not None and y > p.max_yaw_deg]
    typical = float(np.median(turned)) if turned else None
    measured = [y for y in yaw if y is not None]
    off = sum(y > p.off_lens_deg for y in measured) / len(measured)
    if profile >= p.error_share:
        return Hit("Your face is in profile (one eye hidden) in {} of the sampled frames",
                   measured=profile, threshold=p.error_share, unit="ratio", warns="above",
                   spans=found, severity=Severity.ERROR,
                   plain="Your face is side-on to the camera for most of the tape: casting "
                   "sees only one of your eyes.")
    if found:
        worst = longest(found)
        return Hit("Your head is turned about {} away from the camera", measured=typical,
                   threshold=p.max_yaw_deg, spans=found,
                   detail=f"for {length(worst):.1f} s at a stretch; warned from "
                   f"{p.max_span_s:g} s",
                   plain=f"Your head is turned well away from the camera for "
                   f"{_seconds(length(worst))} at a stretch.")
    if off >= p.max_off_share:
        median = float(np.median(measured))
        mask, _ = _pose_spans(eyes, yaw, p.off_lens_deg, 0.0)
        return Hit("You play well off the lens: your head is typically turned {} from the "
                   "camera", measured=median, threshold=p.off_lens_deg,
                   detail=f"past {p.off_lens_deg:.0f}° in {off:.0%} of the frames, warned "
                   f"from {p.max_off_share:.0%}",
                   plain="You play well to the side of the camera for most of the tape: "
                   "casting sees your face from the side.",
                   spans=spans(eyes.times, mask, eyes.duration_s, 1.0))


@check(code="V113", name="looking-down", category="eyes", severity=Severity.WARNING,
       reads=("eyes",), unit="°",
       params=(Param(name="max_pitch_deg", default=20.0, unit="°", warns="above",
                     help="head tipped further down than this counts", min=5.0, max=80.0),
               Param(name="max_span_s", default=3.0, unit="s", warns="above",
                     help="looking down this long in a row warns", min=0.5, max=60.0)),
       problem="looking down at the script",
       fix="Hold your sides at eye level just beside the lens (or learn the lines) so you read "
           "them without dropping your head.")
def looking_down(m, p):
    """You look down (at the script) for stretches of the take.

    Head pitch from the landmarks (measures/eyes.py): where the nose tip sits between eye line
    and mouth, against a generic head; the corpus' talking heads have medians of −5…+5°;
    a head tipped 20° down moves the nose to 0.69 of the eye–mouth height.
    Why casting cares: casting directors' most common note on self-tapes is "you're reading the
    sides" — eyes dropped to a script in the lap hide them under the lids. Warned for
    {max_pitch_deg}° or more, {max_span_s} s in a row (a glance down at the page between lines is
    normal).
    How to fix: put your pages at eye level beside the camera, or be off-book.
    """
    eyes = m["eyes"]
    need_frames(sum(v is not None for v in eyes.pitch), "a face with a measurable head tilt")
    _, found = _pose_spans(eyes, eyes.pitch, p.max_pitch_deg, p.max_span_s)
    if found:
        down = [v for v in eyes.pitch if v is not None and v > p.max_pitch_deg]
        typical = float(np.median(down))
        worst = longest(found)
        return Hit("You look down about {}", measured=typical, threshold=p.max_pitch_deg,
                   spans=found, detail=f"for {length(worst):.1f} s at a stretch; warned from "
                   f"{p.max_span_s:g} s",
                   plain=f"You look down (at your script?) for {_seconds(length(worst))} at "
                   "a stretch.")


@check(code="V120", name="second-face", category="extra-face", severity=Severity.WARNING,
       reads=("faces",), unit="s", words=("longer than", "shorter than"),
       params=(Param(name="min_span_s", default=1.0, unit="s", warns="above",
                     help="a second face in shot this long in a row warns", min=0.5, max=60.0),),
       problem="the second face in the shot",
       fix="Have your reader sit beside the camera, out of the shot, and check nobody else "
           "(or a poster or photo of a face) is in the frame.")
def second_face(m, p):
    """A second face is in the shot: your reader, someone passing, a face on a poster.

    Counted when the detector finds another face at least a quarter the height of the
    actor's (smaller ones are too far back to compete) in two sampled frames in a row ({min_span_s}
    s). The corpus' single-actor clips have none; the two-people photo has one in every frame.
    Why casting cares: self-tape guidance from casting directors and platforms alike: the
    reader is heard, not seen; a second face pulls the eye from yours.
    How to fix: seat the reader next to the camera, out of frame; check the background.
    """
    faces = m["faces"]
    if faces.frames == 0:
        raise Skip("no picture frames were sampled")
    found = spans(faces.times, list(faces.extra), faces.duration_s, p.min_span_s)
    if found:
        total = sum(length(s) for s in found)
        return Hit("A second face is in the shot for {}", measured=total,
                   threshold=p.min_span_s, spans=found,
                   plain=f"Someone else's face is in the shot for {_seconds(total)}.")
