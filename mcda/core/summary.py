"""The summary ("Sammanfattning"): the few plain findings an analysis supports.

One pure function over the analysis result, so that the results page, the projector, the
report, the JSON export and the CLI all say the same thing. Each statement is a
``{"kind", "params", "anchor", "basis"}`` item: ``kind`` picks the sentence, ``params`` hold
the figures it rests on (ids, names, shares; never formatted text, so it can be translated
and tested), ``anchor`` names the results section that shows the figure and ``basis`` the
method behind it. The web app turns the items into Swedish or English sentences.

Anonymity: the caller passes the municipalities that may not be named (``hidden``, from the
publishing rule in ``mcda.store.analysis_input``); they are left out of every list and only
counted. :func:`mcda.core.analysis.analyze` itself calls this with nothing hidden, as its
input already holds every vote.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .disclosure import may_show_spread

__all__ = ["KINDS", "ANCHORS", "summarize", "S_STAR_LEVELS", "STRENGTHS"]

KINDS = ("verdict", "agreement", "conflict", "no_conflict", "coalitions", "no_coalitions",
         "coverage")
"""Every statement kind, in the order the summary lists them."""

ANCHORS = {
    "agreement": "sec-consensus",
    "conflict": "sec-conflicts",
    "no_conflict": "sec-conflicts",
    "coalitions": "sec-coalitions",
    "no_coalitions": "sec-coalitions",
    "verdict": "sec-ranking",
    "coverage": "sec-participation",
}
"""The results section (HTML id) that shows each statement's figures."""

S_STAR_LEVELS = {"very high": "very_high", "high": "high", "moderate": "moderate",
                 "low": "low", "very low": "very_low"}
STRENGTHS = {"strong": "strong", "reasonable": "reasonable", "weak": "weak", "none": "none"}

MAX_CONFLICTS = 2
AGREEMENT_CRITERIA = 2
MAX_CONTENDERS = 3
MAX_NAMED = 3
"""Municipalities named on each side of a goal conflict; the rest are counted."""


def _names(meta: Mapping[str, Any], key: str) -> dict[str, str]:
    return {x["id"]: x["name"] for x in meta.get(key) or []}


def _item(kind: str, params: dict[str, Any], basis: str) -> dict[str, Any]:
    return {"kind": kind, "params": params, "anchor": ANCHORS[kind], "basis": basis}


def _level(label: Any) -> str | None:
    en = label.get("en") if isinstance(label, Mapping) else None
    return S_STAR_LEVELS.get(en) if en else None


def spread_values(result: Mapping[str, Any]) -> int:
    """How many weightings the spreads of ``result`` rest on: every vote, less a pool the
    analysis left out (``consensus.left_out``: fewer than ten voters; issue 24, A1)."""
    groups = result.get("groups") or {}
    left = sum(int((groups.get(g) or {}).get("n") or 0)
               for g in (result.get("consensus") or {}).get("left_out") or [])
    return len(result.get("votes") or []) - left


def _agreement(result: Mapping[str, Any], cname: dict[str, str]) -> dict[str, Any] | None:
    cons = result.get("consensus") or {}
    crit = cons.get("criteria") or {}
    # "differ least" names the smallest spreads and states one: only from ten weightings
    # (disclosure.MIN_SPREAD_VALUES), as every published spread; else no such sentence
    if not crit or not may_show_spread(spread_values(result)):
        return None
    # The sentence says the weights "differ least" here: exactly the smallest spreads, disputed
    # or not (skipping disputed criteria named a larger spread while a smaller one went unnamed;
    # a calm but disputed criterion still gets its own conflict sentence).
    calm = sorted(crit.items(), key=lambda kv: (
        math.inf if kv[1].get("sd") is None else kv[1]["sd"], kv[0]))
    chosen = [{"id": c, "name": cname.get(c, c), "sd": st.get("sd"), "mean": st.get("mean")}
              for c, st in calm[:AGREEMENT_CRITERIA]]
    return _item("agreement", {"criteria": chosen, "s_star": cons.get("s_star"),
                               "level": _level(cons.get("s_star_label"))},
                 "consensus.criteria.sd+consensus.s_star")


def _conflicts(result: Mapping[str, Any], hidden: Collection[str]) -> list[dict[str, Any]]:
    disputed = sorted((result.get("conflicts") or {}).get("disputed") or [],
                      key=lambda d: (-(d.get("between_share") or 0.0), d.get("criterion", "")))
    out = []
    for d in disputed[:MAX_CONFLICTS]:
        high = [x["group"] for x in d.get("high") or [] if x["group"] not in hidden]
        low = [x["group"] for x in d.get("low") or [] if x["group"] not in hidden]
        n_hidden = sum(1 for x in (d.get("high") or []) + (d.get("low") or [])
                       if x["group"] in hidden)
        # short: the most extreme on each side are named (highest / lowest first), the rest
        # counted; the section's table lists everyone
        out.append(_item("conflict", {
            "criterion": d.get("criterion"), "name": d.get("name") or d.get("criterion"),
            "between_share": d.get("between_share"), "high": high[:MAX_NAMED],
            "low": low[:MAX_NAMED], "more_high": max(0, len(high) - MAX_NAMED),
            "more_low": max(0, len(low) - MAX_NAMED), "hidden": n_hidden},
            "conflicts.disputed"))
    if not out and (result.get("groups") or {}):
        out.append(_item("no_conflict", {"n_groups": len(result.get("groups") or {})},
                         "conflicts.disputed"))
    return out


