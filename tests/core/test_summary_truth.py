"""Every summary sentence is true of the numbers it cites (issue 22, item 5).

Random small workshops go through ``analyze``; each statement kind is checked against the
analysis figures its sentence (``mcda.web.analysis_text``) states: "weights differ least on
X and Y", "conflict over X: A wants it higher, B lower, s % between municipalities", the
coalitions, the verdict (first, share, flip, the other methods) and the coverage counts.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.core import summary
from mcda.core.analysis import analyze
from mcda.core.conflicts import DISPUTED_THRESHOLD

CHECKED: dict[str, int] = {}


@st.composite
def workshops(draw):
    n_crit = draw(st.integers(2, 6))
    n_alt = draw(st.integers(2, 5))
    n_groups = draw(st.integers(1, 4))
    crits = [{"id": f"k{j}", "name": f"Kriterium {j}",
              "direction": draw(st.sampled_from(["benefit", "cost"]))} for j in range(n_crit)]
    alts = [{"id": f"a{i}", "name": f"Alternativ {i}"} for i in range(n_alt)]
    score = st.integers(1, 10)
    scores = {a["id"]: {c["id"]: draw(score) for c in crits} for a in alts}
    groups = {f"G{g}": {"population": draw(st.integers(1000, 90000))} for g in range(n_groups)}
    votes = []
    for g in groups:
        # a group's voters lean one way, so some criteria are disputed between groups
        lean = [draw(st.integers(0, 10)) for _ in crits]
        for p in range(draw(st.integers(1, 4))):
            vals = [max(0, min(10, x + draw(st.integers(-2, 2)))) for x in lean]
            if not any(vals):
                vals[0] = 1
            votes.append({"participant": f"{g}-{p}", "group": g, "method": "direct",
                          "values": {c["id"]: v for c, v in zip(crits, vals, strict=True)}})
    return {"criteria": crits, "alternatives": alts, "scores": scores, "groups": groups,
            "votes": votes, "options": {"smaa": {"samples": 200, "seed": 1}}}


def _agreement(p, r):
    sds = {c: st["sd"] for c, st in r["consensus"]["criteria"].items()}
    named = [c["id"] for c in p["criteria"]]
    assert len(named) == min(summary.AGREEMENT_CRITERIA, len(sds))
    for c in p["criteria"]:
        assert c["sd"] == sds[c["id"]]
    # "differ least": no unnamed criterion has a smaller spread than a named one
    assert max(sds[c] for c in named) <= min((sds[c] for c in sds if c not in named),
                                             default=math.inf)
    # the spread the sentence cites is the smallest of all
    assert p["criteria"][0]["sd"] == min(sds.values())
    assert p["s_star"] == r["consensus"]["s_star"]
    assert p["level"] == summary.S_STAR_LEVELS[r["consensus"]["s_star_label"]["en"]]


def _conflict(p, r):
    disputed = r["conflicts"]["disputed"]
    d = next(x for x in disputed if x["criterion"] == p["criterion"])
    assert p["between_share"] == d["between_share"] >= DISPUTED_THRESHOLD
    # the two most disputed are the ones named
    shares = sorted((x["between_share"] for x in disputed), reverse=True)
    assert p["between_share"] >= shares[min(summary.MAX_CONFLICTS, len(shares)) - 1]
    groups = r["groups"]
    for g in p["high"]:
        assert groups[g]["weights"][p["criterion"]] > d["mean"]  # "wants it higher"
    for g in p["low"]:
        assert groups[g]["weights"][p["criterion"]] < d["mean"]  # "wants it lower"
    assert p["more_high"] == len(d["high"]) - len(p["high"])
    assert p["more_low"] == len(d["low"]) - len(p["low"])


def _no_conflict(p, r):
    assert not r["conflicts"]["disputed"]
    assert p["n_groups"] == len(r["groups"])


def _coalitions(p, r):
    coal = r["conflicts"]["coalitions"]
    assert p["clusters"] == coal["clusters"] and len(p["clusters"]) >= 2
    assert p["strength"] == summary.STRENGTHS[coal["strength"]["en"]] != "none"


def _no_coalitions(p, r):
    coal = r["conflicts"].get("coalitions") or {}
    assert (coal.get("strength") or {}).get("en") in (None, "none") or len(coal["clusters"]) < 2


def _verdict(p, r):
    v = r["verdict"]
    order = [o["id"] for o in v["order"]]
    assert p["first"]["id"] == v["first"] == order[0]
    assert [a["id"] for a in p["following"]] == order[1:1 + summary.MAX_CONTENDERS]
    tied = [o["id"] for o in v["order"] if o["rank"] == 1]
    assert [a["id"] for a in p["tied"]] == tied
    assert (p["explain"] == "tie") == (len(tied) > 1)  # "share the first place"
    assert p["share"] == v["share_first"] == v["shares"][v["first"]]
    agree = [m for m, f in v["methods"]["first_by_method"].items() if v["first"] in f]
    assert p["methods_agree"] == len(agree) and p["n_methods"] == len(
        v["methods"]["first_by_method"])
    if p["explain"] == "other_first_more_often":  # "X comes first more often"
        assert p["share_leader"]["share"] > p["share"]
    if p["flip"] is not None:  # "if C weighed n points more/less, R would come first"
        assert len(tied) == 1
        assert p["flip"]["points"] > 0
        w = r["weights"][p["flip"]["criterion"]["id"]]
        assert p["flip"]["weight"] == pytest.approx(w)
        assert (p["flip"]["to"] > w) == (p["flip"]["direction"] == "up")


def _coverage(p, r, data):
    assert p["n_participants"] == len(data["votes"]) == sum(g["n"] for g in r["groups"].values())
    assert p["n_voted"] == sum(1 for g in r["groups"].values() if g["n"] > 0)
    assert p["n_groups"] == len(r["groups"]) and p["without_votes"] == []


CHECKS = {"agreement": _agreement, "conflict": _conflict, "no_conflict": _no_conflict,
          "coalitions": _coalitions, "no_coalitions": _no_coalitions, "verdict": _verdict}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops())
def test_every_summary_statement_is_true_of_its_numbers(data):
    r = analyze(data)
    items = r["summary"]
    assert [i["kind"] for i in items] == sorted((i["kind"] for i in items),
                                                key=summary.KINDS.index)
    for item in items:
        CHECKED[item["kind"]] = CHECKED.get(item["kind"], 0) + 1
        if item["kind"] == "coverage":
            _coverage(item["params"], r, data)
        else:
            CHECKS[item["kind"]](item["params"], r)


def test_agreement_names_the_smallest_spreads_even_when_disputed():
    """The regression: a disputed criterion with the smallest spread was skipped, so the
    sentence named a larger spread as the least."""
    result = {
        "consensus": {"criteria": {"a": {"sd": 0.01, "mean": 0.3}, "b": {"sd": 0.05, "mean": 0.3},
                                   "c": {"sd": 0.02, "mean": 0.4}},
                      "s_star": 0.8, "s_star_label": {"en": "high"}},
        "conflicts": {"disputed": [{"criterion": "a", "between_share": 0.6}]},
        "votes": [{}] * 10,
    }
    [item] = [i for i in summary.summarize(result) if i["kind"] == "agreement"]
    assert [c["id"] for c in item["params"]["criteria"]] == ["a", "c"]


def test_no_change_sentence_when_first_place_is_shared():
    """Found by the property test: with a tied top the sentence read "raise the weight of
    Kriterium 0 from 0 % to 0 % (0 percentage points) and Alternativ 1 takes over"."""
    data = {"criteria": [{"id": "k0", "direction": "cost"}, {"id": "k1", "direction": "benefit"}],
            "alternatives": [{"id": "a0"}, {"id": "a1"}],
            "scores": {"a0": {"k0": 2, "k1": 1}, "a1": {"k0": 1, "k1": 1}},
            "votes": [{"participant": "p", "group": "G0", "method": "direct",
                       "values": {"k0": 0, "k1": 1}}],
            "options": {"smaa": {"samples": 200, "seed": 1}}}
    r = analyze(data)
    v = r["verdict"]
    assert [o["rank"] for o in v["order"]] == [1, 1]
    assert v["flip"] is None and v["explain"] == "tie"
    item = r["summary"][0]
    assert item["kind"] == "verdict" and item["params"]["flip"] is None
