"""Benchmark: growth-phase planning (issues 7 and 15).

Prints the median MILP solve time for 40 investments × 3 phases × 15 municipalities with
both spread rules, the total time of SMAA plan stability over 1 000 sampled value vectors,
and (issue 15) with every rule kind (prerequisites, share cap, every municipality by phase
3, two funding pools, pins of each kind, an "at most one" and an "at least one" group):
comparing 4 scenarios (targets ≤ 2 s) and the 10-level budget frontier (≤ 5 s); issue 22:
the frontier with 3 and with 4 phases (target < 3 s), CPU and wall time per run.
Run: ``python bench/bench_phasing.py`` (``--scenarios`` for the issue 15 and 22 part only,
``--frontier`` for the frontiers alone).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcda.core import phasing, scenarios  # noqa: E402

MUNICIPALITIES = [
    "Essunga", "Falköping", "Grästorp", "Gullspång", "Götene", "Hjo", "Karlsborg", "Lidköping",
    "Mariestad", "Skara", "Skövde", "Tibro", "Tidaholm", "Töreboda", "Vara",
]


def instance(seed: int = 7, n: int = 40, n_crit: int = 6):
    """A realistic random instance: costs 5–80 MSEK, about 55 % of total cost fundable."""
    rng = np.random.default_rng(seed)
    costs = rng.uniform(5, 80, n).round(1)
    hosts = [MUNICIPALITIES[i % 15] for i in range(n)]
    earliest = [int(e) for e in rng.choice([1, 1, 1, 2, 3], n)]
    prereq = []
    for i in range(n):
        j = int(rng.integers(n))
        if len(prereq) < 6 and j != i and earliest[j] <= earliest[i] and i > j:
            prereq.append((i, j))
    budgets = [costs.sum() * s for s in (0.15, 0.2, 0.2)]
    scores = rng.uniform(0, 1, (n, n_crit))
    rules = {"min_one_by_phase": 3, "max_share": 0.2, "municipalities": MUNICIPALITIES}
    return costs, hosts, earliest, prereq, budgets, scores, rules


def four_phases(costs, budgets, rules):
    """The same instance with a 4th phase (issue 22's "40 × 4 × 15"): budgets 15/20/20/15 %
    of the total cost, each pool's last budget repeated."""
    budgets = [float(costs.sum()) * s for s in (0.15, 0.2, 0.2, 0.15)]
    rules = dict(rules, pools=[dict(p, budgets=[*p["budgets"], p["budgets"][-1]])
                               for p in rules["pools"]])
    return budgets, rules


def bench_frontier(runs: int = 3) -> None:
    """Issue 22: the 10-level frontier with every rule kind, 3 and 4 phases."""
    costs, hosts, earliest, prereq, budgets3, scores, _ = instance()
    rules3 = all_rules(costs, hosts, earliest, prereq)
    budgets4, rules4 = four_phases(costs, budgets3, rules3)
    v = scores @ np.full(scores.shape[1], 1 / scores.shape[1])
    print("Budget frontier, 10 levels 50–150 %, every rule kind, each level proven optimal:")
    for label, b, r in (("40 × 3 × 15", budgets3, rules3), ("40 × 4 × 15", budgets4, rules4)):
        cpu, wall = [], []
        for _ in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            fr = scenarios.frontier(v, costs, hosts, earliest, prereq, b, r)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        vals = ", ".join("–" if x["total_value"] is None else f"{x['total_value']:.6f}"
                         for x in fr)
        print(f"  {label}: CPU median {statistics.median(cpu):.2f} s (max {max(cpu):.2f}), "
              f"wall median {statistics.median(wall):.2f} s (max {max(wall):.2f}); "
              f"values {vals}; target < 3 s")


def all_rules(costs, hosts, earliest, prereq, n: int = 40) -> dict:
    """Every rule kind of issue 15 on the benchmark instance (pins on items whose earliest
    phase and prerequisites allow them, so the instance stays feasible)."""
    dependants = {i for i, _ in prereq}
    free = [i for i in range(n) if i not in dependants]
    in1 = next(i for i in free if earliest[i] == 1)
    in2 = next(i for i in free if earliest[i] <= 2 and i != in1)
    return {
        "min_one_by_phase": 3, "max_share": 0.2, "municipalities": MUNICIPALITIES,
        "pools": [
            {"name": "EU", "budgets": [60.0, 80.0, 60.0],
             "shares": {i: 0.4 for i in range(0, n, 5)}},
            {"name": "Staten", "budgets": [50.0, 50.0, 50.0],
             "shares": {i: 0.25 for i in range(2, n, 6)}},
        ],
        "pins": [
            {"item": in2, "kind": "in", "phase": 2},
            {"item": 11, "kind": "not_before", "phase": 3},
            {"item": 17, "kind": "never", "phase": None},
            {"item": in1, "kind": "in", "phase": 1},
        ],
        "groups": [
            {"name": "konserthus", "kind": "at_most_one", "items": [10, 25, 36]},
            {"name": "bibliotek", "kind": "at_least_one", "items": [7, 22]},
        ],
    }


def bench_scenarios(runs: int = 3) -> None:
    costs, hosts, earliest, prereq, budgets, scores, _ = instance()
    rules = all_rules(costs, hosts, earliest, prereq)
    rng = np.random.default_rng(15)
    weights = [np.full(scores.shape[1], 1 / scores.shape[1])] + [
        rng.dirichlet(np.ones(scores.shape[1]) * 3) for _ in range(3)]
    # four scenarios: own weights each; the 3rd with +10 % costs, the 4th with 90 % budgets
    specs = []
    for k, w in enumerate(weights):
        c = scenarios.scaled_costs(costs, 10.0 if k == 2 else 0.0)
        b = [x * (0.9 if k == 3 else 1.0) for x in budgets]
        specs.append((scores @ w, c, b))
    print("Scenarios with every rule kind (prerequisites, max share 20 %, every municipality "
          "by phase 3, 2 funding pools, pins in/not before/never, at most one, at least one):")

    def compare4():
        plans = []
        for v, c, b in specs:
            plans.append(phasing.plan(v, c, hosts, earliest, prereq, b, rules))
        ids = [str(i) for i in range(len(costs))]
        scenarios.compare(
            [{"id": str(k), "assignment": dict(zip(ids, pl.assignment, strict=True)),
              "ranks": {}} for k, pl in enumerate(plans)], ids)
        return plans

    c0 = time.process_time()
    med, worst, plans = _median_ms(compare4, runs)
    cpu = (time.process_time() - c0) / runs * 1000
    print(f"  compare 4 scenarios (4 exact plans + comparison): median {med:.0f} ms wall, "
          f"max {worst:.0f} ms, {cpu:.0f} ms CPU per run "
          f"(statuses {', '.join(pl.status for pl in plans)}; target ≤ 2 s)")
    v, c, b = specs[0]
    c0 = time.process_time()
    med, worst, fr = _median_ms(
        lambda: scenarios.frontier(v, c, hosts, earliest, prereq, b, rules), runs)
    cpu = (time.process_time() - c0) / runs * 1000
    vals = ", ".join("–" if r["total_value"] is None else f"{r['total_value']:.2f}" for r in fr)
    print(f"  frontier, 10 levels 50–150 %: median {med:.0f} ms wall, max {worst:.0f} ms, "
          f"{cpu:.0f} ms CPU per run (values {vals}; target ≤ 5 s)")


def _median_ms(fn, runs: int = 9) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, max(times) * 1000, out


def main() -> None:
    if "--frontier" in sys.argv:
        bench_frontier()
        return
    if "--scenarios" in sys.argv:
        bench_scenarios()
        bench_frontier()
        return
    costs, hosts, earliest, prereq, budgets, scores, rules = instance()
    values = scores @ np.full(scores.shape[1], 1 / scores.shape[1])
    print("Growth-phase planning, 40 investments × 3 phases × 15 municipalities "
          "(scipy.optimize.milp / HiGHS, proven optimal to relative gap 1e-9)")
    cases = [
        ("no spread rules", {}, 0.0),
        ("both spread rules (min one by phase 3, max share 20 %)", rules, 0.0),
        ("both spread rules, early-phase discount 0.05", rules, 0.05),
    ]
    for label, r, disc in cases:
        med, worst, res = _median_ms(
            lambda r=r, disc=disc: phasing.plan(
                values, costs, hosts, earliest, prereq, budgets, r, discount=disc
            )
        )
        print(f"  plan(), {label}: median {med:.0f} ms, max {worst:.0f} ms "
              f"(status {res.status})")
    rng = np.random.default_rng(1)
    for label, w in [
        ("uniform weights on the simplex", rng.dirichlet(np.ones(scores.shape[1]), 1000)),
        ("concentrated weights (Dirichlet 30·w̄, like a workshop's empirical spread)",
         rng.dirichlet(30 * rng.dirichlet(np.ones(scores.shape[1]) * 5), 1000)),
    ]:
        samples = w @ scores.T
        t0 = time.perf_counter()
        st = phasing.plan_stability(samples, costs, hosts, earliest, prereq, budgets, rules)
        dt = time.perf_counter() - t0
        print(f"  plan_stability(), 1 000 samples, {label}: total {dt:.1f} s "
              f"({dt * 1000 / 1000:.0f} ms per sample), gap {st.mip_rel_gap:g}, "
              f"{st.not_proven} samples hit the per-sample time limit, "
              f"{st.from_pool} answered from the plan pool (LP-certified), "
              f"{st.distinct_plans} distinct plans")
    bench_scenarios()
    bench_frontier()


if __name__ == "__main__":
    main()
