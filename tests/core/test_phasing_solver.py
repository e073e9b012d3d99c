"""The solver around the phasing MILP: nothing but the result on standard output, and a
plan that never spends more than its budget (issue 22, items 2 and 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from mcda.core import phasing, scenarios

ROOT = Path(__file__).resolve().parents[2]
# 7 investments, 2 phases, one scenario with its frontier: HiGHS printed
# "HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();" to stdout
# before the JSON on this input (found by a random search).
NOISY = ROOT / "tests" / "data" / "phasing_solver_noise.json"


def test_cli_stdout_is_only_the_json():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "mcda", "analyze", str(NOISY)],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    out = json.loads(proc.stdout)  # fails on any solver text before the JSON
    assert out["scenarios"]["results"][0]["status"] == "optimal"
    assert "Highs" not in proc.stdout
