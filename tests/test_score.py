"""The scorer against CONTRACT.md's rules, on hand-made findings."""

from tapecheck.model import Finding, Severity
from tapecheck.score import verdict


def f(code, category, severity, blocks="", fix="Do this."):
    return Finding(code=code, name=code.lower(), category=category, severity=severity,
                   message="m", measured=None, threshold=None, unit="", fix=fix, blocks=blocks)


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
