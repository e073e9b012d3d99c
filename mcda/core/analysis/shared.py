"""Small steps the analysis and its phasing/scenario part share (no cycle between them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import aggregation, ranking, smaa
from ..constants import MIN_QUANTILE_VALUES
from ..contract import Problem
from ..disclosure import MIN_SPREAD_VALUES, POOL
from ..errors import MCDAInputError


def by_id(ids: list[str], values: Any) -> dict[str, Any]:
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return dict(zip(ids, vals, strict=True))


def pool_rows(p: Problem) -> list[int]:
    """Positions of the votes in the pooled group ("Övriga kommuner", ``core.disclosure``)."""
    return [i for i, v in enumerate(p.votes) if v.group == POOL]


def pool_is_small(p: Problem) -> bool:
    """Is there a pool with fewer than :data:`~mcda.core.disclosure.MIN_SPREAD_VALUES` voters?

    Why: such a pool is published only through its count and its arithmetic mean. Any figure
    that also carries its voters' spread (S*, SD, quantiles, η², correlations, shares of
    weightings) adds equations on their individual vectors (issue 24, attack A1)."""
    n = len(pool_rows(p))
    return 0 < n < MIN_SPREAD_VALUES


def spread_rows(p: Problem) -> list[int]:
    """The votes whose own weightings the statistics over participants may use: all of them,
    except a small pool's (:func:`pool_is_small`), which are left out of every such figure."""
    if not pool_is_small(p):
        return list(range(len(p.votes)))
    return [i for i, v in enumerate(p.votes) if v.group != POOL]


def pooled_base(p: Problem, W: np.ndarray, gw: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The weight vectors samples may be drawn from, with each one's group index: every
    published voter's own vector, and the pool ONLY as its combined (published) weights,
    one row standing for all its voters. Samples never reuse a pooled voter's own vector."""
    group_idx = {g: k for k, g in enumerate(p.groups)}
    rows = [i for i, v in enumerate(p.votes) if v.group != POOL]
    base = [W[i] for i in rows]
    groups = [group_idx[p.votes[i].group] for i in rows]
    if POOL in group_idx and len(rows) < len(p.votes):
        base.append(gw[group_idx[POOL]])
        groups.append(group_idx[POOL])
    return np.asarray(base, dtype=float).reshape(len(base), W.shape[1]), groups


def smaa_draw(p: Problem, W: np.ndarray, sizes: list[int],
              gw: np.ndarray) -> tuple[np.ndarray, Any]:
    """The SMAA weight samples ``(base, index)`` of ``options.smaa`` (seeded, reproducible).

    Empirical samples resample the published voters' vectors and take the pool at its
    combined weights (:func:`pooled_base`); its share of the samples is unchanged."""
    o = p.options["smaa"]
    rule = p.options["between_groups"]
    if rule == "participants":
        shares = sizes
    elif rule == "population":
        shares = [p.populations[g] for g in p.groups]
    else:
        shares = None
    base, groups = pooled_base(p, W, gw)
    return smaa.draw(o["weights"], o["samples"], o["seed"], len(p.criteria),
                     weights=base, groups=groups, group_shares=shares)


def group_vector(p: Problem, W: np.ndarray, mats: list[Any], rows: Any, *,
                 pooled: bool = False) -> np.ndarray:
    """One group's weights under ``options.within_group``.

    A median of fewer than :data:`MIN_QUANTILE_VALUES` votes is the answer of one voter (per
    criterion), which a published group figure must never be; such groups use the mean.
    ``pooled``: the group is the pool; under ten voters it is always the arithmetic mean (a
    geometric mean or AIJ beside the per-criterion means, which are published, would be a
    second set of equations on its voters' vectors; issue 24, A1).
    """
    rule = p.options["within_group"]
    rows = list(rows)
    if rule == "median" and len(rows) < MIN_QUANTILE_VALUES:
        rule = "mean"
    if pooled and len(rows) < MIN_SPREAD_VALUES:
        rule = "mean"
    return aggregation.within_group(
        W[rows], rule, matrices=[mats[i] for i in rows] if rule == "aij" else None,
        ahp_priority=p.options["ahp_priority"])


def resolve_method(p: Problem, key: str, mth: str, explicit: bool, w: np.ndarray,
                   kwargs: dict[str, dict], skipped: list) -> tuple[str, dict] | None:
    """The method for SMAA, the sensitivity analysis or plan values (``key``). If a default
    method cannot take these scores, fall back to TOPSIS (takes any finite scores) and report
    it in ``skipped``; a method the input set explicitly raises instead."""
    for cand in [mth] if explicit else [mth, "topsis"]:
        if cand in kwargs:
            return cand, kwargs[cand]
        kw = ranking.method_kwargs(cand, p.options)
        try:
            ranking.run(cand, p.matrix, w, p.types, alternatives=p.alternatives,
                        criteria=p.criteria, **kw)
        except MCDAInputError as exc:
            if explicit:
                raise
            skipped.append({"method": f"{key}:{cand}", "fallback": "topsis", **exc.to_dict()})
            continue
        return cand, kw
    return None
