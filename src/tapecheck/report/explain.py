"""`tapecheck explain`: how a tape is judged, written for the actor who reads the verdict.

The rules themselves live in score.py (its docstring is the engineer's account); the numbers
here are read from there and from the model, so this page cannot drift from what is done.
"""

from __future__ import annotations

import textwrap

from .. import score
from ..model import EYES_CATEGORIES, VOICE_CATEGORIES
from ..settings import DEFAULT_FAIL_ON

#: Each category that can decide an answer, in the words an actor uses.
PLAIN_CATEGORY = {
    "face": "your face", "eyes": "your eyes", "lighting": "the light",
    "focus": "the focus", "framing": "the framing", "stability": "a shaking camera",
    "loudness": "the level of your voice", "clipping": "distortion",
    "noise": "background noise", "hum": "hum", "clarity": "a muffled or echoing sound",
    "channels": "the audio channels", "speech": "how much of the tape has speech",
    "reader-balance": "a reader louder than you",
}
#: Severity labels as the reports print them, in plain words.
_SEVERITY = {"error": "a serious problem", "warning": "a problem worth fixing",
             "info": "a tip"}


def _listed(categories) -> str:
    words = [PLAIN_CATEGORY[c] for c in PLAIN_CATEGORY if c in categories]
    return ", ".join(words[:-1]) + " or " + words[-1]


def render() -> str:
    bands = {level: f"{lo}–{hi}" for level, (lo, hi) in score.BANDS.items()}
    paragraphs = [
        ("How tapecheck judges a tape", [
            "It asks the two questions a casting director asks in the first seconds of a "
            "self-tape, then gives the tape a verdict, a score and a list of fixes."]),
        ("Can casting see your eyes?", [
            f"No, when there is a serious problem with {_listed(EYES_CATEGORIES)}."]),
        ("Can casting hear your voice?", [
            f"No, when there is a serious problem with {_listed(VOICE_CATEGORIES)}, or when "
            "the tape has no sound at all."]),
        ("The verdict", [
            "UNUSABLE: one of the two answers is no. Casting would stop watching.",
            "FIX-FIRST: both answers are yes, but something should be fixed before you send "
            "the tape.",
            "READY: nothing needs fixing (there may be tips, marked optional)."]),
        ("The score, out of 100", [
            "Every tape starts at 100. Each problem costs points once, however often it "
            "shows up (five remarks about the light are one lighting problem): "
            f"{_SEVERITY['error']} {score.ERROR_COST} points, or "
            f"{score.BLOCKING_ERROR_COST} when it means casting cannot see your eyes or hear "
            f"your voice; {_SEVERITY['warning']} {score.WARNING_COST} points; "
            f"{_SEVERITY['info']} nothing.",
            f"The score always agrees with the verdict: a ready tape scores {bands['ready']}, "
            f"a fix-first tape {bands['fix-first']}, an unusable one {bands['unusable']}."]),
        ("What to fix first", [
            "One fix for each problem, the most important first: what stops casting seeing "
            "your eyes or hearing your voice, then the other serious problems, then the rest; "
            "the picture before the sound. Each fix says whether editing can repair it "
            "(`tapecheck fix` makes that copy for you) or it needs a new take."]),
        ("Ready to send?", [
            "`tapecheck check` ends with exit code 0 when no tape has a problem at the fail "
            f"level: by default {_SEVERITY[DEFAULT_FAIL_ON.label]} ({DEFAULT_FAIL_ON.label}) "
            "or worse, so 0 means every tape is ready and a script can send it. "
            "`--fail-on error` lets fix-first tapes through."]),
        ("More", [
            "What each check looks for, and its exact limits: `tapecheck rules`, "
            "`tapecheck rule CODE`."]),
    ]
    out = []
    for title, texts in paragraphs:
        out.append(title)
        out += [textwrap.fill(t, width=88, initial_indent="  ", subsequent_indent="  ")
                for t in texts]
        out.append("")
    return "\n".join(out)
