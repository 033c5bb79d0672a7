"""A reel assembled from corpus clips with known boundaries is split into those clips, and each
clip is judged on its own (ingest reads only its window)."""

from __future__ import annotations

import csv
import io

import pytest

from cli_run import tapecheck
from synth import ffmpeg
from tapecheck.ingest import probe
from tapecheck.measures.cuts import find_clips

#: Boundaries land on the cut's frame (25 fps here); allowed error, s.
TOLERANCE_S = 0.1

#: (corpus clip, seconds used, integrated loudness of the whole source clip in SOURCES.md)
PARTS = [
    ("grid_bbaf2n.mpg", 2.88, -16.2),
    ("grid_lrwp9a.mpg", 3.0, -15.0),
    ("sadtalker_WDA_KatieHill_000.mp4", 6.0, -15.6),
    (None, 1.0, None),  # 1 s of black and digital silence between clips
    ("grid_swiz3n.mpg", 3.0, -15.5),
    ("videoretalking_face2.mp4", 4.0, -24.5),
]


def expected_clips():
    out, t = [], 0.0
    for name, seconds, _ in PARTS:
        if name is not None:
            out.append((round(t, 2), round(t + seconds, 2)))
        t += seconds
    return out


@pytest.fixture(scope="module")
def reel(corpus, tmp_path_factory):
    """Clips scaled into one 640×360 25 fps H.264/AAC file, cut exactly at known times (not on
    the 0.2 s sampling grid, so the frame-exact refinement is exercised)."""
    out = tmp_path_factory.mktemp("reel") / "reel.mp4"
    args, chains, labels = [], [], []
    fmt_v = ("scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:"
             "(oh-ih)/2,setsar=1,fps=25,format=yuv420p")
    fmt_a = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"
    n = 0
    for i, (name, seconds, _) in enumerate(PARTS):
        if name is None:
            args += ["-f", "lavfi", "-t", str(seconds), "-i", "color=black:s=640x360:r=25",
                     "-f", "lavfi", "-t", str(seconds), "-i", "anullsrc=r=48000:cl=stereo"]
            vin, ain = n, n + 1
            n += 2
        else:
            args += ["-i", str(corpus / "video" / name)]
            vin = ain = n
            n += 1
        chains.append(f"[{vin}:v]trim=duration={seconds},setpts=PTS-STARTPTS,{fmt_v}[v{i}]")
        chains.append(f"[{ain}:a]atrim=duration={seconds},asetpts=PTS-STARTPTS,{fmt_a},"
                      f"apad=whole_dur={seconds}[a{i}]")
        labels.append(f"[v{i}][a{i}]")
    graph = ";".join(chains) + ";" + "".join(labels) + f"concat=n={len(PARTS)}:v=1:a=1[v][a]"
    ffmpeg(*args, "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264",
           "-preset", "veryfast", "-g", "50", "-crf", "26", "-c:a", "aac", "-b:a", "96k",
           str(out))
    return out


def test_clips_found_at_the_known_boundaries(reel):
    clips = find_clips(probe(str(reel)))
    want = expected_clips()
    assert len(clips) == len(want), clips
    for got, (a, b) in zip(clips, want):
        assert abs(got.start_s - a) <= TOLERANCE_S and abs(got.end_s - b) <= TOLERANCE_S, \
            (got, (a, b))


@pytest.fixture(scope="module")
def reel_cache(tmp_path_factory) -> dict:
    """The reel is judged once: later runs with the same settings answer from this cache."""
    return {"TAPECHECK_NO_CACHE": "", "TAPECHECK_CACHE_DIR": str(tmp_path_factory.mktemp("c"))}


@pytest.fixture(scope="module")
def judged(reel, reel_cache):
    return tapecheck("reel", "--format", "json", "--profile", "backstage", reel, env=reel_cache)


def test_each_clip_is_judged_on_its_own(judged):
    f = judged.json["files"][0]
    assert f["status"] == "judged"
    segs = f["segments"]
    assert [(round(s["start_s"], 1), round(s["end_s"], 1)) for s in segs] == \
        [(round(a, 1), round(b, 1)) for a, b in expected_clips()]
    sources = [p for p in PARTS if p[0] is not None]
    for seg, (name, _, lufs) in zip(segs, sources):
        assert {"can_see_eyes", "can_hear_voice", "score", "level"} <= set(seg["verdict"])
        # each clip's loudness is its own source's (whole-clip figure from SOURCES.md;
        # trimmed, resampled and AAC-coded here, so within 1 LU), not the reel's
        assert seg["measures"]["integrated_lufs"] == pytest.approx(lufs, abs=1.0), name
        for fd in seg["findings"]:  # spans are on the reel's timeline, inside the clip
            for sp in fd["spans"]:
                assert seg["start_s"] - 0.05 <= sp["start_s"] <= sp["end_s"] <= \
                    seg["end_s"] + 0.05, (fd["code"], sp, seg["start_s"], seg["end_s"])
    # the checks of the file itself run once, on the reel, with the clip count known
    p105 = [fd for fd in f["findings"] if fd["code"] == "P105"]
    assert p105 and "5 clips" in p105[0]["message"]
    assert "as published on 2026-11-21" in p105[0]["message"]
    assert not any(fd["code"].startswith(("M", "P")) for s in segs for fd in s["findings"])


def test_split_text_and_csv_show_the_clips(reel, reel_cache):
    split = ("check", "--split", "--profile", "backstage")  # `reel`'s settings: its cache
    text = tapecheck(*split, reel, env=reel_cache)
    assert "Clips:" in text.out
    rows = list(csv.DictReader(io.StringIO(
        tapecheck(*split, "--format", "csv", reel, env=reel_cache).out)))
    clips = [r for r in rows if r["clip"]]
    assert [r["clip"] for r in clips] == ["1", "2", "3", "4", "5"]
    assert float(clips[3]["start_s"]) == pytest.approx(12.88, abs=TOLERANCE_S)


def test_a_single_take_without_split_has_no_segments(sample_run):
    files = sample_run["ready"].json["files"]
    assert files and all(f["segments"] == [] for f in files)
