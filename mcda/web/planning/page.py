"""The planning page's context: the regional plan (exact MILP), the municipalities' own
plans beside it, the spread over the municipalities and, on request, SMAA plan stability, as
plain values for the templates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.core import phasing
from mcda.core.constants import DEFAULT_TOP_K
from mcda.core.errors import MCDAInputError
from mcda.store import items as store_items
from mcda.store import phases as store_phases
from mcda.store import reference as store_reference
from mcda.store import rounds as store_rounds
from mcda.web.kit.access import can_edit_decision
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text, in_language
from mcda.web.kit.places import map_places
from mcda.web.planning import conflict
from mcda.web.planning.values import (
    STABILITY_SAMPLES,
    conflict_frontier,
    plan_values,
    value_samples,
)
from mcda.web.present import maps
from mcda.web.present.numbers import fmt


def build_context(
    decision: dict[str, Any], round_id: int | None, *, stability: bool = False
) -> dict[str, Any]:
    """Everything the templates show, as plain values."""
    db = get_db()
    pi = store_phases.planning_input(db, decision["id"])
    settings = pi["settings"]
    phases = pi["phases"]
    alts = pi["alternatives"]
    ctx: dict[str, Any] = {
        "decision": decision,
        "phases": phases,
        "settings": settings,
        "pi": pi,
        "can_edit": can_edit_decision(decision),
        "rounds": store_rounds.list_rounds(db, decision["id"]),
        "all_alternatives": store_items.list_alternatives(db, decision["id"]),
        "fmt": fmt,
        "plan": None,
        "error": None,
        "stability": None,
        "stability_samples": STABILITY_SAMPLES,
    }
    values = plan_values(decision["id"], round_id, [a["id"] for a in alts])
    ctx["values"] = values
    ctx["round"] = values["round"]
    if not phases or not alts:
        return ctx
    rules = {
        "min_one_by_phase": settings["min_one_by_phase"],
        "max_share": settings["max_share"],
        "municipalities": pi["municipalities"],
    }
    if rules["min_one_by_phase"] and rules["min_one_by_phase"] > len(phases):
        rules["min_one_by_phase"] = None
    common = dict(
        costs=pi["costs"], hosts=pi["hosts"], earliest_phase=pi["earliest_phase"],
        prerequisites=pi["prerequisites"], budgets=pi["budgets"], rules=rules,
        discount=settings["discount"], names=pi["names"],
    )
    ph = values.get("phasing")
    if ph and ph.get("plan") and _same_items(ph, alts):
        _from_analysis(ctx, ph, pi)
        regional_feasible = ctx["plan"]["feasible"]
    else:  # per-phase values, or no round with votes: planned here
        compare = [g for g in settings["compare_groups"] if g in values["groups"]]
        try:
            paths = phasing.plan_paths(
                values["regional"], {g: values["groups"][g] for g in compare},
                top_k=DEFAULT_TOP_K, **common,
            )
        except MCDAInputError as exc:
            ctx["error"] = error_text(exc)
            return ctx
        regional = paths.regional
        ctx["plan"] = _plan_view(_plan_fields(regional), pi, values["regional"])
        ctx["compare"] = compare
        ctx["paths"] = _paths_view(paths, pi, compare)
        regional_feasible = regional.feasible
        if regional.feasible:
            sp = phasing.spread(
                regional.assignment, pi["costs"], pi["hosts"], pi["municipalities"],
                pi["populations"], len(phases),
            )
            ctx["spread"] = _spread_view(sp, regional.assignment, pi)
    _conflict(ctx, values, pi)
    if regional_feasible:
        ctx["phase_maps"] = maps.phase_maps(
            [p["name"] for p in phases], ctx["spread"]["rows"],
            [[it["name"] for it in lst if it["host"] not in pi["municipalities"]]
             for lst in ctx["plan"]["by_phase"]], lambda x: fmt(x, 0),
            map_places(decision["id"]))
    if stability and regional_feasible:
        samples = value_samples(values, [a["id"] for a in alts], STABILITY_SAMPLES)
        if samples is not None:
            st = phasing.plan_stability(samples, **common)
            ctx["stability"] = _stability_view(st, pi)
    return ctx


def _conflict(ctx: dict[str, Any], values: dict[str, Any], pi: dict[str, Any]) -> None:
    """Who gains, who loses (issue 27): the regional plan's regret view, the do-nothing
    reference's form values and which alternatives beat doing nothing."""
    db = get_db()
    levels = store_reference.get_levels(db, ctx["decision"]["id"])
    crits = store_items.list_criteria(db, ctx["decision"]["id"])
    out = values.get("output") or {}
    ref = out.get("reference") or {}
    ctx["reference"] = {
        "criteria": [{"id": c["id"], "name": c["name"], "level": levels.get(int(c["id"])),
                      "worst": (ref.get("levels") or {}).get(str(c["id"]))} for c in crits],
        "better": conflict.better_rows(ref, {str(a["id"]): a["name"]
                                             for a in ctx["all_alternatives"]}),
    }
    ph = values.get("phasing") or {}
    raw = ph.get("conflict")
    ok = bool(ph.get("plan") and ctx.get("plan") and ctx["plan"]["feasible"]
              and _same_items(ph, pi["alternatives"]))
    ctx["frontier_available"] = ok  # the frontier reads the round's analysis input
    if ok and raw:
        ctx["regret"] = conflict.regret_view(_("Regionens plan"), raw["plan"],
                                             pi["municipalities"])
    ctx["regret_pending"] = ok and not raw  # an open round: one solve per group per vote


