"""Invariants over every check and measure in the registries."""

import re

from tapecheck.checks import REGISTRY
from tapecheck.measures import MEASURES
from tapecheck.model import CATEGORIES

CODE = re.compile(r"^(M0|V[1-5]|A[1-5]|X1|P1)\d\d$")


def test_codes_and_names_unique_and_well_formed():
    codes = [c.code for c in REGISTRY]
    names = [c.name for c in REGISTRY]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    for c in REGISTRY:
        assert CODE.match(c.code), c.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.name), c.name
        assert c.category in CATEGORIES, c.code
        assert c.problem and c.problem[0].islower(), f"{c.code}: headline words (problem=)"


def test_every_check_is_documented_with_a_fix_and_a_reason():
    for c in REGISTRY:
        assert c.fix and c.fix[0].isupper() and c.fix.rstrip().endswith((".", ")")), c.code
        doc = c.doc.lower()
        assert "why casting cares:" in doc, f"{c.code}: docstring needs 'Why casting cares:'"
        assert "how to fix:" in doc, f"{c.code}: docstring needs 'How to fix:'"


def test_params_have_defaults_in_range_and_units():
    for c in REGISTRY:
        names = [p.name for p in c.params]
        assert len(set(names)) == len(names), c.code
        for p in c.params:
            assert p.min <= p.default <= p.max, (c.code, p.name)
            assert p.help and p.unit is not None, (c.code, p.name)
            assert p.validate(p.default) == p.default


def test_checks_need_only_known_measures():
    known = {m.name for m in MEASURES}
    for c in REGISTRY:
        assert set(c.reads) <= known, (c.code, set(c.reads) - known)


def test_measures_come_after_what_they_require():
    seen: set[str] = set()
    for m in MEASURES:
        assert set(m.requires) <= seen, (m.name, set(m.requires) - seen)
        seen.add(m.name)
