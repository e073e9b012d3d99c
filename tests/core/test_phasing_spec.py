"""The one scenario checker (``mcda.core.phasing.spec``): a demand on investments that can
never be planned is refused with the field named (issue 22 item 1), and the analysis input
refuses it with exit 2 through ``python -m mcda analyze``."""

from __future__ import annotations

import copy
import json

import pytest

from mcda.analyze_cli import main
from mcda.core.analysis import analyze
from mcda.core.errors import MCDAInputError
from mcda.core.phasing.spec import SpecContext, check_scenario, plannable

from .test_analysis_scenarios import with_scenarios


def _no_cost(d, *ids):
    for a in d["alternatives"]:
        if a["id"] in ids:
            a.pop("cost", None)
    return d


CASES = [
    # a pin "in phase p" on an investment without a cost
    ({"pins": [{"alternative": "scen", "kind": "in", "phase": 1}]}, ("scen",),
     "scenarios[0].rules.pins[0].alternative", "saknar kostnad", "has no cost"),
    # ... or on one that requires an investment without a cost
    ({"pins": [{"alternative": "museum", "kind": "in", "phase": 2}]}, ("scen",),
     "scenarios[0].rules.pins[0].alternative", "kräver en investering utan kostnad",
     "requires an investment without a cost"),
    # an "at least one of" group whose investments all lack a cost
    ({"groups": [{"name": "scener", "kind": "at_least_one",
                  "alternatives": ["scen", "ateljeer"]}]}, ("scen", "ateljeer"),
     "scenarios[0].rules.groups[0].alternatives", "kan aldrig komma med", "can never be"),
    # a group listing no investments
    ({"groups": [{"name": "tom", "kind": "at_least_one", "alternatives": []}]}, (),
     "scenarios[0].rules.groups[0].alternatives", "behöver minst en investering",
     "needs at least one investment"),
    ({"groups": [{"name": "tom", "kind": "at_most_one", "alternatives": []}]}, (),
     "scenarios[0].rules.groups[0].alternatives", "behöver minst två", "needs at least two"),
]


def _input(rules, no_cost):
    d = with_scenarios({"id": "x", "name": "x", "rules": rules})
    if "museum" in json.dumps(rules) and "scen" in no_cost:
        next(a for a in d["alternatives"] if a["id"] == "museum")["requires"] = ["scen"]
    return _no_cost(d, *no_cost)


@pytest.mark.parametrize(("rules", "no_cost", "field", "sv", "en"), CASES)
def test_never_plannable_demand_is_refused(rules, no_cost, field, sv, en):
    with pytest.raises(MCDAInputError) as ei:
        analyze(_input(rules, no_cost))
    assert ei.value.field == field
    assert sv in ei.value.message_sv and en in ei.value.message_en


@pytest.mark.parametrize(("rules", "no_cost", "field", "sv", "en"), CASES[:1] + CASES[2:4])
def test_cli_exit_2_names_the_field(tmp_path, capsys, rules, no_cost, field, sv, en):
    p = tmp_path / "in.json"
    p.write_text(json.dumps(_input(rules, no_cost), ensure_ascii=False), "utf-8")
    assert main([str(p)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    lines = [ln for ln in out.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in out.err


def test_plannable_demands_still_plan():
    """A group with one investment without a cost and one with: planned, the demand kept."""
    d = _no_cost(with_scenarios({"id": "x", "name": "x", "rules": {"groups": [
        {"name": "g", "kind": "at_least_one", "alternatives": ["scen", "ateljeer"]}]}}),
        "scen")
    res = analyze(copy.deepcopy(d))["scenarios"]["results"][0]
    assert res["status"] == "optimal" and res["plan"]["assignment"]["ateljeer"] is not None


def test_plannable_reasons():
    assert plannable([1.0, None, 2.0, 3.0], [[], [], [1], [2]]) == {
        1: "no_cost", 2: "requires_unplanned", 3: "requires_unplanned"}


def test_checker_normalises():
    ctx = SpecContext(n_phases=2, alternatives={"a": "A", "b": "B"}, criteria={"c": "C"},
                      methods=("model", "wsm"))
    out = check_scenario({"rules": {"groups": [{"kind": "at_most_one",
                                                 "alternatives": ["a", "b", "a"]}]},
                          "cost_change": {"per_alternative": {"a": 0}}}, ctx)
    assert out["rules"]["groups"] == [{"name": "högst en av", "kind": "at_most_one",
                                       "alternatives": ["a", "b"]}]
    assert out["cost_change"] == {"overall_pct": 0.0, "per_alternative": {}}
    assert out["method"] == "model" and out["budgets"] is None  # the decision's model
