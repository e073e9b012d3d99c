"""analyze(): the analysis contract (issue 3 §7), properties, and every item of 'Bad input'."""

import copy
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcda.core.analysis import analyze
from mcda.core.errors import MCDAInputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))


def small(**options):
    d = copy.deepcopy(EXAMPLE)
    d["options"]["smaa"] = {"samples": 300, "seed": 1, "weights": "empirical", "method": "wsm"}
    d["options"].update(options)
    return d


def _walk_floats(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _walk_floats(v)
    elif isinstance(x, list):
        for v in x:
            yield from _walk_floats(v)
    elif isinstance(x, float):
        yield x


@pytest.fixture(scope="module")
def result():
    return analyze(EXAMPLE)


def test_output_has_every_fixed_name(result):
    for key in ("votes", "groups", "weights", "consensus", "conflicts", "rankings", "agreement",
                "compromise", "by_group_rankings", "smaa", "sensitivity", "meta"):
        assert key in result
    v = result["votes"][4]
    assert set(v) >= {"participant", "group", "weights", "consistency_ratio",
                      "inconsistent_pairs"}
    assert v["participant"] == "p05" and v["consistency_ratio"] is not None
    assert result["votes"][0]["consistency_ratio"] is None
    assert set(result["groups"]["Skövde"]) >= {"n", "weights"}
    assert result["groups"]["Skövde"]["n"] == 3
    assert set(result["consensus"]) >= {"s_star", "s_star_by_group", "kendall_w", "kendall_w_p",
                                        "criteria"}
    assert set(result["consensus"]["criteria"]["kostnad"]) >= {"mean", "sd", "iqr",
                                                               "between_share"}
    assert set(result["conflicts"]) >= {"tradeoffs", "disputed", "coalitions", "similarity",
                                        "polarising"}
    assert set(result["rankings"]) == {"topsis", "vikor", "promethee_ii", "wsm", "wpm", "spotis",
                                       "copras"}
    for r in result["rankings"].values():
        assert set(r) >= {"scores", "ranks", "higher_is_better"}
        assert sorted(r["ranks"]) == ["ateljeer", "kulturhus", "museum", "scen"]
        assert all(isinstance(x, int) and x >= 1 for x in r["ranks"].values())
    assert result["rankings"]["vikor"]["higher_is_better"] is False
    smaa = result["smaa"]
    assert smaa["samples"] == 2000
    assert set(smaa) >= {"rank_acceptability", "central_weights", "confidence"}
    assert len(smaa["rank_acceptability"]["scen"]) == 4
    assert result["sensitivity"]["top"] in result["rankings"]["wsm"]["ranks"]
    assert result["meta"]["options"]["within_group"] == "mean"
    assert result["meta"]["versions"]["pymcdm"] == "1.4.0"
    assert "rankings.copras" in result["meta"]["descriptions"]


def test_weights_sum_to_one_and_output_is_strict_json(result):
    assert sum(result["weights"].values()) == pytest.approx(1.0)
    for g in result["groups"].values():
        assert sum(g["weights"].values()) == pytest.approx(1.0)
    text = json.dumps(result, allow_nan=False)  # raises on NaN/inf
    assert json.loads(text) == result
    assert all(math.isfinite(x) for x in _walk_floats(result))


def test_deterministic_for_same_input(result):
    assert analyze(copy.deepcopy(EXAMPLE)) == result


def test_votes_without_scores_give_consensus_but_no_rankings():
    d = small()
    del d["scores"]
    out = analyze(d)
    assert out["rankings"] == {} and out["smaa"] == {} and out["sensitivity"] == {}
    assert out["by_group_rankings"] == {} and out["conflicts"]["polarising"] == []
    assert 0 <= out["consensus"]["s_star"] <= 1
    assert set(out["weights"]) == {c["id"] for c in d["criteria"]}


def test_identical_participants_full_consensus():
    d = small()
    for v in d["votes"]:
        v["method"] = "points"
        v.pop("matrix", None)
        v["values"] = {"tillganglighet": 30, "kostnad": 20, "ungdomar": 20, "besoksnaring": 20,
                       "drift": 10}
    out = analyze(d)
    assert out["consensus"]["s_star"] == pytest.approx(1.0)
    # groups of fewer than ten voters: no S* of their own (a spread of few values is theirs)
    assert all(s is None for s in out["consensus"]["s_star_by_group"].values())
    d["votes"] = [dict(d["votes"][0], participant=f"p{i}", group="G") for i in range(10)]
    d["groups"] = {"G": {}}
    out = analyze(d)
    assert out["consensus"]["s_star_by_group"]["G"] == pytest.approx(1.0)


def test_scaling_direct_ratings_changes_nothing():
    d = small()
    e = copy.deepcopy(d)
    for v in e["votes"]:
        if v["method"] == "direct":
            v["values"] = {k: x * 7.5 for k, x in v["values"].items()}
    a, b = analyze(d), analyze(e)
    assert a["weights"] == pytest.approx(b["weights"], abs=1e-12)
    assert a["compromise"]["ranks"] == b["compromise"]["ranks"]


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(4)))
def test_permuting_alternatives_permutes_output(perm):
    d = small()
    e = copy.deepcopy(d)
    e["alternatives"] = [d["alternatives"][i] for i in perm]
    a, b = analyze(d), analyze(e)
    for m in a["rankings"]:
        assert a["rankings"][m]["ranks"] == b["rankings"][m]["ranks"]
    assert a["compromise"]["ranks"] == b["compromise"]["ranks"]
    for alt, acc in a["smaa"]["rank_acceptability"].items():
        assert b["smaa"]["rank_acceptability"][alt] == pytest.approx(acc, abs=1e-12)
    assert a["sensitivity"]["top"] == b["sensitivity"]["top"]
    assert list(b["rankings"]["wsm"]["ranks"]) == [d["alternatives"][i]["id"] for i in perm]


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_permuting_participants_permutes_votes_only(rnd):
    d = small(smaa={"samples": 300, "seed": 1, "weights": "uniform", "method": "topsis"})
    e = copy.deepcopy(d)
    rnd.shuffle(e["votes"])
    a, b = analyze(d), analyze(e)
    by_p = {v["participant"]: v for v in a["votes"]}
    for v in b["votes"]:
        assert v["weights"] == pytest.approx(by_p[v["participant"]]["weights"])
    assert a["weights"] == pytest.approx(b["weights"], abs=1e-12)
    assert a["consensus"]["s_star"] == pytest.approx(b["consensus"]["s_star"], abs=1e-12)
    assert a["compromise"]["ranks"] == b["compromise"]["ranks"]
    assert a["smaa"]["rank_acceptability"] == b["smaa"]["rank_acceptability"]


