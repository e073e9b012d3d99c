"""Infeasibility explanations name every rule the conflict needs, and nothing false
(issue 22 item 3 and its "also found")."""

from __future__ import annotations

from mcda.core import phasing


def test_min_one_blocked_by_share_cap_not_only_the_budget():
    # A (cost 3) and B (cost 1) by phase 1 under a budget of 3.5 and a 50 % share cap: the
    # budget blocks, but so does the cap on its own (A is 75 % of any plan with both), so
    # raising the budget alone would leave no plan: the cap must be named.
    res = phasing.plan([1, 1], [3, 1], ["A", "B"], [1, 1], [], [3.5],
                       {"min_one_by_phase": 1, "max_share": 0.5})
    why = res.infeasibility
    assert res.status == "infeasible"
    assert "max_share" in why.rule.split("+")
    assert "50 %" in why.message_sv and "50 %" in why.message_en
    assert {r["kind"] for r in why.rules} >= {"min_one_by_phase", "max_share"}
    # still no plan with every budget raised: the explanation does not rest on the budget
    again = phasing.plan([1, 1], [3, 1], ["A", "B"], [1, 1], [], [1e6],
                         {"min_one_by_phase": 1, "max_share": 0.5})
    assert again.status == "infeasible"


def test_min_one_needs_budget_and_share_together():
    # Each rule alone leaves a plan; only the budget and the cap together block it.
    # A: 3; B: 1 or 2. Within 4.5 only A + 1 fits (A 75 %); all three (A 50 %) costs 6.
    res = phasing.plan([1, 1, 1], [3, 1, 2], ["A", "B", "B"], [1, 1, 1], [], [4.5],
                       {"min_one_by_phase": 1, "max_share": 0.55})
    assert res.status == "infeasible"
    why = res.infeasibility
    assert "max_share" in why.rule and "budget of phases 1–1" in why.message_en
    assert "55 %" in why.message_en and "budgeten i etapp 1–1" in why.message_sv


def test_cheapest_names_the_pin_that_excludes_a_cheaper_one():
    # Hamnen (2) is pinned "never"; Torget (8) is the cheapest that may come, and it does
    # not fit the budget of 5. The message must not call Torget "the cheapest" outright.
    res = phasing.plan([1, 1, 1], [2, 8, 1], ["Hjo", "Hjo", "Skara"], [1, 1, 1], [], [5],
                       {"min_one_by_phase": 1, "pins": [{"item": 0, "kind": "never"}]},
                       names=["Hamnen", "Torget", "Bron"])
    why = res.infeasibility
    assert why.municipalities == ["Hjo"]
    assert "the cheapest investment that can come by phase 1, Torget" in why.message_en
    assert "Hamnen never in the plan" in why.message_en
    assert "Hamnen aldrig med" in why.message_sv
    assert {"kind": "never", "sv": "Hamnen aldrig med", "en": "Hamnen never in the plan"} in (
        why.rules)


def test_largest_budget_is_of_the_phases_the_investment_can_use():
    # Torget can start in phase 2 only, whose budget is 3; phase 1's 10 is not its to use.
    res = phasing.plan([1, 1], [5, 1], ["Hjo", "Skara"], [2, 1], [], [10, 3],
                       {"min_one_by_phase": 2}, names=["Torget", "Bron"])
    why = res.infeasibility
    assert "phase 2 (3)" in why.message_en and "(10)" not in why.message_en


def test_budgets_not_blamed_when_other_rules_together_block():
    # "at least one of" {Hallen} with Hallen both paid half by a pool with no money and in
    # an "at most one" group with the pinned Scenen: dropping either rule alone leaves no
    # plan, dropping both does, whatever the budget. The budgets are not what blocks it.
    rules = {"pins": [{"item": 1, "kind": "in", "phase": 1}],
             "groups": [{"name": "hall", "kind": "at_least_one", "items": [0]},
                        {"name": "en scen", "kind": "at_most_one", "items": [0, 1]}],
             "pools": [{"name": "EU", "budgets": [0.0], "shares": {0: 0.5}}]}
    res = phasing.plan([1, 1], [1, 1], [None, None], [1, 1], [], [100.0], rules,
                       names=["Hallen", "Scenen"])
    why = res.infeasibility
    assert res.status == "infeasible"
    assert "Etappbudgetarna" not in why.message_sv and "phase budgets" not in why.message_en
    assert "minst en av hall" in why.message_sv
    # the rules named are enough: with every other rule dropped the demand still fails
    named = {r["kind"] for r in why.rules}
    assert named & {"pool", "at_most_one"}


def test_prerequisite_chain_names_the_pin_behind_it():
    # Scenen (A) requires Hallen, which is pinned "not before phase 2": Scenen cannot come
    # before phase 3, so A is not reached by phase 2. The pin is what to change: name it.
    res = phasing.plan([0.25, 5.0], [9.0, 1.0], [None, "A"], [1, 1], [(1, 0)], [9, 3, 11],
                       {"min_one_by_phase": 2, "municipalities": ["A"],
                        "pins": [{"item": 0, "kind": "not_before", "phase": 2}]},
                       names=["Hallen", "Scenen"])
    why = res.infeasibility
    assert "Scenen requires Hallen" in why.message_en and "Hallen not before phase 2" in (
        why.message_en)
    assert "Scenen kräver Hallen" in why.message_sv
    assert {r["kind"] for r in why.rules} == {"min_one_by_phase", "prerequisites", "not_before"}


def test_window_of_a_dearer_investment_is_explained():
    # A: Torget (net 6.75, requires Bron in B, so phase 2 at the earliest) and Hamnen (8,
    # "not before phase 3"); budgets 9/3/5. Either would fit phase 1: say why neither may.
    rules = {"min_one_by_phase": 3, "municipalities": ["A", "B"],
             "pools": [{"name": "P", "budgets": [3.0, 5.0, 4.0], "shares": {1: 0.25}}],
             "pins": [{"item": 2, "kind": "not_before", "phase": 3}]}
    res = phasing.plan([1, 1, 1], [3.4, 9.0, 8.0], ["B", "A", "A"], [1, 1, 1], [(1, 0)],
                       [9.0, 3.0, 5.0], rules, names=["Bron", "Torget", "Hamnen"])
    en = res.infeasibility.message_en
    assert "Torget requires Bron" in en and "Hamnen not before phase 3" in en


def test_dearer_investment_kept_out_by_a_pin_is_named():
    # C: I0 (6) may not come before phase 2 (budget 3); I2 (7) would fit phase 1's 13 but
    # is pinned "never": both pins are part of why C cannot be reached.
    rules = {"municipalities": ["A", "B", "C"], "min_one_by_phase": 2,
             "pins": [{"item": 0, "kind": "not_before", "phase": 2},
                      {"item": 2, "kind": "never"}]}
    res = phasing.plan([4.75, 2.75, 0.0], [6.0, 0.6, 7.0], ["C", None, "C"], [1, 2, 1],
                       [(1, 0)], [12.9999999999, 3.0], rules, names=["I0", "I1", "I2"])
    en = res.infeasibility.message_en
    assert "I0 not before phase 2" in en and "I2 never in the plan" in en
