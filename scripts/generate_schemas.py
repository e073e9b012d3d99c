"""Write the analysis contract's JSON Schemas into docs/ (run after changing mcda/core/contract/).

    python scripts/generate_schemas.py

tests/core/test_contract.py fails while the files in docs/ differ from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mcda.core.contract import json_schemas  # noqa: E402


def render(schema: dict) -> str:
    """The file's exact text (stable key order as the models declare it)."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    for name, schema in json_schemas().items():
        path = ROOT / "docs" / name
        path.write_text(render(schema), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