def test_default_methods_that_cannot_take_the_scores_are_skipped_and_reported():
    d = small()
    del d["options"]["methods"]
    del d["options"]["smaa"]
    d["scores"]["scen"]["ungdomar"] = 0  # WSM/WPM (sum normalisation) need positive values
    out = analyze(d)
    assert "wpm" not in out["rankings"] and "wsm" not in out["rankings"]
    assert "topsis" in out["rankings"] and "copras" in out["rankings"]
    skipped = {s["method"]: s for s in out["meta"]["skipped_methods"]}
    assert skipped["wpm"]["field"] == "scores.scen.ungdomar"
    assert set(skipped) == {"wsm", "wpm"}
    # SMAA and sensitivity use the decision's model, the value model (takes any finite score)
    assert out["smaa"]["method"] == "value" and out["sensitivity"]["method"] == "value"
    d["options"]["smaa"] = {"method": "wsm", "samples": 100}
    with pytest.raises(MCDAInputError):  # an explicitly chosen method is never replaced
        analyze(d)


def test_population_and_participants_rules():
    a = analyze(small(between_groups="population"))
    b = analyze(small(between_groups="participants"))
    c = analyze(small())
    assert a["weights"] != c["weights"]
    assert b["weights"] == pytest.approx(c["weights"])  # equal group sizes here
    assert a["meta"]["options"]["between_groups"] == "population"


