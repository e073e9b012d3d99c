"""Comparing 2–4 scenarios side by side: each one's plan, what differs per investment, the
money per municipality (chart and maps on one colour scale)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.core import scenarios as core_scenarios
from mcda.web.kit.places import map_places
from mcda.web.present import maps
from mcda.web.present.charts import series_style
from mcda.web.present.numbers import fmt
from mcda.web.present.regret import regret_view
from mcda.web.scenarios import analysis
from mcda.web.scenarios.context import MAX_COMPARE, base_ctx
from mcda.web.scenarios.describe import describe
from mcda.web.scenarios.view_models import plan_view


def compare_view(decision: dict[str, Any], ids: list[int], round_id: int | None,
                 ) -> dict[str, Any]:
    """Everything the comparison shows (and the CSV/Excel exports write)."""
    ctx = base_ctx(decision)
    ana = analysis.run(decision, round_id)
    results = analysis.results(ana)
    chosen = [s for s in ctx["scenarios"] if s["id"] in ids]
    chosen.sort(key=lambda s: ids.index(s["id"]))
    ctx.update(ana=ana, round=ana["round"], chosen=chosen, error=None)
    if not 2 <= len(chosen) <= MAX_COMPARE:
        ctx["error"] = _("Välj två till fyra scenarier att jämföra.")
        return ctx
    cols = []
    for s in chosen:
        r = results.get(f"s{s['id']}")
        cols.append({"sc": s, "res": r, "plan": plan_view(r, ctx) if r and r.get("plan")
                     else None, "describe": describe(s["spec"], ctx["phases"],
                                                     ctx["alt_names"])})
    ctx["cols"] = cols
    ok = [c for c in cols if c["plan"] and c["plan"]["status"] != "infeasible"]
    names = ctx["alt_names"]
    alt_ids = [str(a["id"]) for a in ctx["alternatives"]]
    cmp = core_scenarios.compare(
        [{"id": c["sc"]["id"], "assignment": c["res"]["plan"]["assignment"],
          "ranks": c["res"]["ranks"]} for c in ok],
        [a for a in alt_ids if all(a in c["res"]["plan"]["assignment"] for c in ok)])
    ctx["ok"] = ok
    ctx["model"] = decision_model(ana)
    for c in ok:
        c["line"] = line_up(c, ctx["model"])
    ctx["rows"] = [dict(r, name=names.get(r["alternative"], r["alternative"]))
                   for r in cmp["rows"]]
    ctx["differs"] = [r for r in ctx["rows"] if r["differs"]]
    munis = ((ana.get("output") or {}).get("scenarios") or {}).get("municipalities") or []
    P = len(ctx["phases"])
    money = []
    for m in munis:
        cells = [c["res"]["money"]["per_phase"].get(m, [0.0] * P) for c in ok]
        if any(sum(x) for x in cells):
            money.append({"name": m, "cells": cells, "totals": [sum(x) for x in cells]})
    regional = [c["res"]["money"]["regional"] for c in ok]
    if any(sum(x) for x in regional):
        money.append({"name": _("Hela delregionen (ingen värdkommun)"), "cells": regional,
                      "totals": [sum(x) for x in regional], "regional": True})
    ctx["money"] = money
    ctx["money_chart"] = _money_chart(money, ok)
    ctx["maps"] = _maps(money, ok, map_places(decision["id"]), names)
    ctx["regrets"] = _regrets(ok, munis)
    return ctx


def scenario_regret(name: str, res: dict[str, Any] | None,
                    ana: dict[str, Any]) -> dict[str, Any] | None:
    """One scenario's page: who gains, who loses under its plan (issue 27)."""
    if not res or not res.get("regrets"):
        return None
    munis = ((ana.get("output") or {}).get("scenarios") or {}).get("municipalities") or []
    return regret_view(name, res["regrets"], munis)


def _regrets(ok: list[dict[str, Any]], munis: list[str]) -> list[dict[str, Any]]:
    """Who gains, who loses in each scenario (issue 27): its sentence, bars and map, the
    maps on ONE colour scale for all scenarios compared."""
    have = [c for c in ok if c["res"].get("regrets")]
    hi = max([r["regret_pct"] for c in have for r in c["res"]["regrets"]] + [0.0])
    return [{"name": c["sc"]["name"], "id": c["sc"]["id"],
             "view": regret_view(c["sc"]["name"], c["res"]["regrets"], munis, hi)}
            for c in have]


def decision_model(ana: dict[str, Any]) -> dict[str, str] | None:
    """The decision's model {id, name_sv, name_en} the scenarios' plans are valued under."""
    method = ((ana.get("output") or {}).get("scenarios") or {}).get("method") or {}
    return method.get("model")


def line_up(col: dict[str, Any], model: dict[str, str] | None) -> dict[str, Any]:
    """What one scenario's plan shares a scale with the others': investments per phase, the
    money, the municipalities reached and the plan's value under the decision's model (a
    scenario ranked by another model shows its own value only on its own page)."""
    res, plan = col["res"], col["plan"]
    total = res["money"]["total"]
    return {
        "value_model": res.get("value_under_model"),
        "own_model": model is not None and res["method"] != model["id"],
        "n_per_phase": [len(items) for items in plan["by_phase"]],
        "spend": plan["spend"], "spend_total": sum(plan["spend"]),
        "reached": sum(1 for v in total.values() if v > 0), "of": len(total),
    }


def _money_chart(money: list[dict[str, Any]], ok: list[dict[str, Any]]) -> dict[str, Any]:
    """Grouped horizontal bars: MSEK per municipality, one bar per scenario (all phases)."""
    top = max([t for m in money for t in m["totals"]] + [1.0])
    bar, gap = 12, 10
    L, R, W = 200, 90, 720
    rows, y = [], 8
    for m in money:
        bars = []
        for k, t in enumerate(m["totals"]):
            bars.append({"y": y + k * bar, "w": round(t / top * (W - L - R), 1),
                         "label": fmt(t, 0), "style": series_style(k)})
        rows.append({"name": m["name"], "y": y, "bars": bars,
                     "mid": y + bar * len(m["totals"]) / 2})
        y += bar * len(m["totals"]) + gap
    return {"w": W, "h": y + 4, "left": L, "rows": rows,
            "legend": [{"name": c["sc"]["name"], "style": series_style(k)}
                       for k, c in enumerate(ok)]}


def _maps(money: list[dict[str, Any]], ok: list[dict[str, Any]],
          places: dict[str, Any] | None = None,
          names: dict[str, str] | None = None) -> list[dict[str, Any]] | None:
    """One Skaraborg map per scenario: the money per municipality over all phases, on ONE
    colour scale for all scenarios (so the maps compare), with each scenario's chosen
    investments that have a point drawn at it and the existing venues."""
    rows = [m for m in money if not m.get("regional")]
    if not rows:
        return None
    per = [{"name": m["name"], "cells": [[] for _ in ok], "per_phase": list(m["totals"])}
           for m in rows]
    placed = {a["name"] for a in (places or {}).get("alternatives", [])}
    chosen = [[(names or {}).get(a, a) for a, ph in c["res"]["plan"]["assignment"].items()
               if ph is not None and (names or {}).get(a, a) in placed] for c in ok]
    pm = maps.phase_maps([c["sc"]["name"] for c in ok], per, chosen,
                         lambda x: fmt(x, 0), places)
    if not pm or not pm["geo"]["areas"]:
        return None
    return [{"name": c["sc"]["name"], "geo": pm["geo"], "m": pm["phases"][k]}
            for k, c in enumerate(ok)]
