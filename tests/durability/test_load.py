"""Load test, short CI variant of bench/load.py: 100 tablets join and vote while 2 projectors
poll, against the README's server (``python -m mcda serve --demo``, gunicorn on Linux).

Correctness only (every tablet acknowledged, exactly one latest vote each, no duplicate, none
lost, no failed request or poll); speed targets are the benchmark's business
(docs/performance.md), never a timed assertion here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_room_of_tablets_votes_with_nothing_lost():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--tablets", "100", "--window", "1",
         "--projectors", "2", "--workers", "32", "--ratio-rounds", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["acked"] == summary["latest_votes"] == 100
    assert summary["duplicates"] == 0 and summary["lost"] == 0 and summary["errors"] == 0
    assert summary["polls"] >= 1 and summary["polls_other"] == 0
    assert "gunicorn" in proc.stdout or sys.platform == "win32"
