"""Config files, presets and precedence: defaults < preset < config file < command line."""

from __future__ import annotations

import pytest

from cli_run import tapecheck
from tapecheck.checks import REGISTRY
from tapecheck.pipeline.config import PRESETS, find_config, resolve
from tapecheck.errors import ConfigError
from tapecheck.model import Severity


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_found_from_the_current_folder_upward_and_tapecheck_toml_wins(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.tapecheck]\nfail-on = 'info'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    path, table = find_config(deep)
    assert path == tmp_path / "pyproject.toml" and table == {"fail-on": "info"}
    write(tmp_path / "tapecheck.toml", "fail-on = 'warning'\n")
    path, table = find_config(deep)
    assert path == tmp_path / "tapecheck.toml"
    # a nearer pyproject.toml without [tool.tapecheck] is passed over
    write(deep / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(deep)[0] == tmp_path / "tapecheck.toml"


def test_precedence_defaults_preset_file_cli(tmp_path):
    write(tmp_path / "tapecheck.toml", """
preset = "strict"
ignore = ["M004"]
[checks.M007]
min_height_px = 900
[checks.portrait-orientation]
severity = "warning"
""")
    r = resolve(search_from=tmp_path)
    s = r.settings
    assert r.preset == "strict" and r.source == str(tmp_path / "tapecheck.toml")
    assert s.fail_on == Severity.WARNING            # from the preset
    assert s.params["M007"]["min_height_px"] == 900  # the file over the preset's 1080
    assert s.severities["M006"] == Severity.WARNING  # by check name
    assert s.ignore == ("M004",)
    # the command line over the file: fail-on, thresholds, the preset itself
    r = resolve(cli={"fail-on": "error", "checks": {"M007": {"min_height_px": 480}},
                     "preset": "relaxed"}, search_from=tmp_path)
    assert r.settings.fail_on == Severity.ERROR and r.preset == "relaxed"
    assert r.settings.params["M007"]["min_height_px"] == 480
    assert r.settings.severities["M005"] == Severity.INFO  # from relaxed
    # no config: the declared defaults
    assert resolve(use_config=False).settings.params == {}


def test_every_preset_validates_against_the_registry():
    names = {c.name for c in REGISTRY}
    for name in PRESETS:
        resolve(cli={"preset": name}, use_config=False)
        assert set(PRESETS[name].get("checks", {})) <= names, name  # names, not codes


@pytest.mark.parametrize("text, words", [
    ("colour = 'red'\n", ["colour", "allowed", "fail-on"]),
    ("fail-on = 'fatal'\n", ["fail-on", "'fatal'", "info, warning, error"]),
    ("preset = 'lenient'\n", ["preset", "default, strict, relaxed"]),
    ("select = ['Z999']\n", ["select", "Z999", "categories"]),
    ("[checks.Z999]\nx = 1\n", ["checks.Z999", "not a check"]),
    ("[checks.M007]\nmin_height = 720\n", ["checks.M007", "min_height", "min_height_px"]),
    ("[checks.M007]\nmin_height_px = 99999\n", ["min_height_px", "between 144 and 4320"]),
    ("[checks.M007]\nseverity = 'fatal'\n", ["severity", "info, warning, error"]),
    ("profile = 'imdb'\n", ["profile", "backstage", "spotlight"]),
    ("jobs = 0\n", ["jobs", "1 to 256"]),
    ("fail-on = \n", ["not valid TOML"]),
])
def test_invalid_config_names_the_key_and_what_is_allowed(tmp_path, text, words):
    write(tmp_path / "tapecheck.toml", text)
    with pytest.raises(ConfigError) as err:
        resolve(search_from=tmp_path)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_cli_invalid_config_exits_2_with_the_key(tmp_path, sample_tapes):
    write(tmp_path / "tapecheck.toml", "[checks.M007]\nmin_height_px = 5\n")
    run = tapecheck("check", sample_tapes / "ready_grid-man-denim.mp4", cwd=tmp_path)
    assert run.code == 2 and run.out == ""
    assert "min_height_px" in run.err and "144" in run.err and "Traceback" not in run.err


def test_cli_uses_the_config_and_strict_only_sets_fail_on(tmp_path, sample_tapes):
    low = sample_tapes / "defect-resolution_360p.mp4"  # a 360p warning (M007)
    assert tapecheck("check", "--select", "M007", "--fail-on", "error", low,
                     cwd=tmp_path).code == 0
    assert tapecheck("check", "--select", "M007", "--strict", low, cwd=tmp_path).code == 1
    # the config lowers the threshold under 360 px: no finding, even with --strict
    write(tmp_path / "tapecheck.toml", "select = ['M007']\n[checks.M007]\nmin_height_px = 360\n")
    run = tapecheck("check", "--strict", "--format", "json", low, cwd=tmp_path)
    assert run.code == 0 and run.json["files"][0]["findings"] == []
    # pyproject.toml's [tool.tapecheck] in the same folder loses to tapecheck.toml
    write(tmp_path / "pyproject.toml", "[tool.tapecheck]\nfail-on = 'info'\n")
    assert tapecheck("check", "--strict", low, cwd=tmp_path).code == 0
    # the preset strict raises the bar to 1080p; --no-config ignores the file
    run = tapecheck("check", "--no-config", "--preset", "strict", "--select", "M007",
                    "--format", "json", sample_tapes / "ready_grid-man-denim.mp4", cwd=tmp_path)
    assert run.code == 1 and run.json["files"][0]["findings"][0]["threshold"] == 1080
