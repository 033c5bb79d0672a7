"""Inputs scripts/fuzz.py once broke the tool with: each must now be judged or refused
cleanly, with no crashed check. (Found: 2-frame audio tracks crashed the clarity measure.)"""

from pathlib import Path

import pytest

from tapecheck import check_file
from tapecheck.settings import Settings

FOUND = sorted((Path(__file__).parent / "fuzz_regressions").iterdir())


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_found_input_is_handled(path):
    before = path.read_bytes()
    for settings in (Settings(quick=True), Settings()):
        rep = check_file(str(path), settings)
        assert rep.check_errors == (), rep.check_errors
        assert rep.status in ("judged", "error")
        rep.to_dict()
    assert path.read_bytes() == before
