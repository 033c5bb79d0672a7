"""The verdict: two answers, a 0–100 score, a level, a headline and ordered fixes.

A pure function of the findings, documented here for engineers; `tapecheck explain`
(report/explain.py) says the same to actors, with its numbers read from here.

Answers (CONTRACT.md)
  can_see_eyes   false when any *error* finding is in face, eyes, lighting, focus, framing
                 or stability (or a check declares its error decides it).
  can_hear_voice false when any *error* finding is in loudness, clipping, noise, hum,
                 clarity, channels, speech or reader-balance, or the tape has no audio
                 track or a silent one.

Level
  unusable   either answer is false;
  fix-first  otherwise, when any finding is a warning or an error;
  ready      otherwise (info findings allowed).

Problems
  Findings are grouped into problems: one per category (five lighting findings are one
  lighting problem), except that in `media` and `platform`, whose checks look at
  unrelated properties of the file (no audio track, variable frame rate, file size), each
  check is a problem of its own.

Score (0–100)
  Start at 100. Each problem costs once, by its worst finding: an error 25 points (35
  when it decides one of the two answers), a warning 8 points; info costs nothing. Five
  lighting warnings cost 8, not 40.
  The score is then kept inside its level's band so the number and the level never
  disagree: ready 90–100, fix-first 50–89, unusable 0–49.

Fixes
  One fix per problem: the fix of its worst finding (whose code comes first in `codes`
  and names the problem in the headline). Ordered by impact: first what makes an answer
  false, then other errors, then warnings, then info; within a rank, eyes categories
  before voice categories before the rest, then by code. Each says whether editing can
  repair it or it needs a new take.

Headline (one sentence, plain words)
  unusable   "Casting can't see your eyes clearly / hear your voice clearly: fix <the
             first fix that decides it> first." — naming one fix per false answer when
             both are false, and dropping "clearly" when there is no sound or no
             voice at all.
  fix-first  "Casting can see your eyes and hear your voice, but fix <the first two
             fixes> before you send it."
  ready      "Ready to send: casting can see your eyes and hear your voice."
"""

from __future__ import annotations

from .model import EYES_CATEGORIES, VOICE_CATEGORIES, Finding, Fix, Severity, Verdict

ERROR_COST = 25
BLOCKING_ERROR_COST = 35
WARNING_COST = 8
BANDS = {"ready": (90, 100), "fix-first": (50, 89), "unusable": (0, 49)}
#: Categories holding unrelated properties of the file: each check in them is its own problem.
PER_CHECK = frozenset({"media", "platform"})


def blocks(f: Finding) -> str:
    """'eyes', 'voice' or '' — which answer this finding makes false."""
    if f.severity < Severity.ERROR:
        return ""
    if f.blocks:
        return f.blocks
    if f.category in EYES_CATEGORIES:
        return "eyes"
    if f.category in VOICE_CATEGORIES:
        return "voice"
    return ""


def _family(category: str) -> int:
    return 0 if category in EYES_CATEGORIES else 1 if category in VOICE_CATEGORIES else 2


def area(f: Finding) -> str:
    """The problem a finding belongs to: its category, or its own check in media/platform."""
    return f"{f.category}:{f.code}" if f.category in PER_CHECK else f.category


def fixes(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Fix, ...]:
    by_area: dict[str, list[Finding]] = {}
    for f in findings:
        by_area.setdefault(area(f), []).append(f)
    out = []
    for group in by_area.values():
        cat = group[0].category
        worst = max(group, key=lambda f: (f.severity, bool(blocks(f)), f.code))
        worst = min((f for f in group if f.severity == worst.severity and
                     bool(blocks(f)) == bool(blocks(worst))), key=lambda f: f.code)
        deciding = sorted((f.code, blocks(f)) for f in group if blocks(f))
        rank = 0 if deciding else 4 - int(worst.severity)
        out.append((rank, _family(cat), worst.code, Fix(
            category=cat, text=worst.fix, severity=worst.severity,
            codes=(worst.code, *sorted({f.code for f in group} - {worst.code})),
            reshoot=any(f.reshoot for f in group if f.severity == worst.severity),
            problem=worst.problem, absent=worst.absent, repair=worst.repair,
            decides=deciding[0][1] if deciding else "")))
    out.sort(key=lambda x: x[:3])
    return tuple(fix for *_, fix in out)


def verdict(findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    findings = tuple(findings)
    blocked = {blocks(f) for f in findings} - {""}
    eyes, voice = "eyes" not in blocked, "voice" not in blocked
    if not (eyes and voice):
        level = "unusable"
    elif any(f.severity >= Severity.WARNING for f in findings):
        level = "fix-first"
    else:
        level = "ready"
    worst: dict[str, Finding] = {}
    for f in findings:
        key = area(f)
        if key not in worst or (f.severity, bool(blocks(f))) > \
                (worst[key].severity, bool(blocks(worst[key]))):
            worst[key] = f
    cost = 0
    for f in worst.values():
        if f.severity == Severity.ERROR:
            cost += BLOCKING_ERROR_COST if blocks(f) else ERROR_COST
        elif f.severity == Severity.WARNING:
            cost += WARNING_COST
    lo, hi = BANDS[level]
    score = max(lo, min(hi, 100 - cost))
    ordered = fixes(findings)
    return Verdict(can_see_eyes=eyes, can_hear_voice=voice, score=score, level=level,
                   headline=headline(eyes, voice, level, ordered), fixes=ordered)


def headline(eyes: bool, voice: bool, level: str, ordered: tuple[Fix, ...]) -> str:
    def plain(fix: Fix) -> str:
        return fix.problem or fix.category

    deciding = [f for f in ordered if f.decides]
    eyes_fix = next((f for f in deciding if f.decides == "eyes"), None)
    voice_fix = next((f for f in deciding if f.decides == "voice"), None)
    # no track, a silent one, or no voice on it: "clearly" would understate it
    clearly = "" if voice_fix is not None and voice_fix.absent else " clearly"
    if not eyes and not voice:
        named = [plain(f) for f in (eyes_fix, voice_fix) if f is not None] or \
            [plain(f) for f in ordered[:2]]
        return f"Casting can't see your eyes or hear your voice: fix {_join(named)} first."
    if not eyes:
        return f"Casting can't see your eyes clearly: fix {plain(eyes_fix or ordered[0])} first."
    if not voice:
        return (f"Casting can't hear your voice{clearly}: "
                f"fix {plain(voice_fix or ordered[0])} first.")
    if level == "fix-first":
        top = [plain(f) for f in ordered if f.severity >= Severity.WARNING][:2]
        return (f"Casting can see your eyes and hear your voice, but fix {_join(top)} "
                "before you send it.")
    return "Ready to send: casting can see your eyes and hear your voice."


def _join(items: list[str]) -> str:
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]
