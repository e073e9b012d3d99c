"""Small steps the analysis and its phasing/scenario part share (no cycle between them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import smaa
from .contract import Problem


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
