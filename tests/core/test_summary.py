"""The verdict (issue 23: the decision's model first) and the summary (issue 12 §1): the
summary's statements, their figures, anchors and the k rule; the compromise's SMAA and
sensitivity helpers (still used in the appendix)."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from mcda.core import ranking, sensitivity, smaa, summary
from mcda.core.analysis import analyze

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))
METHODS = ("topsis", "vikor", "promethee_ii", "wsm", "wpm", "spotis", "copras")


@pytest.fixture(scope="module")
def result():
    return analyze(copy.deepcopy(EXAMPLE))


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    m = rng.uniform(1, 10, size=(6, 4))
    t = np.array([1, 1, -1, 1])
    kw = {mth: ranking.method_kwargs(mth, {"vikor_v": 0.5, "normalization": {},
                                           "promethee": {"preference_function": "usual",
                                                         "p": None, "q": None}})
          for mth in METHODS}
    return m, t, kw


def _compromise_top(m, t, kw, w):
    ranks = {mth: ranking.run(mth, m, w, t, **k)["ranks"] for mth, k in kw.items()}
    return ranking.copeland(ranks)["ranks"]


def test_copeland_rows_equals_copeland_row_by_row(problem):
    m, t, kw = problem
    W = smaa.sample_uniform(np.random.default_rng(3), 60, m.shape[1])
    r = np.array([ranking.rank_rows(ranking.score_batch(mth, m, W, t, **k),
                                    ranking.HIGHER_IS_BETTER[mth]) for mth, k in kw.items()])
    rows = ranking.copeland_rows(r)
    for n in range(W.shape[0]):
        one = ranking.copeland({mth: r[i, n] for i, mth in enumerate(kw)})["ranks"]
        assert rows[n].tolist() == list(one)


def test_smaa_methods_matches_a_plain_loop(problem):
    """First-place shares of the compromise per sample, checked sample by sample with pymcdm."""
    m, t, kw = problem
    rng = np.random.default_rng(5)
    base = rng.dirichlet(np.ones(m.shape[1]), size=12)
    index = rng.integers(0, 12, 200)
    res = smaa.smaa_methods(m, t, base, kw, index=index)
    first = np.zeros(m.shape[0])
    by_wsm = np.zeros(m.shape[0])
    for i in index:
        first += _compromise_top(m, t, kw, base[i]) == 1
        by_wsm += ranking.run("wsm", m, base[i], t, **kw["wsm"])["ranks"] == 1
    assert np.allclose(res["first"], first / index.size)
    assert np.allclose(res["first_by_method"]["wsm"], by_wsm / index.size)
    assert np.allclose(res["rank_acceptability"].sum(axis=1), 1.0)
    assert res["samples"] == 200


def test_compromise_sensitivity_is_a_real_boundary(problem):
    """Just inside [lo, hi] the compromise's top stays first; just outside the rival is."""
    m, t, kw = problem
    w = np.array([0.3, 0.3, 0.2, 0.2])
    res = sensitivity.one_way_compromise(m, w, t, kw)
    top = res["top"]
    assert _compromise_top(m, t, kw, w)[top] == 1
    moved = 0
    for j, d in enumerate(res["criteria"]):
        u = sensitivity._direction(w, j)
        for bound, rival, step in ((d["lo"], d["rival_lo"], -1e-6), (d["hi"], d["rival_hi"], 1e-6)):
            if rival is None:
                continue
            moved += 1
            inside = sensitivity._weights_at(np.array([bound - step]), j, u)[0]
            outside = sensitivity._weights_at(np.array([bound + step]), j, u)[0]
            assert _compromise_top(m, t, kw, inside)[top] == 1
            assert _compromise_top(m, t, kw, outside)[rival] == 1
    assert moved, "the fixture should have at least one boundary"
    ch = sensitivity.smallest_change(res["criteria"])
    deltas = [abs(d["weight"] - b) for d in res["criteria"]
              for b, r in ((d["lo"], d["rival_lo"]), (d["hi"], d["rival_hi"])) if r is not None]
    assert ch["delta"] == pytest.approx(min(deltas))


def test_smallest_change_none_when_nothing_unseats_the_top():
    rows = [{"weight": 0.5, "lo": 0.0, "hi": 1.0, "rival_lo": None, "rival_hi": None}] * 2
    assert sensitivity.smallest_change(rows) is None


