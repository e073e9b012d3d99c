"""Blueprint `planning`: growth phases (etapper) and the phasing plan for facilitators.

GET ``/etapper/<decision_id>?round=<id>`` shows the regional plan (exact MILP, see
:mod:`mcda.core.phasing`), the municipalities by phase, spread indicators, the plans under
up to three municipalities' own weights (Vägval) and, on request, SMAA plan stability.
Budgets and rules are changed with plain POST forms (PRG) that htmx upgrades to an in-place
re-plan. ``/etapper/<decision_id>/projektor`` is the large-type variant without controls.

Plan values come from ONE function, :func:`plan_values`: the regional WSM scores of the
chosen round's analysis (and each municipality's own WSM scores for the comparison).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from mcda.core import phasing
from mcda.core.constants import DEFAULT_TOP_K
from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache, analysis_input, decisions
from mcda.store import items as store_items
from mcda.store import phases as store_phases
from mcda.store import rounds as store_rounds
from mcda.store.errors import StoreError
from mcda.store.numbers import NumberError, parse_int, parse_number
from mcda.web.kit.access import can_edit_decision, login_required, require_edit, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import parse_id
from mcda.web.kit.htmx import is_htmx, render
from mcda.web.kit.i18n import error_text, in_language
from mcda.web.present import maps
from mcda.web.present.labels import phase_label
from mcda.web.present.numbers import fmt

bp = Blueprint("planning", __name__, url_prefix="/etapper")

STABILITY_SAMPLES = 200
VALUE_METHOD = "wsm"


# --- the value source -------------------------------------------------------------------------


def _pick_round(decision_id: int, round_id: int | None) -> dict[str, Any] | None:
    rounds = store_rounds.list_rounds(get_db(), decision_id)
    if round_id is not None:
        for r in rounds:
            if r["id"] == round_id:
                return r
        abort(404)
    voted = [r for r in rounds if r.get("n_voters")]
    return voted[-1] if voted else None


def plan_values(decision_id: int, round_id: int | None, alt_ids: list[int]) -> dict[str, Any]:
    """Values per investment for the plan, with a label naming their source and method.

    Regional WSM scores of the round's analysis (house default options) when the round has
    votes and a complete score matrix; otherwise every investment is worth 1 (the plan then
    maximises the number of investments) and the label says so. Municipalities with fewer
    voters than the round's anonymity threshold have no own values: the analysis pooled them
    into "Övriga kommuner" (core.disclosure).
    """
    rnd = _pick_round(decision_id, round_id)
    out: dict[str, Any] = {
        "round": rnd,
        "regional": [1.0] * len(alt_ids),
        "groups": {},
        "label": _(
            "Värde: alla investeringar väger lika (1) – det finns ingen omgång med röster och "
            "fullständiga bedömningar. Planen maximerar då antalet investeringar."
        ),
        "samples": None,
        "error": None,
    }
    if rnd is None:
        return out
    if rnd.get("phase_weights"):
        return _per_phase_values(rnd, alt_ids, out)
    db = get_db()
    opts = analysis_input.parse_options(None)
    try:
        ra = analysis_cache.get_analysis(db, rnd["id"], opts)
    except MCDAInputError as exc:
        out["error"] = error_text(exc)
        return out
    res = ra.output
    if not res or VALUE_METHOD not in (res.get("rankings") or {}):
        return out
    keys = [str(a) for a in alt_ids]
    scores = res["rankings"][VALUE_METHOD]["scores"]
    out["regional"] = [float(scores[k]) for k in keys]
    # groups under k are already pooled into "Övriga kommuner" (core.disclosure)
    for g, entry in (res.get("by_group_rankings") or {}).items():
        gs = entry["rankings"].get(VALUE_METHOD, {}).get("scores")
        if gs:
            out["groups"][g] = [float(gs[k]) for k in keys]
    out["label"] = _(
        "Värde: WSM-poäng (viktad summa, summanormalisering) med regionens vikter från "
        "omgång %(n)s (inom kommun: medelvärde; mellan kommuner: lika vikt, en kommun – en "
        "röst). Kommunernas egna planer använder kommunens egna vikter.",
        n=rnd["number"],
    )
    out["input"] = ra.input
    out["output"] = res
    return out


# --- per-phase weights ---------------------------------------------------------------------------

TOP_PER_PHASE = DEFAULT_TOP_K


def _phase_analysis(db: Any, round_id: int, phase_id: int) -> dict[str, Any] | None:
    """The analysis of ONE phase's votes (house default options, SMAA off: only the
    rankings are needed) from the same cache as the results page, projector and exports
    (``analysis_cache.get_analysis``); None when nobody has weighted the phase."""
    ra = analysis_cache.get_analysis(db, round_id, {"smaa": False}, phase_id=phase_id)
    return {"input": ra.input, "output": ra.output} if ra.input["votes"] else None


def _per_phase_values(
    rnd: dict[str, Any], alt_ids: list[int], out: dict[str, Any]
) -> dict[str, Any]:
    """Per-phase round: values as an n × P matrix, column p = WSM scores under phase p's
    regional weights; municipalities' own matrices the same way (hidden below k in any
    phase). A phase without votes borrows the mean of the phases that have them (said in
    the label); with no votes at all every value is 1 as for a round without votes."""
    db = get_db()
    phases = store_phases.list_phases(db, rnd["decision_id"])
    keys = [str(a) for a in alt_ids]
    names = {a["id"]: a["name"] for a in store_items.list_alternatives(db, rnd["decision_id"])}
    cols: list[list[float] | None] = []
    group_cols: list[dict[str, list[float]] | None] = []
    ranking = []
    analyses: list[dict[str, Any] | None] = []
    for ph in phases:
        try:
            ra = _phase_analysis(db, rnd["id"], ph["id"])
        except MCDAInputError as exc:
            out["error"] = error_text(exc)
            return out
        res = (ra or {}).get("output") or {}
        scores = (res.get("rankings") or {}).get(VALUE_METHOD, {}).get("scores")
        analyses.append(ra if scores else None)
        label = phase_label(ph)
        n_voters = len(res.get("votes") or [])
        if not scores:
            cols.append(None)
            group_cols.append(None)
            ranking.append({"label": label, "n_voters": n_voters, "top": None})
            continue
        cols.append([float(scores[k]) for k in keys])
        gc: dict[str, list[float]] = {}  # groups under k: pooled already (core.disclosure)
        for g, entry in (res.get("by_group_rankings") or {}).items():
            gs = entry["rankings"].get(VALUE_METHOD, {}).get("scores")
            if gs:
                gc[g] = [float(gs[k]) for k in keys]
        group_cols.append(gc)
        order = sorted(scores, key=lambda a: -float(scores[a]))
        ranking.append({
            "label": label,
            "n_voters": n_voters,
            "top": [
                {"rank": r, "name": names.get(int(a), a), "score": float(scores[a])}
                for r, a in enumerate(order[:TOP_PER_PHASE], start=1)
            ],
        })
    out["per_phase"] = ranking
    have = [c for c in cols if c is not None]
    if not have:
        return out
    filler = [sum(col[i] for col in have) / len(have) for i in range(len(keys))]
    missing = [ph["name"] for ph, c in zip(phases, cols, strict=True) if c is None]
    out["regional"] = [
        [(c if c is not None else filler)[i] for c in cols] for i in range(len(keys))
    ]
    present = [gc for gc in group_cols if gc is not None]
    common = set.intersection(*(set(gc) for gc in present)) if present else set()
    for g in sorted(common):
        gcols = [gc[g] if gc is not None else None for gc in group_cols]
        gfill = [sum(c[i] for c in gcols if c) / len(present) for i in range(len(keys))]
        out["groups"][g] = [
            [(c if c is not None else gfill)[i] for c in gcols] for i in range(len(keys))
        ]
    out["label"] = _(
        "Värde: WSM-poäng (viktad summa, summanormalisering) med varje etapps egna vikter "
        "från omgång %(n)s: en investering är värd olika mycket beroende på i vilken etapp "
        "den hamnar (inom kommun: medelvärde; mellan kommuner: lika vikt, en kommun – en "
        "röst). Kommunernas egna planer använder kommunens egna vikter per etapp.",
        n=rnd["number"],
    )
    if missing:
        out["label"] += " " + _(
            "Ingen har viktat %(phases)s; där används medelvärdet av de andra etapperna.",
            phases=", ".join(missing),
        )
    out["per_phase_round"] = True
    out["phase_analyses"] = analyses
    return out


def _value_samples(values: dict[str, Any], alt_ids: list[int], n: int) -> Any:
    """SMAA-sampled WSM values (participants resampled per municipality) for the stability.

    Per-phase rounds: S × n × P, each phase sampled from its own votes (seed per phase); a
    phase without votes takes the mean of the sampled phases, as the plan values do.
    """
    ids = [str(a) for a in alt_ids]
    if values.get("per_phase_round"):
        return phasing.stack_phase_samples([
            phasing.analysis_value_samples(ra["input"], ra["output"], ids, n,
                                           int(values["round"]["id"]) * 97 + k)
            if ra else None
            for k, ra in enumerate(values.get("phase_analyses") or [])
        ])
    return phasing.analysis_value_samples(
        values.get("input"), values.get("output"), ids, n,
        int(values["round"]["id"]) if values.get("round") else 0,
    )


# --- building the page ------------------------------------------------------------------------


def _load(decision_id: int, *, edit: bool = False) -> dict[str, Any]:
    decision = decisions.get_decision(get_db(), decision_id)
    (require_edit if edit else require_view)(decision)
    return decision  # type: ignore[return-value]


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
    ctx["plan"] = _plan_view(regional, pi, values["regional"])
    ctx["compare"] = compare
    ctx["paths"] = _paths_view(paths, pi, compare)
    if regional.feasible:
        sp = phasing.spread(
            regional.assignment, pi["costs"], pi["hosts"], pi["municipalities"],
            pi["populations"], len(phases),
        )
        ctx["spread"] = _spread_view(sp, regional, pi)
        ctx["phase_maps"] = maps.phase_maps(
            [p["name"] for p in phases], ctx["spread"]["rows"],
            [[it["name"] for it in lst if it["host"] not in pi["municipalities"]]
             for lst in ctx["plan"]["by_phase"]], lambda x: fmt(x, 0))
    if stability and regional.feasible:
        samples = _value_samples(values, [a["id"] for a in alts], STABILITY_SAMPLES)
        if samples is not None:
            st = phasing.plan_stability(samples, **common)
            ctx["stability"] = _stability_view(st, pi)
    return ctx


def _plan_view(plan: phasing.PhasePlan, pi: dict[str, Any], values: list[Any]) -> dict:
    P = len(pi["phases"])
    by_phase: list[list[dict[str, Any]]] = [[] for _ in range(P)]
    left_out = []
    for i, a in enumerate(plan.assignment):
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
    why = plan.infeasibility
    return {
        "status": plan.status,
        "feasible": plan.feasible,
        "by_phase": by_phase,
        "left_out": left_out,
        "spend": plan.spend,
        "budgets": plan.budgets,
        "total_value": plan.total_value,
        "solve_ms": plan.solve_time_s * 1000,
        "exempt": plan.exempt,
        "why": in_language(why) if why else None,
        "assignment": plan.assignment,
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


def _spread_view(sp: phasing.Spread, plan: phasing.PhasePlan, pi: dict[str, Any]) -> dict:
    P = len(pi["phases"])
    cells: dict[str, list[list[str]]] = {m: [[] for _ in range(P)] for m in sp.municipalities}
    for i, a in enumerate(plan.assignment):
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


def _round_arg() -> int | None:
    return parse_id(request.values.get("round", ""))


# --- views ------------------------------------------------------------------------------------


@bp.get("/<int:decision_id>")
@login_required("facilitator", "secretariat")
def plan_page(decision_id: int):
    decision = _load(decision_id)
    ctx = build_context(decision, _round_arg(), stability=request.args.get("stabilitet") == "1")
    return render("planning/page.html", "planning/_body.html", **ctx)


@bp.get("/<int:decision_id>/projektor")
@login_required("facilitator", "secretariat")
def projector(decision_id: int):
    decision = _load(decision_id)
    ctx = build_context(decision, _round_arg())
    return render("planning/projector.html", "planning/_projector_body.html", **ctx)


def _after_post(decision: dict[str, Any], error: str | None = None):
    """htmx: re-render the body in place (with the error, status 422); else PRG redirect."""
    round_id = _round_arg()
    if is_htmx():
        ctx = build_context(decision, round_id)
        ctx["form_error"] = error
        # 200 even with an error: htmx 2 does not swap 4xx responses by default.
        return render("planning/page.html", "planning/_body.html", **ctx)
    if error:
        flash(error, "error")
    return redirect(url_for("planning.plan_page", decision_id=decision["id"], round=round_id))


@bp.post("/<int:decision_id>/planera")
@login_required()
def replan(decision_id: int):
    """Save budgets and rules, then show the re-planned result."""
    decision = _load(decision_id, edit=True)
    db = get_db()
    form = request.form
    error = None
    budgets = {
        pid: v
        for k, v in form.items()
        if k.startswith("budget_") and (pid := parse_int(k.removeprefix("budget_"))) is not None
    }
    share_raw = form.get("max_share", "").strip()
    try:
        share = None if share_raw == "" else parse_number(share_raw) / 100
    except NumberError:
        share = share_raw  # let the store name the field
    disc_raw = form.get("discount", "").strip()
    try:
        disc = 0.0 if disc_raw == "" else parse_number(disc_raw) / 100
    except NumberError:
        disc = disc_raw
    try:
        store_phases.set_budgets(db, decision_id, budgets)
        store_phases.set_settings(
            db, decision_id,
            min_one_by_phase=form.get("min_one_by_phase") or None,
            max_share=share,
            discount=disc,
            compare_groups=[form.get(f"compare_{k}", "") for k in range(1, 4)],
        )
    except StoreError as exc:
        error = error_text(exc)
    return _after_post(decision, error)


@bp.post("/<int:decision_id>/etapper")
@login_required()
def add_phase(decision_id: int):
    decision = _load(decision_id, edit=True)
    error = None
    try:
        store_phases.add_phase(
            get_db(), decision_id, request.form.get("name", ""),
            request.form.get("budget", ""), request.form.get("period", ""),
        )
    except StoreError as exc:
        error = error_text(exc)
    return _after_post(decision, error)


@bp.post("/<int:decision_id>/etapper/<int:phase_id>/ta-bort")
@login_required()
def delete_phase(decision_id: int, phase_id: int):
    decision = _load(decision_id, edit=True)
    phase = store_phases.get_phase(get_db(), phase_id)
    if phase is None or phase["decision_id"] != decision_id:
        abort(404)
    try:
        store_phases.delete_phase(get_db(), phase_id)
    except StoreError as exc:  # a phase with per-phase votes is kept
        return _after_post(decision, error_text(exc))
    return _after_post(decision)


@bp.post("/<int:decision_id>/forutsattningar")
@login_required()
def add_prerequisite(decision_id: int):
    decision = _load(decision_id, edit=True)
    db = get_db()
    error = None
    alt_id = parse_id(request.form.get("alternative_id", ""))
    req_id = parse_id(request.form.get("requires_id", ""))
    if alt_id is None or req_id is None:
        error = _("Välj både en investering och dess förutsättning.")
    else:
        alt = store_items.get_alternative(db, alt_id)
        if alt is None or alt["decision_id"] != decision_id:
            abort(404)
        try:
            store_phases.add_prerequisite(db, alt_id, req_id)
        except StoreError as exc:
            error = error_text(exc)
    return _after_post(decision, error)


@bp.post("/<int:decision_id>/forutsattningar/ta-bort")
@login_required()
def remove_prerequisite(decision_id: int):
    decision = _load(decision_id, edit=True)
    db = get_db()
    alt_id = parse_id(request.form.get("alternative_id", ""))
    req_id = parse_id(request.form.get("requires_id", ""))
    if alt_id is None or req_id is None:
        abort(400)
    alt = store_items.get_alternative(db, alt_id)
    if alt is None or alt["decision_id"] != decision_id:
        abort(404)
    store_phases.remove_prerequisite(db, alt_id, req_id)
    return _after_post(decision)
