"""The JSON Schema of CONTRACT.md: it accepts what tapecheck writes for the sample tapes, corpus
clips, bad inputs and hand-made reports, and rejects documents that break the contract."""

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cli_run import tapecheck
from report_fixtures import defect_file, error_file, ready_file, report
from tapecheck.model import CATEGORIES
from tapecheck.schema import file_schema, load

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"
#: Short corpus clips covering the shapes a file can take: a clean talking head, a tight crop,
#: a silent track, a portrait phone clip with no audio stream, an audio file (no video).
def errors(doc, schema=None) -> list[str]:
    v = Draft202012Validator(schema or load())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(doc)]


def test_schema_is_valid_and_packaged():
    Draft202012Validator.check_schema(load())
    assert load()["properties"]["schema_version"] == {"const": 1}


def test_schema_enums_match_the_model_and_the_contract():
    defs = load()["$defs"]
    assert defs["category"]["enum"] == list(CATEGORIES)
    assert defs["severity"]["enum"] == ["info", "warning", "error"]
    assert defs["verdict"]["properties"]["level"]["enum"] == ["ready", "fix-first", "unusable"]
    if not CONTRACT.is_file():
        pytest.skip(f"CONTRACT.md not found at {CONTRACT}")
    text = CONTRACT.read_text(encoding="utf-8")
    codes = re.search(r"\(codes: (.*?)\)", text, re.S).group(1)
    assert defs["file_error"]["properties"]["code"]["enum"] == re.findall(r"`([a-z-]+)`", codes)
    cats = text.split("## Categories", 1)[1].split("##", 1)[0]
    assert defs["category"]["enum"] == re.findall(r"`([a-z-]+)`", cats.split("\n", 1)[1])
    named = text.split("## Named measures", 1)[1].split("\n## ", 1)[0]
    named = named.split("\n\n", 1)[0]  # the notes (message/plain, fixes) that follow the list
    listed = set(re.findall(r"`([a-z0-9_]+)`", named)) - {"measures"}  # the heading
    ours = defs["measures"]["properties"]
    assert listed <= set(ours)  # every contracted measure is there; we extend by adding,
    for name in set(ours) - listed:  # and each addition says what it is in the schema
        assert len(ours[name].get("description", "")) > 20, name


def test_sample_tapes_validate(sample_run):
    for run in sample_run.values():
        doc = run.json
        assert errors(doc) == []
        assert all(f["status"] == "judged" for f in doc["files"]) and len(doc["files"]) >= 3
        for f in doc["files"]:  # each entry alone is a valid --format jsonl line
            assert errors(f, file_schema()) == []


def test_bad_inputs_validate(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n")
    run = tapecheck("check", "--format", "json", text, tmp_path / "missing.mp4")
    assert run.code == 2, run.err
    assert errors(run.json) == []
    assert [f["status"] for f in run.json["files"]] == ["error", "error"]


def test_corpus_clips_validate(corpus_run):
    doc = corpus_run.json
    assert errors(doc) == []
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["alsa_Front_Center.wav"]["error"]["code"] == "no-video"
    assert by_name["liveportrait_d13_portrait_selfie_noaudio.mp4"]["verdict"][
        "can_hear_voice"] is False


def test_hand_made_reports_with_clips_and_fixes_validate():
    doc = json.loads(json.dumps(report(defect_file(with_segments=True), ready_file(),
                                       error_file()).to_dict(), allow_nan=False))
    assert doc["files"][0]["segments"] and doc["files"][0]["verdict"]["fixes"]
    assert errors(doc) == []


def _break(doc, how):
    bad = copy.deepcopy(doc)
    how(bad)
    return errors(bad)


def test_contract_breaks_are_rejected():
    doc = report(defect_file(with_segments=True), error_file()).to_dict()
    doc = json.loads(json.dumps(doc))
    judged, failed = doc["files"]

    def set_(path, value):
        def go(d):
            *keys, last = path
            node = d
            for k in keys:
                node = node[k]
            node[last] = value
        return go

    breaks = {
        "unknown severity": set_(["files", 0, "findings", 0, "severity"], "fatal"),
        "unknown category": set_(["files", 0, "findings", 0, "category"], "lights"),
        "unknown level": set_(["files", 0, "verdict", "level"], "maybe"),
        "unusable with both answers yes": set_(["files", 0, "verdict", "can_see_eyes"], True),
        "score above 100": set_(["files", 0, "verdict", "score"], 101),
        "measured as text": set_(["files", 0, "findings", 0, "measured"], "12"),
        "measure as text": set_(["files", 0, "measures", "snr_db"], "NaN"),
        "unknown error code": set_(["files", 1, "error", "code"], "exploded"),
        "error status without error": set_(["files", 1, "error"], None),
        "judged with an error": set_(["files", 0, "error"], {"code": "timeout", "message": "x"}),
        "rotation 45": set_(["files", 0, "media", "rotation_deg"], 45),
        "negative span": set_(["files", 0, "findings", 0, "spans", 0, "start_s"], -1),
        "wrong schema version": set_(["schema_version"], 2),
        "unknown status": set_(["files", 0, "status"], "skipped"),
        "bad fix needs": set_(["files", 0, "verdict", "fixes", 0, "needs"], "magic"),
        "clip verdict out of contract": set_(["files", 0, "segments", 0, "verdict", "level"],
                                             "ready"),
    }
    for name, how in breaks.items():
        assert _break(doc, how), f"the schema accepted: {name}"
    for key in ("skipped", "findings", "verdict", "path"):
        assert _break(doc, lambda d, k=key: d["files"][0].pop(k)), f"missing {key} accepted"
    # ready with a warning, or fix-first with nothing to fix, contradict the level rule
    ready_warn = copy.deepcopy(doc)
    v = ready_warn["files"][0]["verdict"]
    v.update(level="ready", can_see_eyes=True, can_hear_voice=True)
    assert errors(ready_warn)
    clean = json.loads(json.dumps(report(ready_file()).to_dict()))
    clean["files"][0]["verdict"]["level"] = "fix-first"
    assert errors(clean)
    # adding fields is within the contract
    extra = copy.deepcopy(doc)
    extra["files"][0]["new_field"] = {"anything": 1}
    extra["files"][0]["findings"][0]["confidence"] = 0.9
    extra["files"][0]["measures"]["new_measure_db"] = -3.0
    assert errors(extra) == []


def test_jsonl_lines_validate_against_the_file_schema(sample_tapes, tmp_path):
    tapes = [sample_tapes / "defect-media_no-audio.mp4", sample_tapes / "ready_grid-man-denim.mp4"]
    run = tapecheck("check", "--format", "jsonl", "--select", "media,orientation,resolution",
                    *tapes, tmp_path / "missing.mp4")
    lines = run.out.splitlines()
    assert len(lines) == 3, run.err
    for line in lines:
        assert errors(json.loads(line), file_schema()) == []
