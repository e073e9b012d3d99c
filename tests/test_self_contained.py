"""No test may read outside the repository: a fresh clone with nothing beside it must pass."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# A path that climbs out of the repository to a sibling folder: a parent-directory step
# towards the steering folder, or parents[3] and beyond from a file in tests/.
_OUTSIDE = re.compile(r"""\.\./shared|["']shared["']\s*\)?\s*/|parents\[[3-9]\]""")


def test_no_test_reads_outside_the_repository():
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != Path(__file__).name and _OUTSIDE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
