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
