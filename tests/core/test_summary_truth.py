"""Every summary sentence is true of the numbers it cites (issue 22, item 5).

Random small workshops go through ``analyze``; each statement kind is checked against the
analysis figures its sentence (``mcda.web.analysis_text``) states: "weights differ least on
X and Y", "conflict over X: A wants it higher, B lower, s % between municipalities", the
coalitions, the verdict, the smallest change, the robust top and the coverage counts.
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
    v, comp = r["verdict"], r["compromise"]
    firsts = sorted(a for a, k in comp["ranks"].items() if k == 1)
    assert sorted(a["id"] for a in p["top"]) == firsts == sorted(v["top"])
    top = p["top"][0]["id"]
    agree = [m for m, f in v["first_by_method"].items() if top in f]
    assert p["methods_agree"] == len(agree) and p["n_methods"] == len(v["methods"])
    assert sorted(p["dissent"]) == sorted(set(v["first_by_method"]) - set(agree))
    if p["finding"] == "clear":  # "with all n methods"
        assert p["methods_agree"] == p["n_methods"]
    if p["finding"] == "tie":  # "share the first place"
        assert len(firsts) > 1
    if p["share"] is not None:
        assert p["share"] == v["smaa"]["first"][top]
    for c in p["contenders"]:
        assert c["share"] == v["smaa"]["first"].get(c["id"])
        assert c["first_with"] == [m for m, f in v["first_by_method"].items() if c["id"] in f]


def _change(p, r):
    sens = r["verdict"]["sensitivity"]
    ch = sens["smallest_change"]
    crit = sens["criteria"][p["criterion"]["id"]]
    assert p["weight"] == crit["weight"] == pytest.approx(r["weights"][p["criterion"]["id"]])
    if p["direction"] == "up":  # "raised from w to t"
        assert p["to"] > p["weight"] and p["to"] == crit["hi"]
        assert p["rival"]["id"] == crit["rival_hi"]
    else:
        assert p["to"] < p["weight"] and p["to"] == crit["lo"]
        assert p["rival"]["id"] == crit["rival_lo"]
    assert p["delta"] == pytest.approx(abs(p["to"] - p["weight"]))
    assert p["top"]["id"] == sens["top"] and ch["criterion"] == p["criterion"]["id"]
    # the smallest: no other criterion's boundary is closer
    for c in sens["criteria"].values():
        for bound, rival in ((c["hi"], c["rival_hi"]), (c["lo"], c["rival_lo"])):
            if rival is not None:
                assert abs(bound - c["weight"]) >= p["delta"] - 1e-12


def _robust(p, r):
    sens = r["verdict"]["sensitivity"]
    assert sens["smallest_change"] is None and p["top"]["id"] == sens["top"]
    assert all(c["rival_hi"] is None and c["rival_lo"] is None
               for c in sens["criteria"].values())


def _coverage(p, r, data):
    assert p["n_participants"] == len(data["votes"]) == sum(g["n"] for g in r["groups"].values())
    assert p["n_voted"] == sum(1 for g in r["groups"].values() if g["n"] > 0)
    assert p["n_groups"] == len(r["groups"]) and p["without_votes"] == []


CHECKS = {"agreement": _agreement, "conflict": _conflict, "no_conflict": _no_conflict,
          "coalitions": _coalitions, "no_coalitions": _no_coalitions, "verdict": _verdict,
          "change": _change, "robust": _robust}


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
    assert r["verdict"]["sensitivity"]["tied_top"]
    kinds = [i["kind"] for i in r["summary"]]
    assert "change" not in kinds and "robust" not in kinds and "verdict" in kinds
