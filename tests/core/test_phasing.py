"""Growth-phase planning: hand-solved optima, brute force, infeasibility, spread, validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.core import phasing, rules
from mcda.core.errors import MCDAInputError

# --------------------------------------------------------------------------- brute force


def brute_force(values, costs, hosts, earliest, prereq, budgets, rules=None, discount=0.0):
    """Enumerate every assignment (0 = not planned, p = phase p) and return the best objective.

    Independent of the MILP: plain itertools over (P+1)^n assignments, each checked rule by rule.
    Returns (best objective or None if nothing is feasible, list of feasible optimal assignments).
    """
    rules = rules or {}
    n, P = len(values), len(budgets)
    w = phasing.phase_weights(P, discount)
    munis = rules.get("municipalities") or sorted({h for h in hosts if h})
    best, arg = None, []
    for combo in itertools.product(range(P + 1), repeat=n):
        if not feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis):
            continue
        obj = sum(values[i] * w[a - 1] for i, a in enumerate(combo) if a)
        if best is None or obj > best + 1e-9:
            best, arg = obj, [combo]
        elif abs(obj - best) <= 1e-9:
            arg.append(combo)
    return best, arg


def feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis):
    P = len(budgets)
    for p in range(1, P + 1):
        if sum(costs[i] for i, a in enumerate(combo) if a == p) > budgets[p - 1] + 1e-9:
            return False
    for i, a in enumerate(combo):
        if a and earliest[i] is not None and a < earliest[i]:
            return False
    for i, j in prereq:
        if combo[i] and not (combo[j] and combo[j] < combo[i]):
            return False
    by = rules.get("min_one_by_phase")
    if by:
        for m in munis:
            hosted = [i for i in range(len(combo)) if hosts[i] == m]
            if hosted and not any(combo[i] and combo[i] <= by for i in hosted):
                return False
    share = rules.get("max_share")
    if share is not None:
        total = sum(costs[i] for i, a in enumerate(combo) if a)
        for m in munis:
            mine = sum(costs[i] for i, a in enumerate(combo) if a and hosts[i] == m)
            if mine > share * total + 1e-9:
                return False
    return True


def as_combo(assignment):
    return tuple(0 if a is None else a for a in assignment)


# --------------------------------------------------------------------------- hand-solved


def test_knapsack_by_hand_one_phase():
    # A (5, cost 4), B (4, cost 3), C (3, cost 3), budget 6: B + C = 7 beats A alone = 5.
    res = phasing.plan([5, 4, 3], [4, 3, 3], ["X"] * 3, [None] * 3, [], [6])
    assert res.status == "optimal"
    assert res.assignment == [None, 1, 1]
    assert res.total_value == pytest.approx(7)
    assert res.spend == [6]


def test_two_phases_by_hand():
    # Budgets 4 and 3: A (cost 4) fills phase 1, B (cost 3) phase 2: value 9; B + C cannot share.
    res = phasing.plan([5, 4, 3], [4, 3, 3], ["X"] * 3, [None] * 3, [], [4, 3])
    assert res.total_value == pytest.approx(9)
    assert res.assignment == [1, 2, None]
    assert res.spend == [4, 3]


def test_prerequisite_is_strictly_earlier():
    # B requires A; the budget would fit both in phase 1, but B must wait for phase 2.
    res = phasing.plan([1, 2], [5, 5], ["X", "Y"], [None, None], [(1, 0)], [10, 10])
    assert res.assignment == [1, 2]


def test_prerequisite_left_out_drops_dependant():
    # A (cost 20) never fits, so B, which requires it, cannot be planned either.
    res = phasing.plan([1, 5], [20, 1], ["X", "Y"], [None, None], [(1, 0)], [10, 10])
    assert res.assignment == [None, None]


def test_earliest_phase_respected_and_ties_go_early():
    res = phasing.plan([3, 2, 1], [1, 1, 1], ["X"] * 3, [2, None, None], [], [5, 5, 5])
    assert res.assignment == [2, 1, 1]


def test_discount_moves_value_earlier():
    # One slot per phase; with a discount the more valuable investment takes phase 1.
    res = phasing.plan([1, 3], [1, 1], ["X", "Y"], [None, None], [], [1, 1], discount=0.1)
    assert res.assignment == [2, 1]
    assert res.objective == pytest.approx(3 * 1.1 + 1)


def test_min_one_rule_changes_plan():
    # Without the rule both go to X (higher value); with it Y gets one by phase 1.
    base = phasing.plan([5, 4, 1], [1, 1, 1], ["X", "X", "Y"], [None] * 3, [], [2])
    assert base.assignment == [1, 1, None]
    ruled = phasing.plan(
        [5, 4, 1], [1, 1, 1], ["X", "X", "Y"], [None] * 3, [], [2],
        {"min_one_by_phase": 1, "municipalities": ["X", "Y", "Z"]},
    )
    assert ruled.assignment == [1, None, 1]
    assert ruled.exempt == ["Z"]  # hosts nothing: exempt from the rule


def test_max_share_rule():
    # X could take both (value 9); at most 60 % of the cost per municipality forces Y in.
    res = phasing.plan(
        [5, 4, 1], [1, 1, 1], ["X", "X", "Y"], [None] * 3, [], [2],
        {"max_share": 0.6},
    )
    assert res.assignment == [1, None, 1]


# --------------------------------------------------------------------------- infeasibility


def test_infeasible_cheapest_too_expensive_names_rule_phase_and_municipality():
    res = phasing.plan(
        [1, 1], [20, 2], ["Hjo", "Skara"], [None, None], [], [10, 30],
        {"min_one_by_phase": 1}, names=["Hamnen", "Torget"],
    )
    assert res.status == "infeasible"
    why = res.infeasibility
    assert why.rule == "min_one_by_phase" and why.phase == 1
    assert why.municipalities == ["Hjo"]
    assert "Hjo" in why.message_sv and "Hamnen" in why.message_sv and "etapp 1" in why.message_sv
    assert "phase 1" in why.message_en


def test_infeasible_combined_budget_elastic_explanation():
    # Three municipalities, one investment each costing 5, phase 1 budget 10: one goes without.
    res = phasing.plan(
        [1, 1, 1], [5, 5, 5], ["A", "B", "C"], [None] * 3, [], [10, 10],
        {"min_one_by_phase": 1},
    )
    assert res.status == "infeasible"
    assert res.infeasibility.rule == "min_one_by_phase"
    assert len(res.infeasibility.municipalities) == 1
    assert "etapp 1–1" in res.infeasibility.message_sv


def test_infeasible_because_of_max_share():
    res = phasing.plan(
        [1, 1], [10, 10], ["A", "B"], [None, None], [], [10, 10],
        {"min_one_by_phase": 2, "max_share": 0.4},
    )
    assert res.status == "infeasible"
    assert res.infeasibility.rule == "min_one_by_phase+max_share"
    assert "40 %" in res.infeasibility.message_sv


def test_infeasible_earliest_after_rule_phase():
    res = phasing.plan(
        [1, 1], [1, 1], ["A", "B"], [3, 1], [], [5, 5, 5], {"min_one_by_phase": 2}
    )
    assert res.status == "infeasible"
    assert res.infeasibility.municipalities == ["A"]
    assert "etapp 3" in res.infeasibility.message_sv


# --------------------------------------------------------------------------- brute force


@st.composite
def instances(draw, max_n=7):
    n = draw(st.integers(1, max_n))
    P = draw(st.integers(1, 3))
    munis = ["A", "B", "C"]
    values = [draw(st.integers(0, 20)) / 4 for _ in range(n)]
    costs = [float(draw(st.integers(0, 9))) for _ in range(n)]
    hosts = [draw(st.sampled_from([*munis, None])) for _ in range(n)]
    earliest = [draw(st.sampled_from([None, 1, 2, 3])) for _ in range(n)]
    budgets = [float(draw(st.integers(0, 15))) for _ in range(P)]
    prereq = []
    for i in range(n):
        if i and draw(st.booleans()) and draw(st.booleans()):
            j = draw(st.integers(0, i - 1))
            if (earliest[j] or 1) <= (earliest[i] or 1):
                prereq.append((i, j))
    rules = {"municipalities": munis}
    if draw(st.booleans()):
        rules["min_one_by_phase"] = draw(st.integers(1, P))
    if draw(st.booleans()):
        rules["max_share"] = draw(st.sampled_from([0.5, 0.7, 1.0]))
    discount = draw(st.sampled_from([0.0, 0.0, 0.1]))
    return values, costs, hosts, earliest, prereq, budgets, rules, discount


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_matches_brute_force(inst):
    values, costs, hosts, earliest, prereq, budgets, rules, discount = inst
    best, optimal = brute_force(values, costs, hosts, earliest, prereq, budgets, rules, discount)
    res = phasing.plan(values, costs, hosts, earliest, prereq, budgets, rules, discount=discount)
    if best is None:
        assert res.status == "infeasible"
        assert res.infeasibility is not None
        return
    assert res.status == "optimal"
    combo = as_combo(res.assignment)
    munis = rules["municipalities"]
    assert feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis)
    assert res.objective == pytest.approx(best, abs=1e-6)


def test_brute_force_twelve_investments():
    rng = np.random.default_rng(12)
    n = 12
    values = rng.uniform(0, 1, n).round(3).tolist()
    costs = rng.integers(1, 8, n).astype(float).tolist()
    hosts = [["A", "B", "C", "D"][i % 4] for i in range(n)]
    earliest = [1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1]
    prereq = [(5, 0), (11, 3)]
    budgets = [12.0, 10.0]
    rules = {"min_one_by_phase": 2, "max_share": 0.4, "municipalities": ["A", "B", "C", "D"]}
    best, _ = brute_force(values, costs, hosts, earliest, prereq, budgets, rules)
    res = phasing.plan(values, costs, hosts, earliest, prereq, budgets, rules)
    assert res.objective == pytest.approx(best, abs=1e-9)
    assert feasible(as_combo(res.assignment), costs, hosts, earliest, prereq, budgets, rules,
                    rules["municipalities"])


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field", "needle"),
    [
        ({"costs": [1, -2]}, "costs[1]", "negativ"),
        ({"budgets": [5, -1]}, "budgets[1]", "etapp 2"),
        ({"hosts": ["A", "Atlantis"]}, "hosts[1]", "Atlantis"),
        ({"prerequisites": [(0, 0)]}, "prerequisites[0]", "sig själv"),
        ({"earliest_phase": [1, 2], "prerequisites": [(0, 1)]}, "prerequisites[0]", "Kulturhus"),
        ({"rules": {"min_one_by_phase": 3, "municipalities": ["A", "B"]}},
         "rules.min_one_by_phase", "mellan 1 och 2"),
        ({"rules": {"max_share": 1.5, "municipalities": ["A", "B"]}}, "rules.max_share", "högst 1"),
        ({"earliest_phase": [0, 1]}, "earliest_phase[0]", "≥ 1"),
    ],
)
def test_validation_errors_name_the_item(kwargs, field, needle):
    args = {
        "values": [1, 1],
        "costs": [1, 1],
        "hosts": ["A", "B"],
        "earliest_phase": [None, None],
        "prerequisites": [],
        "budgets": [5, 5],
        "rules": {"municipalities": ["A", "B"]},
        "names": ["Bibliotek", "Kulturhus"],
    }
    args.update(kwargs)
    with pytest.raises(MCDAInputError) as exc:
        phasing.plan(**args)
    assert exc.value.field == field
    assert needle in exc.value.message_sv
    assert exc.value.message_en


def test_cycle_names_the_items():
    with pytest.raises(MCDAInputError) as exc:
        phasing.plan(
            [1, 1, 1], [1, 1, 1], ["A"] * 3, [None] * 3, [(0, 1), (1, 2), (2, 0)], [5, 5],
            names=["Scen", "Museum", "Arkiv"],
        )
    msg = exc.value.message_sv
    assert "cirkel" in msg and "Scen" in msg and "Museum" in msg and "Arkiv" in msg


def test_find_cycle():
    """Cycles via stdlib graphlib (mcda.core.rules), each node requiring the next."""
    assert rules.find_cycle(3, [(0, 1), (1, 2)]) == []
    assert sorted(rules.find_cycle(4, [(0, 1), (1, 2), (2, 1), (3, 0)])) == [1, 2]
    cycle = rules.find_cycle(3, [(0, 1), (1, 2), (2, 0)])
    pairs = {(cycle[k], cycle[(k + 1) % 3]) for k in range(3)}
    assert pairs == {(0, 1), (1, 2), (2, 0)}


# --------------------------------------------------------------------------- paths & stability


def test_plan_paths_deferred_and_dropped():
    # One slot in phase 1, one in phase 2. The region prefers 0 then 1; Hjo prefers 2 then 1.
    costs, hosts = [1, 1, 1], ["A", "B", "C"]
    regional = [3, 2, 1]
    groups = {"Hjo": [1, 2, 3]}
    cmp_ = phasing.plan_paths(
        regional, groups, costs, hosts, [None] * 3, [], [1, 1], discount=0.1, top_k=2
    )
    assert cmp_.regional.assignment == [1, 2, None]
    assert cmp_.by_group["Hjo"].assignment == [None, 2, 1]
    rows = cmp_.top["Hjo"]
    assert [r["index"] for r in rows] == [2, 1]
    assert rows[0]["status"] == "dropped"
    assert rows[1]["status"] == "same"


def test_plan_paths_deferred():
    cmp_ = phasing.plan_paths(
        [3, 2], {"X": [2, 3]}, [1, 1], ["A", "B"], [None] * 2, [], [1, 1], discount=0.1
    )
    row = cmp_.top["X"][0]
    assert row["index"] == 1 and row["own_phase"] == 1 and row["regional_phase"] == 2
    assert row["status"] == "deferred"
    assert cmp_.top["X"][1]["status"] == "earlier"


def test_plan_stability_frequencies():
    samples = np.array([[3, 2, 1], [1, 2, 3], [3, 2, 1], [1, 2, 3]], dtype=float)
    st_ = phasing.plan_stability(samples, [1, 1, 1], ["A", "B", "C"], [None] * 3, [], [1, 1],
                                 discount=0.1)
    assert st_.samples == 4
    assert st_.frequency[0] == pytest.approx([0.5, 0.0, 0.5])
    assert st_.frequency[1] == pytest.approx([0.0, 1.0, 0.0])
    assert st_.modal_phase[1] == 2
    assert st_.distinct_plans == 2
    assert all(sum(r) == pytest.approx(1) for r in st_.frequency)


def test_plan_stability_infeasible_returns_explanation():
    st_ = phasing.plan_stability(
        np.ones((3, 2)), [5, 5], ["A", "B"], [None] * 2, [], [5], {"min_one_by_phase": 1}
    )
    assert st_.status == "infeasible" and st_.samples == 0
    assert st_.infeasibility.rule == "min_one_by_phase"


# --------------------------------------------------------------------------- spread


def test_spread_hand_computed():
    # A (pop 1000): 10 in phase 1; B (pop 2000): 20 in phase 2; C (pop unknown): 5 in phase 2;
    # D: nothing; a regional investment (no host) of 7 in phase 1.
    sp = phasing.spread(
        [1, 2, 2, 1, None],
        [10, 20, 5, 7, 99],
        ["A", "B", "C", None, "D"],
        ["A", "B", "C", "D"],
        {"A": 1000, "B": 2000, "C": None, "D": 500},
        2,
    )
    assert sp.per_phase["A"] == [10, 0] and sp.per_phase["B"] == [0, 20]
    assert sp.per_capita["A"] == pytest.approx([0.01, 0.0])
    assert sp.per_capita["C"] is None
    assert sp.regional == [7, 0]
    assert sp.reached_share == pytest.approx([0.25, 0.75])
    assert sp.reached_by == {"A": 1, "B": 2, "C": 2, "D": None}
    # Gini over A, B, D (known population), per inhabitant, each municipality counted once.
    # Phase 1: x = (0.01, 0, 0): Σ|xi−xj| = 4·0.01 = 0.04; 2·n²·μ = 2·9·(0.01/3) = 0.06 → 2/3.
    assert sp.gini_cumulative[0] == pytest.approx(2 / 3)
    # By phase 2: x = (0.01, 0.01, 0): Σ|xi−xj| = 0.04; 2·9·(0.02/3) = 0.12 → 1/3.
    assert sp.gini_per_capita == pytest.approx(1 / 3)


def test_gini_edge_cases():
    assert phasing.gini([]) == 0.0
    assert phasing.gini([0, 0]) == 0.0
    assert phasing.gini([1, 1, 1]) == 0.0
    assert phasing.gini([0, 0, 0, 1]) == pytest.approx(0.75)


def test_values_from_scores():
    assert phasing.values_from_scores([0.2, 0.5]).tolist() == [0.2, 0.5]
    v = phasing.values_from_scores([0.1, 0.3, 0.2], higher_is_better=False)  # VIKOR-like
    assert v[0] == pytest.approx(1.0) and v[1] == pytest.approx(0.01)
    assert phasing.values_from_scores([-1, 1]).tolist() == pytest.approx([0.01, 1.0])


def test_plan_stability_pool_shortcut_matches_exact_per_sample():
    # One phase (no phase ambiguity), continuous values: the optimum is unique per sample, so
    # the LP-certified pool shortcut must give exactly the per-sample exact plans.
    rng = np.random.default_rng(5)
    n = 10
    costs = rng.integers(1, 9, n).astype(float).tolist()
    hosts = [None] * n
    samples = rng.uniform(0.1, 1, (25, n))
    st_ = phasing.plan_stability(samples, costs, hosts, [None] * n, [], [15.0],
                                 mip_rel_gap=1e-9)
    expected = np.zeros(n)
    for v in samples:
        best, arg = brute_force(v.tolist(), costs, hosts, [None] * n, [], [15.0])
        expected += np.array([a == 1 for a in arg[0]], dtype=float)
    assert np.allclose(np.array(st_.frequency)[:, 0], expected / len(samples))
    assert st_.from_pool + 1 <= len(samples)


def test_wsm_value_samples_empirical_and_uniform():
    matrix = np.array([[1.0, 5.0], [2.0, 3.0], [4.0, 1.0]])
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    a = phasing.wsm_value_samples(matrix, [1, -1], 50, 7, weights, [0, 1, 1])
    b = phasing.wsm_value_samples(matrix, [1, -1], 50, 7, weights, [0, 1, 1])
    assert a.shape == (50, 3) and np.array_equal(a, b)  # seeded
    assert (a >= 0).all()
    # Group 0 (one participant, all weight on criterion 1, benefit) gets half the samples:
    # sum-normalised column 1 is (1, 2, 4)/7.
    hits = np.isclose(a, np.array([1, 2, 4]) / 7).all(axis=1).sum()
    assert hits == 25
    u = phasing.wsm_value_samples(matrix, [1, -1], 20, 1)
    assert u.shape == (20, 3)


def test_exact_checks_read_money_and_shares_as_the_decimals_entered():
    """Found by test_matches_brute_force: B's only investment (7 of 10) sits exactly at the
    70 % share cap. Read as binary floats, 7 > Fraction(0.7) · 10 and the exact check cut
    the only feasible plan ("infeasible" with no municipality named); as decimals it fits."""
    res = phasing.plan([0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, 7.0], ["A", "A", "A", "B"],
                       [None] * 4, [], [10.0],
                       {"municipalities": ["A", "B", "C"], "min_one_by_phase": 1,
                        "max_share": 0.7}, discount=0.0)
    assert res.status == "optimal"
    assert res.assignment == [1, 1, 1, 1]
    # 0.1 + 0.2 fits a budget of 0.3 (in binary floats the sum is 0.30000000000000004)
    res = phasing.plan([1.0, 1.0], [0.1, 0.2], ["A", "B"], [None] * 2, [], [0.3])
    assert res.assignment == [1, 1]
    assert res.spend == [pytest.approx(0.3)]
