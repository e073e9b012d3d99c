"""The decision's model and the verdict (issue 23): the additive value model on a
hand-computed case, the verdict's four parts on small cases with known answers, and
properties over random workshops (first is the order's head, the share is a share, the flip
really flips and a slightly smaller change does not)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from mcda.core import model, ranking
from mcda.core.analysis import analyze

from .test_summary_truth import workshops

# Three alternatives, a benefit and a cost criterion: value scores by min–max are
#   benefit: A (10) → 0, B (20) → 1, C (15) → 0.5;  cost: A (100) → 1, B (300) → 0, C (200) → 0.5
SCORES = {"A": {"b": 10, "c": 100}, "B": {"b": 20, "c": 300}, "C": {"b": 15, "c": 200}}
CRITERIA = [{"id": "b", "direction": "benefit"}, {"id": "c", "direction": "cost"}]


def case(*weights, scores=SCORES, **options):
    votes = [{"participant": f"p{i}", "group": "G", "method": "direct",
              "values": {"b": wb, "c": wc}} for i, (wb, wc) in enumerate(weights)]
    return {"criteria": CRITERIA, "alternatives": [{"id": a} for a in scores],
            "scores": scores, "votes": votes, "options": {"smaa": None, **options}}


def test_the_additive_value_model_by_hand():
    """0.6 · v_b + 0.4 · v_c: A 0.4, B 0.6, C 0.5 (benefit up, cost down)."""
    v = analyze(case((60, 40)))["verdict"]
    assert v["model"] == {"id": "value", "name_sv": "Viktad summa av värden (additiv "
                          "värdemodell)", "name_en": "Weighted sum of values (additive value "
                          "model)"}
    assert [(o["id"], o["rank"]) for o in v["order"]] == [("B", 1), ("C", 2), ("A", 3)]
    assert [o["score"] for o in v["order"]] == pytest.approx([0.6, 0.5, 0.4])
    # the same as pymcdm's weighted sum on min–max normalised scores
    m = np.array([[10, 100], [20, 300], [15, 200]], float)
    wsm = ranking.wsm(m, [0.6, 0.4], [1, -1], normalization="minmax")["scores"]
    assert wsm.tolist() == pytest.approx([0.4, 0.6, 0.5])
    assert model.resolve("value", {}) == ("wsm", {"normalization": "minmax"})


def test_the_flip_by_hand():
    """C comes first when 0.5 ≥ w_b and 0.5 ≥ 1 − w_b: at w_b = 0.5, 10 points below 0.6."""
    v = analyze(case((60, 40)))["verdict"]
    assert v["first"] == "B" and v["runner_up"] == "C"
    f = v["flip"]
    assert f["criterion"] == "b" and f["direction"] == "down"
    assert f["points"] == pytest.approx(10.0) and f["to"] == pytest.approx(0.5)
    assert f["weight"] == pytest.approx(0.6)


def test_share_of_the_room_and_the_explanation_when_place_and_share_differ():
    """C is the compromise: first under the room's mean weights, first for no one."""
    scores = dict(SCORES, C={"b": 16, "c": 160})  # values 0.6 and 0.7
    v = analyze(case((1, 0), (0, 1), scores=scores))["verdict"]
    assert v["first"] == "C" and v["share_first"] == 0.0
    assert v["shares"] == {"A": 0.5, "B": 0.5, "C": 0.0} and v["n_weightings"] == 2
    assert v["explain"] == "other_first_more_often" and v["share_leader"] in ("A", "B")
    same = analyze(case((60, 40), (70, 30), (30, 70)))["verdict"]
    assert same["first"] == "B" and same["share_first"] == pytest.approx(2 / 3)
    assert same["explain"] is None


def test_no_flip_when_first_dominates_and_every_method_agrees():
    scores = {"A": {"b": 30, "c": 50}, "B": {"b": 20, "c": 300}, "C": {"b": 15, "c": 200}}
    v = analyze(case((60, 40), scores=scores))["verdict"]
    assert v["first"] == "A" and v["flip"] is None and v["share_first"] == 1.0
    assert v["methods"]["agree"] == v["methods"]["of"] == 6
    assert set(v["methods"]["ids"]) == set(ranking.METHODS) - {"wsm"}


def test_plain_wsm_is_not_another_method_beside_the_value_model():
    """The additive value model is WSM with min–max values: plain WSM (another scaling) is
    the same model family, so it neither agrees nor disagrees (issue 23 review)."""
    v = analyze(case((60, 40)))["verdict"]
    assert v["method"] == "wsm" and "wsm" not in v["methods"]["first_by_method"]
    assert v["methods"]["of"] == len(ranking.METHODS) - 1


