"""Every corpus clip through the CLI: valid JSON per CONTRACT.md, with the displayed size,
rotation and duration ffprobe itself reports."""

import json
import subprocess

import pytest



@pytest.fixture(scope="module")
def corpus_report(corpus, corpus_run):
    clips = sorted((corpus / "video").iterdir())
    return {f["path"]: f for f in corpus_run.json["files"]}, clips


def _ffprobe(path):
    raw = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format",
         str(path)], capture_output=True, check=True).stdout)
    v = next(s for s in raw["streams"] if s["codec_type"] == "video")
    ccw = next((sd["rotation"] for sd in v.get("side_data_list", []) if "rotation" in sd), 0)
    rot = int(round(-ccw / 90)) * 90 % 360
    w, h = v["width"], v["height"]
    if rot in (90, 270):
        w, h = h, w
    return w, h, rot, float(raw["format"]["duration"])


def test_every_clip_judged_with_the_true_geometry(corpus_report):
    files, clips = corpus_report
    assert len(files) == len(clips) + 1  # and the audio-only file
    for clip in clips:
        f = files[str(clip)]
        assert f["status"] == "judged" and f["check_errors"] == [], (clip.name, f["check_errors"])
        w, h, rot, dur = _ffprobe(clip)
        m = f["media"]
        assert (m["width"], m["height"], m["rotation_deg"]) == (w, h, rot), clip.name
        assert m["duration_s"] == pytest.approx(dur, abs=0.01), clip.name
        assert f["verdict"]["level"] in ("ready", "fix-first", "unusable")


def test_portrait_clips_get_an_orientation_finding(corpus_report):
    files, clips = corpus_report
    for clip in clips:
        f = files[str(clip)]
        portrait = f["media"]["height"] > f["media"]["width"]
        has = any(fd["category"] == "orientation" for fd in f["findings"])
        assert has == portrait, clip.name
    assert sum(1 for c in clips if "portrait" in c.name) >= 2


def test_missing_and_silent_audio_clips(corpus_report):
    files, clips = corpus_report
    by_name = {c.name: files[str(c)] for c in clips}
    for name in ("liveportrait_d13_portrait_selfie_noaudio.mp4", "opencv_tree_noface.avi"):
        f = by_name[name]
        assert f["media"]["audio_codec"] is None and not f["verdict"]["can_hear_voice"]
    for name in ("liveportrait_s20_portrait_silent.mp4", "liveportrait_s32_offcenter_silent.mp4"):
        assert any(fd["code"] == "M002" for fd in by_name[name]["findings"])
    for name, f in by_name.items():
        if name.startswith("grid_"):
            assert not any(fd["category"] == "media" for fd in f["findings"]), name
