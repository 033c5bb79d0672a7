"""`tapecheck rules`, `tapecheck rule CODE`, `tapecheck explain` and docs/checks.md: all read
from the registry and the scorer's docstring, never written twice."""

import subprocess
import sys
from pathlib import Path

from cli_run import tapecheck
from tapecheck.report import rules
from tapecheck import score as scorer
from tapecheck.checks import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"code", "name", "category", "severity", "params", "summary", "why", "how_to_fix", "fix"}


def test_docs_page_is_up_to_date():
    page = ROOT / rules.DOCS_PAGE
    assert page.is_file(), f"{rules.DOCS_PAGE} is missing: run `python {rules.GENERATOR}`"
    assert page.read_text(encoding="utf-8") == rules.markdown(), (
        f"{rules.DOCS_PAGE} is out of date with the check registry: run "
        f"`.venv/bin/python {rules.GENERATOR}` and commit the page")


def test_generator_check_mode_agrees():
    proc = subprocess.run([sys.executable, str(ROOT / rules.GENERATOR), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_docs_page_has_every_check_with_its_thresholds():
    page = rules.markdown()
    for c in REGISTRY:
        assert f"\n## {c.code} {c.name}\n" in page
        assert f"[{c.code}](#{c.code.lower()}-{c.name})" in page
        for p in c.params:
            assert f"| `{p.name}` | {p.default:g} |" in page, (c.code, p.name)


def test_rules_json_lists_every_check_from_the_registry():
    run = tapecheck("rules", "--format", "json")
    assert run.code == 0, run.err
    got = run.json
    assert [d["code"] for d in got] == [c.code for c in REGISTRY]
    for d, c in zip(got, REGISTRY):
        assert KEYS <= set(d)
        assert (d["name"], d["category"], d["severity"], d["fix"]) == \
            (c.name, c.category, c.severity.label, c.fix)
        assert d["summary"] and d["why"] and d["how_to_fix"], c.code
        assert [p["name"] for p in d["params"]] == [p.name for p in c.params]
        for p, decl in zip(d["params"], c.params):
            assert {k: p[k] for k in ("default", "unit", "min", "max", "help")} == \
                {"default": decl.default, "unit": decl.unit, "min": decl.min, "max": decl.max,
                 "help": decl.help}


def test_rules_text_is_a_table():
    run = tapecheck("rules")
    lines = run.out.splitlines()
    assert lines[0].split()[:4] == ["CODE", "NAME", "CATEGORY", "SEVERITY"]
    for c in REGISTRY:
        row = next(ln for ln in lines if ln.startswith(c.code + " "))
        assert c.name in row and c.severity.label in row


def test_rule_by_code_or_name_shows_why_fix_and_thresholds():
    c = next(c for c in REGISTRY if c.params)
    by_code = tapecheck("rule", c.code.lower())
    by_name = tapecheck("rule", c.name)
    assert by_code.code == 0 and by_code.out == by_name.out
    assert by_code.out.startswith(f"{c.code} {c.name}\n")
    assert "Why casting cares: " in by_code.out and "How to fix: " in by_code.out
    assert c.fix in by_code.out
    p = c.params[0]
    assert f"{p.name} = {p.default:g} {p.unit}" in by_code.out
    as_json = tapecheck("rule", c.code, "--format", "json").json
    assert isinstance(as_json, list) and as_json[0]["code"] == c.code


def test_unknown_rule_is_a_usage_error():
    run = tapecheck("rule", "Z999")
    assert run.code == 2 and "unknown check 'Z999'" in run.err and run.out == ""


def test_sections_split_a_docstring_where_why_starts_mid_paragraph():
    c = rules.find("M002")
    s = rules.sections(c)
    assert s["summary"] == "The audio track is there but carries no sound."
    assert s["details"].startswith("Silent means") and "Why casting" not in s["details"]
    assert s["why"] == "the file looks fine but casting hears nothing."
    assert s["how_to_fix"].startswith("an external mic")


def test_explain_is_written_for_actors_with_the_scorers_numbers():
    """`tapecheck explain` is for the actor reading a verdict: plain words, no engineering
    vocabulary, and the numbers the scorer really uses."""
    from tapecheck.model import EYES_CATEGORIES, VOICE_CATEGORIES
    from tapecheck.report.explain import PLAIN_CATEGORY

    run = tapecheck("explain")
    assert run.code == 0 and run.err == ""
    text = " ".join(run.out.split())
    for jargon in ("CONTRACT", "docstring", "categor", "finding", "can_see_eyes", "`codes`",
                   "pure function", "rank"):
        assert jargon not in text, jargon
    assert f"a serious problem {scorer.ERROR_COST} points, or {scorer.BLOCKING_ERROR_COST} " \
           "when it means casting cannot see your eyes or hear your voice" in text
    assert f"a problem worth fixing {scorer.WARNING_COST} points" in text
    for lo, hi in scorer.BANDS.values():
        assert f"{lo}–{hi}" in text
    assert set(PLAIN_CATEGORY) == EYES_CATEGORIES | VOICE_CATEGORIES  # every answer's causes
    assert all(PLAIN_CATEGORY[c] in text for c in PLAIN_CATEGORY)
    assert "UNUSABLE" in text and "FIX-FIRST" in text and "READY" in text


def test_readme_explains_the_same_bands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "tapecheck explain" in readme
    for level, (lo, hi) in scorer.BANDS.items():
        assert f"{lo}–{hi}" in readme, f"README's scoring section lacks the {level} band"


def test_sections_find_markers_inside_a_line_too():
    from tapecheck.checks.base import check
    from tapecheck.model import Severity

    @check(code="Z001", name="z", category="media", severity=Severity.INFO, reads=(), unit="",
           fix="Fix.")
    def z(m, p):
        """Short. Why casting cares: it matters.
        How to fix: do it. More
        words.

        Last paragraph of the fix.
        """

    s = rules.sections(z)
    assert s == {"summary": "Short.", "details": "", "why": "it matters.",
                 "how_to_fix": "do it. More words.\n\nLast paragraph of the fix."}
