"""The `phasing` part of the analysis format: input validation, plan, spread, paths, JSON."""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
from pathlib import Path

import pytest

from mcda.core import ranking
from mcda.core.analysis import analyze
from mcda.core.errors import MCDAInputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))
HOSTS = {"kulturhus": "Skövde", "scen": None, "museum": "Lidköping", "ateljeer": "Mariestad"}
COSTS = {"kulturhus": 420, "scen": 35, "museum": 160, "ateljeer": 22}


def phased(**phasing) -> dict:
    d = copy.deepcopy(EXAMPLE)
    d["options"]["smaa"]["samples"] = 300
    d["phases"] = [
        {"id": "e1", "name": "Etapp 1", "period": "2026–2028", "budget": 60},
        {"id": "e2", "name": "Etapp 2", "period": "2029–2031", "budget": 450},
    ]
    for a in d["alternatives"]:
        a["cost"] = COSTS[a["id"]]
        a["host"] = HOSTS[a["id"]]
    if phasing:
        d["options"]["phasing"] = phasing
    return d


def brute_force(values, costs, budgets, earliest, requires):
    """Best total value over every assignment (phase or none), for a handful of items."""
    n, P = len(values), len(budgets)
    best, best_a = -1.0, None
    for a in itertools.product([None, *range(1, P + 1)], repeat=n):
        if any(x is not None and x < earliest[i] for i, x in enumerate(a)):
            continue
        if any(sum(costs[i] for i in range(n) if a[i] == p) > budgets[p - 1] + 1e-9
               for p in range(1, P + 1)):
            continue
        if any(a[i] is not None and (a[j] is None or a[j] >= a[i]) for i, j in requires):
            continue
        v = sum(values[i] for i in range(n) if a[i] is not None)
        if v > best + 1e-12:
            best, best_a = v, a
    return best, best_a


def test_no_phases_no_phasing_field():
    out = analyze(copy.deepcopy(EXAMPLE))
    assert "phasing" not in out and "phasing" not in out["meta"]["options"]


def test_plan_is_optimal_within_budgets_and_uses_the_decision_model():
    d = phased()
    d["alternatives"][0]["earliest_phase"] = 2
    d["alternatives"][2]["requires"] = ["ateljeer"]
    out = analyze(d)
    ph = out["phasing"]
    assert ph["method"]["value_method"] == "model" and ph["method"]["model"] == "value"
    assert ph["method"]["scorer"] == "wsm"
    assert ph["method"]["scorer_options"] == {"normalization": "minmax"}
    # the additive value model's scores (the verdict's order) are the plan values as they are
    assert ph["values"] == {o["id"]: o["score"] for o in out["verdict"]["order"]}
    assert ph["solve_ms"] >= 0  # the planning page reads the plan and its time from here
    plan = ph["plan"]
    assert plan["status"] == "optimal" and ph["infeasibility"] is None
    alts = [a["id"] for a in d["alternatives"]]
    a = plan["assignment"]
    for p, (spend, budget) in enumerate(zip(plan["spend"], plan["budgets"], strict=True), 1):
        assert spend == sum(COSTS[x] for x in alts if a[x] == p) <= budget
    assert a["kulturhus"] in (None, 2)
    best, _ = brute_force([ph["values"][x] for x in alts], [COSTS[x] for x in alts],
                          [60, 450], [2, 1, 1, 1], [(2, 3)])
    assert math.isclose(plan["total_value"], best, rel_tol=1e-9)
    assert "solve_time_s" not in plan  # output must be reproducible
    assert ph["phases"][0] == {"id": "e1", "name": "Etapp 1", "period": "2026–2028",
                               "budget": 60.0, "number": 1}
    assert "phasing" in out["meta"]["descriptions"]
    assert out["meta"]["options"]["phasing"]["rules"] == {"min_one_by_phase": None,
                                                          "max_share": None}


