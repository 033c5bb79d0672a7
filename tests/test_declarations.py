"""Each check's declarations are the one place its thresholds live (issue #28): the side a
`Param` warns on is the side its hits compare on, and its docstring states thresholds
through the Params."""

import ast
import inspect
import re
import textwrap
from dataclasses import replace
from types import SimpleNamespace

import pytest

from tapecheck.checks import BY_CODE, REGISTRY, Param
from tapecheck.checks.base import PLACEHOLDER


def _hits(check):
    """(param name, sign, warns) of each `Hit(..., threshold=±p.NAME, ...)` in the check's body;
    warns is the Hit's own `warns=` or the check's."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(check.func)))
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Hit"):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        threshold, sign = kw.get("threshold"), 1
        if isinstance(threshold, ast.UnaryOp) and isinstance(threshold.op, ast.USub):
            threshold, sign = threshold.operand, -1
        if isinstance(threshold, ast.Attribute) and getattr(threshold.value, "id", "") == "p":
            warns = ast.literal_eval(kw["warns"]) if "warns" in kw else check.warns
            yield threshold.attr, sign, warns


def test_a_hit_warns_on_the_side_its_param_declares():
    flip = {"above": "below", "below": "above"}
    seen = 0
    for c in REGISTRY:
        for name, sign, warns in _hits(c):
            declared = c.param(name).warns
            assert warns == (declared if sign > 0 else flip[declared]), (c.code, name)
            seen += 1
    assert seen > 50  # the walk finds the hits (most checks compare with a Param)


def test_param_is_keyword_only_and_says_which_side_warns():
    with pytest.raises(TypeError):
        Param("min_x", 1.0, "s", "below", "help", 0.0, 2.0)
    with pytest.raises(ValueError, match="warns must be"):
        Param(name="min_x", default=1.0, unit="s", warns="under", help="h", min=0.0, max=2.0)


#: Numbers a docstring quotes from a source or a measurement that happen to equal a default:
#: they stay as written when the default changes. Each phrase must still be in the docstring.
CITED = {
    "V112": ("up to 25° when", "no clip past 25°", "(median 24°, 50 %"),
    "V113": ("a head tipped 20° down",),
    "V204": ("4:1 (2 stops)",),
    "V410": ("the old 3 px line",),
    "V501": ("from 1.0 to 2.3 s",),
    "V502": ("more than 1 grey level",),
    "A101": ("a voice at −30 LUFS is 16 LU quieter",),
    "A102": ("−10 LUFS is 4 LU above",),
    "A103": ("−23 LUFS is the EBU R128 broadcast target, −16 LUFS the top", "(±1 LU where"),
    "A104": ("cap true peak at −1 dBTP",),
    "A201": ("once speech is 15 dB above",),
    "A303": ("at 0.6 s so speech stays clear",),
    "A401": ("about 10 dB already pulls",),
    "X102": ("at sound 125 ms late or 45 ms early",),
}
NUMBER = re.compile(r"(?<![\w.−-])([−-]?)(\d+(?:\.\d+)?)(?![\w.]*\d)(\s?%)?")
#: A number stated as a threshold: right after a comparison ("below 80", "Warned from 20 %").
COMPARED = re.compile(r"\b(below|above|under|over|least|than|from|past|beyond|warned|warning|"
                      r"error)\b[^.;:\d]{0,12}$", re.I)


def _restated(check):
    """(param, text around it) for each literal in the docstring equal to a Param's default and
    written as a threshold: with the Param's unit, as a percentage of a ratio, or compared."""
    doc = " ".join(check.raw_doc.split())
    for phrase in CITED.get(check.code, ()):
        doc = doc.replace(phrase, "")
    for m in NUMBER.finditer(doc):
        sign, digits, percent = m.groups()
        value = float(digits) * (-1 if sign else 1)
        after, before = doc[m.end():m.end() + 12].lstrip(), doc[max(0, m.start() - 30):m.start()]
        for p in check.params:
            ratio = p.unit == "ratio"
            if percent and not (ratio or p.unit == "%"):
                continue
            if abs((value / 100 if percent and ratio else value) - p.default) > 1e-9:
                continue
            if (p.unit and not ratio and after.startswith(p.unit)) or percent or \
                    COMPARED.search(before):
                yield p.name, doc[max(0, m.start() - 30):m.end() + 15]


def test_docstrings_state_thresholds_through_their_params():
    """A threshold in a docstring is written `{min_lufs}` (rendered from the Param), so a new
    default cannot leave the old number in `tapecheck rule` and docs/checks.md."""
    for c in REGISTRY:
        assert not list(_restated(c)), f"{c.code}: write these as {{param}}: {list(_restated(c))}"
        for phrase in CITED.get(c.code, ()):
            assert phrase in " ".join(c.raw_doc.split()), (c.code, phrase)


def test_each_placeholder_names_a_param_of_its_check():
    for c in REGISTRY:
        for name, _ in PLACEHOLDER.findall(c.raw_doc):
            assert name in {p.name for p in c.params}, (c.code, name)
        assert "{" not in c.doc, c.code


def test_a_placeholder_is_rendered_from_the_default():
    a101 = BY_CODE["A101"]
    assert "{min_lufs}" in a101.raw_doc and "below −30 LUFS" in a101.summary
    v101 = BY_CODE["V101"]
    assert "{min_visible:%}" in v101.raw_doc and "a warning below 90 %" in " ".join(v101.doc.split())
    moved = replace(a101, params=(replace(a101.param("min_lufs"), default=-33.0),
                                  a101.param("error_lufs")))
    assert "below −33 LUFS" in moved.summary


def test_a_check_reads_only_the_measures_it_declares():
    """The view a check gets refuses the rest: an undeclared read fails the check (the
    pipeline reports it as a bug in `check_errors`), it never quietly reads the measure."""
    from tapecheck.checks.base import Hit, Severity, UndeclaredRead, check
    from tapecheck.measures import Results

    @check(code="A299", name="sneaky", category="noise", severity=Severity.WARNING,
           reads=("noise",), optional=("dnsmos",), unit="dB", fix="None.")
    def sneaky(m, p):
        """Reads the hum it did not declare."""
        return Hit("hum", measured=m["hum"].hum_db)

    results = Results()
    results.set("noise", object())
    results.set("hum", SimpleNamespace(hum_db=-20.0))
    with pytest.raises(UndeclaredRead, match="'hum'"):
        sneaky.run(results, {})

    declared = replace(sneaky, reads=("noise", "hum"))
    assert [h.measured for h in declared.run(results, {})] == [-20.0]


def test_an_optional_read_is_none_when_the_measure_is_absent():
    from tapecheck.checks.base import Measures
    from tapecheck.measures import Missing, Results

    results = Results()
    results.set("noise", "n")
    view = Measures(results, ("noise",), ("dnsmos",))
    assert view.get("dnsmos") is None
    results.set("dnsmos", Missing("the model is not installed", failed=True))
    assert view.get("dnsmos") is None
    results.set("dnsmos", "d")
    assert view.get("dnsmos") == "d" and view["noise"] == "n"
