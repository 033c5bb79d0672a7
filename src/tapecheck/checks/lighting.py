"""Lighting checks (V2xx): is your face lit so casting can read it?

Measure: measures/light.py — per frame, the face region's own histogram (its mean and its
95th percentile, the face's highlights), the background outside the actor, and the two
halves of the face. Skin tones differ, so nothing here compares a face with one "right"
brightness: darkness is judged on the face's highlights (a well-lit face of any skin tone
puts its brightest planes high in the range; an underexposed one has none), backlight on
face against background *and* a face left in shadow.

Calibration (scripts/calibrate_vision.py, medians over each tape's frames; Y′ 0–255):
face highlights on the clean corpus 107–209 (grid_swiz3n, a Black man in studio light, 144;
videoretalking_face2, a white man in a dim office, 107; photos 128–219); exposure −2 stops
55–103, −3 stops 40–75, −4.5 stops 25–46.
"""

from __future__ import annotations

from ..model import Severity
from ._picture import need_frames, spans
from .base import Hit, Param, check
from .plainly import share as _share


@check(code="V201", name="face-too-dark", category="lighting", severity=Severity.WARNING,
       reads=("light",), unit="Y′", warns="below",
       params=(Param(name="min_highlights", default=80.0, unit="Y′", warns="below",
                     help="the face's brightest 5 % below this (0–255) warns", min=0.0, max=255.0),
               Param(name="error_highlights", default=50.0, unit="Y′", warns="below",
                     help="below this the face is far too dark (error)", min=0.0, max=255.0)),
       problem="the dim light on your face",
       fix="Add light in front of you — a lamp behind the camera or face a window — or raise "
           "the exposure (tap your face on the phone screen and slide the brightness up).")
def face_too_dark(m, p):
    """Your face is underexposed.

    Judged on the face's own highlights — the 95th percentile of luma over the face, the
    brightest planes of forehead, nose and cheekbones — not on its average, so darker skin in
    good light is not called dark: on the corpus grid_swiz3n (dark skin, studio light) has
    highlights at 144 and the darkest clean clip is a light-skinned face in a dim office (107).
    Warned below {min_highlights}, which every corpus face reaches only 2 stops underexposed or
    worse (−2 stops: 55–103; −3 stops: 40–75); an error below {error_highlights}, a face so dark
    its brightest parts sit in the bottom fifth of the range (−4.5 stops: 25–46) and the eyes are
    lost.
    Why casting cares: casting watches on laptops, often in bright offices; a dark face hides
    the eyes and every small reaction, and brightening it afterwards brings up noise.
    How to fix: light the face from the front (a lamp or window behind the camera); lock the
    exposure on your face, not on a bright background.
    """
    light = m["light"]
    need_frames(len(light.frames))
    high, mean = light.face_high, light.face_luma
    if high < p.error_highlights:
        return Hit("Your face is far too dark: its brightest 5 % reach {} of 255",
                   measured=high, threshold=p.error_highlights, severity=Severity.ERROR,
                   detail=f"face average {mean:.0f}",
                   plain="Your face is far too dark: even the brightest part of it is nearly "
                   "black, and your eyes are lost.")
    if high < p.min_highlights:
        return Hit("Your face is dark: its brightest 5 % reach {} of 255", measured=high,
                   threshold=p.min_highlights, detail=f"face average {mean:.0f}",
                   plain="Your face is in shadow: the brightest part of it is dark grey.")


@check(code="V202", name="backlit", category="lighting", severity=Severity.WARNING,
       reads=("light",), unit="ratio", warns="below",
       params=(Param(name="max_ratio", default=0.65, unit="ratio", warns="below",
                     help="face ÷ background brightness below this counts as backlit",
                     min=0.05, max=1.0),
               Param(name="min_background", default=180.0, unit="Y′", warns="above",
                     help="only when the background's bright tenth is at least this (a window)",
                     min=0.0, max=255.0),
               Param(name="lit_highlights", default=120.0, unit="Y′", warns="below",
                     help="a face whose highlights reach this is lit well enough anyway",
                     min=0.0, max=255.0)),
       problem="the light behind you",
       fix="Turn so the window or lamp is in front of you, not behind you, or close the "
           "curtains behind you and light your face.")
