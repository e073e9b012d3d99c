"""The value–conflict frontier and the do-nothing reference on the planning page
(issue 27): plain values from the analysis' ``phasing.conflict`` and ``reference`` parts.

Why here: only the planning page shows them; they take data, never the database or the
request. One plan's regret view is shared (``mcda.web.present.regret``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from mcda.core.contract.outputs import ConflictPoint
from mcda.web.present.numbers import fmt
from mcda.web.present.regret import group_name, pct, regret_view

__all__ = ["better_rows", "frontier_view", "regret_view"]


def _chart(points: list[ConflictPoint], measure: str) -> dict[str, Any]:
    """Value (up) against conflict (right) as plain SVG coordinates."""
    w, h, left, bottom = 520.0, 260.0, 64.0, 40.0
    x_hi = max([p.conflict for p in points] + [1e-9])
    y_lo, y_hi = min(p.value for p in points), max(p.value for p in points)
    span = (y_hi - y_lo) or max(abs(y_hi), 1.0) * 0.01
    out = []
    for p in points:
        x = left + (p.conflict / x_hi) * (w - left - 20)
        y = 20 + (1 - (p.value - y_lo) / span) * (h - bottom - 20)
        out.append({"x": round(x, 1), "y": round(y, 1), "level": p.level})
    unit = "%" if measure == "max_regret" else ""
    return {"w": w, "h": h, "left": left, "bottom": h - bottom, "points": out,
            "x_label": fmt(x_hi, 1) + (" " + unit if unit else ""),
            "y_lo": fmt(y_lo, 3), "y_hi": fmt(y_hi, 3)}


def frontier_view(fr: dict[str, Any], names: dict[str, str], ids: list[str],
                  municipalities: list[str]) -> dict[str, Any]:
    """The frontier's levels with each plan, its regret view and a chart of value against
    conflict; every point links to its plan (one click away). Points are read as the
    contract's typed ``ConflictPoint``."""
    pts = [ConflictPoint.model_validate(p) for p in fr.get("points") or []]
    hi = max([r.regret_pct for p in pts for r in p.regrets] + [0.0])
    measure = fr["measure"]
    levels = []
    for p in pts:
        by_phase: dict[int, list[str]] = {}
        for a in ids:
            ph = p.assignment.get(a)
            if ph is not None:
                by_phase.setdefault(int(ph), []).append(names.get(a, a))
        label = _("Nivå %(n)s", n=p.level)
        conflict = (pct(p.conflict) if measure == "max_regret"
                    else ngettext("%(num)s kommun", "%(num)s kommuner", int(p.conflict)))
        levels.append({
            "level": p.level, "label": label, "value": p.value, "conflict": conflict,
            "bound": None if p.bound is None else (
                pct(p.bound) if measure == "max_regret" else fmt(p.bound, 0)),
            "by_phase": sorted(by_phase.items()),
            "assignment": ",".join(f"{a}:{p.assignment[a]}" for a in ids
                                   if p.assignment.get(a) is not None),
            "regret": regret_view(label, [r.model_dump() for r in p.regrets], municipalities,
                                  hi),
        })
    return {"status": fr["status"], "measure": measure, "threshold": fr["threshold_pct"],
            "levels": levels, "chart": _chart(pts, measure) if pts else None,
            "why": fr.get("infeasibility")}


def better_rows(ref: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """Per alternative: for how many published groups it beats doing nothing, and which
    groups it does not (the decision's model, each group's own weights)."""
    groups = ref.get("groups") or {}
    if not groups:
        return []
    out = []
    for a, name in names.items():
        no = [group_name(g) for g, row in groups.items() if a not in row.get("better", [])]
        out.append({"name": name, "n": len(groups) - len(no), "total": len(groups),
                    "region": a in (ref.get("region") or {}).get("better", []), "not": no})
    return out
