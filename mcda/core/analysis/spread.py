"""Statistics over the participants' own weightings, under the pool rule (issue 24, A1).

A pool ("Övriga kommuner", ``core.disclosure``) with fewer than ten voters is published only
through its count and its combined weights (always the arithmetic mean, ``shared.group_vector``).
Every figure that would also carry its voters' spread is computed *without* its voters here:
Goepel's S*, Kendall's W, the SD, IQR and median per criterion, the between-municipality
share η² and its p, the trade-off correlations, the disputed criteria and the verdict's share
of weightings. The per-criterion mean over all participants is kept: with the pool at its
arithmetic mean it follows from published figures. S* of any group (municipality, pool or
role) with fewer than ten voters is not computed at all. ``docs/methods.md`` ("Small pools").
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from .. import conflicts, consensus
from ..contract import Problem
from ..disclosure import MIN_SPREAD_VALUES, POOL
from .shared import by_id, group_vector, pool_is_small, pool_rows, spread_rows


def left_out(p: Problem) -> list[str]:
    """The groups whose voters' own weightings no statistic over participants uses."""
    return [POOL] if pool_is_small(p) else []


def group_s_star(W: np.ndarray, rows: list[int]) -> float | None:
    """S* of one group's voters; None under ten voters (a spread of few values is theirs)."""
    return consensus.s_star(W[rows]) if len(rows) >= MIN_SPREAD_VALUES else None


def consensus_part(p: Problem, W: np.ndarray, gw: np.ndarray) -> dict:
    """The ``consensus`` object (see the module's docstring for what leaves the pool out)."""
    labels = [v.group for v in p.votes]
    rows = spread_rows(p)
    ws = W[rows]
    sub_labels = [labels[i] for i in rows]
    s = consensus.s_star(ws) if rows else None
    sv, en = consensus.s_star_label(s) if s is not None else ("", "")
    kw, kp = consensus.kendall_w(ws) if rows else (None, None)
    small = pool_is_small(p)
    # the mean over all voters, with a small pool at its (published) combined weights
    w_sub = W.copy()
    if small:
        w_sub[pool_rows(p)] = gw[p.groups.index(POOL)]
    mean = w_sub.mean(axis=0)
    stats = consensus.criterion_stats(ws, sub_labels) if rows else \
        consensus.criterion_stats(w_sub, labels)
    testable = len(set(sub_labels)) >= 2
    crit = {}
    for d in stats:
        st = {k: v for k, v in d.items() if k != "index"}
        if small:
            st["mean"] = float(mean[d["index"]])
        if not testable:  # one group (or none) left: no share between groups to state
            st["between_share"] = st["between_p"] = None
        crit[p.criteria[d["index"]]] = st
    return {
        "s_star": s,
        "s_star_label": {"sv": sv, "en": en},
        "s_star_by_group": {g: group_s_star(W, [i for i, x in enumerate(labels) if x == g])
                            for g in p.groups},
        "kendall_w": kw,
        "kendall_w_p": kp,
        "criteria": crit,
        "left_out": left_out(p),
    }


def conflict_votes(p: Problem, W: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The weightings (and their groups) the trade-offs and disputed criteria are tested on."""
    rows = spread_rows(p)
    return W[rows], [p.votes[i].group for i in rows]


def _disputed_json(p: Problem, found: list[dict]) -> list[dict]:
    name = dict(zip(p.criteria, p.criterion_names, strict=True))
    out = []
    for d in found:
        c = p.criteria[d["criterion"]]
        out.append({
            "criterion": c, "name": name[c], "between_share": d["between_share"],
            "p": d["p"], "mean": d["mean"],
            "high": [{"group": g, "mean": m} for g, m in d["high"]],
            "low": [{"group": g, "mean": m} for g, m in d["low"]],
        })
    return out


def disputed_part(p: Problem, W: np.ndarray, labels: list[str]) -> list[dict]:
    """Disputed criteria (η² ≥ threshold) over the given weightings, as the output states them."""
    if len(set(labels)) < 2:
        return []
    return _disputed_json(p, conflicts.disputed(W, labels, p.options["disputed_threshold"]))


def by_key(p: Problem, W: np.ndarray, mats: list[Any], labels: list[str | None]) -> dict:
    """Weights, consensus and disputed criteria for any grouping of the votes the caller names.

    ``labels`` gives each vote's key (``None``: not in any group, e.g. no role given). Groups
    are aggregated with the same within-group rule as the municipalities, so a role's weights
    read like a municipality's; ``disputed`` uses the same between-group share (η²) test. The
    spreads (S*, η²) leave a small pool's voters out, as for the municipalities, and each
    pooled voter enters a group's weights at the pool's combined weights (its arithmetic
    mean), so a role's weights carry nothing of the pool beyond its count and mean.
    """
    pooled = set(pool_rows(p)) if pool_is_small(p) else set()
    if pooled:
        W = W.copy()
        W[sorted(pooled)] = W[sorted(pooled)].mean(axis=0)
    keys = [k for k in dict.fromkeys(labels) if k is not None]
    idx = [i for i, k in enumerate(labels) if k is not None]
    allowed = set(spread_rows(p))
    n = Counter(labels[i] for i in idx)
    groups: dict[str, dict] = {}
    for key in keys:
        rows = [i for i in idx if labels[i] == key]
        gw = group_vector(p, W, mats, rows) if not pooled.intersection(rows) or \
            p.options["within_group"] != "aij" else W[rows].mean(axis=0)  # AIJ reads matrices
        own = [i for i in rows if i in allowed]
        groups[key] = {"n": len(rows), "weights": by_id(p.criteria, gw),
                       "s_star": group_s_star(W, own) if n[key] >= MIN_SPREAD_VALUES
                       else None}
    disputed, shares = [], {}
    sub_idx = [i for i in idx if i in allowed]
    sub_labels = [str(labels[i]) for i in sub_idx]
    if len(keys) >= 2 and len(set(sub_labels)) >= 2:
        sub = W[sub_idx]
        stats = consensus.criterion_stats(sub, sub_labels)
        shares = {p.criteria[d["index"]]: d["between_share"] for d in stats}
        disputed = disputed_part(p, sub, sub_labels)
    return {"groups": groups, "without": len(labels) - len(idx),
            "between_share": shares, "disputed": disputed}


def verdict_rows(p: Problem) -> list[int]:
    """The weightings the verdict's shares count: every vote once, a small pool's left out."""
    return spread_rows(p)