def test_spread_by_hand():
    out = analyze(phased())
    ph = out["phasing"]
    a = ph["plan"]["assignment"]
    sp = ph["spread"]
    assert sp["municipalities"] == ["Skövde", "Lidköping", "Mariestad"]
    pops = {g: EXAMPLE["groups"][g]["population"] for g in sp["municipalities"]}
    for m in sp["municipalities"]:
        for p in (1, 2):
            spent = sum(COSTS[x] for x in a if a[x] == p and HOSTS[x] == m)
            assert sp["per_phase"][m][p - 1] == spent
            assert math.isclose(sp["per_capita"][m][p - 1], spent / pops[m])
    assert sp["regional"] == [sum(COSTS[x] for x in a if a[x] == p and HOSTS[x] is None)
                              for p in (1, 2)]
    tot = [sp["total_per_capita"][m] for m in sp["municipalities"]]
    mu = sum(tot) / 3
    g = sum(abs(x - y) for x in tot for y in tot) / (2 * 9 * mu) if mu else 0.0
    assert math.isclose(sp["gini_per_capita"], g, rel_tol=1e-12)
    reached = [sum(1 for m in sp["municipalities"]
                   if any(a[x] is not None and a[x] <= p and HOSTS[x] == m for x in a)) / 3
               for p in (1, 2)]
    assert sp["reached_share"] == pytest.approx(reached)


def test_municipalities_field_gives_population_and_region():
    d = phased()
    d["municipalities"] = {"Skövde": {"population": 57000}, "Lidköping": {"population": 41000},
                           "Mariestad": {"population": 24800}, "Hjo": {"population": 9200}}
    sp = analyze(d)["phasing"]["spread"]
    assert sp["municipalities"] == ["Skövde", "Lidköping", "Mariestad", "Hjo"]
    assert sp["per_capita"]["Hjo"] == [0.0, 0.0] and sp["reached_by"]["Hjo"] is None
    d["alternatives"][0]["host"] = "Tibro"
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    assert exc.value.field == "alternatives[0].host" and "Tibro" in exc.value.message_sv


def test_infeasible_rule_is_reported_not_raised():
    d = phased(rules={"min_one_by_phase": 1})
    # Skövde's only investment cannot start in phase 1; Lidköping's costs more than its budget
    d["alternatives"][0]["earliest_phase"] = 2
    ph = analyze(d)["phasing"]
    assert ph["status"] == "infeasible" and ph["plan"]["status"] == "infeasible"
    inf = ph["infeasibility"]
    assert inf["rule"] == "min_one_by_phase" and inf["phase"] == 1
    assert inf["municipalities"] == ["Skövde", "Lidköping"]
    assert "Skövde" in inf["message_sv"] and "Skövde" in inf["message_en"]
    assert "etapp 2" in inf["message_sv"] and "160" in inf["message_sv"]
    assert ph["spread"] is None
    json.dumps(ph, allow_nan=False)


def test_max_share_rule_respected():
    ph = analyze(phased(rules={"max_share": 0.5}))["phasing"]
    a = ph["plan"]["assignment"]
    total = sum(COSTS[x] for x in a if a[x] is not None)
    for m in ("Skövde", "Lidköping", "Mariestad"):
        assert sum(COSTS[x] for x in a if a[x] is not None and HOSTS[x] == m) <= 0.5 * total


def test_paths_per_group():
    out = analyze(phased(paths=True, top_k=3))
    paths = out["phasing"]["paths"]
    assert set(paths) == {"Skövde", "Lidköping", "Mariestad"}
    regional = out["phasing"]["plan"]["assignment"]
    for g, entry in paths.items():
        assert len(entry["top"]) == 3
        w = out["groups"][g]["weights"]
        own = dict(zip(list(COSTS), ranking.wsm(
            [[d_["scores"][a][c] for c in w] for a in COSTS for d_ in [phased()]],
            [w[c] for c in w], [1 if k["direction"] == "benefit" else -1
                                for k in phased()["criteria"]],
            normalization="minmax")["scores"].tolist(), strict=True))
        assert [t["alternative"] for t in entry["top"]] == sorted(own, key=lambda a: -own[a])[:3]
        for t in entry["top"]:
            assert t["own_phase"] == entry["assignment"][t["alternative"]]
            assert t["regional_phase"] == regional[t["alternative"]]
            if t["status"] == "dropped":
                assert t["regional_phase"] is None and t["own_phase"] is not None
                assert t["alternative"] in entry["dropped"]
            if t["status"] == "deferred":
                assert t["regional_phase"] > t["own_phase"]
                assert t["alternative"] in entry["deferred"]
    assert analyze(phased())["phasing"]["paths"] is None
    some = analyze(phased(paths=["Mariestad"]))["phasing"]["paths"]
    assert list(some) == ["Mariestad"]
    assert some["Mariestad"]["assignment"] == paths["Mariestad"]["assignment"]
    with pytest.raises(MCDAInputError) as exc:
        analyze(phased(paths=["Mariestad", "Hjo"]))
    assert exc.value.field == "options.phasing.paths[1]"