def test_aij_needs_all_pairwise():
    with pytest.raises(MCDAInputError) as exc:
        analyze(small(within_group="aij"))
    assert exc.value.field == "groups.Skövde"


def test_doc_example_is_the_test_example_and_runs():
    """docs/analysis-format.md shows tests/data/analysis_example.json verbatim."""
    doc = (ROOT / "docs" / "analysis-format.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, re.S)
    inputs = [json.loads(b) for b in blocks if '"votes": [' in b and '"criteria"' in b]
    assert EXAMPLE in inputs
    out = analyze(inputs[inputs.index(EXAMPLE)])
    assert out["rankings"] and out["smaa"]["samples"] == 2000


# --------------------------------------------------------------------------- bad input


def _bad(mutate, field_pattern, **options):
    d = small(**options)
    mutate(d)
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    assert re.fullmatch(field_pattern, exc.value.field), exc.value.field
    assert exc.value.message_sv and exc.value.message_en
    json.dumps(exc.value.to_dict(), allow_nan=False)
    return exc.value


def test_bad_missing_criterion_id():
    _bad(lambda d: d["criteria"][1].pop("id"), r"criteria\[1\]\.id")


def test_bad_duplicate_criterion_id():
    _bad(lambda d: d["criteria"][1].update(id="tillganglighet"), r"criteria\[1\]\.id")


def test_bad_missing_direction_and_unknown_direction():
    _bad(lambda d: d["criteria"][0].pop("direction"), r"criteria\[0\]\.direction")
    _bad(lambda d: d["criteria"][0].update(direction="max"), r"criteria\[0\]\.direction")


def test_bad_fewer_than_two_criteria():
    _bad(lambda d: d.update(criteria=d["criteria"][:1]), r"criteria")


def test_bad_score_for_unknown_criterion():
    _bad(lambda d: d["scores"]["scen"].update(parkering=3), r"scores\.scen\.parkering")


def test_bad_score_for_unknown_alternative():
    _bad(lambda d: d["scores"].update(bibliotek=d["scores"]["scen"]), r"scores\.bibliotek")


def test_bad_missing_score():
    _bad(lambda d: d["scores"]["scen"].pop("drift"), r"scores\.scen\.drift")
    _bad(lambda d: d["scores"].pop("scen"), r"scores\.scen")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "7", None, True])
def test_bad_nan_inf_and_non_numbers_in_scores(bad):
    e = _bad(lambda d: d["scores"]["scen"].update(drift=bad), r"scores\.scen\.drift")
    # a non-finite number is named as the JSON literal it is written as (issue 22)
    assert e.value == ({"nan": "NaN", "inf": "Infinity"}[str(bad)] if isinstance(bad, float)
                       else bad)


def test_bad_nan_in_vote_and_matrix():
    _bad(lambda d: d["votes"][0]["values"].update(drift=float("nan")), r"votes\[0\]\.values\.drift")
    _bad(lambda d: d["votes"][4]["matrix"][0].__setitem__(1, float("inf")),
         r"votes\[4\]\.matrix\[0\]\[1\]")


def test_bad_vote_for_unknown_criterion_and_missing_value():
    _bad(lambda d: d["votes"][1]["values"].update(parkering=3), r"votes\[1\]\.values\.parkering")
    _bad(lambda d: d["votes"][1]["values"].pop("drift"), r"votes\[1\]\.values\.drift")


def test_bad_negative_rating():
    e = _bad(lambda d: d["votes"][1]["values"].update(kostnad=-2), r"votes\[1\]\.values\.kostnad")
    assert "p02" in e.message_sv


def test_bad_points_not_summing_to_total():
    e = _bad(lambda d: d["votes"][0]["values"].update(drift=15), r"votes\[0\]\.values")
    assert "5" in e.message_sv  # says how many points too many


