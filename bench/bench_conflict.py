"""Benchmark: the value–conflict frontier (issue 27).

40 investments × 4 phases × 15 municipalities with every rule kind (prerequisites, share cap,
every municipality by phase 3, two funding pools, pins in / not before / never, an "at most
one" and an "at least one" group: the instance of ``bench_phasing.py``), each municipality
with its own weights (Dirichlet over 6 criteria, seeded). Prints CPU and wall time of the
10-level frontier (each group's own best plan, the least conflict, and every level proven
optimal), for both conflict measures; target ≤ 5 s.
Run: ``python bench/bench_conflict.py`` (``--runs N``, default 3).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_phasing import MUNICIPALITIES, all_rules, four_phases, instance  # noqa: E402

from mcda.core.phasing.conflict import ConflictModel  # noqa: E402

CONCENTRATION = 10.0
"""Municipalities' weights spread around a common centre (Dirichlet 10·w̄: each weight
about ±40 % of its mean), wider than a workshop's participants (30·w̄ in bench_phasing.py)
since municipalities are the unit whose differences the frontier trades."""


def setup(seed: int = 27):
    """The 40 × 4 × 15 instance with per-municipality values and a do-nothing reference."""
    costs, hosts, earliest, prereq, budgets3, scores, _ = instance()
    rules3 = all_rules(costs, hosts, earliest, prereq)
    budgets, rules = four_phases(costs, budgets3, rules3)
    rng = np.random.default_rng(seed)
    centre = rng.dirichlet(np.ones(scores.shape[1]) * 5)
    weights = rng.dirichlet(CONCENTRATION * centre, len(MUNICIPALITIES))
    groups = {m: scores @ w for m, w in zip(MUNICIPALITIES, weights, strict=True)}
    regional = scores @ weights.mean(axis=0)
    reference = {m: float(np.quantile(v, 0.2)) for m, v in groups.items()}
    return (costs, hosts, earliest, prereq, budgets, rules), groups, regional, reference


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    problem, groups, regional, reference = setup()
    print("Value–conflict frontier, 40 investments × 4 phases × 15 municipalities, every rule "
          "kind, 10 levels, each proven optimal (scipy.optimize.milp / HiGHS):")
    for measure in ("max_regret", "count_over"):
        cpu, wall, fr = [], [], None
        for _ in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            cm = ConflictModel(*problem, group_values=groups, reference=reference)
            fr = cm.frontier(regional, measure=measure, threshold_pct=10.0)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        assert fr is not None
        pts = "; ".join(f"{p.value:.3f}@{p.conflict:.1f}" for p in fr.points)
        print(f"  {measure}: CPU median {statistics.median(cpu):.2f} s "
              f"(max {max(cpu):.2f}), wall median {statistics.median(wall):.2f} s "
              f"(max {max(wall):.2f}); {fr.solves} MILP solves, {len(fr.points)} levels, "
              f"status {fr.status}; value@conflict {pts}; target ≤ 5 s")


if __name__ == "__main__":
    main()