def test_smaa_value_method_is_expected_score():
    out = analyze(phased(value_method="smaa"))
    ph = out["phasing"]
    assert ph["method"] == {**ph["method"], "value_method": "smaa", "scorer": "wsm"}
    # WSM is linear in the weights: expected score = score at the mean sampled weights,
    # close to (not equal to) the regional WSM score.
    for a, v in ph["values"].items():
        assert v == pytest.approx(out["rankings"]["wsm"]["scores"][a], abs=0.02)
    d = phased(value_method="smaa")
    d["options"]["smaa"] = None
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    assert exc.value.field == "options.phasing.value_method"


def test_other_method_values_mapped_to_unit_interval():
    ph = analyze(phased(value_method="vikor"))["phasing"]
    vals = ph["values"]
    assert max(vals.values()) == pytest.approx(1.0) and min(vals.values()) == pytest.approx(0.01)


def test_no_cost_and_blocked_alternatives_are_listed():
    d = phased()
    d["alternatives"][3]["cost"] = None  # ateljeer
    d["alternatives"][2]["requires"] = ["ateljeer"]  # museum requires it
    ph = analyze(d)["phasing"]
    assert ph["not_planned"] == [
        {"alternative": "museum", "name": "Utbyggt museum i Lidköping",
         "reason": "requires_unplanned"},
        {"alternative": "ateljeer", "name": "Ateljéer och replokaler i Mariestad",
         "reason": "no_cost"},
    ]
    assert set(ph["plan"]["assignment"]) == {"kulturhus", "scen"}


def test_without_scores_phasing_is_empty():
    d = phased()
    del d["scores"]
    d["options"]["smaa"] = None
    d["options"].pop("methods")
    assert analyze(d)["phasing"] == {}


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["phases"][0].update(budget=-1), r"phases\[0\]\.budget"),
        (lambda d: d["phases"][1].pop("budget"), r"phases\[1\]\.budget"),
        (lambda d: d["phases"][1].update(id="e1"), r"phases\[1\]\.id"),
        (lambda d: d["phases"][0].update(colour="red"), r"phases\[0\]\.colour"),
        (lambda d: d.update(phases="e1"), r"phases"),
        (lambda d: d["alternatives"][1].update(cost=-5), r"alternatives\[1\]\.cost"),
        (lambda d: d["alternatives"][1].update(cost=float("nan")), r"alternatives\[1\]\.cost"),
        (lambda d: d["alternatives"][1].update(earliest_phase=0),
         r"alternatives\[1\]\.earliest_phase"),
        (lambda d: d["alternatives"][1].update(requires=["nope"]),
         r"alternatives\[1\]\.requires\[0\]"),
        (lambda d: d["alternatives"][1].update(requires=["scen"]),
         r"alternatives\[1\]\.requires\[0\]"),
        (lambda d: (d["alternatives"][0].update(requires=["scen"]),
                    d["alternatives"][1].update(requires=["kulturhus"])),
         r"alternatives\[\d\]\.requires"),
        (lambda d: (d["alternatives"][0].update(requires=["scen"]),
                    d["alternatives"][1].update(earliest_phase=2)),
         r"alternatives\[0\]\.requires\[0\]"),
        (lambda d: d["options"].update(phasing={"value_method": "magic"}),
         r"options\.phasing\.value_method"),
        (lambda d: d["options"].update(phasing={"rules": {"min_one_by_phase": 3}}),
         r"options\.phasing\.rules\.min_one_by_phase"),
        (lambda d: d["options"].update(phasing={"rules": {"max_share": 1.5}}),
         r"options\.phasing\.rules\.max_share"),
        (lambda d: d["options"].update(phasing={"rules": {"by": 1}}),
         r"options\.phasing\.rules\.by"),
        (lambda d: d["options"].update(phasing={"paths": "yes"}), r"options\.phasing\.paths"),
        (lambda d: d["options"].update(phasing={"discount": -0.1}),
         r"options\.phasing\.discount"),
        (lambda d: d["options"].update(phasing={"typo": 1}), r"options\.phasing\.typo"),
        (lambda d: d.update(municipalities={"Skövde": {"population": 0}}),
         r"municipalities\.Skövde\.population"),
    ],
)
def test_bad_phasing_input_names_the_field(mutate, field):
    d = phased()
    mutate(d)
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    assert re.fullmatch(field, exc.value.field), exc.value.field
    assert exc.value.message_sv and exc.value.message_en


