"""The analysis' do-nothing reference, regret table and value–conflict frontier (issue 27)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mcda.core import ranking
from mcda.core import reference as ref
from mcda.core.analysis import analyze
from mcda.core.contract import AnalysisOutput
from mcda.core.errors import MCDAInputError

from .test_analysis_phasing import ROOT, phased

SCENARIO = {"id": "snål", "name": "Snål", "budgets": [40, 300]}


def with_conflict(**conflict) -> dict:
    d = phased()
    d["options"]["phasing"] = {"conflict": {"frontier": True, "levels": 6, **conflict}}
    return d


def test_reference_defaults_to_the_worst_levels_and_is_worth_nothing():
    out = analyze(phased())
    ref = out["reference"]
    assert ref["entered"] == []
    assert ref["region"]["score"] == pytest.approx(0.0)
    # every alternative better than the worst of everything, unless it is the worst itself
    assert set(ref["region"]["better"]) | set(ref["region"]["not_better"]) == {
        a["id"] for a in phased()["alternatives"]}
    AnalysisOutput.model_validate(out)


def test_entered_levels_judge_each_group_with_its_own_weights():
    d = phased()
    crit = [c["id"] for c in d["criteria"]]
    # the reference as good as the best alternative on every criterion: nothing beats it
    best = {c: max(d["scores"][a][c] for a in d["scores"]) if cr["direction"] == "benefit"
            else min(d["scores"][a][c] for a in d["scores"])
            for c, cr in zip(crit, d["criteria"], strict=True)}
    d["reference"] = best
    out = analyze(d)
    assert out["reference"]["entered"] == crit
    for row in [out["reference"]["region"], *out["reference"]["groups"].values()]:
        assert row["better"] == []


def test_unknown_reference_criterion_is_refused():
    d = phased()
    d["reference"] = {"nope": 1.0}
    with pytest.raises(MCDAInputError) as e:
        analyze(d)
    assert e.value.field == "reference.nope"


def test_regret_table_and_frontier_in_the_output():
    out = analyze(with_conflict())
    c = out["phasing"]["conflict"]
    groups = set(out["groups"])
    assert {r["group"] for r in c["plan"]} == groups
    for r in c["plan"]:
        assert 0.0 <= r["regret_pct"] <= 100.0
        assert r["value"] <= r["best"] + 1e-9
    pts = c["frontier"]["points"]
    assert pts and pts[0]["bound"] is None
    assert pts[0]["value"] == pytest.approx(out["phasing"]["plan"]["total_value"])
    values = [p["value"] for p in pts]
    conflicts = [p["conflict"] for p in pts]
    assert values == sorted(values, reverse=True)
    assert conflicts == sorted(conflicts, reverse=True)
    AnalysisOutput.model_validate(out)


def test_count_measure_counts_groups_over_the_threshold():
    out = analyze(with_conflict(measure="count_over", threshold_pct=0.0))
    for p in out["phasing"]["conflict"]["frontier"]["points"]:
        assert p["conflict"] == sum(r["regret_pct"] > 1e-6 for r in p["regrets"])


def test_scenarios_carry_each_groups_regret():
    d = phased()
    d["scenarios"] = [SCENARIO]
    out = analyze(d)
    res = out["scenarios"]["results"][0]
    assert {r["group"] for r in res["regrets"]} == set(out["groups"])


def test_levels_outside_six_to_ten_are_refused():
    with pytest.raises(MCDAInputError):
        analyze(with_conflict(levels=3))


def test_cli_prints_the_frontier(tmp_path: Path):
    f = tmp_path / "in.json"
    f.write_text(json.dumps(with_conflict()), "utf-8")
    run = subprocess.run([sys.executable, "-m", "mcda", "analyze", str(f)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    out = json.loads(run.stdout)
    assert out["phasing"]["conflict"]["frontier"]["points"]


def test_reference_scores_match_an_appended_row_for_the_value_model():
    d = phased()
    crit = [c["id"] for c in d["criteria"]]
    alts = list(d["scores"])
    m = np.array([[d["scores"][a][c] for c in crit] for a in alts], dtype=float)
    t = np.array([1 if c["direction"] == "benefit" else -1 for c in d["criteria"]])
    w = np.full(len(crit), 1 / len(crit))
    lv = (m.min(axis=0) + m.max(axis=0)) / 2  # inside the range: same normalisation
    rs = ref.reference_scores("wsm", {"normalization": "minmax"}, m, t, w, lv)
    ext = ranking.score_batch("wsm", np.vstack([m, lv]), w[None, :], t, normalization="minmax")
    assert rs.reference[0] == pytest.approx(ext[0, -1])
    assert rs.alternatives[0] == pytest.approx(ext[0, :-1])


def test_groups_under_k_appear_only_as_the_pool():
    """Anonymity: with k = 4 every municipality (3 voters each) is pooled before the
    analysis, so the regret table and the reference name only "Övriga kommuner"."""
    from mcda.core import disclosure

    d = phased()
    d["options"]["phasing"] = {"conflict": {"frontier": True, "levels": 6}}
    pooled = disclosure.pool_input(d, disclosure.plan_for_votes(d["votes"], 4))
    out = analyze(pooled)
    names = {r["group"] for r in out["phasing"]["conflict"]["plan"]}
    assert names == {disclosure.POOL}
    assert set(out["reference"]["groups"]) == {disclosure.POOL}
    for p in out["phasing"]["conflict"]["frontier"]["points"]:
        assert {r["group"] for r in p["regrets"]} == {disclosure.POOL}
    text = json.dumps(out, ensure_ascii=False)
    assert "Skövde\", \"value\"" not in text and "\"group\": \"Skövde\"" not in text
