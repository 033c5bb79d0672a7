"""Bad input never crashes the tool: a one-line message naming the file and what to do,
status error in JSON, exit 2, no traceback, and the other files of the call still judged."""

import os
import shutil
import struct

import pytest

from cli_run import tapecheck
from synth import ffmpeg, tape


@pytest.fixture(scope="module")
def good(media_dir):
    return tape(media_dir / "good.mp4", seconds=2, size="1280x720")


def _truncated_without_moov(src, dst):
    """Keep the file only up to its moov box: what an unfinished download or export leaves."""
    data = src.read_bytes()
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"moov":
            dst.write_bytes(data[:pos])
            return dst
        pos += size
    raise AssertionError("no moov box")


def make_bad(kind, d, good):
    if kind == "missing":
        return d / "no-such-take.mp4"
    if kind == "empty-dir":
        (d / "empty-folder").mkdir(exist_ok=True)
        (d / "empty-folder" / "notes.txt").write_text("not a video")
        return d / "empty-folder"
    if kind == "zero-bytes":
        p = d / "zero.mp4"
        p.write_bytes(b"")
        return p
    if kind == "random-bytes":
        p = d / "random.mp4"
        p.write_bytes(os.urandom(50_000))
        return p
    if kind == "truncated":
        src = tape(d / "faststart.mp4", seconds=2, size="320x240")  # moov at the end
        return _truncated_without_moov(src, d / "truncated.mp4")
    if kind == "audio-only":
        p = d / "voice.m4a"
        ffmpeg("-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(p))
        return p
    if kind == "image":
        p = d / "headshot.png"
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", str(p))
        return p
    raise ValueError(kind)


CASES = {
    "missing": "not-found", "empty-dir": "not-a-file", "zero-bytes": "not-media",
    "random-bytes": "not-media", "truncated": "not-media", "audio-only": "no-video",
    "image": "no-video",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_input_is_an_error_and_the_batch_goes_on(tmp_path, good, kind):
    bad = make_bad(kind, tmp_path, good)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in [good] + [bad]
              if p.is_file()}
    run = tapecheck("check", "--format", "json", bad, good)
    assert run.code == 2
    files = run.json["files"]
    assert [f["status"] for f in files] == ["error", "judged"]
    assert files[0]["error"]["code"] == CASES[kind]
    assert str(bad) in files[0]["error"]["message"]
    assert files[0]["verdict"] is None
    assert "Traceback" not in run.err
    err_lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert len(err_lines) == 1 and str(bad) in err_lines[0]
    for p, (data, mtime) in before.items():  # the tool never modifies its input
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime


def test_text_report_says_what_to_do(tmp_path):
    p = tmp_path / "zero.mp4"
    p.write_bytes(b"")
    run = tapecheck("check", p)
    assert run.code == 2
    assert "could not judge" in run.out and "empty" in run.out
    assert "Traceback" not in run.out + run.err


@pytest.mark.parametrize("name", ["my take 1.mp4", "it's \"take\" 2.mp4", "prise_été_日本.mp4",
                                  "-starts-with-dash.mp4", '<img src=x onerror=alert(1)> take "1".mp4'])
def test_awkward_names_are_judged(tmp_path, good, name):
    p = tmp_path / name
    shutil.copy(good, p)
    run = tapecheck("check", "--format", "json", "--", p)
    assert run.code in (0, 1), run.err
    f = run.json["files"][0]
    assert f["status"] == "judged" and f["path"] == str(p)


def test_ffmpeg_missing_says_how_to_install(tmp_path, good):
    run = tapecheck("check", good, env={"TAPECHECK_FFPROBE": str(tmp_path / "nope"),
                                        "TAPECHECK_FFMPEG": str(tmp_path / "nope")})
    assert run.code == 2
    assert "apt-get install ffmpeg" in run.err and "Traceback" not in run.err


def test_ffmpeg_not_on_path(good, tmp_path):
    run = tapecheck("check", "--format", "json", good, env={"PATH": str(tmp_path)})
    assert run.code == 2
    assert run.json["files"][0]["error"]["code"] == "ffmpeg-missing"