def test_cycle_message_names_the_chain():
    d = phased()
    d["alternatives"][0]["requires"] = ["scen"]
    d["alternatives"][1]["requires"] = ["kulturhus"]
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    assert "Kulturhus i Skövde" in exc.value.message_sv and "cirkel" in exc.value.message_sv


def test_doc_phasing_example_round_trips_through_the_cli(tmp_path, mcda_cli):
    """docs/analysis-format.md's phasing example: the CLI prints the same as analyze()."""
    doc = (ROOT / "docs" / "analysis-format.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, re.S)
    examples = [json.loads(b) for b in blocks if '"phases": [' in b and '"votes": [' in b]
    assert examples, "the phasing example is missing from docs/analysis-format.md"
    data = examples[0]
    expected = analyze(copy.deepcopy(data))
    assert expected["phasing"]["plan"]["status"] == "optimal"
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = mcda_cli("analyze", str(path))
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    # the solver's time is the one figure that is not reproducible
    assert got["phasing"].pop("solve_ms") >= 0 and expected["phasing"].pop("solve_ms") >= 0
    assert got["phasing"] == expected["phasing"]
    # the documented output excerpt matches the real plan
    m = re.search(r"<!-- phasing-plan -->\n```json\n(.*?)```", doc, re.S)
    assert m, "documented plan excerpt missing"
    assert json.loads(m.group(1)) == expected["phasing"]["plan"]["assignment"]


def test_default_value_method_falls_back_to_topsis_on_a_zero_score():
    d = phased(value_method="wsm")
    d["scores"]["scen"]["ungdomar"] = 0  # sum normalisation (WSM) cannot take a zero
    d["options"].pop("methods")
    d["options"]["smaa"] = None
    d["options"]["sensitivity"] = None
    d["options"]["skip_unsuitable"] = True
    out = analyze(d)
    assert out["phasing"]["method"]["scorer"] == "topsis"
    assert "phasing:wsm" in {s["method"] for s in out["meta"]["skipped_methods"]}
    d["options"].pop("skip_unsuitable")
    with pytest.raises(MCDAInputError):
        analyze(d)


def test_the_value_model_takes_a_zero_score_and_values_the_plan():
    d = phased()
    d["scores"]["scen"]["ungdomar"] = 0
    d["options"].pop("methods")
    d["options"]["smaa"].pop("method")  # the decision's model
    out = analyze(d)
    assert out["phasing"]["method"]["scorer"] == "wsm"
    assert out["phasing"]["method"]["model"] == "value"


def test_a_model_that_cannot_take_the_scores_gives_way_to_the_value_model():
    d = phased()
    d["scores"]["scen"]["ungdomar"] = 0  # the weighted product cannot take a zero
    d["options"].pop("methods")
    d["options"]["smaa"].pop("method")
    d["options"]["model"] = "wpm"
    with pytest.raises(MCDAInputError):
        analyze(copy.deepcopy(d))  # the input asked for it: refused, naming the score
    d["options"]["skip_unsuitable"] = True  # the web app's setting
    out = analyze(d)
    assert out["verdict"]["model"]["id"] == "value"
    assert out["meta"]["options"]["model"] == "value"
    assert "model:wpm" in {s["method"] for s in out["meta"]["skipped_methods"]}


def test_no_investment_with_a_cost_gives_an_empty_plan():
    d = phased()
    for a in d["alternatives"]:
        a.pop("cost")
    ph = analyze(d)["phasing"]
    assert ph["plan"]["assignment"] == {} and ph["status"] == "optimal"
    assert [n["reason"] for n in ph["not_planned"]] == ["no_cost"] * 4
    assert ph["spread"]["reached_share"] == [0.0, 0.0]


def test_stability_samples_use_the_plan_values_model():
    """The planning page's stability samples score with the analysis' phasing scorer (the
    decision's value model here), not with sum-normalised WSM (issue 23)."""
    import numpy as np

    from mcda.core import phasing

    d = phased()
    out = analyze(copy.deepcopy(d))
    ids = list(out["phasing"]["values"])
    s = phasing.analysis_value_samples(d, out, ids, 60, 3)
    crits = [c["id"] for c in d["criteria"]]
    m = np.array([[d["scores"][a][c] for c in crits] for a in ids], float)
    t = [1 if c["direction"] == "benefit" else -1 for c in d["criteria"]]
    W = np.array([[v["weights"][c] for c in crits] for v in out["votes"]])
    each = ranking.score_batch("wsm", m, W, t, normalization="minmax")
    assert s.shape == (60, len(ids))
    assert all(np.isclose(each, row).all(axis=1).any() for row in s)