def frontier_context(decision: dict[str, Any], round_id: int | None,
                     options: dict[str, Any]) -> dict[str, Any]:
    """The frontier partial's values (computed on request: seconds for 40 investments)."""
    pi = store_phases.planning_input(get_db(), decision["id"])
    ctx: dict[str, Any] = {"decision": decision, "options": options, "frontier": None,
                           "round_id": round_id, "can_edit": can_edit_decision(decision),
                           "fmt": fmt}
    try:
        raw = conflict_frontier(decision["id"], round_id, options)
    except MCDAInputError as exc:
        ctx["error"] = error_text(exc)
        return ctx
    if raw and raw.get("frontier"):
        ids = [str(a["id"]) for a in pi["alternatives"]]
        names = {str(a["id"]): a["name"] for a in pi["alternatives"]}
        ctx["frontier"] = conflict.frontier_view(raw["frontier"], names, ids,
                                                 pi["municipalities"])
    return ctx


def _same_items(ph: dict[str, Any], alts: list[dict[str, Any]]) -> bool:
    """The analysis planned exactly the investments the page lists (else the page plans)."""
    return set(ph["plan"]["assignment"]) == {str(a["id"]) for a in alts}


def _plan_fields(plan: phasing.PhasePlan) -> dict[str, Any]:
    """A plan solved here, as the fields the plan view reads."""
    return {"status": plan.status, "feasible": plan.feasible, "assignment": plan.assignment,
            "spend": plan.spend, "budgets": plan.budgets, "total_value": plan.total_value,
            "solve_ms": plan.solve_time_s * 1000, "exempt": plan.exempt,
            "infeasibility": plan.infeasibility}


def _from_analysis(ctx: dict[str, Any], ph: dict[str, Any], pi: dict[str, Any]) -> None:
    """The plan, the spread and the municipalities' own plans from the analysis' phasing
    result (the one analysis cache): a cached page runs no solve (issue 21 item 6)."""
    ids = [str(a["id"]) for a in pi["alternatives"]]
    pl = ph["plan"]
    assignment = [pl["assignment"][k] for k in ids]
    fields = {"status": pl["status"], "feasible": pl["status"] != "infeasible",
              "assignment": assignment, "spend": pl["spend"], "budgets": pl["budgets"],
              "total_value": pl["total_value"], "solve_ms": ph.get("solve_ms"),
              "exempt": pl["exempt"], "infeasibility": pl["infeasibility"]}
    ctx["plan"] = _plan_view(fields, pi, [ph["values"][k] for k in ids])
    paths = ph.get("paths") or {}
    compare = [g for g in ctx["settings"]["compare_groups"] if g in paths]
    ctx["compare"] = compare
    ctx["paths_pending"] = bool(ctx["settings"]["compare_groups"]) and not paths
    pos = {k: i for i, k in enumerate(ids)}
    ctx["paths"] = {
        "rows": [{"name": name, "regional": assignment[i],
                  "groups": [paths[g]["assignment"][ids[i]] for g in compare]}
                 for i, name in enumerate(pi["names"])],
        "top": {g: [{**t, "index": pos[t["alternative"]],
                     "name": pi["names"][pos[t["alternative"]]],
                     "label": _status_label(t["status"])} for t in paths[g]["top"]]
                for g in compare},
        "status": {g: "optimal" for g in compare},
    }
    if ph.get("spread"):
        ctx["spread"] = _spread_view(phasing.Spread(**ph["spread"]), assignment, pi)


