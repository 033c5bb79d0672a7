"""Run the CLI as a user does: a subprocess, with its exit code, stdout and stderr apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)


def tapecheck(*args: str, env: dict | None = None, cwd=None, timeout: float = 600,
              wrap: list[str] | None = None) -> Run:
    """`wrap` prefixes the command (e.g. setpriv to run as another user)."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([*(wrap or []), sys.executable, "-m", "tapecheck",
                           *map(str, args)],
                          capture_output=True, text=True, env=full_env, cwd=cwd,
                          timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)