def test_bad_non_reciprocal_and_non_positive_matrix():
    def nonrecip(d):
        d["votes"][4]["matrix"][1][0] = 3
    _bad(nonrecip, r"votes\[4\]\.matrix\[\d\]\[\d\]")

    def nonpos(d):
        d["votes"][4]["matrix"][0][2] = 0
    _bad(nonpos, r"votes\[4\]\.matrix\[0\]\[2\]")

    def ragged(d):
        d["votes"][4]["matrix"][2] = [1, 2]
    _bad(ragged, r"votes\[4\]\.matrix\[2\]")


def test_bad_cost_criterion_in_method_that_cannot_take_it():
    """An explicitly requested WSM/COPRAS cannot take a zero on a cost criterion (1/x)."""
    for method in ("wsm", "copras", "wpm"):
        e = _bad(lambda d: d["scores"]["scen"].update(kostnad=0), r"scores\.scen\.kostnad",
                 methods=[method], smaa={"samples": 300, "seed": 1, "method": method})
        assert "kostnad" in e.message_sv


def test_bad_empty_group():
    _bad(lambda d: d["groups"].update(Grästorp={"population": 5600}), r"groups\.Grästorp")


def test_bad_vote_in_unknown_group_and_missing_participant():
    _bad(lambda d: d["votes"][0].update(group="Tibro"), r"votes\[0\]\.group")
    _bad(lambda d: d["votes"][0].pop("participant"), r"votes\[0\]\.participant")
    _bad(lambda d: d["votes"][1].update(participant="p01"), r"votes\[1\]\.participant")


def test_bad_population_rule_without_population():
    _bad(lambda d: d["groups"]["Skövde"].pop("population"), r"groups\.Skövde\.population",
         between_groups="population")
    _bad(lambda d: d["groups"]["Skövde"].update(population=-1), r"groups\.Skövde\.population")


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("within_group", "mode", r"options\.within_group"),
        ("between_groups", "area", r"options\.between_groups"),
        ("methods", ["topsis", "electre"], r"options\.methods\[1\]"),
        ("methods", [], r"options\.methods"),
        ("vikor_v", 2, r"options\.vikor_v"),
        ("smaa", {"samples": 0}, r"options\.smaa\.samples"),
        ("smaa", {"seed": -1}, r"options\.smaa\.seed"),
        ("smaa", {"weights": "normal"}, r"options\.smaa\.weights"),
        ("random_index", "saaty2099", r"options\.random_index"),
        ("points_total", 0, r"options\.points_total"),
        ("colour", "red", r"options\.colour"),
    ],
)
def test_bad_options(key, value, field):
    _bad(lambda d: None, field, **{key: value})


def test_bad_top_level_shapes():
    with pytest.raises(MCDAInputError) as exc:
        analyze([])
    assert exc.value.field == "input"
    _bad(lambda d: d.pop("votes"), r"votes")
    _bad(lambda d: d.update(votes=[]), r"votes")
    _bad(lambda d: d.update(criteria="a,b"), r"criteria")
    _bad(lambda d: d["votes"][0].update(method="vote"), r"votes\[0\]\.method")


def test_ranking_from_example_is_sensible(result):
    """Hand check: the mobile stage is cheap and accessible; with these weights it is the
    Copeland compromise winner, and TOPSIS and WSM agree on the top-2 set."""
    comp = result["compromise"]["ranks"]
    assert comp["scen"] == 1
    top2 = {a for a, r in result["rankings"]["topsis"]["ranks"].items() if r <= 2}
    assert top2 == {a for a, r in result["rankings"]["wsm"]["ranks"].items() if r <= 2}
    assert np.isclose(sum(result["smaa"]["rank_acceptability"]["scen"]), 1.0)