def _coalitions(result: Mapping[str, Any], hidden: Collection[str]) -> dict[str, Any] | None:
    coal = (result.get("conflicts") or {}).get("coalitions") or {}
    if not coal:
        return None
    strength = coal.get("strength")
    key = STRENGTHS.get(strength.get("en")) if isinstance(strength, Mapping) else None
    clusters, n_hidden = [], 0
    for members in coal.get("clusters") or []:
        shown = [m for m in members if m not in hidden]
        n_hidden += len(members) - len(shown)
        if shown:
            clusters.append(shown)
    if key in (None, "none") or len(clusters) < 2:
        return _item("no_coalitions", {"silhouette": coal.get("silhouette"),
                                       "n_groups": len(result.get("groups") or {})},
                     "conflicts.coalitions")
    return _item("coalitions", {"clusters": clusters, "silhouette": coal.get("silhouette"),
                                "strength": key, "hidden": n_hidden}, "conflicts.coalitions")


def _verdict(result: Mapping[str, Any], cname: dict[str, str],
             aname: dict[str, str]) -> dict[str, Any] | None:
    """What comes first under the decision's model, how sure, what would change it and what
    the other methods say: the four parts of the verdict block, named for the sentences."""
    v = result.get("verdict") or {}
    if not v.get("first"):
        return None

    def alt(a: str | None) -> dict[str, str] | None:
        return None if a is None else {"id": a, "name": aname.get(a, a)}

    first = v["first"]
    fl = v.get("flip")
    meth = v.get("methods") or {}
    leader = v.get("share_leader")
    params = {
        "model": v["model"],
        "first": alt(first),
        "following": [alt(o["id"]) for o in v["order"][1:1 + MAX_CONTENDERS]],
        "tied": [alt(o["id"]) for o in v["order"] if o["rank"] == 1],
        "share": v.get("share_first"),
        "n_weightings": v.get("n_weightings"),
        "runner_up": alt(v.get("runner_up")),
        "flip": None if fl is None else {
            "criterion": {"id": fl["criterion"], "name": cname.get(fl["criterion"],
                                                                   fl["criterion"])},
            "direction": fl["direction"], "points": fl["points"],
            "weight": fl["weight"], "to": fl["to"]},
        "methods_agree": meth.get("agree"),
        "n_methods": meth.get("of"),
        "explain": v.get("explain"),
        "share_leader": None if leader is None else dict(
            alt(leader), share=(v.get("shares") or {}).get(leader)),
    }
    return _item("verdict", params, f"verdict ({v['model']['id']})")


def _coverage(result: Mapping[str, Any], hidden: Collection[str],
              all_groups: Sequence[str] | None, k: int | None) -> dict[str, Any]:
    voted = [g for g, info in (result.get("groups") or {}).items() if (info.get("n") or 0) > 0]
    everyone = list(all_groups) if all_groups is not None else voted
    without = [g for g in everyone if g not in voted]
    n_hidden = sum(1 for g in voted if g in hidden)
    return _item("coverage", {
        "n_groups": len(everyone), "n_voted": len(voted), "without_votes": without,
        "n_hidden": n_hidden, "k": k,
        "n_participants": sum((info.get("n") or 0)
                              for info in (result.get("groups") or {}).values()),
    }, "participation")


def summarize(
    result: Mapping[str, Any],
    *,
    hidden: Collection[str] = (),
    all_groups: Sequence[str] | None = None,
    k: int | None = None,
) -> list[dict[str, Any]]:
    """4–8 statements about an analysis result (see the module docstring).

    ``hidden``: municipalities that may not be named (counted only); ``all_groups``: every
    municipality of the region, to name those without votes (default: those with votes);
    ``k``: the anonymity threshold, repeated in the coverage statement.
    """
    meta = result.get("meta") or {}
    cname, aname = _names(meta, "criteria"), _names(meta, "alternatives")
    hidden = set(hidden)
    items: list[dict[str, Any] | None] = [_verdict(result, cname, aname),
                                          _agreement(result, cname)]
    items += _conflicts(result, hidden)
    items += [_coalitions(result, hidden), _coverage(result, hidden, all_groups, k)]
    return [i for i in items if i is not None]
