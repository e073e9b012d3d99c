"""A scenario's plan, budget frontier and edit form as plain values for the templates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.web.present.charts import nice_ticks
from mcda.web.present.numbers import fmt

POOL_SLOTS = 2


def plan_view(res: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    names = ctx["alt_names"]
    hosts = {str(a["id"]): a.get("municipality") for a in ctx["alternatives"]}
    P = len(ctx["phases"])
    by_phase: list[list[dict[str, Any]]] = [[] for _ in range(P)]
    left = []
    for a, ph in res["plan"]["assignment"].items():
        item = {"id": a, "name": names.get(a, a), "host": hosts.get(a) or _("hela delregionen"),
                "cost": res["costs"][a], "value": res["values"][a], "rank": res["ranks"][a]}
        (by_phase[ph - 1] if ph else left).append(item)
    for lst in by_phase:
        lst.sort(key=lambda it: it["rank"])
    left.sort(key=lambda it: it["rank"])
    inf = res["plan"].get("infeasibility")
    return {
        "status": res["plan"]["status"], "by_phase": by_phase, "left": left,
        "spend": res["plan"]["spend"], "budgets": res["plan"]["budgets"],
        "pool_spend": res["plan"].get("pool_spend") or {},
        "total_value": res["plan"]["total_value"],
        "why": None if inf is None else (inf["message_sv"] if ctx["lang"] == "sv"
                                         else inf["message_en"]),
    }


def frontier_view(res: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    """Table rows and an SVG line chart (value against budget level)."""
    names = ctx["alt_names"]
    rows = []
    for r in res["frontier"]:
        rows.append({
            "pct": round(r["level"] * 100), "budget": sum(r["budgets"]),
            "value": r["total_value"], "status": r["status"],
            "spend": sum(r["spend"]) if r["total_value"] is not None else None,
            "entered": [names.get(a, a) for a in r["entered"]],
            "left": [names.get(a, a) for a in r["left"]],
        })
    own_value = res["plan"]["total_value"] if res["plan"]["status"] != "infeasible" else None
    vals = [r["value"] for r in rows if r["value"] is not None]
    if own_value is not None:
        vals.append(own_value)
    W, H, L, B, T, R = 640, 300, 84, 46, 16, 36
    top = max(vals) if vals else 1.0
    top = top * 1.08 if top > 0 else 1.0
    ticks = nice_ticks(0.0, top, 5)
    hi = max([t["value"] for t in ticks] + [top])

    def x(pct: float) -> float:
        return round(L + (pct - 50) / 100 * (W - L - R), 1)

    def y(v: float) -> float:
        return round(T + (1 - v / hi) * (H - T - B), 1)

    pts = [{"x": x(r["pct"]), "y": y(r["value"]), "pct": r["pct"], "value": r["value"],
            "n_in": len(r["entered"])} for r in rows if r["value"] is not None]
    own = None if own_value is None else {"x": x(100), "y": y(own_value), "value": own_value}
    return {
        "own": own, "own_x": x(100), "own_budget": sum(res["plan"]["budgets"]),
        "rows": rows, "w": W, "h": H, "left": L, "bottom": H - B, "right": W - R, "top": T,
        "points": pts, "path": " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}"
                                        for i, p in enumerate(pts)),
        "yticks": [{"y": y(t["value"]), "label": fmt(t["value"], 2)} for t in ticks
                   if t["value"] <= hi],
        "xticks": [{"x": x(r["pct"]), "label": f"{r['pct']} %"} for r in rows],
    }


def form_view(spec: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    pins = {p["alternative"]: p for p in spec["rules"]["pins"]}
    groups = spec["rules"]["groups"]
    most = next((g for g in groups if g["kind"] == "at_most_one"), None)
    least = next((g for g in groups if g["kind"] == "at_least_one"), None)
    pools = list(spec["rules"]["pools"])[:POOL_SLOTS]
    pools += [{"name": "", "budgets": [None] * len(ctx["phases"]), "shares": {}}] * (
        POOL_SLOTS - len(pools))
    rows = []
    for a in ctx["alternatives"]:
        aid = str(a["id"])
        pin = pins.get(aid)
        rows.append({
            "id": aid, "name": a["name"], "cost": a["cost"], "host": a.get("municipality"),
            "pct": spec["cost_change"]["per_alternative"].get(aid),
            "pin": "" if pin is None else (pin["kind"] if pin["kind"] == "never"
                                            else f"{pin['kind']}:{pin['phase']}"),
            "shares": [pool["shares"].get(aid) for pool in pools],
            "most": bool(most and aid in most["alternatives"]),
            "least": bool(least and aid in least["alternatives"]),
        })
    return {"spec": spec, "rows": rows, "pools": pools,
            "most_name": most["name"] if most else "", "least_name": least["name"] if least
            else ""}
