"""Crash test, short CI variant of bench/crash.py: ≥ 20 SIGKILLs of a waitress server while
tablets vote over HTTP; every acknowledged vote survives, none is partial or duplicated, and
``PRAGMA integrity_check`` is ok after every kill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash harness forks (Linux/macOS)")
def test_sigkill_during_votes_loses_nothing():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "crash.py"), "--rounds", "20", "--clients", "6",
         "--seed", "7", "--max-delay-ms", "150"],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["kills"] >= 20
    assert summary["integrity_ok"] == summary["rounds"] >= 20
    assert summary["lost"] == 0 and summary["duplicates"] == 0 and summary["problems"] == 0
    assert summary["acked_votes"] >= 20
    assert summary["rows"] == summary["acked_votes"]
