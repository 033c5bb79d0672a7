"""What each check is, read from the registry and nowhere else.

`tapecheck rules`, `tapecheck rule CODE`, their `--format json` and the docs page
`docs/checks.md` (written by `scripts/gen_docs.py`) all come from here: the `@check`
declaration (code, name, category, severity, fix, `Param`s) and the check's docstring
(first paragraph: what it checks; `Why casting cares:`; `How to fix:`). A reader meets what
the check is, why casting cares and how to fix it first; how it is measured and calibrated
(standards, corpus clips) comes after, as details.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from ..checks import REGISTRY, Check

_MARKERS = (("why", "Why casting cares:"), ("how_to_fix", "How to fix:"))
DOCS_PAGE = "docs/checks.md"
GENERATOR = "scripts/gen_docs.py"


def find(key: str) -> Check:
    """A check by code (any case) or name; KeyError naming the choices otherwise."""
    k = key.strip()
    for c in REGISTRY:
        if c.code.lower() == k.lower() or c.name == k.lower():
            return c
    raise KeyError(k)


def sections(check: Check) -> dict[str, str]:
    """The docstring cut into summary, details, why and how_to_fix (paragraphs kept)."""
    # the markers may start a line or sit inside one (test_registry only asks they appear)
    pattern = "(" + "|".join(re.escape(m) for _, m in _MARKERS) + ")"
    keys = {m.lower(): k for k, m in _MARKERS}
    head, *pieces = re.split(pattern, check.doc, flags=re.I)
    first, _, rest = head.partition("\n\n")
    out = {"summary": _unwrap(first), "details": [], "why": [], "how_to_fix": []}
    out["details"].extend(line.strip() for line in rest.splitlines())
    current = "details"
    for piece in pieces:
        if piece.lower() in keys:
            current = keys[piece.lower()]
            continue
        out[current].extend(line.strip() for line in piece.splitlines())
    for key in ("details", "why", "how_to_fix"):
        out[key] = _paragraphs(out[key])
    return out


def describe(check: Check) -> dict:
    """One check as plain data (the JSON of `tapecheck rules --format json`)."""
    s = sections(check)
    return {
        "code": check.code,
        "name": check.name,
        "category": check.category,
        "severity": check.severity.label,
        "unit": check.unit,
        "params": [{"name": p.name, "default": p.default, "unit": p.unit, "warns": p.warns,
                    "min": p.min, "max": p.max, "help": p.help} for p in check.params],
        "summary": s["summary"],
        "details": s["details"],
        "why": s["why"],
        "how_to_fix": s["how_to_fix"],
        "fix": check.fix,
        "needs": "reshoot" if check.reshoot else "edit",
        "decides": check.blocks or None,
        "quick": check.quick,
        "measures": list(check.reads),
    }


def render_json(checks: Iterable[Check]) -> str:
    return json.dumps([describe(c) for c in checks], indent=2, ensure_ascii=False) + "\n"


def render_list(checks: Iterable[Check] = REGISTRY) -> str:
    checks = list(checks)
    rows = [("CODE", "NAME", "CATEGORY", "SEVERITY", "WHAT IT CHECKS")]
    rows += [(c.code, c.name, c.category, c.severity.label, sections(c)["summary"])
             for c in checks]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths)) + "  " + r[4]
             for r in rows]
    lines.append("")
    lines.append(f"{len(checks)} checks. `tapecheck rule CODE` shows a check's thresholds, "
                 "why casting cares and how to fix it.")
    return "\n".join(lines) + "\n"


def _about(check: Check, strong) -> list[str]:
    """The facts line and the prose of one check, shared by `rule CODE` and the docs page;
    `strong` marks the labels (markdown bold on the docs page, plain in a terminal)."""
    d = describe(check)
    facts = [f"{strong('category')} {check.category}",
             f"{strong('default severity')} {check.severity.label}",
             f"{strong('fix')} " + ("needs a new take" if check.reshoot else "in editing")]
    if check.blocks:
        answer = "can_see_eyes" if check.blocks == "eyes" else "can_hear_voice"
        facts.append(f"{strong('an error decides')} `{answer}`")
    if not check.quick:
        facts.append("skipped with `--quick`")
    out = [" · ".join(facts), "", d["summary"]]
    if d["why"]:
        out += ["", f"{strong('Why casting cares:')} {d['why']}"]
    if d["how_to_fix"]:
        out += ["", f"{strong('How to fix:')} {d['how_to_fix']}"]
    out += ["", f"{strong('What the report tells the actor:')} {check.fix}"]
    if d["details"]:
        # the measurement, its standard and the calibration (corpus clips): for engineers
        out += ["", f"{strong('How it is measured:')} {d['details']}"]
    return out


def render_one(check: Check) -> str:
    out = [f"{check.code} {check.name}"] + _about(check, lambda label: label)
    if check.params:
        out += ["", "Thresholds:"]
        for p in check.params:
            out.append(f"  {p.name} = {_num(p.default)} {p.unit}".rstrip()
                       + f", warns {p.warns}  (allowed {_num(p.min)} … {_num(p.max)}): "
                       + p.help)
    return "\n".join(out) + "\n"


def markdown(checks: Iterable[Check] = REGISTRY) -> str:
    """The docs page: an index table, then one section per check."""
    checks = list(checks)
    out = [
        "# Checks",
        "",
        f"<!-- Generated by {GENERATOR} from tapecheck.checks.REGISTRY (the @check "
        "declarations and docstrings). Do not edit by hand: run "
        f"`python {GENERATOR}`. -->",
        "",
        f"tapecheck runs {len(checks)} checks. `tapecheck rules` lists them, "
        "`tapecheck rule CODE` shows one, `--format json` gives the same as data. "
        "How findings become the verdict: `tapecheck explain`.",
        "",
        "| code | name | category | severity | what it checks |",
        "|---|---|---|---|---|",
    ]
    for c in checks:
        out.append(f"| [{c.code}](#{_anchor(c)}) | `{c.name}` | {c.category} | "
                   f"{c.severity.label} | {_cell(sections(c)['summary'])} |")
    for c in checks:
        out += ["", f"## {c.code} {c.name}", ""] + _about(c, lambda label: f"**{label}**")
        if c.params:
            out += ["", "| threshold | default | unit | warns | allowed | meaning |",
                    "|---|---|---|---|---|---|"]
            for p in c.params:
                out.append(f"| `{p.name}` | {_num(p.default)} | {_cell(p.unit)} | {p.warns} | "
                           f"{_num(p.min)} … {_num(p.max)} | {_cell(p.help)} |")
    return "\n".join(out) + "\n"


def _anchor(c: Check) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", f"{c.code} {c.name}".lower()).replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _num(x: float) -> str:
    return f"{x:g}"


def _unwrap(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _paragraphs(lines: list[str]) -> str:
    paras, cur = [], []
    for line in lines:
        if line:
            cur.append(line)
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return "\n\n".join(paras)
