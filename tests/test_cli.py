"""The CLI as a user runs it: exit codes, the stdout/stderr split, JSON per CONTRACT.md."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_run import tapecheck
from synth import tape

MEDIA_KEYS = {"container", "size_bytes", "duration_s", "width", "height", "rotation_deg", "fps",
              "variable_fps", "video_codec", "audio_codec", "audio_sample_rate",
              "audio_channels"}
FILE_KEYS = {"path", "status", "error", "media", "verdict", "measures", "findings", "skipped",
             "check_errors", "segments"}
FINDING_KEYS = {"code", "name", "category", "severity", "message", "measured", "threshold",
                "unit", "spans", "fix"}


@pytest.fixture(scope="module")
def portrait(media_dir):
    return tape(media_dir / "portrait.mp4", seconds=2, size="720x1280")


@pytest.fixture(scope="module")
def no_audio(media_dir):
    return tape(media_dir / "mute.mp4", seconds=2, size="1280x720", audio=None)


@pytest.fixture(scope="module")
def portrait_json(portrait):
    """The portrait tape judged once, for the tests that read the same document."""
    return tapecheck("check", "--format", "json", portrait)


def test_json_document_shape(portrait_json):
    run = portrait_json
    doc = run.json
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "tapecheck"
    f = doc["files"][0]
    assert FILE_KEYS <= set(f) and MEDIA_KEYS <= set(f["media"])
    assert f["status"] == "judged" and f["error"] is None
    assert {"can_see_eyes", "can_hear_voice", "score", "level", "headline"} <= set(f["verdict"])
    for fd in f["findings"]:
        assert FINDING_KEYS <= set(fd)
    orient = [fd for fd in f["findings"] if fd["category"] == "orientation"]
    assert orient and orient[0]["severity"] == "error"
    assert run.code == 1  # an error finding reaches the default fail level


def test_no_audio_means_voice_cannot_be_heard(no_audio):
    f = tapecheck("check", "--format", "json", no_audio).json["files"][0]
    assert f["verdict"]["can_hear_voice"] is False
    assert f["verdict"]["level"] == "unusable"
    assert any(fd["code"] == "M001" and fd["category"] == "media" for fd in f["findings"])


def test_default_gate_fails_on_warnings(media_dir):
    """Exit 0 means ready (CONTRACT.md): a warning fails by default; only --fail-on error lets
    a fix-first tape through. The old --strict is still accepted: it is the default, and says
    so and where the strict thresholds are."""
    low = tape(media_dir / "low.mp4", seconds=2, size="640x360")
    plain = tapecheck("check", "--select", "resolution", low)
    strict = tapecheck("check", "--select", "resolution", "--strict", low)
    lenient = tapecheck("check", "--select", "resolution", "--fail-on", "error", low)
    assert "low-resolution" in plain.out and "FIX-FIRST" in plain.out
    assert (plain.code, strict.code, lenient.code) == (1, 1, 0)
    assert strict.out == plain.out and plain.err == ""
    assert "--strict only sets the default fail level" in strict.err
    assert "--preset strict" in strict.err
    assert "--strict" not in tapecheck("check", "--help").out


def test_one_default_fail_level():
    """settings.DEFAULT_FAIL_ON is the default wherever a fail level is needed."""
    from tapecheck.pipeline.config import resolve
    from tapecheck.settings import DEFAULT_FAIL_ON, Settings
    from tapecheck.takes.result import TakesReport

    assert Settings().fail_on == DEFAULT_FAIL_ON
    assert resolve(cli={}, use_config=False).settings.fail_on == DEFAULT_FAIL_ON
    assert TakesReport((), (), (), "0").fail_on == DEFAULT_FAIL_ON
    assert f"[default: {DEFAULT_FAIL_ON.label}" in tapecheck("check", "--help").out


def test_too_short_is_an_error_and_skips_the_rest(media_dir):
    short = tape(media_dir / "short.mp4", seconds=0.5, size="1280x720")
    f = tapecheck("check", "--format", "json", short).json["files"][0]
    assert [fd["code"] for fd in f["findings"] if fd["severity"] == "error"] == ["M003"]
    assert any("too short" in s["reason"] for s in f["skipped"])


def test_same_file_same_json(portrait, portrait_json):
    again = tapecheck("check", "--format", "json", portrait).out  # another process
    assert again == portrait_json.out


def test_output_file_and_nothing_written_next_to_input(tmp_path, portrait, portrait_json):
    out = tmp_path / "report.json"
    listing = sorted(p.name for p in portrait.parent.iterdir())
    run = tapecheck("check", "--format", "json", "-o", out, portrait)
    assert run.out == "" and json.loads(out.read_text())["files"][0]["path"] == str(portrait)
    assert out.read_text() == portrait_json.out  # the document stdout would have had
    assert sorted(p.name for p in portrait.parent.iterdir()) == listing


def test_unknown_selection_is_a_usage_error(portrait):
    run = tapecheck("check", "--select", "nonsense", portrait)
    assert run.code == 2 and "nonsense" in run.err and "Traceback" not in run.err


def test_help_and_version():
    assert tapecheck("--help").code == 0
    run = tapecheck("--version")
    assert run.code == 0 and "tapecheck" in run.out


def test_nan_never_reaches_json(media_dir):
    silent = tape(media_dir / "silent.mp4", seconds=2, size="1280x720",
                  audio="anullsrc=r=48000:cl=stereo")
    run = tapecheck("check", "--format", "json", silent)
    assert "NaN" not in run.out and "Infinity" not in run.out
    f = run.json["files"][0]
    assert any(fd["code"] == "M002" for fd in f["findings"])
    assert f["verdict"]["can_hear_voice"] is False


def test_the_command_after_set_up_as_the_readme_says(tmp_path):
    """README: after set-up, `source .venv/bin/activate` gives a `tapecheck` command in any
    folder, and `python -m tapecheck` is the same command."""
    root = Path(__file__).resolve().parents[1]
    venv = root / ".venv"
    if not (venv / "bin" / "activate").is_file():
        pytest.skip("no .venv here: scripts/setup.sh makes it (the README's set-up)")
    clean_path = "/usr/local/bin:/usr/bin:/bin"
    run = subprocess.run(["bash", "-c", 'source "$1/bin/activate" && cd "$2" && tapecheck '
                          '--version && command -v tapecheck', "_", str(venv), str(tmp_path)],
                         capture_output=True, text=True, env={"PATH": clean_path,
                                                              "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("tapecheck, version")
    assert run.stdout.splitlines()[-1] == str(venv / "bin" / "tapecheck")
    as_module = subprocess.run([sys.executable, "-m", "tapecheck", "--version"],
                               capture_output=True, text=True)
    assert as_module.stdout == run.stdout.splitlines()[0] + "\n"
