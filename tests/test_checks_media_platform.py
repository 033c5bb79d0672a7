"""Media and platform checks alone, on fake measures (no ffmpeg): one line per case."""

import math

import pytest

from checks_fake import hits, media, ns, severities
from tapecheck.checks import BY_CODE
from tapecheck.profiles import GB, MB, PlatformFacts, get


def test_no_audio_track():
    assert severities("M001", media=media(has_audio=False)) == ["error"]
    assert severities("M001", media=media()) == []
    assert BY_CODE["M001"].absent and BY_CODE["M001"].blocks == "voice"


@pytest.mark.parametrize("peak,integrated,expect", [
    (-math.inf, -math.inf, ["error"]),       # digital silence
    (-65.0, -80.0, ["error"]),               # below the −60 dBFS peak floor
    (-40.0, -70.0, ["error"]),               # nothing above BS.1770's −70 LUFS gate
    (-6.0, -20.0, []),                       # a voice
])
def test_silent_audio_track(peak, integrated, expect):
    got = severities("M002", signal=ns(sample_peak_dbfs=peak),
                     r128=ns(integrated_lufs=integrated), media=media())
    assert got == expect


def test_too_short_halts_the_rest():
    assert severities("M003", media=media(duration_s=0.6)) == ["error"]
    assert severities("M003", media=media(duration_s=1.0)) == []
    assert severities("M003", {"min_duration_s": 5.0}, media=media(duration_s=3.0)) == ["error"]
    assert BY_CODE["M003"].halts


def test_hdr_or_ten_bit():
    assert severities("M005", media=media(hdr=True, color_transfer="arib-std-b67")) == ["warning"]
    assert severities("M005", media=media(bit_depth=10)) == ["warning"]
    assert severities("M005", media=media()) == []


@pytest.mark.parametrize("w,h,expect", [(1080, 1920, ["error"]), (1920, 1080, []),
                                        (1080, 1080, [])])
def test_portrait(w, h, expect):
    assert severities("M006", media=media(width=w, height=h)) == expect


def test_portrait_reports_the_aspect_against_its_threshold():
    (hit,) = hits("M006", media=media(width=720, height=1280))
    assert hit.measured == pytest.approx(0.5625) and hit.threshold == 1.0


@pytest.mark.parametrize("w,h,expect", [(640, 360, ["warning"]), (1280, 720, []),
                                        (720, 1280, []), (480, 848, ["warning"])])
def test_low_resolution_reads_the_short_side(w, h, expect):
    assert severities("M007", media=media(width=w, height=h)) == expect


@pytest.mark.parametrize("w,h,said", [(852, 478, "478 pixels high"), (480, 848, "480 pixels wide")])
def test_low_resolution_is_said_in_pixels_not_video_jargon(w, h, said):
    (hit,) = hits("M007", media=media(width=w, height=h))
    assert said in hit.plain and "478p" not in hit.plain and "480p" not in hit.plain


def test_low_resolution_threshold_is_a_parameter():
    assert severities("M007", {"min_height_px": 1080}, media=media(width=1280, height=720)) == \
        ["warning"]


def platform(name, clips=None):
    return PlatformFacts(get(name), clips)


def test_container_not_accepted():
    assert severities("P101", media=media(path="take.avi"),
                      platform=platform("casting-networks")) == ["error"]
    assert severities("P101", media=media(path="take.MOV"),
                      platform=platform("casting-networks")) == []
    # the generic profile only recommends MP4
    assert severities("P101", media=media(path="take.mkv"), platform=platform("generic")) == \
        ["info"]


def test_file_too_large_and_larger_than_recommended():
    big = media(size_bytes=int(1.2 * GB))
    assert severities("P102", media=big, platform=platform("spotlight")) == ["error"]
    assert severities("P102", media=media(size_bytes=400 * MB), platform=platform("spotlight")) \
        == []
    # over Spotlight's 350 MB recommendation, under its 1 GB limit
    soft = severities("P103", media=media(size_bytes=400 * MB), platform=platform("spotlight"))
    assert soft and soft[0] in ("info", "warning")
    assert severities("P103", media=big, platform=platform("spotlight")) == []  # P102's job


def test_file_name_convention():
    assert severities("P104", media=media(path="/x/Role-Talent-T1.mp4"),
                      platform=platform("cast-it")) == []
    assert severities("P104", media=media(path="/x/final final 2.mp4"),
                      platform=platform("cast-it")) == ["warning"]


def test_too_many_clips():
    assert severities("P105", media=media(), platform=platform("backstage", clips=3)) == \
        ["warning"]
    assert severities("P105", media=media(), platform=platform("backstage", clips=1)) == []
    assert severities("P105", media=media(), platform=platform("backstage")) == []
