"""Phase rules of issue 15: funding pools, pins, "at most / at least one of" groups.

Brute force (plain itertools, independent of the MILP) confirms the optimum with every rule
kind at once; each rule kind has an infeasibility explanation test in Swedish and English.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.core import phasing
from mcda.core.errors import MCDAInputError

from .test_phasing import as_combo
from .test_phasing import feasible as base_feasible


def feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis):
    """The base rules plus pools, pins and groups, checked directly on an assignment."""
    P = len(budgets)
    pools = rules.get("pools") or []
    pooled = [sum(pl["shares"].get(i, 0.0) for pl in pools) for i in range(len(combo))]
    net = [c * (1 - s) for c, s in zip(costs, pooled, strict=True)]
    base_rules = {k: v for k, v in rules.items() if k in ("min_one_by_phase", "max_share")}
    # budgets apply to the net cost; max share to the full cost: check them separately
    for p in range(1, P + 1):
        if sum(net[i] for i, a in enumerate(combo) if a == p) > budgets[p - 1] + 1e-9:
            return False
    if not base_feasible(combo, costs, hosts, earliest, prereq, [float("inf")] * P,
                         base_rules, munis):
        return False
    for pl in pools:
        for p in range(1, P + 1):
            used = sum(costs[i] * pl["shares"].get(i, 0.0) for i, a in enumerate(combo) if a == p)
            if used > pl["budgets"][p - 1] + 1e-9:
                return False
    for pin in rules.get("pins") or []:
        a = combo[pin["item"]]
        if pin["kind"] == "in" and a != pin["phase"]:
            return False
        if pin["kind"] == "not_before" and a and a < pin["phase"]:
            return False
        if pin["kind"] == "never" and a:
            return False
    for g in rules.get("groups") or []:
        k = sum(1 for i in g["items"] if combo[i])
        if g["kind"] == "at_most_one" and k > 1:
            return False
        if g["kind"] == "at_least_one" and k < 1:
            return False
    return True


def brute_force(values, costs, hosts, earliest, prereq, budgets, rules):
    n, P = len(values), len(budgets)
    munis = rules.get("municipalities") or sorted({h for h in hosts if h})
    best = None
    for combo in itertools.product(range(P + 1), repeat=n):
        if feasible(combo, costs, hosts, earliest, prereq, budgets, rules, munis):
            obj = sum(values[i] for i, a in enumerate(combo) if a)
            if best is None or obj > best:
                best = obj
    return best


@st.composite
def instances(draw, max_n=7):
    n = draw(st.integers(2, max_n))
    P = draw(st.integers(1, 3))
    munis = ["A", "B", "C"]
    values = [draw(st.integers(0, 20)) / 4 for _ in range(n)]
    costs = [float(draw(st.integers(0, 9))) for _ in range(n)]
    hosts = [draw(st.sampled_from([*munis, None])) for _ in range(n)]
    earliest = [draw(st.sampled_from([None, 1, 1, 2])) for _ in range(n)]
    budgets = [float(draw(st.integers(0, 12))) for _ in range(P)]
    prereq = []
    for i in range(1, n):
        if draw(st.integers(0, 3)) == 0:
            j = draw(st.integers(0, i - 1))
            if (earliest[j] or 1) <= (earliest[i] or 1):
                prereq.append((i, j))
    rules: dict = {"municipalities": munis}
    if draw(st.booleans()):
        rules["min_one_by_phase"] = draw(st.integers(1, P))
    if draw(st.booleans()):
        rules["max_share"] = draw(st.sampled_from([0.5, 0.7, 1.0]))
    pools = []
    for k in range(draw(st.integers(0, 2))):
        shares = {}
        for i in range(n):
            if draw(st.booleans()):
                shares[i] = draw(st.sampled_from([0.25, 0.5])) if k == 0 else 0.25
        pools.append({"name": f"pool{k}",
                      "budgets": [float(draw(st.integers(0, 6))) for _ in range(P)],
                      "shares": shares})
    if pools:
        rules["pools"] = pools
    items = draw(st.permutations(range(n)))
    pins = []
    for i in items[: draw(st.integers(0, min(3, n)))]:
        kind = draw(st.sampled_from(["in", "not_before", "never"]))
        pins.append({"item": i, "kind": kind,
                     "phase": None if kind == "never" else draw(st.integers(1, P))})
    if pins:
        rules["pins"] = pins
    groups = []
    if draw(st.booleans()):
        groups.append({"name": "G1", "kind": "at_most_one",
                       "items": sorted(draw(st.sets(st.integers(0, n - 1), min_size=2,
                                                    max_size=3)))})
    if draw(st.booleans()):
        groups.append({"name": "G2", "kind": "at_least_one",
                       "items": sorted(draw(st.sets(st.integers(0, n - 1), min_size=1,
                                                    max_size=3)))})
    if groups:
        rules["groups"] = groups
    return values, costs, hosts, earliest, prereq, budgets, rules


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_rule_kind_matches_brute_force(inst):
    values, costs, hosts, earliest, prereq, budgets, rules = inst
    best = brute_force(values, costs, hosts, earliest, prereq, budgets, rules)
    res = phasing.plan(values, costs, hosts, earliest, prereq, budgets, rules)
    if best is None:
        assert res.status == "infeasible"
        assert res.infeasibility is not None
        assert res.infeasibility.message_sv and res.infeasibility.message_en
        return
    assert res.status == "optimal"
    assert feasible(as_combo(res.assignment), costs, hosts, earliest, prereq, budgets, rules,
                    rules["municipalities"])
    assert res.total_value == pytest.approx(best, abs=1e-6)


def test_twelve_investments_every_rule_kind_seeded():
    """12 investments × 2 phases (3^12 assignments) with every rule kind at once."""
    rng = np.random.default_rng(15)
    n = 12
    values = rng.uniform(0, 1, n).round(3).tolist()
    costs = rng.integers(1, 8, n).astype(float).tolist()
    hosts = [["A", "B", "C", "D"][i % 4] for i in range(n)]
    earliest = [1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1]
    prereq = [(5, 0), (11, 3)]
    budgets = [10.0, 9.0]
    rules = {
        "min_one_by_phase": 2, "max_share": 0.45, "municipalities": ["A", "B", "C", "D"],
        "pools": [{"name": "EU", "budgets": [3.0, 2.0], "shares": {1: 0.5, 4: 0.5, 7: 0.5}},
                  {"name": "Staten", "budgets": [2.0, 4.0], "shares": {2: 0.3, 8: 0.5}}],
        "pins": [{"item": 6, "kind": "in", "phase": 2},
                 {"item": 9, "kind": "never", "phase": None},
                 {"item": 10, "kind": "not_before", "phase": 2}],
        "groups": [{"name": "konserthus", "kind": "at_most_one", "items": [1, 2, 3]},
                   {"name": "bibliotek", "kind": "at_least_one", "items": [7, 8]}],
    }
    best = brute_force(values, costs, hosts, earliest, prereq, budgets, rules)
    res = phasing.plan(values, costs, hosts, earliest, prereq, budgets, rules)
    assert best is not None and res.status == "optimal"
    assert res.total_value == pytest.approx(best, abs=1e-9)
    combo = as_combo(res.assignment)
    assert feasible(combo, costs, hosts, earliest, prereq, budgets, rules, rules["municipalities"])
    assert combo[6] == 2 and combo[9] == 0
    assert sum(1 for i in (1, 2, 3) if combo[i]) <= 1
    assert res.pool_spend["EU"][0] <= 3.0 + 1e-9


# --------------------------------------------------------------------------- by hand


def test_pool_pays_part_of_the_cost():
    # A costs 10, EU pays 60 %: only 4 from the phase budget of 5, so A fits.
    res = phasing.plan([1.0], [10.0], ["X"], [None], [], [5.0],
                       {"pools": [{"name": "EU", "budgets": [6.0], "shares": {0: 0.6}}]})
    assert res.assignment == [1]
    assert res.spend == [pytest.approx(4.0)]
    assert res.pool_spend == {"EU": [pytest.approx(6.0)]}
    # the pool's own budget binds: EU has only 5 in the phase
    res = phasing.plan([1.0], [10.0], ["X"], [None], [], [5.0],
                       {"pools": [{"name": "EU", "budgets": [5.0], "shares": {0: 0.6}}]})
    assert res.assignment == [None]


def test_pins_by_hand():
    values, costs = [3.0, 2.0, 1.0], [1.0, 1.0, 1.0]
    hosts, earl = ["X"] * 3, [None] * 3
    res = phasing.plan(values, costs, hosts, earl, [], [3.0, 3.0],
                       {"pins": [{"item": 0, "kind": "in", "phase": 2},
                                 {"item": 1, "kind": "never"},
                                 {"item": 2, "kind": "not_before", "phase": 2}]})
    assert res.assignment == [2, None, 2]


def test_groups_by_hand():
    # at most one of the concert halls (A in Skövde, B in Lidköping); at least one of C, D.
    res = phasing.plan([5.0, 4.0, 1.0, 0.5], [1.0] * 4, ["Skövde", "Lidköping", "X", "X"],
                       [None] * 4, [], [3.0],
                       {"groups": [{"name": "konserthus", "kind": "at_most_one", "items": [0, 1]},
                                   {"name": "C eller D", "kind": "at_least_one",
                                    "items": [2, 3]}]})
    assert res.assignment[0] == 1 and res.assignment[1] is None
    assert res.assignment[2] == 1


# --------------------------------------------------------------------------- explanations

NAMES = ["Konserthus Skövde", "Konserthus Lidköping", "Bibliotek Hova", "Kulturbuss"]
HOSTS = ["Skövde", "Lidköping", "Gullspång", None]


def _plan(rules, budgets=(10.0, 10.0), costs=(6.0, 6.0, 3.0, 2.0), prereq=()):
    return phasing.plan([1.0, 1.0, 1.0, 1.0], list(costs), HOSTS, [None] * 4, list(prereq),
                        list(budgets), rules, names=NAMES)


def test_explain_pin_over_budget():
    res = _plan({"pins": [{"item": 0, "kind": "in", "phase": 1}]}, budgets=(5.0, 10.0))
    inf = res.infeasibility
    assert res.status == "infeasible" and inf.rule == "pin" and inf.phase == 1
    assert "Konserthus Skövde är låst till etapp 1" in inf.message_sv
    assert "budget 5" in inf.message_sv
    assert "Konserthus Skövde is pinned to phase 1" in inf.message_en
    assert inf.municipalities == ["Skövde"]


def test_explain_pin_after_never_prerequisite():
    res = _plan({"pins": [{"item": 2, "kind": "in", "phase": 2},
                          {"item": 3, "kind": "never"}]}, prereq=[(2, 3)])
    inf = res.infeasibility
    assert inf.rule == "pin"
    assert "kan inte komma med alls" in inf.message_sv and "'aldrig'" in inf.message_sv
    assert "cannot be in the plan at all" in inf.message_en


def test_explain_not_before_blocks_pin_via_prerequisite():
    # Hova's library (pinned to phase 2) needs the bus, which may not come before phase 2.
    res = _plan({"pins": [{"item": 2, "kind": "in", "phase": 2},
                          {"item": 3, "kind": "not_before", "phase": 2}]},
                budgets=(10.0, 10.0, 10.0), prereq=[(2, 3)])
    inf = res.infeasibility
    assert inf.rule == "pin"
    assert "tidigast genomföras i etapp 3" in inf.message_sv
    assert "cannot start before phase 3" in inf.message_en


def test_explain_pool_too_small_for_pinned_item():
    rules = {"pins": [{"item": 0, "kind": "in", "phase": 1}],
             "pools": [{"name": "EU", "budgets": [1.0, 5.0], "shares": {0: 0.5}}]}
    inf = _plan(rules).infeasibility
    assert inf.rule == "pin+pool"
    assert "finansieringskällan EU ska betala 3" in inf.message_sv
    assert "the funding pool EU must pay 3" in inf.message_en


def test_explain_pool_blocks_two_pins_together():
    # each pinned hall alone fits EU's 4 in phase 1 (3 each); together they need 6.
    rules = {"pins": [{"item": 0, "kind": "in", "phase": 1}, {"item": 1, "kind": "in",
                                                              "phase": 1}],
             "pools": [{"name": "EU", "budgets": [4.0, 4.0], "shares": {0: 0.5, 1: 0.5}}]}
    inf = _plan(rules, budgets=(20.0, 20.0)).infeasibility
    assert "pool" in inf.rule.split("+") and "pin" in inf.rule.split("+")
    assert "finansieringskällan EU" in inf.message_sv and "låst till etapp 1" in inf.message_sv
    assert "the funding pool EU" in inf.message_en and "pinned to phase 1" in inf.message_en


def test_explain_at_most_one_conflicts_with_pins():
    rules = {"pins": [{"item": 0, "kind": "in", "phase": 1}, {"item": 1, "kind": "in",
                                                              "phase": 2}],
             "groups": [{"name": "ett konserthus", "kind": "at_most_one", "items": [0, 1]}]}
    inf = _plan(rules).infeasibility
    assert "at_most_one" in inf.rule.split("+")
    assert "högst en av ett konserthus (Konserthus Skövde, Konserthus Lidköping)" in (
        inf.message_sv)
    assert "at most one of ett konserthus" in inf.message_en
    assert {r["kind"] for r in inf.rules} >= {"pin", "at_most_one"}


def test_explain_at_least_one_all_never():
    rules = {"pins": [{"item": 0, "kind": "never"}, {"item": 1, "kind": "never"}],
             "groups": [{"name": "ett konserthus", "kind": "at_least_one", "items": [0, 1]}]}
    inf = _plan(rules).infeasibility
    assert inf.rule == "at_least_one"
    assert "Regeln 'minst en av ett konserthus' kan inte uppfyllas" in inf.message_sv
    assert "The rule 'at least one of ett konserthus' cannot be met" in inf.message_en


def test_explain_at_least_one_against_budget_and_never():
    # the group needs a hall (cost 6) but the budget only has 5 left beside a pinned bus.
    rules = {"groups": [{"name": "konserthus", "kind": "at_least_one", "items": [0, 1]}],
             "pins": [{"item": 3, "kind": "in", "phase": 1}]}
    inf = _plan(rules, budgets=(7.0,)).infeasibility
    assert set(inf.rule.split("+")) == {"at_least_one", "pin"}
    assert "minst en av konserthus" in inf.message_sv and "Etappbudgetarna (7)" in inf.message_sv
    assert "at least one of konserthus" in inf.message_en and "phase budgets (7)" in (
        inf.message_en)


def test_explain_min_one_with_pool_blocker():
    # Gullspång's only investment is co-financed by a pool with no money by phase 1.
    rules = {"min_one_by_phase": 1, "municipalities": ["Gullspång", "Lidköping", "Skövde"],
             "pools": [{"name": "Staten", "budgets": [0.0, 5.0], "shares": {2: 0.5}}]}
    inf = _plan(rules, budgets=(20.0, 20.0)).infeasibility
    assert "min_one_by_phase" in inf.rule and "pool" in inf.rule
    assert "minst en investering i Gullspång senast etapp 1" in inf.message_sv
    assert "finansieringskällan Staten" in inf.message_sv
    assert "the funding pool Staten" in inf.message_en
    assert inf.municipalities == ["Gullspång"]


@pytest.mark.parametrize(
    ("rules", "field", "needle"),
    [
        ({"pools": [{"name": "", "budgets": [1, 1]}]}, "rules.pools[0].name", "saknar namn"),
        ({"pools": [{"name": "EU", "budgets": [1]}]}, "rules.pools[0].budgets", "var och en"),
        ({"pools": [{"name": "EU", "budgets": [1, 1], "shares": {0: 1.5}}]},
         "rules.pools[0].shares", "mellan 0 och 1"),
        ({"pools": [{"name": "EU", "budgets": [1, 1], "shares": {0: 0.6}},
                    {"name": "Staten", "budgets": [1, 1], "shares": {0: 0.6}}]},
         "rules.pools", "mer än hela kostnaden"),
        ({"pins": [{"item": 0, "kind": "sometime", "phase": 1}]}, "rules.pins[0].kind",
         "Okänd låsning"),
        ({"pins": [{"item": 0, "kind": "in", "phase": 3}]}, "rules.pins[0].phase",
         "mellan 1 och 2"),
        ({"pins": [{"item": 0, "kind": "in", "phase": 1}, {"item": 0, "kind": "never"}]},
         "rules.pins[1].item", "redan en låsning"),
        ({"pins": [{"item": 9, "kind": "never"}]}, "rules.pins[0].item", "finns inte"),
        ({"groups": [{"name": "g", "kind": "at_most_one", "items": [0]}]},
         "rules.groups[0].items", "minst 2"),
        ({"groups": [{"name": "g", "kind": "one_of", "items": [0, 1]}]},
         "rules.groups[0].kind", "Okänd gruppregel"),
    ],
)
def test_rule_validation_names_the_item(rules, field, needle):
    with pytest.raises(MCDAInputError) as ei:
        _plan(rules)
    assert ei.value.field == field
    assert needle in ei.value.message_sv
    assert ei.value.message_en
