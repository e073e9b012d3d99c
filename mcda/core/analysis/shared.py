"""Small steps the analysis and its phasing/scenario part share (no cycle between them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import aggregation, smaa
from ..constants import MIN_QUANTILE_VALUES
from ..contract import Problem


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
