#!/usr/bin/env python3
"""The scoreboard: how tapecheck's judgements compare with labels written by people.

    python scripts/validate.py                          # ../shared/corpus/real, its LABELS.csv
    python scripts/validate.py FOLDER --labels L.csv    # any labelled folder
    python scripts/validate.py --report real.json       # score a saved `check --format json`
    python scripts/validate.py --save real.json         # keep the JSON for a later comparison
    python scripts/validate.py --format json            # the same figures for a script

The labels file has one row per tape: `file`, `can_see_eyes` and `can_hear_voice`
(yes / no / unsure) and `problems_present` (categories of CONTRACT.md separated by `;`).
A category named in `notes` as "<category> unsure" (or "<category> may … suffer") is left
out of the count for that tape, and so is every verdict labelled `unsure`.

A finding *flags* its category when its severity is warning or error: info findings are
remarks, not alarms. Per category and per check it counts

* true alarm  — flagged, and the label names the category;
* false alarm — flagged, and the label does not;
* miss        — the label names the category and nothing flagged it (per category only:
                which check should have fired is a judgement the labels do not make).

The tool runs once over the folder (`tapecheck check --no-cache --format json`), as a user
runs it; `--report` scores JSON from an earlier run instead, so a before/after needs two runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDER = HERE.parent.parent / "shared" / "corpus" / "real"
ALARM = ("warning", "error")
VERDICTS = ("can_see_eyes", "can_hear_voice")


def load_labels(path: Path) -> dict[str, dict]:
    labels = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            notes = " ".join(row.get(k) or "" for k in ("notes", "problems_absent_notes"))
            present = {c.strip() for c in (row.get("problems_present") or "").split(";")
                       if c.strip()}
            labels[row["file"]] = {
                "can_see_eyes": _yes_no(row.get("can_see_eyes")),
                "can_hear_voice": _yes_no(row.get("can_hear_voice")),
                "present": present,
                "unsure": _unsure_categories(notes) - present,
            }
    return labels


def _yes_no(text: str | None) -> bool | None:
    text = (text or "").strip().lower()
    return {"yes": True, "no": False}.get(text)


def _unsure_categories(notes: str) -> set[str]:
    """Categories the labeller marked as doubtful in free text ("hum unsure", "(focus unsure)",
    "clarity may also suffer")."""
    out = set()
    for m in re.finditer(r"\b([a-z-]+)\s+(?:unsure|may\s+(?:also\s+)?suffer)\b", notes.lower()):
        out.add(m.group(1))
    return out


def run_tool(folder: Path, files: list[str], extra: list[str]) -> dict:
    exe = Path(sys.executable).with_name("tapecheck")
    cmd = [str(exe) if exe.exists() else "tapecheck", "check", "--no-cache", "--format", "json",
           *extra, *[str(folder / f) for f in files]]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1, 2) or not proc.stdout.strip():
        sys.exit(f"validate: tapecheck failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def score(report: dict, labels: dict[str, dict]) -> dict:
    by_name = {os.path.basename(f["path"]): f for f in report["files"]}
    verdicts = {v: {"agree": 0, "disagree": [], "unsure": 0} for v in VERDICTS}
    cats: dict[str, dict] = defaultdict(lambda: {"true": 0, "false": 0, "miss": 0})
    checks: dict[str, dict] = defaultdict(lambda: {"true": 0, "false": 0, "category": ""})
    per_file = []
    for name, lab in sorted(labels.items()):
        rep = by_name.get(name)
        if rep is None:
            per_file.append({"file": name, "status": "not run"})
            continue
        if rep["status"] != "judged":
            per_file.append({"file": name, "status": "error: " + rep["error"]["message"]})
            for c in lab["present"]:
                cats[c]["miss"] += 1
            continue
        for v in VERDICTS:
            want, got = lab[v], rep["verdict"][v]
            if want is None:
                verdicts[v]["unsure"] += 1
            elif want == got:
                verdicts[v]["agree"] += 1
            else:
                verdicts[v]["disagree"].append(name)
        alarms = [f for f in rep["findings"] if f["severity"] in ALARM]
        flagged = {f["category"] for f in alarms}
        false_alarms, misses = [], []
        for f in alarms:
            c = f["category"]
            if c in lab["unsure"]:
                continue
            entry = checks[f["code"]]
            entry["category"] = c
            if c in lab["present"]:
                entry["true"] += 1
            else:
                entry["false"] += 1
                false_alarms.append(f"{f['code']} {f['severity']}: {f['message']}")
        for c in sorted(flagged - lab["unsure"]):
            cats[c]["true" if c in lab["present"] else "false"] += 1
        for c in sorted(lab["present"] - flagged):
            cats[c]["miss"] += 1
            misses.append(c)
        per_file.append({"file": name, "status": "judged", "score": rep["verdict"]["score"],
                         "level": rep["verdict"]["level"], "false_alarms": false_alarms,
                         "misses": misses, "unsure": sorted(lab["unsure"])})
    return {"verdicts": verdicts, "categories": dict(sorted(cats.items())),
            "checks": dict(sorted(checks.items())), "files": per_file}


def print_text(result: dict, out=sys.stdout) -> None:
    w = out.write
    w("Verdicts (labels marked unsure left out)\n")
    for v, s in result["verdicts"].items():
        n = s["agree"] + len(s["disagree"])
        w(f"  {v:15s} {s['agree']:3d}/{n:<3d} agree" + (f"  ({s['unsure']} unsure)" if s["unsure"]
                                                        else "") + "\n")
        for name in s["disagree"]:
            w(f"      wrong: {name}\n")
    w("\nPer category (warning or error flags it)\n")
    w(f"  {'category':16s} {'true':>5s} {'false':>6s} {'miss':>5s}\n")
    tot = [0, 0, 0]
    for c, s in result["categories"].items():
        w(f"  {c:16s} {s['true']:5d} {s['false']:6d} {s['miss']:5d}\n")
        tot = [tot[0] + s["true"], tot[1] + s["false"], tot[2] + s["miss"]]
    w(f"  {'all':16s} {tot[0]:5d} {tot[1]:6d} {tot[2]:5d}\n")
    w("\nPer check (findings at warning or error)\n")
    w(f"  {'code':6s} {'category':16s} {'true':>5s} {'false':>6s}\n")
    for code, s in result["checks"].items():
        w(f"  {code:6s} {s['category']:16s} {s['true']:5d} {s['false']:6d}\n")
    w("\nPer tape: false alarms and misses\n")
    for f in result["files"]:
        if f["status"] != "judged":
            w(f"  {f['file']}: {f['status']}\n")
            continue
        if not f["false_alarms"] and not f["misses"]:
            continue
        w(f"  {f['file']}  ({f['level']}, {f['score']})\n")
        for fa in f["false_alarms"]:
            w(f"      false alarm  {fa}\n")
        if f["misses"]:
            w(f"      missed       {', '.join(f['misses'])}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    ap.add_argument("--labels", type=Path, help="labels CSV [default: FOLDER/LABELS.csv]")
    ap.add_argument("--report", type=Path, help="score this saved JSON instead of running")
    ap.add_argument("--save", type=Path, help="write the tool's JSON here")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("tapecheck_args", nargs="*", help="after --: passed to tapecheck check")
    args = ap.parse_args(argv)
    labels_path = args.labels or args.folder / "LABELS.csv"
    if not labels_path.is_file():
        print(f"validate: no labels at {labels_path}", file=sys.stderr)
        return 2
    labels = load_labels(labels_path)
    if args.report:
        report = json.loads(args.report.read_text())
    else:
        report = run_tool(args.folder, sorted(labels), args.tapecheck_args)
    if args.save:
        args.save.write_text(json.dumps(report, indent=1))
    result = score(report, labels)
    if args.format == "json":
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
