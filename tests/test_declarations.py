"""Each check's declarations are the one place its thresholds live (issue #28): the side a
`Param` warns on is the side its hits compare on."""

import ast
import inspect
import textwrap

import pytest

from tapecheck.checks import REGISTRY, Param


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
