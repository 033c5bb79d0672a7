import os
import shutil
from pathlib import Path

import pytest

from synth import CORPUS


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
