"""mcda.core is pure decision math: importing it must not load web or storage modules."""

import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("flask", "sqlite3", "sqlite_utils", "werkzeug", "_sqlite3")


def test_import_core_loads_no_web_or_storage_modules():
    core = Path(__file__).resolve().parents[2] / "mcda" / "core"
    modules = ["mcda.core"] + [
        f"mcda.core.{p.stem}" for p in sorted(core.glob("*.py")) if p.stem != "__init__"
    ]
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"mcda.core pulled in: {out.stdout.strip()}"


def test_numpy_only_in_core():
    """House rule: the decision math (numpy, scipy, pymcdm) lives in mcda.core; web and store
    pass plain values to it (web/planning.py once built sample matrices itself)."""
    import ast

    root = Path(__file__).resolve().parents[2] / "mcda"
    math_libs = {"numpy", "scipy", "pymcdm"}
    bad = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            bad += [f"{path.relative_to(root)}: {n}" for n in names
                    if n.split(".")[0] in math_libs]
    assert bad == []
