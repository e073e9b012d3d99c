"""Benchmark of the computed criterion "Räckvidd" (issue 28): reach of 40 investments against
a population grid of 10 000 cells (1 km squares, 100 × 100 km), with existing venues of the
same kind for half of them. Target: at most 100 ms. Prints the median of ``--repeat`` runs.

Run: ``python bench/bench_reach.py [--repeat 21]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcda.core import reach  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=21)
    args = ap.parse_args()
    rng = np.random.default_rng(28)
    g = np.arange(100) * 1000.0 + 500.0  # cell centres of a 100 × 100 km square
    mx, my = np.meshgrid(g + 400_000.0, g + 6_400_000.0)
    layer = reach.PopulationLayer(mx.ravel(), my.ravel(), rng.integers(0, 400, mx.size) * 1.0)
    px = rng.uniform(400_000, 500_000, 40)
    py = rng.uniform(6_400_000, 6_500_000, 40)
    vx, vy = rng.uniform(400_000, 500_000, 12), rng.uniform(6_400_000, 6_500_000, 12)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        old = reach.nearest_km(layer, vx, vy)  # one venue kind, shared by half the points
        r = reach.reach(layer, px, py, [old if i % 2 else None for i in range(40)])
        times.append(time.perf_counter() - t0)
    print(f"reach: 40 investments × {layer.pop.size} cells (+ 12 venues): "
          f"median {statistics.median(times) * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms over {args.repeat} runs (target ≤ 100 ms); "
          f"checksum {r.scores.sum():.0f}")


if __name__ == "__main__":
    main()
