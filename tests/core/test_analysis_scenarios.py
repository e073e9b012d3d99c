"""The `scenarios` input section and result: weights sources, cost changes, rules, frontier,
comparison, validation, and the round trip through `python -m mcda analyze`."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from mcda.core import phasing, scenarios
from mcda.core.analysis import analyze
from mcda.core.errors import MCDAInputError

from .test_analysis_phasing import phased

ROOT = Path(__file__).resolve().parents[2]


def with_scenarios(*scs) -> dict:
    d = phased()
    d["options"]["smaa"] = None
    d["options"]["sensitivity"] = None
    d["phases"][0]["budget"] = 200
    d["scenarios"] = list(scs)
    return d


BASE = {"id": "bas", "name": "Regionen"}
SKOVDE = {"id": "skovde", "name": "Skövdes vikter",
          "weights": {"source": "group", "group": "Skövde"}, "method": "topsis"}
TIGHT = {"id": "snal", "name": "Snålt", "budgets": [60, 200],
         "cost_change": {"overall_pct": 10, "per_alternative": {"museum": -50}},
         "rules": {"pins": [{"alternative": "ateljeer", "kind": "in", "phase": 2}],
                   "pools": [{"name": "EU", "budgets": [20, 20], "shares": {"scen": 0.5}}],
                   "groups": [{"name": "stort hus", "kind": "at_most_one",
                               "alternatives": ["kulturhus", "museum"]}]},
         "frontier": True}


def test_scenarios_are_planned_and_compared():
    out = analyze(with_scenarios(BASE, SKOVDE, TIGHT))["scenarios"]
    res = {r["id"]: r for r in out["results"]}
    assert set(res) == {"bas", "skovde", "snal"}
    # the baseline uses the region's weights, equal to the analysis' own
    assert res["bas"]["weights_label"]["sv"] == "regionens vikter (en kommun – en röst)"
    assert res["skovde"]["weights_label"]["en"] == "Skövde's own weights"
    assert res["skovde"]["method"] == "topsis"
    snal = res["snal"]
    assert snal["costs"]["kulturhus"] == pytest.approx(420 * 1.1)
    assert snal["costs"]["museum"] == pytest.approx(160 * 1.1 * 0.5)
    assert snal["plan"]["assignment"]["ateljeer"] == 2
    assert not (snal["plan"]["assignment"]["kulturhus"] and snal["plan"]["assignment"]["museum"])
    assert snal["plan"]["budgets"] == [60, 200]
    # the plan equals phasing.plan on the same arrays (nothing hidden in between)
    ids = list(snal["values"])
    direct = phasing.plan(
        [snal["values"][a] for a in ids], [snal["costs"][a] for a in ids],
        ["Skövde", None, "Lidköping", "Mariestad"], [1] * 4, [], [60, 200],
        {"pins": [{"item": ids.index("ateljeer"), "kind": "in", "phase": 2}],
         "pools": [{"name": "EU", "budgets": [20, 20], "shares": {ids.index("scen"): 0.5}}],
         "groups": [{"name": "g", "kind": "at_most_one",
                     "items": [ids.index("kulturhus"), ids.index("museum")]}]})
    assert [snal["plan"]["assignment"][a] for a in ids] == direct.assignment
    # frontier: 10 levels from 50 % to 150 %, value never falls as the budget grows
    fr = snal["frontier"]
    assert [row["level"] for row in fr] == list(scenarios.FRONTIER_LEVELS)
    assert fr[0]["budgets"] == [30, 100] and fr[-1]["budgets"] == [90, 300]
    vals = [row["total_value"] for row in fr if row["total_value"] is not None]
    assert vals == sorted(vals)
    # exactly 100 % is a level, and its point is the scenario's own plan (the line passes
    # through the scenario's marker; evenly spaced levels gave 94 % and 106 %)
    assert len(scenarios.FRONTIER_LEVELS) == 10 and 1.0 in scenarios.FRONTIER_LEVELS
    own = next(row for row in fr if row["level"] == 1.0)
    assert own["budgets"] == snal["plan"]["budgets"]
    assert own["total_value"] == pytest.approx(snal["plan"]["total_value"], rel=1e-6)
    # comparison: baseline first, rank per scenario
    cmp = out["comparison"]
    assert cmp["baseline"] == "bas" and cmp["scenarios"] == ["bas", "skovde", "snal"]
    row = next(r for r in cmp["rows"] if r["alternative"] == "ateljeer")
    assert row["ranks"] == [res[s]["ranks"]["ateljeer"] for s in ("bas", "skovde", "snal")]
    assert row["changes"][0] in ("same", "none")


def test_manual_and_coalition_weights():
    man = {"id": "hand", "name": "För hand",
           "weights": {"source": "manual", "weights": {}}}
    coal = {"id": "koal", "name": "Koalition",
            "weights": {"source": "coalition", "groups": ["Skövde", "Mariestad"],
                        "between_groups": "population"}}
    d = with_scenarios(man, coal)
    crits = [c["id"] for c in d["criteria"]]
    man["weights"]["weights"] = {c: 1 for c in crits}
    out = analyze(d)["scenarios"]["results"]
    assert all(w == pytest.approx(1 / len(crits)) for w in out[0]["weights"].values())
    assert out[1]["weights_label"]["sv"] == "koalitionen Skövde, Mariestad (efter folkmängd)"


def test_infeasible_scenario_is_explained_not_raised():
    bad = {"id": "omojlig", "name": "Omöjlig",
           "rules": {"pins": [{"alternative": "kulturhus", "kind": "in", "phase": 1}]}}
    out = analyze(with_scenarios(BASE, bad))["scenarios"]
    r = out["results"][1]
    assert r["status"] == "infeasible"
    assert "låst till etapp 1" in r["plan"]["infeasibility"]["message_sv"]
    assert out["results"][0]["status"] == "optimal"


@pytest.mark.parametrize(
    ("sc", "field"),
    [
        ({"id": "x", "name": "x", "weights": {"source": "group", "group": "Atlantis"}},
         "scenarios[0].weights.group"),
        ({"id": "x", "name": "x", "budgets": [1]}, "scenarios[0].budgets"),
        ({"id": "x", "name": "x", "rules": {"pins": [{"alternative": "nope", "kind": "never"}]}},
         "scenarios[0].rules.pins[0].alternative"),
        ({"id": "x", "name": "x", "rules": {"pins": [{"alternative": "scen", "kind": "in",
                                                      "phase": 3}]}},
         "scenarios[0].rules.pins[0].phase"),
        ({"id": "x", "name": "x", "weights": {"source": "coalition", "groups": ["Skövde"]}},
         "scenarios[0].weights.groups"),
        ({"id": "x", "name": "x", "cost_change": {"overall_pct": -150}},
         "scenarios[0].cost_change.overall_pct"),
    ],
)
def test_bad_scenarios_name_the_field(sc, field):
    with pytest.raises(MCDAInputError) as ei:
        analyze(with_scenarios(sc))
    assert ei.value.field == field
    assert ei.value.message_sv and ei.value.message_en


def test_round_trip_json_cli_same_plan(tmp_path, mcda_cli):
    """scenario → JSON file → `python -m mcda analyze` → the same plans as in process."""
    d = with_scenarios(BASE, SKOVDE, TIGHT)
    inproc = analyze(copy.deepcopy(d))["scenarios"]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    result = mcda_cli("analyze", str(path))
    assert result.exit_code == 0, result.stderr
    cli = json.loads(result.stdout)["scenarios"]
    for a, b in zip(inproc["results"], cli["results"], strict=True):
        assert a["plan"]["assignment"] == b["plan"]["assignment"]
        assert a["plan"]["total_value"] == pytest.approx(b["plan"]["total_value"])
        assert [r["total_value"] for r in a.get("frontier") or []] == [
            r["total_value"] for r in b.get("frontier") or []]
    assert inproc["comparison"] == cli["comparison"]


def test_role_weights_source():
    d = with_scenarios({"id": "pol", "name": "Politikerna",
                        "weights": {"source": "role", "role": "fortroendevald"}})
    for k, v in enumerate(d["votes"]):
        v["role"] = "fortroendevald" if k % 2 else "tjansteperson"
    out = analyze(copy.deepcopy(d))
    r = out["scenarios"]["results"][0]
    assert r["weights"] == pytest.approx(out["by_role"]["groups"]["fortroendevald"]["weights"])
    assert r["weights_label"]["sv"] == "vikterna för rollen fortroendevald"
    d["scenarios"][0]["weights"]["role"] = "okand"
    with pytest.raises(MCDAInputError) as ei:
        analyze(d)
    assert ei.value.field == "scenarios[0].weights.role"


def test_baseline_uses_the_decision_model_and_every_plan_is_valued_under_it():
    """Issue 23: a scenario without a method ranks with the decision's model; one that tests
    another model is still valued on the model's scale (value_under_model)."""
    out = analyze(with_scenarios(BASE, SKOVDE))
    res = {r["id"]: r for r in out["scenarios"]["results"]}
    assert res["bas"]["method"] == "value"
    assert out["scenarios"]["method"]["model"]["id"] == "value"
    # the baseline is the analysis' own plan: same values, same plan, same total
    assert res["bas"]["values"] == out["phasing"]["values"]
    assert res["bas"]["plan"]["assignment"] == out["phasing"]["plan"]["assignment"]
    assert res["bas"]["value_under_model"] == pytest.approx(
        out["phasing"]["plan"]["total_value"])
    # Skövde's TOPSIS plan, valued with the region's value-model values
    vals = out["phasing"]["values"]
    a = res["skovde"]["plan"]["assignment"]
    assert res["skovde"]["value_under_model"] == pytest.approx(
        sum(v for k, v in vals.items() if a[k] is not None))
    # the baseline plan is optimal under the model, so no scenario beats it on that scale
    assert res["skovde"]["value_under_model"] <= res["bas"]["value_under_model"] + 1e-9
