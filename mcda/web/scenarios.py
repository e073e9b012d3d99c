"""Blueprint `scenarios`: Vägval scenarios under the planning pages (issue 15).

``/etapper/<decision_id>/scenarier`` lists the decision's scenarios; the facilitator creates,
duplicates, edits and deletes them (CSRF-protected POST forms, PRG), the secretariat views
them. ``…/scenarier/<id>`` shows one scenario's plan and its budget frontier;
``…/scenarier/jamfor?s=…&s=…`` compares 2–4 side by side (printable; CSV and Excel);
``…/scenarier/analys.json`` is the analysis input and output with the ``scenarios`` section,
which ``python -m mcda analyze`` re-runs.

Every number comes from ONE analysis (:func:`run`): the chosen round's analysis input with
the decision's scenarios added (``analysis_input.build_input(with_scenarios=True)``) and
:func:`mcda.core.analysis.analyze`, exactly what the CLI computes.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from mcda.core.errors import MCDAInputError
from mcda.core.ranking import METHODS
from mcda.store import analysis_input, decisions
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as store_phases
from mcda.store import scenarios as store
from mcda.store.errors import StoreError
from mcda.store.numbers import NumberError, parse_int, parse_number
from mcda.web.exports.build import content_disposition, csv_cell, slug
from mcda.web.kit.access import can_edit_decision, login_required, require_edit, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import parse_id
from mcda.web.kit.htmx import render
from mcda.web.kit.i18n import error_text
from mcda.web.planning import _pick_round
from mcda.web.present.labels import ROLES
from mcda.web.present.numbers import fmt

bp = Blueprint("scenarios", __name__, url_prefix="/etapper")

MAX_COMPARE = 4
POOL_SLOTS = 2

_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 16


def method_names() -> dict[str, str]:
    return {
        "wsm": _("WSM (viktad summa)"), "wpm": _("WPM (viktad produkt)"),
        "topsis": _("TOPSIS (avstånd till bästa och sämsta)"), "vikor": _("VIKOR (kompromiss)"),
        "promethee_ii": _("PROMETHEE II (parvisa jämförelser)"), "copras": _("COPRAS"),
        "spotis": _("SPOTIS"),
    }


def source_names() -> dict[str, str]:
    return {"region": _("Regionens vikter"), "group": _("En kommuns vikter"),
            "coalition": _("En koalition av kommuner"), "role": _("En rolls vikter"),
            "manual": _("Vikter satta för hand")}


def between_names() -> dict[str, str]:
    return {"equal": _("en kommun – en röst"), "participants": _("efter antal deltagare"),
            "population": _("efter folkmängd")}


# --- the one analysis -------------------------------------------------------------------------


def run(decision: dict[str, Any], round_id: int | None) -> dict[str, Any]:
    """The round's analysis with the decision's scenarios: ``{round, input, output, error}``.

    Cached by round, the round's fingerprint and the scenarios' assumptions.
    """
    db = get_db()
    rnd = _pick_round(decision["id"], round_id)
    out: dict[str, Any] = {"round": rnd, "input": None, "output": None, "error": None}
    if rnd is None:
        return out
    scs = store.analysis_scenarios(db, decision["id"])
    key = json.dumps([rnd["id"], analysis_input.fingerprint(db, rnd["id"]), scs],
                     ensure_ascii=False, sort_keys=True)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return dict(_CACHE[key], round=rnd)
    try:
        data = analysis_input.build_input(
            db, rnd["id"], {"smaa": False}, with_scenarios=True)
        if not data["votes"]:
            out["error"] = _("Omgången har inga röster än.")
            return out
        from mcda.core.analysis import analyze  # lazy: pymcdm costs ~1 s at import

        res = analyze(json.loads(json.dumps(data)))
    except MCDAInputError as exc:
        out["error"] = error_text(exc)
        return out
    out["input"], out["output"] = data, res
    with _CACHE_LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return out


def _round_arg() -> int | None:
    return parse_id(request.values.get("round", ""))


def _load(decision_id: int, *, edit: bool = False) -> dict[str, Any]:
    decision = decisions.get_decision(get_db(), decision_id)
    (require_edit if edit else require_view)(decision)
    return decision  # type: ignore[return-value]


def _results(ana: dict[str, Any]) -> dict[str, dict[str, Any]]:
    res = ((ana.get("output") or {}).get("scenarios") or {}).get("results") or []
    return {r["id"]: r for r in res}


def _skipped(ana: dict[str, Any]) -> dict[str, str]:
    reasons = {
        "no_votes": _("Kommunen har inga röster i omgången."),
        "below_k": _("För få röstande i kommunen för att visa dess vikter (anonymitetsregeln k)."),
        "no_roles": _("Ingen i omgången har angett den rollen; välj en annan viktkälla."),
        "role_below_k": _("För få röstande med rollen för att visa dess vikter "
                          "(anonymitetsregeln k)."),
    }
    meta = (ana.get("input") or {}).get("meta") or {}
    return {s["id"]: reasons.get(s["reason"], s["reason"])
            for s in meta.get("scenarios_skipped") or []}


def _lang() -> str:
    from flask_babel import get_locale

    return "sv" if str(get_locale() or "sv").startswith("sv") else "en"


def describe(spec: dict[str, Any], phases: list[dict[str, Any]],
             alt_names: dict[str, str]) -> list[str]:
    """The scenario's assumptions in words (what the page prints beside every number)."""
    w = spec["weights"]
    rule = between_names().get(w.get("between_groups") or "equal")
    src = {
        "region": _("Vikter: regionens (%(rule)s).", rule=rule),
        "group": _("Vikter: %(g)s egna.", g=w.get("group") or ""),
        "coalition": _("Vikter: koalitionen %(gs)s (%(rule)s).",
                       gs=", ".join(w.get("groups") or []), rule=rule),
        "role": _("Vikter: rollen %(r)s.", r=w.get("role") or ""),
        "manual": _("Vikter: satta för hand."),
    }[w["source"]]
    lines = [src, _("Värde: %(m)s-poäng.", m=method_names().get(spec["method"], spec["method"]))]
    if spec.get("budgets"):
        lines.append(_("Budget per etapp: %(b)s MSEK.",
                       b=" / ".join(fmt(b, 0) for b in spec["budgets"])))
    else:
        lines.append(_("Budget per etapp: etappernas egna (%(b)s MSEK).",
                       b=" / ".join(fmt(p["budget"], 0) for p in phases)))
    cc = spec["cost_change"]
    if cc["overall_pct"]:
        lines.append(_("Kostnader: %(p)s %% för alla.", p=_signed(cc["overall_pct"])))
    for a, pct in cc["per_alternative"].items():
        lines.append(_("Kostnad för %(a)s: %(p)s %%.", a=alt_names.get(a, a), p=_signed(pct)))
    r = spec["rules"]
    if r.get("min_one_by_phase"):
        lines.append(_("Varje kommun med förslag får minst en investering senast i etapp %(n)s.",
                       n=r["min_one_by_phase"]))
    if r.get("max_share"):
        lines.append(_("Ingen kommun över %(p)s %% av planens kostnad.",
                       p=fmt(r["max_share"] * 100, 0)))
    for pool in r.get("pools") or []:
        parts = ", ".join(f"{alt_names.get(a, a)} {fmt(v * 100, 0)} %"
                          for a, v in pool["shares"].items())
        lines.append(_("Medfinansiering från %(name)s (budget %(b)s MSEK per etapp): %(parts)s.",
                       name=pool["name"], b=" / ".join(fmt(b, 0) for b in pool["budgets"]),
                       parts=parts or "–"))
    for pin in r.get("pins") or []:
        nm = alt_names.get(pin["alternative"], pin["alternative"])
        if pin["kind"] == "in":
            lines.append(_("%(a)s: i etapp %(p)s.", a=nm, p=pin["phase"]))
        elif pin["kind"] == "not_before":
            lines.append(_("%(a)s: inte före etapp %(p)s.", a=nm, p=pin["phase"]))
        else:
            lines.append(_("%(a)s: aldrig.", a=nm))
    for g in r.get("groups") or []:
        items = ", ".join(alt_names.get(a, a) for a in g["alternatives"])
        if g["kind"] == "at_most_one":
            lines.append(_("Högst en av %(items)s.", items=items))
        else:
            lines.append(_("Minst en av %(items)s.", items=items))
    return lines


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + fmt(x, 0 if float(x).is_integer() else 1)


