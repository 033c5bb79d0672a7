"""Settings from presets, config files and the command line, validated against the checks.

Precedence, lowest first: each check's declared defaults < a preset (`default`, `strict`,
`relaxed`) < the config file < command-line options. A preset is itself a config layer (the
same keys, built in), so it is validated by the same code as a file.

The config file is `tapecheck.toml`, or the `[tool.tapecheck]` table of a `pyproject.toml`,
searched from the current folder upward; in one folder `tapecheck.toml` wins, and a
`pyproject.toml` without `[tool.tapecheck]` is passed over. Keys (`-` and `_` are the same):

    preset = "strict"                # default | strict | relaxed
    fail-on = "warning"              # info | warning | error
    select = ["media", "loudness"]   # codes, check names or categories
    ignore = ["M004"]
    quick = false
    profile = "spotlight"            # a casting platform's published limits (profiles.py)
    jobs = 2                         # files judged at once in a batch
    timeout = 600                    # per-file limit in a batch, s
    scheduler = "tcp://host:8786"    # judge on this Dask cluster (or "local:4"; docs/cluster.md)
    frame-rate = 2.0                 # frames per second of tape the picture measures sample

    [checks.M007]                    # a check by code or name
    min_height_px = 1080             # its parameters, validated against their declared range
    severity = "error"               # and its severity

Anything unknown or out of range raises `ConfigError` naming the file, the key and what is
allowed; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import ConfigError
from ..model import CATEGORIES, Severity
from ..settings import DEFAULT_FAIL_ON, Settings

SEVERITIES = ("info", "warning", "error")

#: Built-in presets: config layers with the same keys as a file.
#: The default gate fails on warnings (CONTRACT.md: exit 0 means the tape is ready).
#: strict   — what a careful submission needs: warnings fail, 1080p as platforms recommend
#:            (Spotlight, Backstage and Casting Networks help pages all ask for HD/1080p),
#:            a variable frame rate (a cause of drifting sync in casting players) is an error.
#: relaxed  — for auditing old tapes: only what stops casting seeing or hearing you fails;
#:            file-format remarks (VFR, HDR) become info, 480p is accepted with a note.
#: Checks are named by their own names, which say what a preset changes.
PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "strict": {
        "fail-on": "warning",
        "checks": {"low-resolution": {"min_height_px": 1080},
                   "variable-frame-rate": {"severity": "error"}},
    },
    "relaxed": {
        "fail-on": "error",
        "checks": {"variable-frame-rate": {"severity": "info"}, "hdr-video": {"severity": "info"},
                   "low-resolution": {"min_height_px": 480, "severity": "info"}},
    },
}

_TOP_KEYS = ("preset", "fail-on", "select", "ignore", "quick", "profile", "jobs", "timeout",
             "frame-rate", "scheduler", "checks")


@dataclass(frozen=True)
class Resolved:
    """What a run uses: the judging settings plus batch options that do not change a verdict."""

    settings: Settings
    jobs: int | None = None
    #: The Dask scheduler to judge on (cluster.py), None: the local pool.
    scheduler: str | None = None
    #: Where the config came from (None: no file), for `-v`.
    source: str | None = None
    preset: str = "default"


@dataclass
class _Layer:
    """One validated layer (preset, file or CLI): only the keys it sets."""

    fail_on: Severity | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    quick: bool | None = None
    profile: str | None = None
    jobs: int | None = None
    timeout: float | None = None
    frame_rate: float | None = None
    scheduler: str | None = None
    params: dict[str, dict[str, float]] = field(default_factory=dict)
    severities: dict[str, Severity] = field(default_factory=dict)


def find_config(start: str | os.PathLike | None = None) -> tuple[Path, dict] | None:
    """(path, table) of the nearest config from `start` (default: cwd) upward, or None."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "tapecheck.toml"
        if own.is_file():
            return own, _read_toml(own)
        py = folder / "pyproject.toml"
        if py.is_file():
            data = _read_toml(py)
            table = data.get("tool", {}).get("tapecheck")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{py}: [tool.tapecheck] must be a table")
                return py, table
    return None


