"""The layout rules of docs/architecture.md, kept by a test (issue 21, items 2 and 8).

- no module in ``mcda/`` over 600 lines, no Flask view over 30 lines;
- ``mcda/web`` is a package per audience, and no feature imports another feature (features:
  the parts of ``mcda/web`` that define a Blueprint; ``kit`` and ``present`` are shared);
- no import cycle among the modules of ``mcda/`` (imports under ``if TYPE_CHECKING:`` do not
  count: they never run);
- dependencies point web → store → core only.

Imports are read with :mod:`ast`, not by importing, so a cycle that happens to load in one
order is still found.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MCDA = ROOT / "mcda"
MAX_MODULE_LINES = 600
MAX_VIEW_LINES = 30
SHARED_WEB_PACKAGES = {"kit", "present"}
AUDIENCE_PACKAGES = ("participate", "facilitate", "results", "planning", "scenarios", "exports")


def _modules() -> dict[str, Path]:
    """Dotted name → file of every module in ``mcda`` (a package by its ``__init__``)."""
    out = {}
    for path in sorted(MCDA.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(name: str) -> set[str]:
    """The modules of ``mcda`` that module ``name`` imports (relative imports resolved;
    ``from pkg import mod`` is an import of ``pkg.mod`` when that is a module)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        for target in targets:
            while target and target not in MODULES:  # `import mcda.x.y` of a name in x
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("mcda"):
                out.add(target)
    return out


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ("core", "store", "web") else None


# --- the rules -----------------------------------------------------------------------------------


def test_no_module_over_600_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_view_over_30_lines(app) -> None:
    """Every registered view (the app's ``view_functions``), from its ``def`` to its last line
    (decorators not counted), is at most 30 lines: it parses, calls and renders."""
    long = {}
    for endpoint, view in sorted(app.view_functions.items()):
        fn = inspect.unwrap(view)
        if not fn.__module__.startswith("mcda."):
            continue  # Flask's own static view
        lines, _start = inspect.getsourcelines(fn)
        first = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("def "))
        if len(lines) - first > MAX_VIEW_LINES:
            long[f"{fn.__module__}.{fn.__qualname__} ({endpoint})"] = len(lines) - first
    assert long == {}, f"views over {MAX_VIEW_LINES} lines: {long}"


def _web_parts() -> dict[str, list[str]]:
    """Direct children of ``mcda.web`` (package or module) → their modules."""
    parts: dict[str, list[str]] = {}
    for name in MODULES:
        bits = name.split(".")
        if bits[:2] == ["mcda", "web"] and len(bits) > 2:
            parts.setdefault(bits[2], []).append(name)
    return parts


def _features() -> dict[str, list[str]]:
    """The feature parts of ``mcda.web``: those that define a Blueprint (a module today, a
    package after issue 21), other than the shared ``kit`` and ``present``."""
    out = {}
    for part, mods in _web_parts().items():
        if part in SHARED_WEB_PACKAGES:
            continue
        if any("Blueprint(" in MODULES[m].read_text(encoding="utf-8") for m in mods):
            out[part] = mods
    return out


def test_web_is_a_package_per_audience() -> None:
    missing = [p for p in AUDIENCE_PACKAGES
               if not (MCDA / "web" / p / "__init__.py").exists()
               or not (MCDA / "web" / p / "views.py").exists()]
    assert missing == [], f"mcda/web/<audience>/views.py missing for: {missing}"


def test_no_feature_imports_another_feature() -> None:
    features = _features()
    owner = {m: f for f, mods in features.items() for m in mods}
    bad = sorted(
        f"{m} → {t}"
        for m, f in owner.items()
        for t in GRAPH[m]
        if owner.get(t) not in (None, f)
    )
    assert bad == [], f"feature-to-feature imports: {bad}"


def test_no_import_cycle() -> None:
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize(("layer", "forbidden"), [("core", {"store", "web"}),
                                                  ("store", {"web"})])
def test_dependencies_point_web_store_core(layer: str, forbidden: set[str]) -> None:
    bad = sorted(f"{m} → {t}" for m in MODULES if _layer(m) == layer
                 for t in GRAPH[m] if _layer(t) in forbidden)
    assert bad == []


def test_the_import_walk_sees_what_it_must() -> None:
    """The walk is not vacuous: it finds known edges, resolves relative imports, skips
    TYPE_CHECKING and finds a cycle in a small graph."""
    assert "mcda.store.db" in GRAPH["mcda.store.demo"]  # `from .db import transaction`
    assert "mcda.core.analysis" in GRAPH["mcda.store.analysis_cache"]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
                     "else:\n    import b\ndef f():\n    import c\n")
    assert sorted(a.name for n in _import_nodes(tree) for a in n.names
                  if isinstance(n, ast.Import)) == ["b", "c"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert len(_features()) >= 6


DATA_ONLY = ("view_models", "state", "tables", "writers", "workbook", "sections")
"""Module names (under ``mcda/web``) that take data and never ``db``, ``request`` or
``session``; ``mcda/web/present/`` is data-only as a whole."""


def _data_only_modules() -> list[str]:
    return sorted(m for m in MODULES if m.startswith("mcda.web.")
                  and (m.rpartition(".")[2] in DATA_ONLY or m.startswith("mcda.web.present.")))


def _request_bound(path: Path) -> list[str]:
    """``db`` parameters and flask's request and session in one file (the locale cache on
``g`` in the number filter is presentation, not request data)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            found += [f"{node.name}(db)" for a in args if a.arg == "db"]
        elif isinstance(node, ast.ImportFrom) and node.module == "flask":
            found += [f"flask.{a.name}" for a in node.names
                      if a.name in {"request", "session"}]
    return found


def test_view_models_take_data_never_db_request_or_session() -> None:
    """Form state, view models, sections and export tables are plain functions of data
    (docs/architecture.md): only a feature's context loader and kit.scope query the store."""
    mods = _data_only_modules()
    assert len(mods) >= 8, mods  # the rule is not vacuous
    bad = {m: hits for m in mods if (hits := _request_bound(MODULES[m]))}
    assert bad == {}
