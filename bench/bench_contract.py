"""Benchmark of the analysis contract (issue 11): what typing the input costs. Prints figures.

The large workshop of ``bench_analyze.py`` (500 participants, 15 municipalities, 15 criteria,
40 alternatives): CPU time of :func:`mcda.core.contract.validate_input` (pydantic models and
their validators, building the normalised problem) and of :func:`mcda.core.contract.loads`
(the CLI's JSON reader with duplicate-key and surrogate checks) against plain ``json.loads``.

Run: ``python bench/bench_contract.py [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import workshop  # noqa: E402

from mcda.core.contract import loads, validate_input  # noqa: E402


def cpu_ms(fn, repeat: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append((time.process_time() - t) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15, help="timed runs per figure")
    args = ap.parse_args()
    if hasattr(os, "getloadavg"):
        print("load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    data = workshop()
    text = json.dumps(data)
    print(f"input: {len(data['votes'])} votes, {len(data['criteria'])} criteria, "
          f"{len(data['alternatives'])} alternatives, {len(text) / 1024:.0f} kB of JSON")
    for name, fn in (("validate_input (pydantic contract)", lambda: validate_input(data)),
                     ("loads (duplicate keys, surrogates)", lambda: loads(text)),
                     ("json.loads (for comparison)", lambda: json.loads(text))):
        med, best = cpu_ms(fn, args.repeat)
        print(f"  {name}: median CPU {med:.1f} ms, best {best:.1f} ms")


if __name__ == "__main__":
    main()
