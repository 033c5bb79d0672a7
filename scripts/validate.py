#!/usr/bin/env python3
"""The scoreboard: how tapecheck's judgements compare with labels written by people.

    python scripts/validate.py                          # ../shared/corpus/real and real2
    python scripts/validate.py FOLDER [FOLDER …]        # any labelled folders (FOLDER/LABELS.csv)
    python scripts/validate.py --save runs.json         # keep the tool's JSON for a later re-score
    python scripts/validate.py --report runs.json       # score saved JSON instead of running
    python scripts/validate.py --accuracy docs/accuracy.md   # also write the public table
    python scripts/validate.py --format json            # the same figures for a script

Each labels file has one row per tape: `file`, `can_see_eyes` and `can_hear_voice`
(yes / no / unsure) and `problems_present` (categories of CONTRACT.md separated by `;`).
A category named in the notes as "<category> unsure" (or "<category> may … suffer") is left
out of the count for that tape, and so is every verdict labelled `unsure`.

A finding *flags* its category when its severity is warning or error: info findings are
remarks, not alarms. Counted once per tape and category (and once per tape and check):

* true alarm  — flagged, and the label names the category;
* false alarm — flagged, and the label does not;
* miss        — the label names the category and nothing flagged it (per category only:
                which check should have fired is a judgement the labels do not make).

Precision is true ÷ (true + false), recall true ÷ (true + miss).

**Split halves.** Every tape falls in half A or half B by a hash of its file name (fixed: it
never depends on the tool or on which folders are scored). Each table is also given per half:
a threshold fitted on one half and much better there than on the other is fitted to clips,
not to the problem. A moved threshold says in its docstring which half it was fitted on and
what the other half scored.

The tool runs once over all the folders' tapes (`tapecheck check --no-cache --format json`),
as a user runs it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
DEFAULT_FOLDERS = (CORPUS / "real", CORPUS / "real2")
ALARM = ("warning", "error")
VERDICTS = ("can_see_eyes", "can_hear_voice")
HALVES = ("A", "B")
#: The targets of issue #21: false alarms and misses per clip, precision of a warning check.
MAX_PER_CLIP = 1 / 20
MIN_PRECISION, MIN_ALARMS = 0.9, 5


def half(name: str) -> str:
    """A tape's split half, by a hash of its file name alone."""
    return HALVES[hashlib.sha256(name.encode("utf-8")).digest()[0] % 2]


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


