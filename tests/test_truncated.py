"""A file cut short is never ready (issue #23/#26): an export, copy or upload that stopped
partway still opens, and an MP4 with its index at the front keeps announcing its whole length.

The matrix: a ready sample tape written as MP4 with and without faststart, MOV, MKV and
WebM, each cut to 10, 50, 90 and 99 % of its bytes. Every cut is refused (status error) or
judged with M008 as an error; none passes as ready and none crashes.
"""

from __future__ import annotations

import re

import pytest

from cli_run import tapecheck
from synth import ffmpeg

CUTS = (10, 50, 90, 99)
#: container → ffmpeg arguments that write the ready sample tape in it
CONTAINERS = {
    "faststart.mp4": ("-c", "copy", "-movflags", "+faststart"),
    "plain.mp4": ("-c", "copy"),
    "faststart.mov": ("-c", "copy", "-movflags", "+faststart"),
    "copy.mkv": ("-c", "copy"),
    "vp9.webm": ("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M",
                 "-c:a", "libopus"),
}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, sample_tapes):
    d = tmp_path_factory.mktemp("truncated")
    src = sample_tapes / "ready_grid-man-denim.mp4"
    whole, cut = {}, {}
    for name, args in CONTAINERS.items():
        full = d / f"whole-{name}"
        ffmpeg("-i", str(src), *args, str(full))
        whole[name] = full
        data = full.read_bytes()
        for pct in CUTS:
            p = d / f"cut{pct}-{name}"
            p.write_bytes(data[:len(data) * pct // 100])
            cut[(name, pct)] = p
    run = tapecheck("check", "--format", "json", "--select", "media", *whole.values(),
                    *cut.values(), timeout=600)
    return whole, cut, run


def test_no_cut_file_passes_as_ready(matrix):
    whole, cut, run = matrix
    assert run.code == 2 and "Traceback" not in run.err  # plain MP4 cuts lose their index
    files = {f["path"]: f for f in run.json["files"]}
    for (name, pct), path in cut.items():
        f = files[str(path)]
        assert f["check_errors"] == [], (name, pct, f["check_errors"])
        if f["status"] == "error":
            assert f["error"]["code"] in ("not-media", "decode-failed"), (name, pct, f["error"])
            continue
        codes = {fd["code"]: fd for fd in f["findings"]}
        assert "M008" in codes and codes["M008"]["severity"] == "error", (name, pct, codes)
        assert f["verdict"]["level"] != "ready", (name, pct)


def test_whole_files_are_not_flagged(matrix):
    whole, cut, run = matrix
    files = {f["path"]: f for f in run.json["files"]}
    for name, path in whole.items():
        f = files[str(path)]
        assert f["status"] == "judged", (name, f.get("error"))
        assert "M008" not in {fd["code"] for fd in f["findings"]}, name


def test_a_ready_tape_cut_in_half_is_not_ready_and_says_where_it_stops(matrix):
    """The full check, as an actor runs it: the uncut tape is ready, the cut one is not, and
    the text names the time the file stops at against its announced length."""
    whole, cut, _ = matrix
    ok = tapecheck("check", whole["faststart.mp4"])
    assert ok.code == 0, ok.out
    half = tapecheck("check", cut[("faststart.mp4", 50)])
    assert half.code == 1
    assert "READY" not in half.out
    assert re.search(r"The file stops at 0:0[12] of 0:03", half.out), half.out