# --- views -------------------------------------------------------------------------------------


def _base_ctx(decision: dict[str, Any]) -> dict[str, Any]:
    db = get_db()
    phases = store_phases.list_phases(db, decision["id"])
    alts = store_items.list_alternatives(db, decision["id"])
    return {
        "decision": decision, "phases": phases, "alternatives": alts,
        "alt_names": {str(a["id"]): a["name"] for a in alts},
        "can_edit": can_edit_decision(decision), "fmt": fmt,
        "scenarios": store.list_scenarios(db, decision["id"]),
        "method_names": method_names(), "source_names": source_names(),
        "between_names": between_names(), "max_compare": MAX_COMPARE,
        "criteria": store_items.list_criteria(db, decision["id"]),
        "municipalities": [m["name"] for m in store_munis.list_municipalities(db)],
        "roles": ROLES,
        "lang": _lang(),
        "v": _posted_or,
    }


def _posted_or(name: str, default: Any) -> Any:
    """A form field's value: what was posted when a rejected form is shown again (nothing
    typed is lost), else the stored value."""
    if request.method == "POST" and name in request.form:
        return request.form[name]
    return default


@bp.get("/<int:decision_id>/scenarier")
@login_required("facilitator", "secretariat")
def index(decision_id: int):
    decision = _load(decision_id)
    ctx = _base_ctx(decision)
    ana = run(decision, _round_arg())
    ctx.update(ana=ana, round=ana["round"], results=_results(ana), skipped=_skipped(ana))
    return render("planning/scenarios.html", "planning/_scenarios_body.html", **ctx)


