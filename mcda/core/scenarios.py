"""Vägval scenarios: named what-ifs planned exactly, compared side by side, and the budget
trade-off (issue 15; ``docs/phasing.md``, "Scenarios").

Pure functions on arrays: :func:`frontier` re-plans at budget levels from 50 % to 150 %,
:func:`compare` lines up 2–4 solved scenarios per investment (phase, rank, what moved).
The analysis (:mod:`mcda.core.analysis`) turns an input ``scenarios`` section into
weights, values, costs and rules and calls :func:`mcda.core.phasing.plan` and these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import phasing

__all__ = ["FRONTIER_LEVELS", "compare", "frontier", "scaled_costs"]

FRONTIER_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5)
"""10 budget levels from 50 % to 150 % of the scenario's phase budgets, exactly 100 % among
them so the line passes through the scenario's own plan (evenly spaced levels missed it:
94 % and 106 %); whole percentages, so every tick and table row reads exactly."""


def scaled_costs(costs: Sequence[float], overall_pct: float,
                 per_item_pct: Sequence[float] | None = None) -> list[float]:
    """Costs after a scenario's change: ``cost · (1 + overall/100) · (1 + own/100)``.

    Both changes multiply (a 10 % general rise and +20 % on one item give +32 % on it); a
    change of −100 % makes an item free, never negative.
    """
    per = per_item_pct if per_item_pct is not None else [0.0] * len(costs)
    return [max(0.0, float(c) * (1 + overall_pct / 100) * (1 + float(q) / 100))
            for c, q in zip(costs, per, strict=True)]


def frontier(
    values: Sequence[float] | np.ndarray,
    *problem: Any,
    levels: Sequence[float] = FRONTIER_LEVELS,
    **fields: Any,
) -> list[dict[str, Any]]:
    """The best total value at each budget level, each solved to proven optimality.

    ``problem`` is a :class:`mcda.core.phasing.PlanProblem` or its fields, as for
    :func:`mcda.core.phasing.plan`. Level ``s`` multiplies every phase budget by ``s``;
    funding pools keep their own budgets (they are other parties' money). Per level:
    ``level``, ``budgets``, ``status``, ``total_value``, ``spend``, ``assignment``, and
    ``entered``/``left`` (indices that come in / drop out compared with the previous level:
    with phase budgets a larger budget can swap investments, so "left" is not always empty).
    An infeasible level (a pin or a spread rule that needs more money) has
    ``status = "infeasible"`` and its explanation.
    """
    out: list[dict[str, Any]] = []
    prev: set[int] | None = None
    pp = phasing.PlanProblem.of(*problem, **fields)
    b = np.asarray(pp.budgets, dtype=float)
    model = phasing.PhaseModel(pp)
    v = model.check_values(values)
    for s in levels:
        res = model.with_budgets((b * float(s)).tolist()).solve(v)
        chosen = {i for i, a in enumerate(res.assignment) if a is not None}
        row: dict[str, Any] = {
            "level": float(s),
            "budgets": (b * float(s)).tolist(),
            "status": res.status,
            "total_value": res.total_value if res.feasible else None,
            "spend": res.spend,
            "assignment": res.assignment,
            "entered": sorted(chosen - prev) if prev is not None and res.feasible else (
                sorted(chosen) if res.feasible else []),
            "left": sorted(prev - chosen) if prev is not None and res.feasible else [],
            "infeasibility": None if res.infeasibility is None else {
                "rule": res.infeasibility.rule,
                "message_sv": res.infeasibility.message_sv,
                "message_en": res.infeasibility.message_en,
            },
        }
        if res.feasible:
            prev = chosen
        out.append(row)
    return out


def compare(scenarios: Sequence[Mapping[str, Any]], alternatives: Sequence[str]) -> dict:
    """Line up solved scenarios per investment.

    Each scenario needs ``id``, ``assignment`` (alternative id → phase or None) and ``ranks``
    (alternative id → rank under its own weights and method). Per alternative: its phase and
    rank in each scenario and a ``change`` against the FIRST scenario (the baseline):
    ``same``, ``moved`` (planned in both, other phase), ``in`` (only in this one),
    ``out`` (only in the baseline), ``none`` (in neither). ``differs`` = the alternative's
    phase is not the same in all scenarios.
    """
    if not scenarios:
        return {"baseline": None, "rows": [], "differs": []}
    base = scenarios[0]
    rows = []
    for a in alternatives:
        phases = [sc["assignment"].get(a) for sc in scenarios]
        ranks = [sc.get("ranks", {}).get(a) for sc in scenarios]
        changes = []
        b = phases[0]
        for ph in phases:
            if ph == b:
                changes.append("same" if ph is not None else "none")
            elif b is None:
                changes.append("in")
            elif ph is None:
                changes.append("out")
            else:
                changes.append("moved")
        rows.append({"alternative": a, "phases": phases, "ranks": ranks, "changes": changes,
                     "differs": len(set(phases)) > 1})
    return {
        "baseline": base["id"],
        "scenarios": [sc["id"] for sc in scenarios],
        "rows": rows,
        "differs": [r["alternative"] for r in rows if r["differs"]],
    }
