"""Small steps the analysis and its phasing/scenario part share (no cycle between them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import aggregation, ranking, smaa
from ..constants import MIN_QUANTILE_VALUES
from ..contract import Problem
from ..errors import MCDAInputError


def by_id(ids: list[str], values: Any) -> dict[str, Any]:
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return dict(zip(ids, vals, strict=True))


def smaa_draw(p: Problem, W: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, Any]:
    """The SMAA weight samples ``(base, index)`` of ``options.smaa`` (seeded, reproducible)."""
    o = p.options["smaa"]
    group_idx = {g: k for k, g in enumerate(p.groups)}
    rule = p.options["between_groups"]
    if rule == "participants":
        shares = sizes
    elif rule == "population":
        shares = [p.populations[g] for g in p.groups]
    else:
        shares = None
    return smaa.draw(o["weights"], o["samples"], o["seed"], len(p.criteria),
                     weights=W, groups=[group_idx[v.group] for v in p.votes],
                     group_shares=shares)


def group_vector(p: Problem, W: np.ndarray, mats: list[Any], rows: Any) -> np.ndarray:
    """One group's weights under ``options.within_group``.

    A median of fewer than :data:`MIN_QUANTILE_VALUES` votes is the answer of one voter (per
    criterion), which a published group figure must never be; such groups use the mean.
    """
    rule = p.options["within_group"]
    rows = list(rows)
    if rule == "median" and len(rows) < MIN_QUANTILE_VALUES:
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
