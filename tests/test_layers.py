"""The layer contract, read from the source: data flows one way.

    cli → report → pipeline → score → checks → measures → ingest → model

A module may import its own layer and the layers to its right, never one to its left; the
pure layers (model, checks, score, report) import none of the heavy libraries. An import
inside a function counts the same as one at the top (`ast.walk` reads every body), and no
module reaches itself again through its imports: a circle an import inside a function
keeps alive at run time is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tapecheck"
LAYERS = ("model", "ingest", "measures", "checks", "score", "pipeline", "report", "cli")
#: Top-level modules and packages by layer; anything not named here fails the test, so a new
#: module has to be placed on purpose.
PLACE = {
    "model": "model", "errors": "model", "settings": "model", "timecode": "model",
    "version": "model", "schema": "model",
    "ingest": "ingest",
    "measures": "measures", "profiles": "measures",
    "checks": "checks",
    "score": "score",
    "pipeline": "pipeline", "__init__": "pipeline",  # the library API is the pipeline's door
    "fix": "pipeline",  # an entry point around the pipeline: judge, edit, judge the copy
    "takes": "pipeline",  # `tapecheck takes`: a job around the pipeline, beside it
    "report": "report",
    "cli": "cli", "__main__": "cli", "app": "cli",  # the local app is an entry point too
}
#: Libraries that measure or decode; the layers that only decide and write must not use them.
HEAVY = {"cv2", "librosa", "subprocess", "ffmpeg", "scenedetect", "pyloudnorm", "onnxruntime",
         "scipy", "soundfile"}
PURE = {"model", "checks", "score", "report"}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        yield path, rel.parts


def _layer(parts: tuple[str, ...]) -> str:
    top = parts[0]
    if top not in PLACE:
        raise AssertionError(f"tapecheck/{'/'.join(parts)}.py is in no layer: add it to PLACE "
                             "in tests/test_layers.py")
    return PLACE[top]


def _is_module(parts: list[str]) -> bool:
    base = SRC.joinpath(*parts)
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path, parts: tuple[str, ...]):
    """(target parts inside tapecheck or None, top-level third-party name or None, line)."""
    package = list(parts[:-1]) if parts[-1] != "__init__" else list(parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "tapecheck":
                    yield names[1:] or ["__init__"], None, node.lineno
                else:
                    yield None, names[0], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = (node.module or "").split(".")
                if names[0] != "tapecheck":
                    yield None, names[0], node.lineno
                    continue
                base = names[1:]
            else:
                up = node.level - 1
                base = (package[:len(package) - up] if up else list(package))
                base += (node.module or "").split(".") if node.module else []
            for alias in node.names:
                target = base + [alias.name]
                yield (target if _is_module(target) else base) or ["__init__"], None, node.lineno


def test_every_module_is_in_a_layer():
    for _, parts in _modules():
        _layer(parts)


@pytest.mark.parametrize("path,parts", list(_modules()),
                         ids=lambda v: "/".join(v) if isinstance(v, tuple) else "")
def test_imports_flow_one_way(path, parts):
    own = LAYERS.index(_layer(parts))
    for target, third, line in _imports(path, parts):
        where = f"tapecheck/{'/'.join(parts)}.py:{line}"
        if target is not None:
            theirs = LAYERS.index(_layer(tuple(target)))
            assert theirs <= own, (f"{where} imports tapecheck.{'.'.join(target)} "
                                   f"({LAYERS[theirs]}) from the {LAYERS[own]} layer")
        elif LAYERS[own] in PURE:
            assert third not in HEAVY, f"{where}: the {LAYERS[own]} layer imports {third}"


def test_the_contract_catches_an_upward_import(tmp_path):
    """The checker itself can fail: a measure importing the pipeline is reported."""
    fake = tmp_path / "bad.py"
    fake.write_text("from ..pipeline import judge\n")
    targets = [t for t, _, _ in _imports(fake, ("measures", "bad"))]
    assert targets == [["pipeline", "judge"]] or targets == [["pipeline"]]
    assert LAYERS.index(_layer(tuple(targets[0]))) > LAYERS.index("measures")


#: Circles tolerated for now: none (fix/, takes/ and report's takes modules were the last).
KNOWN_CIRCLES: set[frozenset[str]] = set()


def _node(parts) -> str:
    parts = list(parts)
    if (SRC.joinpath(*parts) / "__init__.py").is_file():
        parts.append("__init__")
    return "/".join(parts)


def _graph() -> dict[str, set[str]]:
    """Module → the modules it imports. `from pkg import name` depends on the package as well
    as on the module `name`: Python runs pkg/__init__ first and looks `name` up on it."""
    graph: dict[str, set[str]] = {}
    for path, parts in _modules():
        me = "/".join(parts)
        targets = {_node(t) for t, _, _ in _imports(path, parts) if t is not None}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or
                                                     (node.module or "").startswith("tapecheck")):
                package = list(parts[:-1])
                if node.level:
                    base = package[:len(package) - node.level + 1]
                    base += node.module.split(".") if node.module else []
                else:
                    base = node.module.split(".")[1:]
                targets.add(_node(base) if base else "__init__")
        graph[me] = targets - {me}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while not group or v not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.append(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_itself_round_a_circle():
    circles = _circles(_graph())
    assert set(circles) - KNOWN_CIRCLES == set(), sorted(map(sorted, circles))
    assert KNOWN_CIRCLES <= set(circles), "a known circle is gone: take it off KNOWN_CIRCLES"


def test_the_circle_finder_sees_an_import_inside_a_function(tmp_path):
    """pipeline/judge ↔ pipeline/reel was such a circle: each imported the other in a body."""
    (tmp_path / "a.py").write_text("def f():\n    from .b import g\n")
    assert [t for t, _, _ in _imports(tmp_path / "a.py", ("pipeline", "a"))] == [["pipeline", "b"]]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        frozenset({"a", "b", "c"})]
    assert _circles({"a": {"b"}, "b": set()}) == []