@bp.get("/<int:decision_id>/scenarier/<int:scenario_id>")
@login_required("facilitator", "secretariat")
def show(decision_id: int, scenario_id: int):
    decision = _load(decision_id)
    sc = store.get_scenario(get_db(), scenario_id)
    if sc is None or sc["decision_id"] != decision_id:
        abort(404)
    ctx = _base_ctx(decision)
    ana = run(decision, _round_arg())
    res = _results(ana).get(f"s{scenario_id}")
    ctx.update(ana=ana, round=ana["round"], sc=sc, res=res,
               skipped=_skipped(ana).get(f"s{scenario_id}"),
               describe=describe(sc["spec"], ctx["phases"], ctx["alt_names"]),
               plan=_plan_view(res, ctx) if res and res.get("plan") else None,
               frontier=_frontier_view(res, ctx) if res and res.get("frontier") else None,
               form=_form_view(sc["spec"], ctx))
    return render("planning/scenario.html", "planning/_scenario_body.html", **ctx)


def _plan_view(res: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
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


def _frontier_view(res: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
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
    vals = [r["value"] for r in rows if r["value"] is not None]
    W, H, L, B, T, R = 640, 300, 64, 46, 16, 36
    top = max(vals) if vals else 1.0
    top = top * 1.08 if top > 0 else 1.0
    from mcda.web.present.charts import nice_ticks

    ticks = nice_ticks(0.0, top, 5)
    hi = max([t["value"] for t in ticks] + [top])

    def x(pct: float) -> float:
        return round(L + (pct - 50) / 100 * (W - L - R), 1)

    def y(v: float) -> float:
        return round(T + (1 - v / hi) * (H - T - B), 1)

    pts = [{"x": x(r["pct"]), "y": y(r["value"]), "pct": r["pct"], "value": r["value"],
            "n_in": len(r["entered"])} for r in rows if r["value"] is not None]
    return {
        "rows": rows, "w": W, "h": H, "left": L, "bottom": H - B, "right": W - R, "top": T,
        "points": pts, "path": " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}"
                                        for i, p in enumerate(pts)),
        "yticks": [{"y": y(t["value"]), "label": fmt(t["value"], 2)} for t in ticks
                   if t["value"] <= hi],
        "xticks": [{"x": x(r["pct"]), "label": f"{r['pct']} %"} for r in rows],
    }


def _form_view(spec: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
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


def _spec_from_form(form: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """The posted form as a scenario spec (the store validates and names bad fields)."""
    phases = ctx["phases"]
    alts = [str(a["id"]) for a in ctx["alternatives"]]

    def pct(raw: str) -> Any:
        t = (raw or "").replace("%", "").strip()
        if t == "":
            return None
        try:
            return parse_number(t) / 100
        except NumberError:
            return raw

    pins = []
    for a in alts:
        v = form.get(f"pin_{a}", "")
        if v == "never":
            pins.append({"alternative": a, "kind": "never"})
        elif ":" in v:
            kind, _sep, ph = v.partition(":")
            pins.append({"alternative": a, "kind": kind, "phase": ph})
    pools = []
    for k in range(POOL_SLOTS):
        pools.append({
            "name": form.get(f"pool{k}_name", ""),
            "budgets": [form.get(f"pool{k}_budget_{p['id']}", "") for p in phases],
            "shares": {a: pct(form.get(f"pool{k}_share_{a}", "")) for a in alts
                       if form.get(f"pool{k}_share_{a}", "").strip()},
        })
    groups = [
        {"name": form.get("most_name", ""), "kind": "at_most_one",
         "alternatives": [a for a in alts if form.get(f"most_{a}")]},
        {"name": form.get("least_name", ""), "kind": "at_least_one",
         "alternatives": [a for a in alts if form.get(f"least_{a}")]},
    ]
    budgets = [form.get(f"budget_{p['id']}", "") for p in phases]
    return {
        "weights": {
            "source": form.get("source", "region"),
            "between_groups": form.get("between_groups") or None,
            "group": form.get("group") or None,
            "groups": form.getlist("coalition"),
            "role": form.get("role") or None,
            "weights": {str(c["id"]): form.get(f"weight_{c['id']}", "")
                        for c in ctx["criteria"]},
        },
        "method": form.get("method", "wsm"),
        "budgets": budgets if any(b.strip() for b in budgets) else None,
        "cost_change": {
            "overall_pct": form.get("overall_pct", ""),
            "per_alternative": {a: form.get(f"pct_{a}", "") for a in alts},
        },
        "rules": {
            "min_one_by_phase": form.get("min_one_by_phase") or None,
            "max_share": pct(form.get("max_share", "")),
            "pools": pools, "pins": pins, "groups": groups,
        },
        "frontier": form.get("frontier") == "1",
    }


@bp.post("/<int:decision_id>/scenarier/ny")
@login_required()
def create(decision_id: int):
    decision = _load(decision_id, edit=True)
    try:
        sid = store.create_scenario(get_db(), decision_id, request.form.get("name", ""))
    except StoreError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("scenarios.index", decision_id=decision["id"],
                                round=_round_arg()))
    flash(_("Scenariot är skapat. Ändra antagandena nedan."), "success")
    return redirect(url_for("scenarios.show", decision_id=decision_id, scenario_id=sid,
                            round=_round_arg()) + "#edit-h")


def _own(decision_id: int, scenario_id: int) -> dict[str, Any]:
    sc = store.get_scenario(get_db(), scenario_id)
    if sc is None or sc["decision_id"] != decision_id:
        abort(404)
    return sc


@bp.post("/<int:decision_id>/scenarier/<int:scenario_id>")
@login_required()
def update(decision_id: int, scenario_id: int):
    decision = _load(decision_id, edit=True)
    _own(decision_id, scenario_id)
    ctx = _base_ctx(decision)
    try:
        store.update_scenario(get_db(), scenario_id, request.form.get("name", ""),
                              _spec_from_form(request.form, ctx))
    except StoreError as exc:
        # Nothing is lost: the page re-renders with the posted values and the message.
        ctx.update(form_error=error_text(exc))
        return _show_posted(decision, scenario_id, ctx)
    flash(_("Scenariot är sparat och planerat om."), "success")
    return redirect(url_for("scenarios.show", decision_id=decision_id, scenario_id=scenario_id,
                            round=_round_arg()))


def _show_posted(decision: dict[str, Any], scenario_id: int, ctx: dict[str, Any]):
    sc = dict(store.get_scenario(get_db(), scenario_id) or {})
    ana = run(decision, _round_arg())
    res = _results(ana).get(f"s{scenario_id}")
    form = _form_view(sc["spec"], ctx)
    ctx.update(ana=ana, round=ana["round"], sc=dict(sc, name=request.form.get("name", "")),
               res=res, skipped=_skipped(ana).get(f"s{scenario_id}"),
               describe=describe(sc["spec"], ctx["phases"], ctx["alt_names"]),
               plan=_plan_view(res, ctx) if res and res.get("plan") else None,
               frontier=_frontier_view(res, ctx) if res and res.get("frontier") else None,
               form=form)
    return render("planning/scenario.html", "planning/_scenario_body.html", status=422, **ctx)


@bp.post("/<int:decision_id>/scenarier/<int:scenario_id>/kopiera")
@login_required()
def duplicate(decision_id: int, scenario_id: int):
    _load(decision_id, edit=True)
    _own(decision_id, scenario_id)
    try:
        sid = store.duplicate_scenario(get_db(), scenario_id, _("kopia"))
    except StoreError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("scenarios.index", decision_id=decision_id, round=_round_arg()))
    flash(_("Scenariot är kopierat."), "success")
    return redirect(url_for("scenarios.show", decision_id=decision_id, scenario_id=sid,
                            round=_round_arg()))


@bp.post("/<int:decision_id>/scenarier/<int:scenario_id>/ta-bort")
@login_required()
def delete(decision_id: int, scenario_id: int):
    _load(decision_id, edit=True)
    sc = _own(decision_id, scenario_id)
    store.delete_scenario(get_db(), scenario_id)
    flash(_("Scenariot ”%(name)s” är borttaget.", name=sc["name"]), "success")
    return redirect(url_for("scenarios.index", decision_id=decision_id, round=_round_arg()))


# --- compare ------------------------------------------------------------------------------------


def compare_view(decision: dict[str, Any], ids: list[int], round_id: int | None,
                 ) -> dict[str, Any]:
    """Everything the comparison shows (and the CSV/Excel exports write)."""
    ctx = _base_ctx(decision)
    ana = run(decision, round_id)
    results = _results(ana)
    chosen = [s for s in ctx["scenarios"] if s["id"] in ids]
    chosen.sort(key=lambda s: ids.index(s["id"]))
    ctx.update(ana=ana, round=ana["round"], chosen=chosen, error=None)
    if not 2 <= len(chosen) <= MAX_COMPARE:
        ctx["error"] = _("Välj två till fyra scenarier att jämföra.")
        return ctx
    cols = []
    for s in chosen:
        r = results.get(f"s{s['id']}")
        cols.append({"sc": s, "res": r, "plan": _plan_view(r, ctx) if r and r.get("plan")
                     else None, "describe": describe(s["spec"], ctx["phases"],
                                                     ctx["alt_names"])})
    ctx["cols"] = cols
    ok = [c for c in cols if c["plan"] and c["plan"]["status"] != "infeasible"]
    from mcda.core import scenarios as core_scenarios

    names = ctx["alt_names"]
    alt_ids = [str(a["id"]) for a in ctx["alternatives"]]
    cmp = core_scenarios.compare(
        [{"id": c["sc"]["id"], "assignment": c["res"]["plan"]["assignment"],
          "ranks": c["res"]["ranks"]} for c in ok],
        [a for a in alt_ids if all(a in c["res"]["plan"]["assignment"] for c in ok)])
    ctx["ok"] = ok
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
    ctx["maps"] = _maps(money, ok)
    return ctx


def _money_chart(money: list[dict[str, Any]], ok: list[dict[str, Any]]) -> dict[str, Any]:
    """Grouped horizontal bars: MSEK per municipality, one bar per scenario (all phases)."""
    from mcda.web.present.charts import series_style

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


def _maps(money: list[dict[str, Any]], ok: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """One Skaraborg map per scenario: the money per municipality over all phases, on ONE
    colour scale for all scenarios (so the maps compare)."""
    from mcda.web.present import maps

    rows = [m for m in money if not m.get("regional")]
    if not rows:
        return None
    per = [{"name": m["name"], "cells": [[] for _ in ok], "per_phase": list(m["totals"])}
           for m in rows]
    pm = maps.phase_maps([c["sc"]["name"] for c in ok], per, [[] for _ in ok],
                         lambda x: fmt(x, 0))
    if not pm or not pm["geo"]["areas"]:
        return None
    return [{"name": c["sc"]["name"], "geo": pm["geo"], "m": pm["phases"][k]}
            for k, c in enumerate(ok)]


def _compare_ids() -> list[int]:
    ids = [i for x in request.args.getlist("s") if (i := parse_int(x)) is not None]
    return list(dict.fromkeys(ids))


@bp.get("/<int:decision_id>/scenarier/jamfor")
@login_required("facilitator", "secretariat")
def compare(decision_id: int):
    decision = _load(decision_id)
    ctx = compare_view(decision, _compare_ids(), _round_arg())
    fmt_ = request.args.get("format")
    if fmt_ in ("csv", "xlsx") and not ctx["error"]:
        return _export(ctx, fmt_)
    # Too few or too many chosen is a page asking to choose (200), not an error of the reader.
    return render("planning/compare.html", "planning/_compare_body.html", **ctx)


def _table(ctx: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[list[Any]]]:
    """The comparison as plain rows: per investment (phase, rank) and money per municipality."""
    ok = ctx["ok"]
    head = [_("Investering")]
    for c in ok:
        head += [_("%(s)s: etapp", s=c["sc"]["name"]), _("%(s)s: rang", s=c["sc"]["name"])]
    head.append(_("Skillnad"))
    change = {"same": _("samma"), "moved": _("byter etapp"), "in": _("kommer med"),
              "out": _("faller bort"), "none": _("inte med")}
    rows = []
    for r in ctx["rows"]:
        line: list[Any] = [r["name"]]
        for ph, rk in zip(r["phases"], r["ranks"], strict=True):
            line += [ph if ph is not None else "–", rk]
        line.append("; ".join(f"{c['sc']['name']}: {change[ch]}"
                              for c, ch in zip(ok[1:], r["changes"][1:], strict=True)
                              if ch not in ("same", "none")) or change["same"])
        rows.append(line)
    money = []
    for m in ctx["money"]:
        for k, c in enumerate(ok):
            money.append([m["name"], c["sc"]["name"], *m["cells"][k], m["totals"][k]])
    return head, rows, money


def _export(ctx: dict[str, Any], kind: str) -> Response:
    head, rows, money = _table(ctx)
    phases = [p["name"] for p in ctx["phases"]]
    mhead = [_("Kommun"), _("Scenario"), *[f"{p} (MSEK)" for p in phases], _("Totalt (MSEK)")]
    totals = [[c["sc"]["name"], c["plan"]["total_value"], *c["plan"]["spend"]]
              for c in ctx["ok"]]
    thead = [_("Scenario"), _("Totalt värde"), *[_("Utgift %(p)s (MSEK)", p=p) for p in phases]]
    notes = [f"{c['sc']['name']}: " + " ".join(c["describe"]) for c in ctx["cols"]]
    base = slug(ctx["decision"]["title"]) + "-scenarier"
    if kind == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";")
        w.writerow([_("Jämförelse av scenarier: %(t)s", t=ctx["decision"]["title"])])
        for n in notes:
            w.writerow([csv_cell(n)])
        w.writerow([])
        w.writerow(thead)
        for t in totals:
            w.writerow([csv_cell(x) for x in t])
        w.writerow([])
        w.writerow(head)
        for r in rows:
            w.writerow([csv_cell(x) for x in r])
        w.writerow([])
        w.writerow(mhead)
        for r in money:
            w.writerow([csv_cell(x) for x in r])
        data = ("\ufeff" + buf.getvalue()).encode("utf-8")
        return Response(data, mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": content_disposition(base + ".csv")})
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    dec = wb.add_format({"num_format": "0.0"})
    for title, header, body in (
        (_("Summering"), thead, totals),
        (_("Investeringar"), head, rows),
        (_("Pengar per kommun"), mhead, money),
    ):
        ws = wb.add_worksheet(title[:31])
        ws.write_row(0, 0, header, bold)
        for i, r in enumerate(body, start=1):
            for j, v in enumerate(r):
                if isinstance(v, float):
                    ws.write_number(i, j, v, dec)
                elif isinstance(v, int):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v))
        ws.set_column(0, 0, 40)
        ws.set_column(1, len(header), 16)
        if title == _("Summering"):
            for k, n in enumerate(notes):
                ws.write_string(len(body) + 2 + k, 0, n)
    wb.close()
    return Response(out.getvalue(), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": content_disposition(base + ".xlsx")})


@bp.get("/<int:decision_id>/scenarier/analys.json")
@login_required("facilitator", "secretariat")
def analysis_file(decision_id: int):
    """Input (with ``scenarios``) and output: ``python -m mcda analyze`` on the input gives
    the same plans."""
    decision = _load(decision_id)
    ana = run(decision, _round_arg())
    if ana["input"] is None:
        abort(404)
    body = json.dumps({"input": ana["input"], "output": ana["output"]}, ensure_ascii=False,
                      indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": content_disposition(
            slug(decision["title"]) + "-scenarier-analys.json")})


__all__ = ["METHODS", "bp", "compare_view", "describe", "run"]
