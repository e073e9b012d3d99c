"""Who gains, who loses, and the value–conflict frontier (issue 27) against brute force.

Every assignment of ≤ 6 investments × ≤ 3 phases (and one seeded 8 × 3 case) with every rule
kind is enumerated with plain itertools; each group's own best, every regret, the gain over
doing nothing, and every frontier point (its value is the most any plan under its bound has,
and no feasible plan beats it in both value and conflict) must agree.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.core.phasing import conflict
from mcda.core.phasing.conflict import ConflictModel

from .test_phasing_rules import feasible, instances

TOL = 1e-6


def feasible_plans(costs, hosts, earliest, prereq, budgets, rules):
    n, P = len(costs), len(budgets)
    munis = rules.get("municipalities") or sorted({h for h in hosts if h})
    return [combo for combo in itertools.product(range(P + 1), repeat=n)
            if feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis)]


def value(v, combo):
    return sum(v[i] for i, a in enumerate(combo) if a)


def regrets(combo, groups, best):
    return {g: (100.0 * (best[g] - value(v, combo)) / best[g] if best[g] > 0 else 0.0)
            for g, v in groups.items()}


def measure(r, kind, theta):
    if kind == "count_over":
        return float(sum(x > theta + TOL for x in r.values()))
    return max(r.values(), default=0.0)


@st.composite
def with_groups(draw, max_n=6):
    inst = draw(instances(max_n=max_n))
    n = len(inst[0])
    k = draw(st.integers(1, 3))
    groups = {f"G{j}": [draw(st.integers(0, 20)) / 4 for _ in range(n)] for j in range(k)}
    ref = {g: draw(st.integers(0, 8)) / 4 for g in groups}
    kind = draw(st.sampled_from(conflict.MEASURES))
    return inst, groups, ref, kind


def check(inst, groups, ref, kind, theta=10.0, levels=6):
    values, costs, hosts, earliest, prereq, budgets, rules = inst
    plans = feasible_plans(costs, hosts, earliest, prereq, budgets, rules)
    cm = ConflictModel(costs, hosts, earliest, prereq, budgets, rules, group_values=groups,
                       reference=ref)
    fr = cm.frontier(values, measure=kind, threshold_pct=theta, levels=levels)
    if not plans:
        assert fr.status == "infeasible" and fr.infeasibility is not None
        return
    assert fr.status == "optimal"
    best = {g: max(value(v, c) for c in plans) for g, v in groups.items()}
    assert fr.best == pytest.approx(best, abs=TOL)
    conf = {c: measure(regrets(c, groups, best), kind, theta) for c in plans}
    vals = {c: value(values, c) for c in plans}
    # level 1: what the region prefers; last: the least conflict that is feasible
    assert fr.points[0].value == pytest.approx(max(vals.values()), abs=TOL)
    assert fr.points[-1].conflict == pytest.approx(min(conf.values()), abs=1e-5)
    for pt in fr.points:
        combo = tuple(0 if a is None else a for a in pt.assignment)
        assert combo in conf  # a feasible plan
        r = regrets(combo, groups, best)
        for gr in pt.regrets:
            assert gr.regret_pct == pytest.approx(max(r[gr.group], 0.0), abs=1e-5)
            assert gr.value == pytest.approx(value(groups[gr.group], combo), abs=TOL)
            gain = sum(groups[gr.group][i] - ref[gr.group] for i, a in enumerate(combo) if a)
            assert gr.gain == pytest.approx(gain, abs=TOL)
            assert gr.beats_nothing == (gain > 1e-9 * max(1.0, abs(gr.value)))
        assert pt.conflict == pytest.approx(conf[combo], abs=1e-5)
        if pt.bound is not None:
            assert pt.conflict <= pt.bound + 1e-5
            allowed = [vals[c] for c in plans if conf[c] <= pt.bound + 1e-7]
            assert pt.value == pytest.approx(max(allowed), abs=TOL)
        # not dominated: no feasible plan at least as good in both and better in one
        for c in plans:
            assert not (vals[c] >= pt.value - TOL and conf[c] <= pt.conflict - 1e-5), c
            assert not (vals[c] > pt.value + TOL and conf[c] <= pt.conflict + 1e-7), c


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_groups())
def test_regrets_and_frontier_match_brute_force(case):
    inst, groups, ref, kind = case
    check(inst, groups, ref, kind)


def test_eight_investments_three_phases_every_rule_kind():
    rng = np.random.default_rng(27)
    n = 8
    costs = [float(c) for c in rng.integers(1, 9, n)]
    hosts = ["A", "B", "C", "A", "B", "C", None, "A"]
    earliest = [1, 1, 2, 1, 1, 1, 1, 2]
    prereq = [(4, 1)]
    budgets = [9.0, 10.0, 8.0]
    rules = {"municipalities": ["A", "B", "C"], "min_one_by_phase": 3, "max_share": 0.7,
             "pools": [{"name": "EU", "budgets": [2.0, 2.0, 2.0], "shares": {0: 0.5, 3: 0.25}}],
             "pins": [{"item": 2, "kind": "not_before", "phase": 3},
                      {"item": 5, "kind": "in", "phase": 2},
                      {"item": 6, "kind": "never", "phase": None}],
             "groups": [{"name": "X", "kind": "at_most_one", "items": [0, 3]},
                        {"name": "Y", "kind": "at_least_one", "items": [1, 7]}]}
    values = [float(v) for v in rng.integers(1, 10, n)]
    groups = {g: [float(v) for v in rng.integers(0, 10, n)] for g in ("A", "B", "C")}
    ref = {"A": 3.0, "B": 5.0, "C": 1.0}
    inst = (values, costs, hosts, earliest, prereq, budgets, rules)
    for kind in conflict.MEASURES:
        check(inst, groups, ref, kind, theta=5.0, levels=10)


def test_per_phase_values_match_brute_force():
    # values differ by phase: regret and frontier use Σ V[i, p]
    costs, hosts, earliest, prereq = [3.0, 4.0, 2.0, 5.0], ["A", "B", "A", None], [1] * 4, []
    budgets, rules = [6.0, 6.0], {"municipalities": ["A", "B"]}
    reg = np.array([[4, 1], [3, 3], [1, 2], [5, 0]], dtype=float)
    groups = {"A": np.array([[1, 5], [0, 0], [4, 4], [1, 1]], dtype=float),
              "B": np.array([[0, 0], [5, 1], [0, 1], [2, 6]], dtype=float)}
    cm = ConflictModel(costs, hosts, earliest, prereq, budgets, rules, group_values=groups)
    fr = cm.frontier(reg, levels=6)
    plans = feasible_plans(costs, hosts, earliest, prereq, budgets, rules)

    def val(V, c):
        return sum(V[i, a - 1] for i, a in enumerate(c) if a)

    best = {g: max(val(V, c) for c in plans) for g, V in groups.items()}
    conf = {c: max(100 * (best[g] - val(V, c)) / best[g] for g, V in groups.items())
            for c in plans}
    assert fr.points[0].value == pytest.approx(max(val(reg, c) for c in plans))
    assert fr.points[-1].conflict == pytest.approx(min(conf.values()))
    for pt in fr.points:
        combo = tuple(0 if a is None else a for a in pt.assignment)
        assert pt.conflict == pytest.approx(conf[combo])
        assert pt.value == pytest.approx(val(reg, combo))
        for c in plans:
            assert not (val(reg, c) > pt.value + TOL and conf[c] <= pt.conflict + 1e-7)


def test_regret_sentence_numbers_by_hand():
    # one phase, budget 5: A loves item 0, B loves item 1; the region prefers item 0
    cm = ConflictModel([5.0, 5.0], ["A", "B"], [1, 1], [], [5.0], {"municipalities": ["A", "B"]},
                       group_values={"A": [4.0, 1.0], "B": [1.0, 5.0]},
                       reference={"A": 2.0, "B": 2.0})
    r = {x.group: x for x in cm.regrets([1, None])}
    assert r["A"].regret_pct == 0.0 and r["A"].beats_nothing is True
    assert r["B"].regret_pct == pytest.approx(80.0)  # 1 of its own best 5
    assert r["B"].gain == pytest.approx(-1.0) and r["B"].beats_nothing is False
    fr = cm.frontier([3.0, 2.0], levels=6)
    assert [p.assignment for p in (fr.points[0], fr.points[-1])] == [[1, None], [None, 1]]
    assert fr.points[-1].conflict == pytest.approx(75.0)  # A gets 1 of 4


def test_infeasible_rules_give_no_frontier():
    cm = ConflictModel([5.0], ["A"], [1], [], [1.0],
                       {"municipalities": ["A"], "pins": [{"item": 0, "kind": "in", "phase": 1}]},
                       group_values={"A": [1.0]})
    fr = cm.frontier([1.0])
    assert fr.status == "infeasible" and fr.points == []
    assert fr.infeasibility is not None and fr.infeasibility.message_sv


def test_progress_is_reported_to_the_end():
    seen = []
    cm = ConflictModel([2.0, 3.0, 4.0], ["A", "B", "A"], [1, 1, 1], [], [5.0, 4.0],
                       {"municipalities": ["A", "B"]},
                       group_values={"A": [3.0, 1.0, 2.0], "B": [0.0, 4.0, 1.0]})
    cm.frontier([1.0, 1.0, 1.0], progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))


@pytest.mark.parametrize("seed", [1, 2, 3, 5])
def test_set_first_shortcut_agrees_with_the_full_model(monkeypatch, seed):
    """12 investments × 3 phases with every rule kind (too many for brute force): the
    frontier with the set relaxation + packing check equals the one with only full MILPs."""
    rng = np.random.default_rng(seed)
    n, munis = 12, ["A", "B", "C", "D"]
    costs = [float(c) for c in rng.integers(2, 12, n)]
    hosts = [munis[i % 4] if i % 5 else None for i in range(n)]
    earliest = [1 + (i % 4 == 3) for i in range(n)]
    prereq = [(5, 1), (9, 2)]
    budgets = [float(sum(costs)) * f for f in (0.2, 0.25, 0.2)]
    rules = {"municipalities": munis, "min_one_by_phase": 3, "max_share": 0.5,
             "pools": [{"name": "EU", "budgets": [4.0, 4.0, 4.0], "shares": {0: 0.5, 4: 0.25}}],
             "pins": [{"item": 2, "kind": "in", "phase": 1},
                      {"item": 6, "kind": "not_before", "phase": 2},
                      {"item": 7, "kind": "never", "phase": None}],
             "groups": [{"name": "X", "kind": "at_most_one", "items": [3, 8]},
                        {"name": "Y", "kind": "at_least_one", "items": [10, 11]}]}
    groups = {m: rng.uniform(0, 1, n) ** 3 * np.where(np.array(hosts) == m, 6.0, 1.0)
              for m in munis}
    regional = np.mean(list(groups.values()), axis=0)
    fast = ConflictModel(costs, hosts, earliest, prereq, budgets, rules, group_values=groups)
    fr1 = fast.frontier(regional, levels=8)
    monkeypatch.setattr(conflict.fastset, "solve", lambda *a, **k: None)
    full = ConflictModel(costs, hosts, earliest, prereq, budgets, rules, group_values=groups)
    fr2 = full.frontier(regional, levels=8)
    assert len(fr1.points) > 2  # a frontier with a trade-off
    assert fr1.best == pytest.approx(fr2.best, abs=TOL)
    assert [p.value for p in fr1.points] == pytest.approx([p.value for p in fr2.points],
                                                           abs=TOL)
    assert [p.conflict for p in fr1.points] == pytest.approx(
        [p.conflict for p in fr2.points], abs=1e-5)
