"""Per-phase values (n × P): the value of investment i if placed in phase p.

Hand-computed optimum where the per-phase values change the assignment, and a brute-force
check over every assignment for small random cases (≤ 8 investments, 2–3 phases).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mcda.core import phasing
from mcda.core.errors import MCDAInputError


def _brute(V, costs, hosts, earliest, prereq, budgets, rules=None, discount=0.0):
    """Best Σ V[i,p]·w_p over every assignment (phase or none) obeying all constraints."""
    V = np.asarray(V, dtype=float)
    n, P = V.shape
    w = phasing.phase_weights(P, discount)
    rules = rules or {}
    munis = rules.get("municipalities") or sorted({h for h in hosts if h})
    best = -np.inf
    for combo in itertools.product([None, *range(1, P + 1)], repeat=n):
        spend = [0.0] * P
        ok = True
        for i, a in enumerate(combo):
            if a is None:
                continue
            if a < (earliest[i] or 1):
                ok = False
                break
            spend[a - 1] += costs[i]
        if not ok or any(s > b + 1e-9 for s, b in zip(spend, budgets, strict=True)):
            continue
        if any(combo[i] is not None and (combo[j] is None or combo[j] >= combo[i])
               for i, j in prereq):
            continue
        share = rules.get("max_share")
        if share is not None:
            tot = sum(costs[i] for i, a in enumerate(combo) if a is not None)
            if any(sum(costs[i] for i, a in enumerate(combo) if a is not None and hosts[i] == m)
                   > share * tot + 1e-9 for m in munis):
                continue
        n1 = rules.get("min_one_by_phase")
        if n1 is not None:
            hosted = {h for h in hosts if h}
            if any(m in hosted and not any(a is not None and a <= n1 and hosts[i] == m
                                           for i, a in enumerate(combo)) for m in munis):
                continue
        val = sum(V[i, a - 1] * w[a - 1] for i, a in enumerate(combo) if a is not None)
        best = max(best, val)
    return best


def test_hand_computed_per_phase_values_change_the_assignment():
    # Two investments, each costs 1; two phases with budget 1 each.
    # Constant values (A 10, B 8): A goes in phase 1 (tie-break: earliest), B in phase 2.
    # Per-phase values: A is worth 10 in phase 1 but 2 in phase 2; B 3 in phase 1, 9 in phase 2.
    #   A→1, B→2: 10 + 9 = 19 (optimum);  B→1, A→2: 3 + 2 = 5;  one only: ≤ 10.
    # With A 4|10 and B 9|3 the assignment swaps: B→1, A→2: 9 + 10 = 19 vs 4 + 3 = 7.
    common = dict(costs=[1, 1], hosts=["X", "Y"], earliest_phase=[None, None],
                  prerequisites=[], budgets=[1, 1])
    flat = phasing.plan([10, 8], **common)
    assert flat.assignment == [1, 2]
    per = phasing.plan([[10, 2], [3, 9]], **common)
    assert per.assignment == [1, 2] and per.total_value == pytest.approx(19)
    swapped = phasing.plan(np.array([[4, 10], [9, 3]]), **common)
    assert swapped.assignment == [2, 1]
    assert swapped.total_value == pytest.approx(19)
    assert swapped.objective == pytest.approx(19)


def test_per_phase_values_are_not_moved_earlier_when_that_loses_value():
    # One investment, room in both phases; worth more in phase 2: the tie-break must not
    # pull it to phase 1. Equal values: it goes to the earliest phase as before.
    common = dict(costs=[1], hosts=["X"], earliest_phase=[None], prerequisites=[],
                  budgets=[5, 5])
    assert phasing.plan([[1, 2]], **common).assignment == [2]
    assert phasing.plan([[2, 2]], **common).assignment == [1]
    assert phasing.plan([2], **common).assignment == [1]


def test_vector_and_constant_matrix_give_the_same_plan():
    rng = np.random.default_rng(3)
    v = rng.uniform(0.1, 1, 8)
    kw = dict(costs=rng.integers(1, 5, 8).tolist(), hosts=list("ABCDABCD"),
              earliest_phase=[None] * 8, prerequisites=[(4, 0)], budgets=[6, 6, 6])
    a = phasing.plan(v, **kw)
    b = phasing.plan(np.repeat(v[:, None], 3, axis=1), **kw)
    assert a.total_value == pytest.approx(b.total_value)
    assert a.objective == pytest.approx(b.objective)


@pytest.mark.parametrize("seed", range(12))
def test_brute_force_small_cases(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 9))
    P = int(rng.integers(2, 4))
    V = rng.uniform(0, 1, (n, P)).round(3)
    costs = rng.integers(1, 6, n).astype(float).tolist()
    hosts = [str(h) for h in rng.choice(["Hjo", "Skara", "Tibro"], n)]
    earliest = [int(e) if e > 1 else None for e in rng.integers(1, P + 1, n)]
    prereq = []
    if n >= 4 and (earliest[1] or 1) <= (earliest[3] or 1):
        prereq = [(3, 1)]
    budgets = rng.integers(3, 9, P).astype(float).tolist()
    rules = None
    if seed % 3 == 1:
        rules = {"max_share": 0.7, "municipalities": ["Hjo", "Skara", "Tibro"]}
    discount = 0.1 if seed % 4 == 2 else 0.0
    got = phasing.plan(V, costs, hosts, earliest, prereq, budgets, rules, discount)
    best = _brute(V, costs, hosts, earliest, prereq, budgets, rules, discount)
    assert got.feasible
    assert got.objective == pytest.approx(best, abs=1e-7)
    w = phasing.phase_weights(P, discount)
    recomputed = sum(V[i, a - 1] * w[a - 1] for i, a in enumerate(got.assignment) if a)
    assert recomputed == pytest.approx(best, abs=1e-7)


def test_wrong_shape_is_refused_with_a_message():
    kw = dict(costs=[1, 1], hosts=["X", "Y"], earliest_phase=[None, None], prerequisites=[],
              budgets=[1, 1, 1])
    with pytest.raises(MCDAInputError) as exc:
        phasing.plan([[1, 2], [3, 4]], **kw)  # 2 columns, 3 phases
    assert "3 kolumner" in exc.value.message("sv")
    with pytest.raises(MCDAInputError):
        phasing.plan([[1, float("nan"), 1], [1, 1, 1]], **kw)


def test_plan_paths_accepts_per_phase_values():
    kw = dict(costs=[1, 1], hosts=["X", "Y"], earliest_phase=[None, None], prerequisites=[],
              budgets=[1, 1])
    res = phasing.plan_paths([[4, 10], [9, 3]], {"X": [[10, 2], [3, 9]]}, **kw, top_k=2)
    assert res.regional.assignment == [2, 1]
    assert res.by_group["X"].assignment == [1, 2]
    assert {r["index"]: r["status"] for r in res.top["X"]} == {0: "deferred", 1: "earlier"}


def test_stability_accepts_per_phase_samples():
    rng = np.random.default_rng(7)
    vs = rng.uniform(0, 1, (15, 5, 2))
    kw = dict(costs=[1, 1, 2, 1, 1], hosts=list("ABCAB"), earliest_phase=[None] * 5,
              prerequisites=[(4, 0)], budgets=[2, 2])
    st = phasing.plan_stability(vs, **kw, mip_rel_gap=1e-9)
    counts = np.zeros((5, 3))
    for s in range(vs.shape[0]):
        for i, a in enumerate(phasing.plan(vs[s], **kw).assignment):
            counts[i, 2 if a is None else a - 1] += 1
    assert np.allclose(np.asarray(st.frequency), counts / vs.shape[0])
    with pytest.raises(MCDAInputError):
        phasing.plan_stability(rng.uniform(0, 1, (3, 5, 3)), **kw)