def load_file(path: str | os.PathLike) -> tuple[Path, dict]:
    """An explicitly named config file (`--config`): a tapecheck.toml-style file, or a
    pyproject.toml whose [tool.tapecheck] table is used."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: config file not found")
    data = _read_toml(p)
    if p.name == "pyproject.toml":
        table = data.get("tool", {}).get("tapecheck")
        if not isinstance(table, dict):
            raise ConfigError(f"{p}: has no [tool.tapecheck] table")
        return p, table
    return p, data


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None


def resolve(*, cli: Mapping[str, Any] | None = None, config_path: str | None = None,
            search_from: str | os.PathLike | None = None, use_config: bool = True) -> Resolved:
    """Settings for a run: defaults < preset < config file < `cli`.

    `cli` holds only what the user gave on the command line, with config-file key names
    (`fail-on`, `select`, `preset`, …; `checks` as in a file). `config_path` names a file
    instead of searching from `search_from` (default: the current folder).
    """
    cli = dict(cli or {})
    found = None
    if use_config:
        found = load_file(config_path) if config_path else find_config(search_from)
    source = str(found[0]) if found else None
    file_table = found[1] if found else {}
    file_layer = parse_layer(file_table, where=source or "config")
    cli_layer = parse_layer(cli, where="command line")
    preset = cli.get("preset") or file_table.get("preset") or "default"
    preset_layer = parse_layer(PRESETS[_preset_name(preset, source or "command line")],
                               where=f"preset {preset!r}")
    merged = _Layer()
    for layer in (preset_layer, file_layer, cli_layer):
        _merge(merged, layer)
    settings = Settings(
        fail_on=merged.fail_on or DEFAULT_FAIL_ON,
        quick=bool(merged.quick),
        select=merged.select or (),
        ignore=merged.ignore or (),
        params=MappingProxyType({k: MappingProxyType(v) for k, v in merged.params.items()}),
        severities=MappingProxyType(dict(merged.severities)),
        frame_rate=merged.frame_rate or 2.0,
        file_timeout_s=merged.timeout,
        profile=merged.profile,
    )
    return Resolved(settings=settings, jobs=merged.jobs, scheduler=merged.scheduler,
                    source=source, preset=preset)


def _merge(into: _Layer, layer: _Layer) -> None:
    for name in ("fail_on", "select", "ignore", "quick", "profile", "jobs", "timeout",
                 "frame_rate", "scheduler"):
        value = getattr(layer, name)
        if value is not None:
            setattr(into, name, value)
    for code, values in layer.params.items():
        into.params.setdefault(code, {}).update(values)
    into.severities.update(layer.severities)


def _preset_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or name not in PRESETS:
        raise ConfigError(f"{where}: preset = {name!r} is not a preset "
                          f"(allowed: {', '.join(PRESETS)})")
    return name


def parse_layer(table: Mapping[str, Any], *, where: str) -> _Layer:
    """Validate one layer's keys against the check registry; raise ConfigError on anything
    unknown or out of range, naming `where`, the key and what is allowed."""
    from ..checks import BY_CODE, REGISTRY

    layer = _Layer()
    norm = {_key(k): (k, v) for k, v in table.items()}
    for key, (raw, value) in norm.items():
        if key not in _TOP_KEYS:
            raise ConfigError(f"{where}: unknown key {raw!r} (allowed: {', '.join(_TOP_KEYS)})")
    if "preset" in norm:
        _preset_name(norm["preset"][1], where)
    if "fail-on" in norm:
        layer.fail_on = _severity(norm["fail-on"][1], f"{where}: fail-on")
    for name in ("select", "ignore"):
        if name in norm:
            setattr(layer, name, _selection(norm[name][1], f"{where}: {name}"))
    if "quick" in norm:
        layer.quick = _bool(norm["quick"][1], f"{where}: quick")
    if "profile" in norm:
        from ..profiles import PROFILES

        value = norm["profile"][1]
        if value is not None and value not in PROFILES:
            raise ConfigError(f"{where}: profile = {value!r} is not a platform profile "
                              f"(allowed: {', '.join(PROFILES)})")
        layer.profile = value
    if "jobs" in norm:
        value = norm["jobs"][1]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 256:
            raise ConfigError(f"{where}: jobs = {value!r} must be a whole number from 1 to 256")
        layer.jobs = value
    if "timeout" in norm:
        layer.timeout = _number(norm["timeout"][1], f"{where}: timeout", 1.0, 86400.0, "s")
    if "frame-rate" in norm:
        layer.frame_rate = _number(norm["frame-rate"][1], f"{where}: frame-rate", 2.0, 30.0,
                                   "frames per second")
    if "scheduler" in norm:
        from .cluster import check_scheduler

        layer.scheduler = check_scheduler(norm["scheduler"][1], f"{where}: scheduler")
    if "checks" in norm:
        checks = norm["checks"][1]
        if not isinstance(checks, Mapping):
            raise ConfigError(f"{where}: checks must be a table of [checks.CODE] tables")
        by_name = {c.name: c for c in REGISTRY}
        for ref, values in checks.items():
            c = BY_CODE.get(ref) or by_name.get(ref)
            if c is None:
                raise ConfigError(f"{where}: [checks.{ref}] is not a check (allowed: a code or "
                                  f"name from `tapecheck rules`, e.g. "
                                  f"{', '.join(c.code for c in REGISTRY[:6])} …)")
            if not isinstance(values, Mapping):
                raise ConfigError(f"{where}: [checks.{ref}] must be a table of parameters")
            allowed = [p.name for p in c.params] + ["severity"]
            for pname, value in values.items():
                key = f"{where}: [checks.{ref}] {pname}"
                if pname == "severity":
                    layer.severities[c.code] = _severity(value, key)
                    continue
                try:
                    param = c.param(pname)
                except KeyError:
                    raise ConfigError(f"{key}: {c.code} {c.name} has no parameter {pname!r} "
                                      f"(allowed: {', '.join(allowed)})") from None
                try:
                    layer.params.setdefault(c.code, {})[pname] = param.validate(value)
                except ValueError as exc:
                    raise ConfigError(f"{key} {exc}") from None
    return layer


def _key(key: str) -> str:
    return str(key).strip().lower().replace("_", "-")


def _severity(value: Any, key: str) -> Severity:
    try:
        return Severity.parse(value) if isinstance(value, str) else Severity.parse("?")
    except ValueError:
        raise ConfigError(f"{key} = {value!r} is not a severity "
                          f"(allowed: {', '.join(SEVERITIES)})") from None


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key} = {value!r} must be true or false")
    return value


def _number(value: Any, key: str, lo: float, hi: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ConfigError(f"{key} = {value!r} must be a number from {lo:g} to {hi:g} {unit}")
    return float(value)


def _selection(value: Any, key: str) -> tuple[str, ...]:
    from ..checks import REGISTRY

    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of codes, check names or categories")
    items = tuple(v.strip() for v in value if v.strip())
    known = {c.code for c in REGISTRY} | {c.name for c in REGISTRY} | set(CATEGORIES)
    for item in items:
        if item not in known:
            raise ConfigError(f"{key}: {item!r} is not a check code, check name or category "
                              f"(allowed categories: {', '.join(CATEGORIES)}; codes and names: "
                              "see `tapecheck rules`)")
    return items