def _plan_view(plan: dict[str, Any], pi: dict[str, Any], values: list[Any]) -> dict:
    P = len(pi["phases"])
    by_phase: list[list[dict[str, Any]]] = [[] for _ in range(P)]
    left_out = []
    for i, a in enumerate(plan["assignment"]):
        v = values[i]
        if isinstance(v, list):  # per-phase values: the value in its phase (best if left out)
            v = v[a - 1] if a is not None else max(v)
        item = {
            "name": pi["names"][i], "host": pi["hosts"][i] or _("hela delregionen"),
            "cost": pi["costs"][i], "value": v, "earliest": pi["earliest_phase"][i],
        }
        (left_out if a is None else by_phase[a - 1]).append(item)
    for lst in by_phase:
        lst.sort(key=lambda it: -it["value"])
    left_out.sort(key=lambda it: -it["value"])
    why = plan["infeasibility"]
    return {
        "status": plan["status"],
        "feasible": plan["feasible"],
        "by_phase": by_phase,
        "left_out": left_out,
        "spend": plan["spend"],
        "budgets": plan["budgets"],
        "total_value": plan["total_value"],
        "solve_ms": plan["solve_ms"],
        "exempt": plan["exempt"],
        "why": in_language(why) if why else None,
        "assignment": plan["assignment"],
    }


def _status_label(status: str) -> str:
    return {
        "same": _("samma etapp"),
        "earlier": _("tidigare i regionens plan"),
        "deferred": _("senare i regionens plan (uppskjuten)"),
        "dropped": _("saknas i regionens plan (bortvald)"),
        "in_neither": _("med i ingen av planerna"),
    }[status]


def _paths_view(paths: phasing.PathComparison, pi: dict[str, Any], compare: list[str]) -> dict:
    rows = []
    for i, name in enumerate(pi["names"]):
        rows.append({
            "name": name,
            "regional": paths.regional.assignment[i],
            "groups": [paths.by_group[g].assignment[i] for g in compare],
        })
    top = {
        g: [
            {**r, "name": pi["names"][r["index"]], "label": _status_label(r["status"])}
            for r in paths.top[g]
        ]
        for g in compare
    }
    status = {g: paths.by_group[g].status for g in compare}
    return {"rows": rows, "top": top, "status": status}


def _spread_view(sp: phasing.Spread, assignment: list[int | None], pi: dict[str, Any]) -> dict:
    P = len(pi["phases"])
    cells: dict[str, list[list[str]]] = {m: [[] for _ in range(P)] for m in sp.municipalities}
    for i, a in enumerate(assignment):
        h = pi["hosts"][i]
        if a is not None and h in cells:
            cells[h][a - 1].append(pi["names"][i])
    rows = [
        {
            "name": m,
            "cells": cells[m],
            "per_phase": sp.per_phase[m],
            "per_capita": sp.per_capita[m],
            "total": sp.total[m],
            "total_per_capita": sp.total_per_capita[m],
            "reached_by": sp.reached_by[m],
        }
        for m in sp.municipalities
    ]
    return {
        "rows": rows,
        "reached_share": sp.reached_share,
        "gini": sp.gini_cumulative,
        "regional": sp.regional,
    }


def _stability_view(st: phasing.Stability, pi: dict[str, Any]) -> dict:
    rows = [
        {"name": pi["names"][i], "freq": st.frequency[i], "modal": st.modal_phase[i]}
        for i in range(len(pi["names"]))
    ]
    return {
        "rows": rows,
        "samples": st.samples,
        "distinct": st.distinct_plans,
        "seconds": st.total_time_s,
        "gap": st.mip_rel_gap,
        "status": st.status,
        "why": in_language(st.infeasibility) if st.infeasibility else None,
    }