def test_verdict_follows_the_decision_model(result):
    v = result["verdict"]
    assert v["model"]["id"] == "value"
    assert v["first"] == v["order"][0]["id"] == "scen" and v["runner_up"] == "ateljeer"
    # the compromise agrees on first place here; the other methods are counted, not hedged
    assert [a for a, r in result["compromise"]["ranks"].items() if r == 1] == ["scen"]
    # plain WSM (which puts ateljeer first) is the value model's own family: not counted
    assert "wsm" not in v["methods"]["first_by_method"]
    assert v["methods"] == {**v["methods"], "agree": 5, "of": 6}
    assert sum(v["shares"].values()) == pytest.approx(1.0)
    assert v["flip"]["criterion"] == "tillganglighet" and v["flip"]["direction"] == "down"
    assert v["explain"] is None


def test_verdict_is_clear_when_everything_agrees():
    d = copy.deepcopy(EXAMPLE)
    d["scores"]["scen"] = {c["id"]: (1 if c["direction"] == "cost" else 100) for c in d["criteria"]}
    out = analyze(d)
    v = out["verdict"]
    assert v["first"] == "scen" and v["share_first"] == 1.0
    assert v["methods"]["agree"] == v["methods"]["of"] == 6
    assert v["flip"] is None  # scen dominates: no weights put another first
    item = out["summary"][0]
    assert item["kind"] == "verdict" and item["params"]["flip"] is None


def test_no_scores_no_verdict():
    d = copy.deepcopy(EXAMPLE)
    d.pop("scores")
    d.pop("alternatives", None)
    d["options"].pop("smaa", None)
    out = analyze(d)
    assert out["verdict"] == {}
    kinds = [s["kind"] for s in out["summary"]]
    assert "verdict" not in kinds
    assert 4 <= len(kinds) <= 8


def test_summary_in_analysis_output(result):
    items = result["summary"]
    assert 4 <= len(items) <= 8
    kinds = [i["kind"] for i in items]
    assert kinds[0] == "verdict" and kinds[-1] == "coverage"
    # nine voters: no sentence names the smallest spreads (they rest on fewer than ten values)
    assert "agreement" not in kinds
    for it in items:
        assert set(it) == {"kind", "params", "anchor", "basis"}
        assert it["kind"] in summary.KINDS
        assert it["anchor"] == summary.ANCHORS[it["kind"]]
        json.dumps(it, allow_nan=False)
    ten = dict(result, votes=[*result["votes"], result["votes"][0]])  # a tenth weighting
    agree = next(i for i in summary.summarize(ten) if i["kind"] == "agreement")["params"]
    sds = {c: st["sd"] for c, st in result["consensus"]["criteria"].items()}
    assert [c["id"] for c in agree["criteria"]] == sorted(sds, key=sds.get)[:2]
    assert agree["level"] == "high" and agree["s_star"] == result["consensus"]["s_star"]
    verdict = items[0]["params"]
    assert verdict["first"]["id"] == "scen" and verdict["share"] == result["verdict"]["share_first"]
    assert verdict["model"]["name_sv"].startswith("Viktad summa av värden")
    assert verdict["flip"]["criterion"]["name"] == "Tillgänglighet för invånarna"
    assert verdict["flip"]["direction"] == "down" and verdict["runner_up"]["id"] == "ateljeer"
    assert verdict["methods_agree"] == 5 and verdict["n_methods"] == 6


def test_summary_never_names_a_hidden_municipality(result):
    hidden = {"Mariestad"}
    items = summary.summarize(result, hidden=hidden, all_groups=["Skövde", "Lidköping",
                                                                 "Mariestad", "Skara"], k=3)
    about_groups = [i for i in items if i["kind"] in ("conflict", "coalitions", "no_coalitions",
                                                       "coverage", "agreement")]
    assert "Mariestad" not in json.dumps(about_groups, ensure_ascii=False)
    conflicts = [i["params"] for i in items if i["kind"] == "conflict"]
    assert conflicts and all(c["hidden"] == 1 for c in conflicts)
    cov = items[-1]["params"]
    assert cov["without_votes"] == ["Skara"] and cov["n_hidden"] == 1 and cov["k"] == 3
    assert cov["n_groups"] == 4 and cov["n_voted"] == 3


def test_summary_is_pure_and_deterministic(result):
    before = json.dumps(result, sort_keys=True)
    a = summary.summarize(result, hidden={"Skövde"})
    b = summary.summarize(result, hidden={"Skövde"})
    assert a == b and json.dumps(result, sort_keys=True) == before
