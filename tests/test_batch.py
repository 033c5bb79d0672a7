"""Batch audits: the process pool isolates each file; the cache re-judges only what changed."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

import batch_faults
from cli_run import tapecheck
from synth import tape
from tapecheck.pipeline import BatchStats, Plan, judge_paths
from tapecheck.pipeline.cache import Cache
from tapecheck.pipeline.config import resolve
from tapecheck.report.json import render as render_json
from tapecheck.settings import Settings

CACHE_ON = {"TAPECHECK_NO_CACHE": ""}


@pytest.fixture(scope="module")
def tapes(tmp_path_factory, sample_tapes):
    """Three small tapes in a folder (copies of sample tapes: the cache keys on content)."""
    d = tmp_path_factory.mktemp("batch")
    for name in ("ready_grid-man-denim.mp4", "defect-resolution_360p.mp4",
                 "defect-media_no-audio.mp4"):
        shutil.copy(sample_tapes / name, d / name)
    return d


def test_pool_isolates_a_crash_a_hang_and_a_bug(tmp_path):
    # the good tape is tiny and judged --quick so it finishes well inside the limit that
    # stops the hang, even on a loaded machine; the limit is what the hang costs the test.
    # Its clock starts when the file is sent, so it also pays for a fresh worker's start-up.
    # Measured in a fresh process (getrusage): ≈ 0.5 s CPU of imports, 1.2 s to judge (0.45
    # of it DNSMOS's one 9 s window, a fixed cost whatever the length) and 0.6 s of ffmpeg;
    # with the 2 cores at load 29 that took 12-13 s wall (8-10 s before DNSMOS), hence 20 s.
    tape(tmp_path / "good.mp4", seconds=1.2, size="320x240")
    for name in ("crash.mp4", "hang.mp4", "raise.mp4"):
        (tmp_path / name).write_bytes(b"never read")
    stats = BatchStats()
    paths = [str(tmp_path / n) for n in ("crash.mp4", "hang.mp4", "good.mp4", "raise.mp4")]
    report = judge_paths(paths, Plan(replace(Settings(quick=True), file_timeout_s=20.0)), jobs=2,
                         judge_fn=batch_faults.faulty, stats=stats)
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert [f.path for f in report.files] == paths  # input order, whatever finished first
    assert by_name["crash.mp4"].status == "error"
    assert by_name["crash.mp4"].error.code == "decode-failed"
    assert "crashed (signal 9)" in by_name["crash.mp4"].error.message
    assert by_name["hang.mp4"].error.code == "timeout"
    assert "longer than 20 s" in by_name["hang.mp4"].error.message
    assert by_name["raise.mp4"].error.code == "decode-failed"
    assert "RuntimeError" in by_name["raise.mp4"].error.message
    assert by_name["good.mp4"].status == "judged" and by_name["good.mp4"].check_errors == ()
    assert (stats.crashed, stats.timed_out) == (1, 1)
    assert report.exit_code() == 2


def test_second_run_judges_nothing_new_and_changes_rejudge_exactly(tmp_path, tapes):
    work = tmp_path / "tapes"
    shutil.copytree(tapes, work)
    cache = Cache.open(tmp_path / "cache")
    settings = resolve(cli={}, use_config=False).settings

    def run(s=settings):
        stats = BatchStats()
        rep = judge_paths([str(work)], Plan(s), jobs=2, cache=cache, stats=stats)
        return rep, stats

    first, s1 = run()
    assert (s1.judged, s1.cached) == (3, 0)
    second, s2 = run()
    assert (s2.judged, s2.cached) == (0, 3)
    assert render_json(first) == render_json(second)  # identical JSON, cached or fresh
    # thumbnails and series (not in the JSON, used by the HTML report) survive the cache
    for a, b in zip(first.files, second.files):
        assert (a.thumbnails, a.series) == (b.thumbnails, b.series)

    # change one file: only it is judged again
    changed = work / "defect-resolution_360p.mp4"
    tape(changed, seconds=2, size="640x360")
    third, s3 = run()
    assert [p.rsplit("/", 1)[-1] for p in s3.judged_paths] == ["defect-resolution_360p.mp4"]
    assert s3.cached == 2

    # change one threshold: every file is judged again, and the new threshold shows
    lower = resolve(cli={"checks": {"M007": {"min_height_px": 360}}}, use_config=False).settings
    fourth, s4 = run(lower)
    assert (s4.judged, s4.cached) == (3, 0)
    low = next(f for f in fourth.files if f.path.endswith("360p.mp4"))
    assert not any(fd.code == "M007" for fd in low.findings)
    # the fail level is not part of the key: it changes the exit code, not the report
    _, s5 = run(replace(settings, fail_on=settings.fail_on.WARNING))
    assert (s5.judged, s5.cached) == (0, 3)
    cache.close()


def test_cli_cache_clear_and_identical_json(tmp_path, tapes):
    env = {**CACHE_ON, "TAPECHECK_CACHE_DIR": str(tmp_path / "c")}
    a = tapecheck("check", "--format", "json", "-v", tapes, env=env)
    b = tapecheck("check", "--format", "json", "-v", tapes, env=env)
    assert a.code == b.code == 2 - 1  # a 360p warning is below the fail level; no-audio is not
    assert a.out == b.out
    assert "3 file(s)" in b.err and str(tmp_path / "c") in b.err
    info = tapecheck("cache", "info", env=env)
    assert info.code == 0 and "cached report" in info.out
    cleared = tapecheck("cache", "clear", env=env)
    assert cleared.code == 0 and "cleared" in cleared.out
    assert "0 cached report(s)" in tapecheck("cache", "info", env=env).out
    off = tapecheck("check", "--format", "json", "--no-cache", "-v", tapes, env=env)
    assert off.out == a.out and "cache off" in off.err


@pytest.fixture(scope="module")
def tapes_cache(tmp_path_factory) -> dict:
    """The tapes are judged once for the output formats: later runs answer from this cache."""
    return {**CACHE_ON, "TAPECHECK_CACHE_DIR": str(tmp_path_factory.mktemp("formats"))}


def test_jsonl_streams_one_files_object_per_line(tapes, tapes_cache):
    run = tapecheck("check", "--format", "jsonl", "-j", "2", tapes, env=tapes_cache)
    lines = run.out.splitlines()
    assert len(lines) == 3
    objs = [json.loads(line) for line in lines]
    assert {o["path"].rsplit("/", 1)[-1] for o in objs} == {p.name for p in tapes.iterdir()}
    assert all({"status", "verdict", "findings", "segments"} <= set(o) for o in objs)
    assert run.code == 1  # no-audio is an error finding


def test_text_ends_with_a_summary_table(tapes, tapes_cache):
    run = tapecheck("check", "-j", "2", tapes, env=tapes_cache)
    lines = run.out.splitlines()
    table = lines[next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["file", "verdict"]):]
    assert table[0].split() == ["file", "verdict", "score", "top", "fix"]
    body = table[2:table.index("")] if "" in table else table[2:]
    rows = {line.split()[0].rsplit("/", 1)[-1]: line.split() for line in body}
    assert len(rows) == 3 and lines[-1].startswith("3 files: 1 ready")  # then the count
    assert rows["ready_grid-man-denim.mp4"][1:3] == ["ready", "100"]
    assert rows["defect-media_no-audio.mp4"][1] == "unusable"
    assert "Record with sound on" in " ".join(rows["defect-media_no-audio.mp4"])
    assert "\x1b" not in run.err  # no progress bar when stderr is not a terminal


def test_when_workers_cannot_start_files_are_judged_in_process(tmp_path, tapes, monkeypatch):
    """E.g. a locked-down user who may not execute the interpreter again (the setpriv test in
    test_bad_inputs.py): the batch still judges every file, one by one, and says so."""
    import multiprocessing.spawn

    exe = multiprocessing.spawn.get_executable()
    monkeypatch.setattr(multiprocessing.spawn, "_python_exe",
                        b"/bin/false" if isinstance(exe, bytes) else "/bin/false")
    stats = BatchStats()
    report = judge_paths([str(tapes)], Plan(Settings(select=("media",))), jobs=2, stats=stats)
    assert stats.fallback and "could not start" in stats.fallback
    assert stats.judged == 3 and all(f.status == "judged" for f in report.files)
    assert [f.path for f in report.files] == sorted(str(p) for p in tapes.iterdir())


def test_library_api_has_the_cache_and_time_limits(tmp_path, sample_tapes, monkeypatch):
    """tapecheck.check_file/check_paths go through the same pipeline as the CLI: the cache
    (opt-in for a library) and a per-file time limit in a worker process."""
    import tapecheck

    monkeypatch.setenv("TAPECHECK_CACHE_DIR", str(tmp_path / "cache"))
    tape = sample_tapes / "defect-resolution_360p.mp4"
    settings = Settings(select=("resolution",))
    first = tapecheck.check_file(tape, settings, cache=True)
    assert first.status == "judged" and [f.code for f in first.findings] == ["M007"]
    stored = Cache.open(tmp_path / "cache")
    assert stored.info()["reports"] == 1
    stored.close()
    again = tapecheck.check_file(tape, settings, cache=True, timeout=60)
    assert again.to_dict() == first.to_dict()
    batch = tapecheck.check_paths([tape, tmp_path / "missing.mp4"], settings, jobs=1)
    assert [f.status for f in batch.files] == ["judged", "error"]
    assert batch.exit_code() == 2
