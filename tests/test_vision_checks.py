"""Picture checks through the real pipeline, on corpus clips and controlled degradations of them
(the filters of scripts/calibrate_vision.py, placed from each clip's own face geometry)."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tapecheck import check_file
from tapecheck.model import Severity
from tapecheck.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
VISION = ("face", "eyes", "extra-face", "lighting", "framing", "focus", "stability", "edit")
#: "Casting can see your eyes" categories where a clean clip must not get a warning.
JUDGED = ("face", "eyes", "lighting", "focus")
TALKING = ("grid_bbaf2n.mpg", "grid_brbk7n.mpg", "grid_id2_vcd_swwp2s.mpg", "grid_lbax4n.mpg",
           "grid_lrwp9a.mpg", "grid_lwbsza.mpg", "grid_swiz3n.mpg",
           "sadtalker_WDA_AlexandriaOcasioCortez_000.mp4", "sadtalker_WDA_KatieHill_000.mp4",
           "videoretalking_face2.mp4", "videoretalking_face5.mp4")


@pytest.fixture(scope="session")
def calib(media_dir):
    spec = importlib.util.spec_from_file_location("calibrate_vision",
                                                  ROOT / "scripts" / "calibrate_vision.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calibrate_vision"] = mod
    spec.loader.exec_module(mod)
    mod.CACHE = media_dir  # made tapes live with the session's other media
    mod.SECONDS = 3.0      # GRID clips are 3 s; longer sources are cut to match
    return mod


def _judge(path):
    rep = check_file(str(path), Settings(select=VISION))
    assert rep.status == "judged" and not rep.check_errors, (rep.error, rep.check_errors)
    return rep


def _warned(rep, categories=VISION):
    return {f.code: f for f in rep.findings
            if f.category in categories and f.severity >= Severity.WARNING}


@pytest.mark.parametrize("clip", TALKING)
def test_clean_talking_heads_get_no_face_eyes_lighting_or_focus_warning(corpus, clip):
    rep = _judge(corpus / "video" / clip)
    assert _warned(rep, JUDGED) == {}, [f.message for f in rep.findings]
    named = dict(rep.measures)
    assert named["face_visible_ratio"] == 1.0 and named["eyes_visible_ratio"] == 1.0


def test_the_tight_sadtalker_crop_is_called_too_tight(corpus):
    rep = _judge(corpus / "video" / "sadtalker_WDA_AlexandriaOcasioCortez_000.mp4")
    assert set(_warned(rep)) == {"V302"}


def test_no_face_clip_gets_a_face_error(corpus):
    rep = _judge(corpus / "video" / "opencv_tree_noface.avi")
    face = [f for f in rep.findings if f.category == "face"]
    assert [f.code for f in face] == ["V101"] and face[0].severity == Severity.ERROR
    assert rep.verdict.can_see_eyes is False
    assert dict(rep.measures)["face_visible_ratio"] == 0.0
    skipped = {s.code for s in rep.skipped}
    assert {"V201", "V301", "V401"} <= skipped       # nothing to judge without a face


@pytest.mark.parametrize("clip,degradation,code", [
    ("grid_swiz3n", "dark-3", "V201"),
    ("grid_bbaf2n", "dark-3", "V201"),
    ("grid_swiz3n", "backlit", "V202"),
    ("grid_bbaf2n", "backlit", "V202"),
    ("sadtalker_WDA_KatieHill_000", "bright+1.5", "V203"),
    ("grid_swiz3n", "eye-shadow", "V110"),
    ("grid_bbaf2n", "glare", "V111"),
    ("grid_bbaf2n", "extra-face", "V120"),
    ("grid_bbaf2n", "small", "V301"),
    ("grid_swiz3n", "tight", "V302"),
    ("grid_bbaf2n", "low", "V303"),
    ("grid_bbaf2n", "cut-left", "V304"),
    ("grid_swiz3n", "off-centre", "V305"),
    ("grid_bbaf2n", "blur-2", "V401"),
    ("grid_swiz3n", "face-blur", "V401"),
    ("videoretalking_face2", "shake-3", "V410"),
    ("grid_swiz3n", "black", "V501"),
    ("grid_bbaf2n", "frozen", "V502"),
])
def test_degradation_is_found(corpus, calib, clip, degradation, code):
    rep = _judge(calib.degraded(clip, degradation))
    assert code in _warned(rep), [(f.code, f.message) for f in rep.findings]


def test_side_light_is_a_remark_not_a_warning(corpus, calib):
    """V204 has no real positive to fit a warning on (its docstring): strong side light is
    still found, as info."""
    rep = _judge(calib.degraded("grid_bbaf2n", "side-light"))
    side = [f for f in rep.findings if f.code == "V204"]
    assert side and side[0].severity == Severity.INFO and side[0].measured > 2.0
    assert "V204" not in _warned(rep)


def test_darker_skin_in_good_light_is_not_called_dark_or_backlit(corpus, calib):
    """grid_swiz3n: highlights 144 against a bright cyan wall (face ÷ background 0.64)."""
    rep = _judge(corpus / "video" / "grid_swiz3n.mpg")
    assert not [f for f in rep.findings if f.category == "lighting"]
    # one stop darker is still a usable face for any skin tone: no lighting finding either
    rep = _judge(calib.degraded("grid_swiz3n", "dark-1"))
    assert not [f for f in rep.findings if f.category == "lighting"], rep.findings


def test_far_too_dark_face_is_an_error_and_blocks_the_eyes_answer(corpus, calib):
    rep = _judge(calib.degraded("grid_bbaf2n", "dark-4.5"))
    dark = _warned(rep)["V201"]
    assert dark.severity == Severity.ERROR and dark.measured < 50
    assert rep.verdict.can_see_eyes is False


def test_findings_carry_value_threshold_and_spans(corpus, calib):
    rep = _judge(calib.degraded("grid_swiz3n", "black"))
    black = _warned(rep)["V501"]
    assert black.unit == "s" and black.threshold == 1.0 and black.measured >= 0.9
    # the black part is 1.0 s; frames are sampled every ≈ 0.5 s (plus at most one run of
    # skipped non-reference frames in this B-frame MPEG), so a span is known to ±0.6 s
    assert abs(black.measured - 1.0) <= 0.6
    assert black.spans and f"{black.measured:.1f} s" in black.message