def test_doc_example_output_matches_analyze(result):
    """The output shown in docs/analysis-format.md (rounded to 4 dp) is what analyze returns."""
    doc = (ROOT / "docs" / "analysis-format.md").read_text("utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc, re.S)]
    shown = next(b for b in blocks if "rankings" in b and "meta" in b)

    def close(a, b, path=""):
        if isinstance(a, dict):
            assert set(a) == set(b), path
            for k in a:
                close(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                close(x, y, f"{path}[{i}]")
        elif isinstance(a, float) and not isinstance(b, str):
            assert b == pytest.approx(a, abs=1e-4), path
        else:
            assert a == b, path

    close(shown, {k: v for k, v in result.items() if k != "meta"} | {
        "meta": {**result["meta"], "versions": shown["meta"]["versions"]}})


@st.composite
def random_input(draw):
    n_c = draw(st.integers(2, 5))
    n_a = draw(st.integers(2, 6))
    n_g = draw(st.integers(1, 3))
    crits = [{"id": f"c{j}", "name": f"C{j}",
              "direction": draw(st.sampled_from(["benefit", "cost"]))} for j in range(n_c)]
    score = st.integers(0, 5)  # zeros, ties and constant columns on purpose
    scores = {f"a{i}": {f"c{j}": draw(score) for j in range(n_c)} for i in range(n_a)}
    votes = []
    for k in range(draw(st.integers(n_g, 8))):
        g = f"g{k % n_g}"
        kind = draw(st.sampled_from(["direct", "points", "ranking"]))
        if kind == "points":
            cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n_c - 1, max_size=n_c - 1)))
            pts = np.diff([0, *cuts, 100]).tolist()
            vals = dict(zip([c["id"] for c in crits], pts, strict=True))
        elif kind == "ranking":
            vals = {c["id"]: draw(st.integers(1, n_c)) for c in crits}
        else:
            vals = {c["id"]: draw(st.integers(0, 10)) for c in crits}
            vals["c0"] = max(vals["c0"], 1)
        votes.append({"participant": f"p{k}", "group": g, "method": kind, "values": vals})
    return {"criteria": crits, "scores": scores, "votes": votes,
            "options": {"smaa": {"samples": 64, "seed": draw(st.integers(0, 5)),
                                 "weights": draw(st.sampled_from(["uniform", "empirical"])),
                                 "method": "wsm"}}}


@settings(max_examples=40, deadline=None)
@given(random_input())
def test_random_inputs_give_strict_json_without_nan(data):
    # "smaa" is explicit here, so WSM with a zero score is an input error; drop it to default.
    if any(v == 0 for row in data["scores"].values() for v in row.values()):
        data["options"]["smaa"].pop("method")
        data["options"] = {}
    out = analyze(data)
    json.dumps(out, allow_nan=False)
    assert all(math.isfinite(x) for x in _walk_floats(out))
    assert sum(out["weights"].values()) == pytest.approx(1.0)
    for r in out["rankings"].values():
        assert min(r["ranks"].values()) == 1


def test_skip_unsuitable_option():
    d = small(skip_unsuitable=True)
    d["scores"]["scen"]["ungdomar"] = 0
    out = analyze(d)  # methods and smaa are explicit, but skipping was asked for
    assert "wsm" not in out["rankings"] and out["smaa"]["method"] == "topsis"
    e = small(skip_unsuitable=False)
    del e["options"]["methods"]
    e["scores"]["scen"]["ungdomar"] = 0
    with pytest.raises(MCDAInputError):
        analyze(e)
    with pytest.raises(MCDAInputError):
        analyze(small(skip_unsuitable="yes"))


def test_vote_errors_name_the_criterion_not_the_position():
    e = _bad(lambda d: d["votes"][2]["values"].update(drift=0), r"votes\[2\]\.values\.drift")
    assert "drift" in e.message_sv and "ranks[" not in e.message_sv and "p03" in e.message_en


def test_smaa_method_outside_methods_refused_unless_skip_unsuitable():
    """Issue 22: an explicit options.smaa.method that is not among options.methods is refused;
    the web app's own defaults (skip_unsuitable: true) still run SMAA with WSM beside them."""
    smaa_opts = {"samples": 50, "seed": 1, "method": "wsm"}
    e = _bad(lambda d: None, r"options\.smaa\.method", methods=["topsis", "vikor"],
             smaa=smaa_opts)
    assert "topsis, vikor" in e.message_en
    out = analyze(small(methods=["topsis", "vikor"], smaa=smaa_opts, skip_unsuitable=True))
    assert out["smaa"]["method"] == "wsm"
