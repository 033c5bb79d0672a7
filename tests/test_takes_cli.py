"""`tapecheck takes` as a user runs it: exit codes, JSON, text and HTML, bad input.

The two-take run uses a corpus talking head (a GRID clip) and a second "take" made from it:
its sound time-stretched to 0.8× speed with librosa, its picture slowed to match — the same
read, slower, with the same face — so the comparison must find the same text, the pace
within ±3 % and the picture's movement figures on both takes.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from cli_run import tapecheck as _tapecheck
from synth import FFMPEG

SR = 16000
RATE = 0.8


def tapecheck(*args):
    """The CLI with the (session-private) cache on: a take judged once is not judged again
    by the next test; the delivery is measured every time."""
    return _tapecheck(*args, env={"TAPECHECK_NO_CACHE": "0"})


@pytest.fixture(scope="session")
def slow_take(corpus, tmp_path_factory):
    import librosa
    import soundfile

    src = corpus / "video" / "grid_swiz3n.mpg"
    tmp = tmp_path_factory.mktemp("takes")
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-vn", "-ac", "1", "-ar",
                          str(SR), "-f", "f32le", "-"], check=True, capture_output=True).stdout
    y = np.frombuffer(raw, np.float32)
    wav = tmp / "slow.wav"
    soundfile.write(wav, librosa.effects.time_stretch(y, rate=RATE), SR)
    out = tmp / "take2.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-i", str(src), "-i", str(wav), "-map", "0:v",
                    "-map", "1:a", "-filter:v", f"setpts=PTS/{RATE}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a",
                    "128k", str(out)], check=True)
    return src, out


@pytest.fixture(scope="session")
def two_takes(slow_take):
    return tapecheck("takes", "--format", "json", *slow_take)


def test_two_takes_of_the_same_read_are_aligned_and_compared(two_takes):
    assert two_takes.code in (0, 1), two_takes.err  # judged; exit as for check
    doc = two_takes.json
    assert [t["status"] for t in doc["takes"]] == ["judged", "judged"]
    assert all(t["verdict"] for t in doc["takes"])  # each take is judged as a tape
    (pair,) = doc["pairs"]
    assert (pair["a"], pair["b"], pair["same_text"]) == (0, 1, True)
    assert pair["pace_ratio"] == pytest.approx(RATE, rel=0.03)
    assert pair["pitch_median_diff_st"] == pytest.approx(0.0, abs=0.3)
    assert "slower" in pair["summary"]
    for d in doc["delivery"]:
        assert d["figures"]["speaking_s"] > 1.0
        assert d["figures"]["mouth_movement"] is not None
        assert d["figures"]["head_movement_eye_d_per_s"] is not None
    assert pair["mouth_motion_ratio"] is not None and pair["head_motion_ratio"] is not None


def test_text_and_html_show_the_comparison(slow_take, tmp_path):
    text = tapecheck("takes", "--no-color", *slow_take)
    assert text.code in (0, 1), text.err
    assert "Take 1:" in text.out and "Take 2:" in text.out
    assert "Between takes" in text.out and "Take 1 → take 2:" in text.out
    page = tmp_path / "takes.html"
    html = tapecheck("takes", "--format", "html", "-o", page, *slow_take)
    assert html.code == text.code, html.err
    body = page.read_text(encoding="utf-8")
    assert 'id="takes"' in body and "Between takes" in body and 'id="tape-2"' in body


def test_one_take_is_a_usage_error(sample_tapes):
    run = tapecheck("takes", sample_tapes / "ready_grid-man-denim.mp4")
    assert run.code == 2
    assert "at least two" in run.err and run.out == ""


def test_a_missing_take_exits_2_and_the_other_is_still_judged(sample_tapes, tmp_path):
    run = tapecheck("takes", "--format", "json", sample_tapes / "ready_grid-man-denim.mp4",
                    tmp_path / "nope.mp4")
    assert run.code == 2
    doc = run.json
    assert doc["takes"][0]["status"] == "judged"
    assert doc["takes"][1]["status"] == "error"
    assert doc["takes"][1]["error"]["code"] == "not-found"
    (pair,) = doc["pairs"]
    assert pair["same_text"] is None and "could not be judged" in pair["summary"]
    assert "nope.mp4" in run.err


def test_a_take_with_no_speech_is_not_compared(sample_tapes):
    run = tapecheck("takes", "--format", "json", sample_tapes / "ready_grid-man-denim.mp4",
                    sample_tapes / "defect-speech_no-voice.mp4")
    assert run.code == 1  # judged: the silent take has its no-speech finding
    doc = run.json
    assert doc["delivery"][1]["missing"] == "no speech found"
    (pair,) = doc["pairs"]
    assert pair["same_text"] is None and "Take 2" in pair["summary"]
    assert "no speech" in pair["summary"]
    assert pair["alike"] is None
