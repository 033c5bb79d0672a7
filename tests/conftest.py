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