def run_tool(paths: list[Path], extra: list[str]) -> dict:
    exe = Path(sys.executable).with_name("tapecheck")
    cmd = [str(exe) if exe.exists() else "tapecheck", "check", "--no-cache", "--format", "json",
           *extra, *map(str, paths)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1, 2) or not proc.stdout.strip():
        sys.exit(f"validate: tapecheck failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def _counts() -> dict:
    return {"true": 0, "false": 0, "miss": 0}


def score(report: dict, labels: dict[str, dict]) -> dict:
    """Figures for all tapes and per half. `labels` is keyed by file name."""
    by_name = {os.path.basename(f["path"]): f for f in report["files"]}
    verdicts = {v: {"agree": 0, "disagree": [], "unsure": 0} for v in VERDICTS}
    cats: dict = defaultdict(lambda: {h: _counts() for h in ("all", *HALVES)})
    checks: dict = defaultdict(lambda: {"category": "", **{h: _counts()
                                                            for h in ("all", *HALVES)}})
    clips = {h: 0 for h in ("all", *HALVES)}
    per_file = []
    for name, lab in sorted(labels.items()):
        h = half(name)
        rep = by_name.get(name)
        if rep is None:
            per_file.append({"file": name, "half": h, "status": "not run"})
            continue
        clips["all"] += 1
        clips[h] += 1
        if rep["status"] != "judged":
            per_file.append({"file": name, "half": h,
                             "status": "error: " + rep["error"]["message"]})
            for c in lab["present"]:
                _add(cats[c], h, "miss")
            continue
        for v in VERDICTS:
            want, got = lab[v], rep["verdict"][v]
            if want is None:
                verdicts[v]["unsure"] += 1
            elif want == got:
                verdicts[v]["agree"] += 1
            else:
                verdicts[v]["disagree"].append(name)
        alarms = [f for f in rep["findings"]
                  if f["severity"] in ALARM and f["category"] not in lab["unsure"]]
        false_alarms, misses = [], []
        for code in sorted({f["code"] for f in alarms}):
            f = next(f for f in alarms if f["code"] == code)
            checks[code]["category"] = f["category"]
            ok = f["category"] in lab["present"]
            _add(checks[code], h, "true" if ok else "false")
            if not ok:
                false_alarms.append(f"{code} {f['severity']}: {f['message']}")
        flagged = {f["category"] for f in alarms}
        for c in sorted(flagged):
            _add(cats[c], h, "true" if c in lab["present"] else "false")
        for c in sorted(lab["present"] - flagged):
            _add(cats[c], h, "miss")
            misses.append(c)
        per_file.append({"file": name, "half": h, "status": "judged",
                         "score": rep["verdict"]["score"], "level": rep["verdict"]["level"],
                         "false_alarms": false_alarms, "misses": misses,
                         "unsure": sorted(lab["unsure"])})
    totals = {h: _counts() for h in ("all", *HALVES)}
    for c in cats.values():
        for h in totals:
            for k in ("true", "false", "miss"):
                totals[h][k] += c[h][k]
    return {"clips": clips, "verdicts": verdicts, "totals": totals,
            "categories": dict(sorted(cats.items())), "checks": dict(sorted(checks.items())),
            "files": per_file}


def _add(entry: dict, h: str, kind: str) -> None:
    entry["all"][kind] += 1
    entry[h][kind] += 1


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def _prec(c: dict) -> str:
    return _ratio(c["true"], c["true"] + c["false"])


def _rec(c: dict) -> str:
    return _ratio(c["true"], c["true"] + c["miss"])


def table_rows(result: dict, with_recall: bool = True) -> tuple[list, list]:
    """(category rows, check rows): name, counts and precision/recall for all and per half."""
    def row(name, extra, c):
        cells = [name, *extra]
        for h in ("all", *HALVES):
            x = c[h]
            cells += [x["true"], x["false"]] + ([x["miss"]] if with_recall else [])
            cells += [_prec(x)] + ([_rec(x)] if with_recall else [])
        return cells

    cat_rows = [row(n, [], c) for n, c in result["categories"].items()]
    cat_rows.append(row("all", [], result["totals"]))
    check_rows = [[n, c["category"], *[v for h in ("all", *HALVES)
                                       for v in (c[h]["true"], c[h]["false"], _prec(c[h]))]]
                  for n, c in result["checks"].items()]
    return cat_rows, check_rows


def targets(result: dict) -> list[str]:
    """Where the figures stand against issue #21's targets."""
    out = []
    for h in ("all", *HALVES):
        n, t = result["clips"][h], result["totals"][h]
        if not n:
            continue
        out.append(f"{h:>3s}: {n} clips, {t['false']} false alarms ({t['false'] / n:.3f} per "
                   f"clip), {t['miss']} misses ({t['miss'] / n:.3f} per clip); target ≤ "
                   f"{MAX_PER_CLIP:.2f} each")
    weak = [f"{code} {_prec(c['all'])} ({c['all']['true']}/{c['all']['true'] + c['all']['false']})"
            for code, c in result["checks"].items()
            if c["all"]["true"] + c["all"]["false"] >= MIN_ALARMS
            and c["all"]["true"] / (c["all"]["true"] + c["all"]["false"]) < MIN_PRECISION]
    out.append("checks with ≥ 5 alarms below 0.9 precision: " + (", ".join(weak) or "none"))
    return out


def print_text(result: dict, out=sys.stdout) -> None:
    w = out.write
    w("Verdicts (labels marked unsure left out)\n")
    for v, s in result["verdicts"].items():
        n = s["agree"] + len(s["disagree"])
        w(f"  {v:15s} {s['agree']:3d}/{n:<3d} agree" + (f"  ({s['unsure']} unsure)" if s["unsure"]
                                                        else "") + "\n")
        for name in s["disagree"]:
            w(f"      wrong: {name}\n")
    cat_rows, check_rows = table_rows(result)
    w(f"\nPer category (warning or error flags it): true false miss precision recall, "
      f"for all {result['clips']['all']} clips | half A ({result['clips']['A']}) | "
      f"half B ({result['clips']['B']})\n")
    for r in cat_rows:
        w(f"  {r[0]:15s}" + " |".join(f" {r[i]:3d} {r[i + 1]:3d} {r[i + 2]:3d} {r[i + 3]:>4s} "
                                        f"{r[i + 4]:>4s}" for i in (1, 6, 11)) + "\n")
    w("\nPer check (once per tape): true false precision, all | half A | half B\n")
    for r in check_rows:
        w(f"  {r[0]:5s} {r[1]:15s}" + " |".join(f" {r[i]:3d} {r[i + 1]:3d} {r[i + 2]:>4s}"
                                                 for i in (2, 5, 8)) + "\n")
    w("\nTargets\n")
    for line in targets(result):
        w(f"  {line}\n")
    w("\nPer tape: false alarms and misses\n")
    for f in result["files"]:
        if f["status"] != "judged":
            w(f"  {f['file']} [{f['half']}]: {f['status']}\n")
            continue
        if not f["false_alarms"] and not f["misses"]:
            continue
        w(f"  {f['file']} [{f['half']}]  ({f['level']}, {f['score']})\n")
        for fa in f["false_alarms"]:
            w(f"      false alarm  {fa}\n")
        if f["misses"]:
            w(f"      missed       {', '.join(f['misses'])}\n")


def accuracy_markdown(result: dict, folders: list[str]) -> str:
    """docs/accuracy.md: the tables without clip names (the clips are private)."""
    cat_rows, check_rows = table_rows(result)
    n = result["clips"]
    lines = [
        "# How accurate tapecheck is",
        "",
        "Written by `python scripts/validate.py --accuracy docs/accuracy.md`: tapecheck's "
        "findings on real recordings nobody here made, against labels written by people "
        f"({', '.join(folders)}: {n['all']} clips of people on camera — webcam vlogs, phone "
        "self-tapes, interviews, broadcast excerpts, stage speeches). The clips are private "
        "and are never shown; these counts are all that leave them.",
        "",
        "A finding counts when its severity is warning or error. Counted once per clip: a "
        "*true* alarm names a problem the label names, a *false* alarm one it does not, a "
        "*miss* is a labelled problem nothing flagged. Precision = true ÷ (true + false): how "
        "often a warning is right. Recall = true ÷ (true + miss): how often a problem is found. "
        "Every clip falls in half A or B by a hash of its name; a rule fitted to one half that "
        "does much worse on the other is fitted to clips, not to the problem.",
        "",
        "## Verdicts",
        "",
        "| verdict | agree | of | labels unsure |",
        "|---|---|---|---|",
    ]
    for v, s in result["verdicts"].items():
        lines.append(f"| `{v}` | {s['agree']} | {s['agree'] + len(s['disagree'])} | "
                     f"{s['unsure']} |")
    lines += ["", "## Per category", "",
              f"| category | all: true | false | miss | precision | recall | half A ({n['A']} "
              f"clips): true | false | miss | precision | recall | half B ({n['B']} clips): "
              "true | false | miss | precision | recall |",
              "|---|" + "---|" * 15]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in cat_rows]
    lines += ["", "## Per check (warning or error)", "",
              "| check | category | all: true | false | precision | half A: true | false | "
              "precision | half B: true | false | precision |",
              "|---|" + "---|" * 10]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in check_rows]
    lines += ["", "## Against the targets", ""]
    lines += [f"- {t}" for t in targets(result)]
    lines += ["", "## Checks with fewer than 3 real positives", "",
              "A warning from these rests on synthetic calibration (media made with a known "
              "defect) more than on real tapes; where that calibration was ambiguous the check "
              "remarks (info) instead of warning. `tapecheck rule CODE` says what each was "
              "calibrated on.", ""]
    lines += [f"- {row}" for row in thin_checks(result)]
    lines.append("")
    return "\n".join(lines)


