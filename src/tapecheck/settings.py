"""Resolved settings for one run: which checks, their thresholds and severities, the fail level.

Precedence (lowest first): each check's declared defaults < a preset < the config file
(`tapecheck.toml` or `[tool.tapecheck]`) < command-line options. This module holds the
result; `config.py` reads files and presets into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from .model import Severity

#: The fail level when neither the config nor the command line names one: exit 1 from this
#: severity up. A warning means "fix first", so a tape that has one is not ready (CONTRACT.md).
#: The one place this default is written; everything else reads it.
DEFAULT_FAIL_ON = Severity.WARNING


@dataclass(frozen=True)
class Settings:
    fail_on: Severity = DEFAULT_FAIL_ON
    quick: bool = False
    #: Codes or categories to run (empty: all) and to leave out.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: code → {param name → value}; validated against the checks' declarations.
    params: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: MappingProxyType({}))
    #: code → severity override.
    severities: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    #: Frames per second of tape the picture measures sample (≥ 2, issue #2).
    frame_rate: float = 2.0
    #: Per-file wall-clock limit in a batch, s (None: only ffmpeg's own duration-scaled limits).
    file_timeout_s: float | None = None
    #: Name of a platform profile adding its published submission limits (issue #7).
    profile: str | None = None

    def __getstate__(self) -> dict:
        """Pickled for worker processes (pool, cluster, the app's fix) with its read-only
        mappings as plain dicts: a mapping proxy does not pickle."""
        return {**self.__dict__, "params": {k: dict(v) for k, v in self.params.items()},
                "severities": dict(self.severities)}

    def __setstate__(self, state: dict) -> None:
        state = {**state, "severities": MappingProxyType(dict(state["severities"])),
                 "params": MappingProxyType({k: MappingProxyType(dict(v))
                                             for k, v in state["params"].items()})}
        self.__dict__.update(state)

    def enabled(self, check) -> bool:
        if check.category == "platform" and not self.profile:
            return False  # platform limits apply only to a chosen --profile
        keys = {check.code, check.category, check.name}
        if self.select and not keys & set(self.select):
            return False
        return not keys & set(self.ignore)

    def values(self, check) -> dict[str, float]:
        chosen = self.params.get(check.code, {})
        return {p.name: float(chosen.get(p.name, p.default)) for p in check.params}

    def severity(self, check) -> Severity:
        return self.severities.get(check.code, check.severity)

    def fingerprint(self) -> str:
        """A stable text of everything that changes a judgement (for the cache key)."""
        parts = [f"fail_on={self.fail_on.label}", f"quick={self.quick}",
                 f"select={sorted(self.select)}", f"ignore={sorted(self.ignore)}",
                 f"rate={self.frame_rate}", f"profile={self.profile}"]
        for code in sorted(self.params):
            parts.append(f"{code}:{sorted(self.params[code].items())}")
        for code in sorted(self.severities):
            parts.append(f"{code}={self.severities[code].label}")
        return ";".join(parts)
