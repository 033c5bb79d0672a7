"""The scorer against CONTRACT.md's rules, on hand-made findings."""

from tapecheck.checks import BY_CODE
from tapecheck.model import Finding, Severity
from tapecheck.score import verdict


def f(code, category, severity, blocks="", fix="Do this."):
    """A finding as the pipeline makes it: the check's declared problem words and whether its
    error means nothing at all is there, when the check exists."""
    known = BY_CODE.get(code)
    return Finding(code=code, name=code.lower(), category=category, severity=severity,
                   message="m", measured=None, threshold=None, unit="", fix=fix, blocks=blocks,
                   problem=known.problem if known else "", absent=bool(known and known.absent))


def test_clean_tape_is_ready():
    v = verdict([])
    assert (v.can_see_eyes, v.can_hear_voice, v.level, v.score) == (True, True, "ready", 100)


def test_info_findings_stay_ready():
    assert verdict([f("M004", "media", Severity.INFO)]).level == "ready"


def test_error_in_eyes_category_means_eyes_false():
    v = verdict([f("V201", "lighting", Severity.ERROR)])
    assert (v.can_see_eyes, v.can_hear_voice, v.level) == (False, True, "unusable")
    assert v.score <= 49


def test_error_in_voice_category_means_voice_false():
    v = verdict([f("A201", "noise", Severity.ERROR)])
    assert (v.can_see_eyes, v.can_hear_voice, v.level) == (True, False, "unusable")


def test_missing_audio_blocks_voice_though_its_category_is_media():
    v = verdict([f("M001", "media", Severity.ERROR, blocks="voice")])
    assert not v.can_hear_voice and v.level == "unusable"
    assert "audio track" in v.headline


def test_error_outside_both_families_is_fix_first():
    v = verdict([f("M006", "orientation", Severity.ERROR)])
    assert (v.can_see_eyes, v.can_hear_voice, v.level) == (True, True, "fix-first")
    assert 50 <= v.score <= 89


def test_five_lighting_warnings_are_one_fix_and_cost_once():
    many = verdict([f(f"V20{i}", "lighting", Severity.WARNING) for i in range(1, 6)])
    one = verdict([f("V201", "lighting", Severity.WARNING)])
    assert len(many.fixes) == 1 and many.score == one.score
    assert many.fixes[0].codes == ("V201", "V202", "V203", "V204", "V205")


def test_fixes_ordered_by_impact():
    v = verdict([f("M007", "resolution", Severity.WARNING, fix="Res."),
                 f("A101", "loudness", Severity.ERROR, fix="Louder."),
                 f("V301", "framing", Severity.WARNING, fix="Frame."),
                 f("M006", "orientation", Severity.ERROR, fix="Sideways.")])
    assert [x.text for x in v.fixes] == ["Louder.", "Sideways.", "Frame.", "Res."]
    assert v.headline.startswith("Casting can't hear your voice")


def test_headline_names_one_fix_per_false_answer():
    v = verdict([f("V301", "framing", Severity.ERROR, fix="Frame."),
                 f("V201", "lighting", Severity.ERROR, fix="Light."),
                 f("A201", "noise", Severity.ERROR, fix="Quiet.")])
    assert (v.can_see_eyes, v.can_hear_voice) == (False, False)
    # the first eyes fix and the first voice fix, not the first two (both eyes) fixes
    assert v.headline == ("Casting can't see your eyes or hear your voice: fix the dim light "
                          "on your face and the background noise first.")
    assert [x.decides for x in v.fixes] == ["eyes", "eyes", "voice"]


def test_no_audio_headline_does_not_say_clearly():
    v = verdict([f("M001", "media", Severity.ERROR, blocks="voice")])
    assert v.headline == "Casting can't hear your voice: fix the missing audio track first."
    mute = verdict([f("A501", "speech", Severity.ERROR)])
    assert mute.headline == "Casting can't hear your voice: fix the missing voice first."
    noisy = verdict([f("A201", "noise", Severity.ERROR)])
    assert noisy.headline == ("Casting can't hear your voice clearly: fix the background noise "
                              "first.")


def test_fix_first_headline_leaves_out_optional_fixes():
    v = verdict([f("M004", "media", Severity.INFO), f("M007", "resolution", Severity.WARNING)])
    assert v.level == "fix-first"
    assert v.headline == ("Casting can see your eyes and hear your voice, but fix the low "
                          "resolution before you send it.")
    assert [x.severity for x in v.fixes] == [Severity.WARNING, Severity.INFO]


def test_edit_or_reshoot_is_carried_to_the_fix():
    fd = f("A101", "loudness", Severity.WARNING)
    edit = verdict([Finding(**{**fd.__dict__, "reshoot": False})])
    assert edit.fixes[0].reshoot is False and edit.fixes[0].to_dict()["needs"] == "edit"
    assert verdict([fd]).fixes[0].to_dict()["needs"] == "reshoot"


def test_the_documented_rule_states_the_numbers_the_code_uses():
    """The engineer's account of the score must not drift from the constants."""
    import tapecheck.score as score

    doc = " ".join(score.__doc__.split())
    assert f"an error {score.ERROR_COST} points" in doc
    assert f"({score.BLOCKING_ERROR_COST} when it decides" in doc
    assert f"a warning {score.WARNING_COST} points" in doc
    for level, (lo, hi) in score.BANDS.items():
        assert f"{level} {lo}–{hi}" in doc, level


def test_score_stays_in_its_level_band():
    import tapecheck.score as score

    cases = [[], [f("M004", "media", Severity.INFO)], [f("M007", "resolution", Severity.WARNING)],
             [f(f"V{i}01", c, Severity.WARNING) for i, c in
              enumerate(("face", "eyes", "lighting", "framing", "focus"), 1)]
             + [f("A101", "loudness", Severity.WARNING), f("M006", "orientation", Severity.ERROR)],
             [f("A201", "noise", Severity.ERROR)],
             [f("V101", "face", Severity.ERROR), f("A201", "noise", Severity.ERROR),
              f("M006", "orientation", Severity.ERROR)]]
    for findings in cases:
        v = verdict(findings)
        lo, hi = score.BANDS[v.level]
        assert lo <= v.score <= hi, (v.level, v.score)
    assert verdict(cases[5]).score < verdict(cases[4]).score  # more wrong, lower score


def test_a_fix_names_its_worst_finding_first():
    v = verdict([f("A104", "clipping", Severity.INFO, fix="Peaks."),
                 f("A105", "clipping", Severity.WARNING, fix="Clipped.")])
    assert v.fixes[0].codes == ("A105", "A104") and v.fixes[0].text == "Clipped."
    assert "the distorted (clipped) sound" in v.headline


def test_media_findings_are_separate_problems_with_separate_fixes():
    v = verdict([f("M001", "media", Severity.ERROR, blocks="voice", fix="Sound on."),
                 f("M004", "media", Severity.WARNING, fix="Constant frame rate.")])
    assert [x.text for x in v.fixes] == ["Sound on.", "Constant frame rate."]
    side = f("M006", "orientation", Severity.ERROR)
    two = verdict([side, f("M004", "media", Severity.WARNING), f("M005", "media", Severity.WARNING)])
    one = verdict([side, f("M004", "media", Severity.WARNING)])
    assert (one.score, two.score) == (100 - 25 - 8, 100 - 25 - 16)
