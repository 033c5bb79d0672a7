import os
import shutil
from pathlib import Path

import pytest

from synth import CORPUS

#: Markers a test gets from the fixtures it uses, directly or through another fixture
#: (`item.fixturenames` is the closure): `-m "not corpus"` outside the team, and so on.
MARKS_BY_FIXTURE = {"corpus": "corpus", "chromium": "browser", "dask_scheduler": "cluster",
                    "dask_own_cluster": "cluster"}

#: Fixtures that cost next to nothing. A test using only these is in the fast tier unless
#: it is in SLOW; any other fixture makes, judges or serves media.
CHEAP_FIXTURES = {"request", "tmp_path", "tmp_path_factory", "monkeypatch", "capsys",
                  "_private_cache"}

#: Tests with only cheap fixtures that still took over 1.5 s (`--durations=0`, 2-core machine
#: shared with other work, 2026-12-07): they make media, run the pipeline or a worker pool
#: inside the test. `--durations=15` after each run shows a newcomer that belongs here.
SLOW = {
    "test_app.py::test_stopping_the_server_deletes_its_folder",
    "test_audio_checks.py::test_no_speech_in_pure_noise",
    "test_audio_frames_reference.py::test_band_powers_match_librosa_stft",
    "test_audio_frames_reference.py::test_frame_level_tracks_librosa_rms",
    "test_batch.py::test_pool_isolates_a_crash_a_hang_and_a_bug",
    "test_crossmodal.py::test_audio_delayed_by_timestamps_only_is_read_where_a_player_plays_it",
    "test_crossmodal.py::test_picture_delayed_by_timestamps_keeps_its_own_times",
    "test_fix.py::test_a_file_over_a_small_cap_is_brought_under_it",
    "test_fix.py::test_a_full_disk_leaves_no_half_file",
    "test_fix.py::test_a_late_sound_is_moved_into_sync",
    "test_fix.py::test_a_quiet_voice_is_raised_to_the_target",
    "test_fix.py::test_channels_in_opposite_phase_become_dual_mono",
    "test_fix.py::test_dry_run_prints_the_plan_and_writes_nothing",
    "test_fix.py::test_the_copy_is_reported_in_the_check_document_plus_fix",
    "test_fix.py::test_the_reader_stays_as_far_below_the_actor",
    "test_html_browser.py::test_handmade_report_with_moments_timeline_and_clips_in_chromium",
    "test_schema.py::test_bad_inputs_validate",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(item.fixturenames)
        for fixture, mark in MARKS_BY_FIXTURE.items():
            if fixture in used:
                item.add_marker(mark)
        params = set(item.callspec.params) if hasattr(item, "callspec") else set()
        if used - params <= CHEAP_FIXTURES and \
                f"{item.path.name}::{item.originalname}" not in SLOW:
            item.add_marker("fast")


def pytest_configure(config):
    if shutil.which(os.environ.get("TAPECHECK_FFMPEG") or "ffmpeg") is None:
        raise pytest.UsageError("ffmpeg is not on PATH: the tests synthesise media with it "
                                "(scripts/test.sh installs it)")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus: real media. Tests needing it skip (with this reason) outside the team."""
    if not (CORPUS / "SOURCES.md").is_file():
        pytest.skip(f"real-media corpus not found at {CORPUS} (it sits beside the repository "
                    "on the team's machines and in CI)")
    return CORPUS


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system's Chromium (tests/browser.py says when a missing one skips or fails)."""
    from browser import chromium as find

    return find()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """A session-wide folder for synthesised media shared by several tests."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def sample_tapes() -> Path:
    return Path(__file__).resolve().parents[1] / "sample_tapes"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The CLI caches judgements in the user's cache folder: tests get a private folder, and
    the cache is off unless a test turns it on (tests/test_batch.py does)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TAPECHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mp.setenv("TAPECHECK_NO_CACHE", "1")
    yield
    mp.undo()


@pytest.fixture(scope="session")
def sample_run(sample_tapes):
    """Every sample tape judged once — ready tapes in one CLI call, defect tapes in another,
    so each call's exit code means something — shared by the tests that read them."""
    from cli_run import tapecheck

    tapes = sorted(sample_tapes.glob("*.mp4"))
    ready = tapecheck("check", "--format", "json", *[p for p in tapes if p.name.startswith("ready_")])
    defects = tapecheck("check", "--format", "json",
                        *[p for p in tapes if not p.name.startswith("ready_")])
    assert defects.code in (0, 1), defects.err  # every sample tape can be judged
    return {"ready": ready, "defects": defects}


@pytest.fixture(scope="session")
def corpus_run(corpus):
    """Every corpus video plus one audio-only file, judged once in one CLI call."""
    from cli_run import tapecheck

    clips = sorted((corpus / "video").iterdir()) + [corpus / "speech" / "alsa_Front_Center.wav"]
    run = tapecheck("check", "--format", "json", *clips)
    assert run.code == 2, run.err  # the audio-only file cannot be judged; every clip can
    return run