def thin_checks(result: dict) -> list[str]:
    """Every registered check that raised fewer than 3 true alarms here, with its count."""
    from tapecheck.checks import REGISTRY

    out = []
    for c in REGISTRY:
        if c.category == "platform":
            continue  # a platform's published limits, not a judgement of the tape
        true = result["checks"].get(c.code, {}).get("all", {}).get("true", 0)
        if true < 3:
            out.append(f"`{c.code}` {c.name} ({c.severity.label}): {true} real positive"
                       + ("" if true == 1 else "s"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=list(DEFAULT_FOLDERS))
    ap.add_argument("--report", type=Path, help="score this saved JSON instead of running")
    ap.add_argument("--save", type=Path, help="write the tool's JSON here")
    ap.add_argument("--accuracy", type=Path, help="write the tables as Markdown here")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("tapecheck_args", nargs="*", help="after --: passed to tapecheck check")
    args = ap.parse_args(argv)
    labels: dict[str, dict] = {}
    paths: list[Path] = []
    for folder in args.folders:
        labels_path = folder / "LABELS.csv"
        if not labels_path.is_file():
            print(f"validate: no labels at {labels_path}", file=sys.stderr)
            return 2
        for name, lab in load_labels(labels_path).items():
            if name in labels:
                print(f"validate: {name} is labelled in two folders", file=sys.stderr)
                return 2
            labels[name] = lab
            paths.append(folder / name)
    if args.report:
        report = json.loads(args.report.read_text())
    else:
        report = run_tool(paths, args.tapecheck_args)
    if args.save:
        args.save.write_text(json.dumps(report, indent=1))
    result = score(report, labels)
    if args.accuracy:
        names = [f"`corpus/{f.name}`" for f in args.folders]
        args.accuracy.write_text(accuracy_markdown(result, names), encoding="utf-8")
    if args.format == "json":
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
