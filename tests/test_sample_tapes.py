"""The sample-tape naming convention: ready_* are ready with exit 0; defect-<category>_* have a
finding of that category at warning or above."""

import re

from tapecheck.model import CATEGORIES


def _tapes(folder):
    return sorted(p for p in folder.iterdir() if p.suffix in (".mp4", ".mov", ".mkv"))


def test_every_sample_tape_is_named_by_the_convention(sample_tapes):
    tapes = _tapes(sample_tapes)
    assert any(p.name.startswith("ready_") for p in tapes)
    for p in tapes:
        m = re.match(r"(ready|defect-([a-z-]+))_", p.name)
        assert m, f"{p.name}: name it ready_* or defect-<category>_*"
        if m.group(2):
            assert m.group(2) in CATEGORIES, p.name


def test_ready_tapes_are_ready(sample_run):
    run = sample_run["ready"]
    assert run.json["files"]
    for f in run.json["files"]:
        assert f["verdict"]["level"] == "ready", (f["path"], f["findings"])
    assert run.code == 0


def test_defect_tapes_show_their_defect(sample_run):
    defects = sample_run["defects"].json["files"]
    assert defects
    for f in defects:
        category = re.match(r".*defect-([a-z-]+)_", f["path"]).group(1)
        hits = [fd for fd in f["findings"] if fd["category"] == category
                and fd["severity"] in ("warning", "error")]
        assert hits, (f["path"], [fd["code"] for fd in f["findings"]])