def test_another_model_is_left_out_of_the_other_methods():
    v = analyze(case((60, 40), model="topsis"))["verdict"]
    assert v["model"]["id"] == "topsis" and v["method"] == "topsis"
    assert "topsis" not in v["methods"]["first_by_method"] and v["methods"]["of"] == 6
    assert "TOPSIS" not in v["model"]["name_sv"] + v["model"]["name_en"]


def _apply(w: np.ndarray, j: int, to: float) -> np.ndarray:
    """Criterion j's weight set to ``to``, the others keeping their proportions."""
    rest = np.delete(w, j)
    out = np.empty_like(w)
    others = rest / rest.sum() * (1 - to) if rest.sum() > 0 else np.full(
        rest.size, (1 - to) / rest.size)
    out[np.arange(w.size) != j] = others
    out[j] = to
    return out


def _check_flip(data: dict, out: dict) -> None:
    v = out["verdict"]
    crits = [c["id"] for c in data["criteria"]]
    alts = [a["id"] for a in data["alternatives"]]
    m = np.array([[data["scores"][a][c] for c in crits] for a in alts], float)
    t = np.array([1 if c["direction"] == "benefit" else -1 for c in data["criteria"]])
    w = np.array([out["weights"][c] for c in crits])
    mth, kw = model.resolve(v["model"]["id"], {})
    r = alts.index(v["runner_up"])

    def scores(weights):
        return ranking.run(mth, m, weights, t, **kw)

    f = v["flip"]
    if f is None:
        if [o["rank"] for o in v["order"]][:2] == [1, 1]:
            return  # first place shared: nothing to flip
        for j in range(len(crits)):  # no single weight on a grid puts the runner-up first
            for to in np.linspace(0, 1, 41):
                assert scores(_apply(w, j, to))["ranks"][r] != 1
        return
    j = crits.index(f["criterion"])
    assert f["points"] == pytest.approx(100 * abs(f["to"] - f["weight"]))
    assert (f["to"] >= f["weight"]) == (f["direction"] == "up")
    assert scores(_apply(w, j, f["to"]))["ranks"][r] == 1  # the flip flips
    delta = abs(f["to"] - f["weight"])
    eps = max(1e-6, 1e-3 * delta)
    if delta > 2 * eps:  # a slightly smaller change does not
        sign = 1 if f["direction"] == "up" else -1
        s = np.asarray(scores(_apply(w, j, f["weight"] + sign * (delta - eps)))["scores"])
        others = np.delete(s, r)
        assert s[r] < others.max()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops())
def test_verdict_properties(data):
    out = analyze(data)
    v = out["verdict"]
    assert v["first"] == v["order"][0]["id"]
    assert 0.0 <= v["share_first"] <= 1.0 and v["share_first"] == v["shares"][v["first"]]
    assert v["runner_up"] == v["order"][1]["id"]
    assert [o["rank"] for o in v["order"]] == sorted(o["rank"] for o in v["order"])
    assert 0 <= v["methods"]["agree"] <= v["methods"]["of"]
    _check_flip(data, out)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops())
def test_the_flip_under_a_nonlinear_model(data):
    """The grid-and-bisection flip (TOPSIS is not linear in the weights)."""
    data["options"]["model"] = "topsis"
    out = analyze(data)
    assert out["verdict"]["model"]["id"] == "topsis"
    _check_flip(data, out)


def test_the_flip_found_when_the_runner_up_only_ties_at_an_end():
    """Found by hypothesis: a3 can only tie a4, with all weight on a criterion where every
    alternative is equal (t = 1); rounding put the interval's ends 1e-16 apart, so no flip
    was reported although one exists."""
    crits = [{"id": f"k{i}", "direction": "benefit"} for i in range(5)]
    ones = {f"k{i}": 1 for i in range(5)}
    scores = {"a0": ones, "a1": ones, "a2": ones, "a3": {**ones, "k3": 2},
              "a4": {**ones, "k3": 3, "k4": 2}}
    votes = [{"participant": "p0", "group": "G", "method": "direct",
              "values": {**dict.fromkeys(ones, 0), "k4": 1}},
             {"participant": "p1", "group": "G", "method": "direct",
              "values": {**dict.fromkeys(ones, 0), "k3": 1, "k4": 2}}]
    data = {"criteria": crits, "alternatives": [{"id": a} for a in scores], "scores": scores,
            "votes": votes, "options": {"smaa": None}}
    out = analyze(data)
    v = out["verdict"]
    assert v["first"] == "a4" and v["runner_up"] == "a3"
    assert v["flip"] is not None and v["flip"]["points"] == pytest.approx(100)
    _check_flip(data, out)
