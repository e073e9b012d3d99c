"""The region's weights from a round's stored votes, for the participant's tablet.

A tablet that shows "Regionens vikt" next to the participant's own weights needs only the
two-level aggregate and the spread, not the whole analysis (six ranking methods, SMAA). When
the facilitator's cached analysis is at hand the tablet reads it; otherwise these functions
give the same figures under the analysis' default options: the votes pooled by the anonymity
rule (:mod:`mcda.core.disclosure`), the arithmetic mean within each municipality, one
municipality one vote between them (:mod:`mcda.core.aggregation`), and the sample SD
(ddof = 1) over participants as in :mod:`mcda.core.consensus`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import aggregation, disclosure
from .errors import MCDAInputError

#: the percentiles the "Förra omgången" chart draws (10th, quartiles, median, 90th)
CHART_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def region_weights(
    votes: Sequence[Mapping[str, Any]], criterion_ids: Sequence[Any], k: int,
    kind: str = disclosure.ANONYMOUS,
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """``({criterion id: region weight}, {criterion id: SD over participants})``.

    ``votes`` are the round's latest votes (``weights`` by criterion id, ``municipality``);
    groups under ``k`` are pooled first, so a small municipality never counts on its own.
    ``(None, {})`` when no publishable vote is left."""
    plan = disclosure.plan_for_votes(votes, k, key="municipality", kind=kind)
    pooled = disclosure.pool_votes(votes, plan, key="municipality")
    ids = [str(c) for c in criterion_ids]
    if not pooled or not ids:
        return None, {}
    rows = np.array([[float(v["weights"].get(cid, 0.0)) for cid in ids] for v in pooled])
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(pooled):
        groups.setdefault(str(v["municipality"]), []).append(i)
    try:
        means = np.vstack([aggregation.within_group(rows[idx], "mean")
                           for idx in groups.values()])
        region = aggregation.between_groups(means, "equal")
    except MCDAInputError:
        return None, {}
    own = rows[_spread_positions(pooled, "municipality")]
    sd = ({cid: float(x) for cid, x in zip(ids, own.std(axis=0, ddof=1), strict=True)}
          if disclosure.may_show_spread(len(own)) else {})
    return {cid: float(region[j]) for j, cid in enumerate(ids)}, sd


def _spread_positions(pooled: Sequence[Mapping[str, Any]], key: str) -> list[int]:
    """Positions of the pooled votes whose own weightings a spread may use: a pool of fewer
    than ten voters is left out, as in the analysis (``core.analysis.spread``; issue 24)."""
    n_pool = sum(1 for v in pooled if v[key] == disclosure.POOL)
    small = 0 < n_pool < disclosure.MIN_SPREAD_VALUES
    return [i for i, v in enumerate(pooled) if not (small and v[key] == disclosure.POOL)]


def weight_quantiles(
    votes: Sequence[Mapping[str, Any]], criterion_ids: Sequence[Any],
    qs: Sequence[float] = CHART_QUANTILES, *, k: int | None = None,
) -> dict[str, list[float]]:
    """Per criterion id, the weights' quantiles ``qs`` over the votes (linear interpolation,
    numpy's default rule); 0 for every quantile when there are no votes.

    ``k``: the round's anonymity threshold; the votes (``municipality`` per vote) are pooled
    first and a pool of fewer than ten voters is left out (a quantile near the edge of few
    values IS one of them); ``{}`` when fewer than ten values are left."""
    if k is not None:
        pooled = disclosure.pool_votes(
            votes, disclosure.plan_for_votes(votes, k, key="municipality"), key="municipality")
        votes = [pooled[i] for i in _spread_positions(pooled, "municipality")]
        if not disclosure.may_show_spread(len(votes)):
            return {}
    out: dict[str, list[float]] = {}
    for cid in (str(c) for c in criterion_ids):
        col = [float(v["weights"].get(cid, 0.0)) for v in votes]
        out[cid] = [float(x) for x in np.quantile(col, qs)] if col else [0.0] * len(qs)
    return out


def within_group_sd(votes: Sequence[tuple[str, Mapping[str, float]]],
                    groups: Sequence[str]) -> dict[str, float | None]:
    """Per group, the mean over criteria of the sample SD (ddof = 1) of its participants'
    weights; None below ten voters (``disclosure.may_show_spread``: a spread of few values
    is theirs). ``votes``: (group, weights by criterion id) per participant."""
    out: dict[str, float | None] = {}
    for g in groups:
        rows = [w for grp, w in votes if grp == g]
        if len(rows) < 2 or not disclosure.may_show_spread(len(rows)):
            out[g] = None
            continue
        ids = list(rows[0])
        mat = np.array([[float(r[c]) for c in ids] for r in rows])
        out[g] = float(mat.std(axis=0, ddof=1).mean())
    return out
