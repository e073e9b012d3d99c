"""Who gains, who loses, and the value–conflict frontier on the planning page (issue 27):
plain values from the analysis' ``phasing.conflict`` part.

Why here: the sentence, the sorted bars, the map and the frontier's chart are read by the
planning page and its frontier partial; they take data (the typed rows of the analysis)
and never the database or the request.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from mcda.core.contract.outputs import GroupRegret
from mcda.core.disclosure import POOL
from mcda.web.present import maps
from mcda.web.present.numbers import fmt

LOSS_SHOWN_PCT = 0.5
"""A regret below this (in %) is "as good as its own best" in the sentence."""


def pct(v: float) -> str:
    """A regret in whole percent, as the sentence and the map show it."""
    return f"{fmt(v, 0)} %"


def rows_of(raw: list[dict[str, Any]]) -> list[GroupRegret]:
    """The analysis' rows as the contract's typed rows, largest regret first."""
    rows = [GroupRegret.model_validate(r) for r in raw]
    return sorted(rows, key=lambda r: (-r.regret_pct, r.group))


def _group_name(g: str) -> str:
    return _("Övriga kommuner") if g == POOL else g


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(a)s och %(b)s", a=", ".join(items[:-1]), b=items[-1])


def sentence(plan_name: str, rows: list[GroupRegret]) -> str:
    """"Plan A är bättre än att avstå för 13 av 15 kommuner; Hjo och Tibro förlorar mest,
    18 % och 15 % under sina egna bästa planer"."""
    total = len(rows)
    better = sum(1 for r in rows if r.beats_nothing)
    first = ngettext("%(plan)s är bättre än att avstå för %(n)s av %(num)s kommun",
                     "%(plan)s är bättre än att avstå för %(n)s av %(num)s kommuner",
                     total, plan=plan_name, n=better)
    losers = [r for r in rows if r.regret_pct >= LOSS_SHOWN_PCT][:2]
    if not losers:
        return first + "; " + _("ingen ligger under sin egen bästa plan.")
    names = _and([_group_name(r.group) for r in losers])
    pcts = _and([pct(r.regret_pct) for r in losers])
    if len(losers) == 1:
        return first + "; " + _("%(names)s förlorar mest, %(pcts)s under sin egen bästa plan.",
                                names=names, pcts=pcts)
    return first + "; " + _("%(names)s förlorar mest, %(pcts)s under sina egna bästa planer.",
                            names=names, pcts=pcts)


def regret_view(plan_name: str, raw: list[dict[str, Any]], municipalities: list[str],
                hi: float | None = None) -> dict[str, Any]:
    """Sentence, sorted bars (with their table), map and table of one plan's regrets.
    ``hi``: the top of the map's colour scale (the largest regret over the plans shown)."""
    rows = rows_of(raw)
    top = hi if hi is not None else max((r.regret_pct for r in rows), default=0.0)
    return {
        "sentence": sentence(plan_name, rows),
        "bars": [{"label": _group_name(r.group), "value": r.regret_pct / 100} for r in rows],
        "rows": [{"group": _group_name(r.group), "value": r.value, "best": r.best,
                  "regret": r.regret_pct, "gain": r.gain, "beats": r.beats_nothing}
                 for r in rows],
        "map": maps.regret_map(municipalities, {r.group: r.regret_pct for r in rows
                                                if r.group != POOL}, top, pct),
        "pooled": any(r.group == POOL for r in rows),
    }


def _chart(points: list[dict[str, Any]], measure: str) -> dict[str, Any]:
    """Value (up) against conflict (right) as plain SVG coordinates."""
    w, h, left, bottom = 520.0, 260.0, 64.0, 40.0
    xs = [p["conflict"] for p in points]
    ys = [p["value"] for p in points]
    x_hi = max(xs + [1e-9])
    y_lo, y_hi = min(ys), max(ys)
    span = (y_hi - y_lo) or max(abs(y_hi), 1.0) * 0.01
    out = []
    for p in points:
        x = left + (p["conflict"] / x_hi) * (w - left - 20)
        y = 20 + (1 - (p["value"] - y_lo) / span) * (h - bottom - 20)
        out.append({"x": round(x, 1), "y": round(y, 1), "level": p["level"]})
    unit = "%" if measure == "max_regret" else ""
    return {"w": w, "h": h, "left": left, "bottom": h - bottom, "points": out,
            "x_label": fmt(x_hi, 1) + (" " + unit if unit else ""),
            "y_lo": fmt(y_lo, 3), "y_hi": fmt(y_hi, 3)}


def frontier_view(fr: dict[str, Any], names: dict[str, str], ids: list[str],
                  municipalities: list[str]) -> dict[str, Any]:
    """The frontier's levels with each plan, its regret view and a chart of value against
    conflict; every point links to its plan (one click away)."""
    pts = fr.get("points") or []
    hi = max([r["regret_pct"] for p in pts for r in p["regrets"]] + [0.0])
    measure = fr["measure"]
    levels = []
    for p in pts:
        by_phase: dict[int, list[str]] = {}
        for a in ids:
            ph = p["assignment"].get(a)
            if ph is not None:
                by_phase.setdefault(int(ph), []).append(names.get(a, a))
        label = _("Nivå %(n)s", n=p["level"])
        conflict = (pct(p["conflict"]) if measure == "max_regret"
                    else ngettext("%(num)s kommun", "%(num)s kommuner", int(p["conflict"])))
        levels.append({
            "level": p["level"], "label": label, "value": p["value"], "conflict": conflict,
            "bound": None if p["bound"] is None else (
                pct(p["bound"]) if measure == "max_regret" else fmt(p["bound"], 0)),
            "by_phase": sorted(by_phase.items()),
            "assignment": ",".join(f"{a}:{p['assignment'][a]}" for a in ids
                                   if p["assignment"].get(a) is not None),
            "regret": regret_view(label, p["regrets"], municipalities, hi),
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
        no = [_group_name(g) for g, row in groups.items() if a not in row.get("better", [])]
        out.append({"name": name, "n": len(groups) - len(no), "total": len(groups),
                    "region": a in (ref.get("region") or {}).get("better", []), "not": no})
    return out