def backlit(m, p):
    """The light is behind you: your face is much darker than a bright background.

    Three conditions, all medians over the frames with a face: face mean ÷ background mean
    below {max_ratio}; the background's brightest tenth at least {min_background} (a window, a
    lamp, the sky); and the face itself not well exposed (highlights below {lit_highlights}). The
    last keeps faces that are lit well enough from being called backlit whatever is behind them:
    grid_swiz3n's darker skin is 0.64 of its bright cyan background with highlights at 144 (one
    stop down: 103, against a background then at 165); real webcam tapes in front of a white wall
    blown to 229–254 keep highlights at 131–138 and are labelled acceptably lit. Corpus: clean
    clips 0.55–2.09 (none backlit; videoretalking_face5's bright window sits beside a well-lit
    face, 1.15); windows drawn beside the head with the face 1.5 stops down: 0.26–0.42, highlights
    64–113. Real set: a webcam tape backlit by a bright curtain and window, labelled underexposed:
    0.61, window 189, highlights 115.
    Why casting cares: a camera exposes for the bright window and leaves the face a
    silhouette — the most common self-tape lighting mistake.
    How to fix: face the window (put it behind the camera); close blinds behind you.
    """
    light = m["light"]
    need_frames(len(light.frames))
    ratio, bg_high, high = light.backlight_ratio, light.background_high, light.face_high
    if ratio is None or bg_high is None:
        return None
    if ratio < p.max_ratio and bg_high >= p.min_background and high < p.lit_highlights:
        return Hit("The light is behind you: your face is {} as bright as the background",
                   measured=ratio, threshold=p.max_ratio,
                   detail=f"background highlights {bg_high:.0f} of 255, face highlights "
                   f"{high:.0f}",
                   plain="The light is behind you: your face is much darker than the "
                   "background.")


@check(code="V203", name="face-overexposed", category="lighting", severity=Severity.WARNING,
       reads=("light",), unit="ratio",
       params=(Param(name="max_clipped", default=0.10, unit="ratio", warns="above",
                     help="share of the face blown to white (Y′ ≥ 250) that warns",
                     min=0.0, max=1.0),),
       problem="the blown-out light on your face",
       fix="Lower the exposure (tap your face on the screen and slide the brightness down) or "
           "move the light further away or diffuse it.")
def face_overexposed(m, p):
    """Part of your face is blown out to white.

    Share of the face region at Y′ ≥ 250, averaged over the frames: detail there is gone.
    Corpus: 0 on every clean clip; reflections over the eyes 0.4–1.6 %; exposure +1 stop on a
    light face 12.8 %, +1.5 stops 34.7 % (on the GRID studio faces ≤ 1 %, washed out but not
    blown). Real set: a studio interview under a hard key shows shine hotspots on forehead
    and nose over 6.7 % of the face, labelled well lit — specular shine, not a lost face.
    Warned from {max_clipped:%} of the face: a face a stop over.
    Why casting cares: blown skin looks flat and plastic and erases expression lines.
    How to fix: expose for the face (lock it on your face), soften or move back the light.
    """
    light = m["light"]
    need_frames(len(light.frames))
    clipped = light.clipped_ratio
    if clipped > p.max_clipped:
        return Hit("{} of your face is blown out to white, at luma 250 or more",
                   measured=clipped, threshold=p.max_clipped,
                   plain=f"{_share(clipped).capitalize()} of your face is washed out to pure "
                   "white: the detail there is lost.")


@check(code="V204", name="uneven-light", category="lighting", severity=Severity.INFO,
       reads=("light",), unit="stops",
       params=(Param(name="max_stops", default=2.0, unit="stops", warns="above",
                     help="one cheek darker than the other by more than this warns",
                     min=0.5, max=6.0),),
       problem="the shadow on one side of your face",
       fix="Add a second, softer light (or a white card or wall) on the darker side of your "
           "face, or turn towards your main light.")
def uneven_light(m, p):
    """One side of your face is in deep shadow (strong side light).

    The two cheeks are compared in linear light (stops: 1 stop = twice the light;
    measures/light.py), on faces turned less than 20° from the lens. Portrait lighting calls
    a 2:1 key-to-fill ratio (1 stop) flat, 3:1 (1.6 stops) a modelling light that casting
    directors call good, and 4:1 (2 stops) dramatic; beyond {max_stops} stops is remarked on.
    Corpus: clean clips 0.06–0.27 stops; half the picture darkened by 2.5 stops: 2.22–2.69
    stops. Real set: 0.07–0.65 on every clip but a dark car crop with hair over one cheek
    (1.49) and a webcam tape lit from one side (1.04).
    A remark (info), not a warning: no clip of the 42 labelled real ones (corpus/real and
    real2) is labelled for uneven light, and the two side-lit faces it warned on were not
    problems to casting — a face against bright windows with hands passing over it (3.7
    stops, real2, half B) and, on the blind set, a face lit from one side against a black
    backdrop (4.2 stops) whose eyes both showed. Casting's concern is whether both eyes can be
    seen, which V110 (eyes in shadow) judges on the eyes themselves; side light alone is a
    choice. It becomes a warning again only with real positives to fit it on.
    Why casting cares: a face half in shadow hides one eye and reads as a mood choice nobody
    asked for; self-tape guidance asks for soft, even, frontal light.
    How to fix: fill the dark side — a lamp, a reflector, a white wall — or face the light.
    """
    light = m["light"]
    need_frames(len(light.frames))
    stops = light.side_stops
    if stops is not None and stops > p.max_stops:
        uneven = [f.side is not None and f.side > p.max_stops for f in light.frames]
        found = spans(light.times, uneven, light.duration_s, 1.0)
        return Hit("One side of your face is {} darker than the other", measured=stops,
                   threshold=p.max_stops, spans=found,
                   plain="One side of your face is in deep shadow.")
