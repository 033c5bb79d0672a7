"""The JSON Schema of CONTRACT.md's document (`report.schema.json`, draft 2020-12).

`load()` gives the whole document's schema; `file_schema()` one `files[]` entry (the line
of `--format jsonl`). The schema allows fields it does not name: adding fields is within
the contract, renaming or removing one is not.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

SCHEMA_FILE = "report.schema.json"


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def file_schema() -> dict:
    """A schema for one `files[]` object, sharing the document's definitions."""
    doc = load()
    return {"$schema": doc["$schema"], "$ref": "#/$defs/file", "$defs": doc["$defs"]}
