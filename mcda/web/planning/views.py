"""Routes of the ``planning`` blueprint: growth phases (etapper) and the phasing plan.

GET ``/etapper/<decision_id>?round=<id>`` shows the regional plan (exact MILP, see
:mod:`mcda.core.phasing`), the municipalities by phase, spread indicators, the plans under
up to three municipalities' own weights (Vägval) and, on request, SMAA plan stability.
Budgets and rules are changed with plain POST forms (PRG) that htmx upgrades to an in-place
re-plan. ``/etapper/<decision_id>/projektor`` is the large-type variant without controls.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from mcda.store import items as store_items
from mcda.store import phases as store_phases
from mcda.store import reference as store_reference
from mcda.store import scenarios as store_scenarios
from mcda.web.kit.access import login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.edit import edit_post, store_error
from mcda.web.kit.forms import parse_id
from mcda.web.kit.htmx import is_htmx, render
from mcda.web.kit.scope import load_decision
from mcda.web.planning import forms
from mcda.web.planning.page import build_context, frontier_context

bp = Blueprint("planning", __name__, url_prefix="/etapper")


def _round_arg() -> int | None:
    return parse_id(request.values.get("round", ""))


# --- views ------------------------------------------------------------------------------------


@bp.get("/<int:decision_id>")
@login_required("facilitator", "secretariat")
def plan_page(decision_id: int):
    decision = load_decision(decision_id)
    ctx = build_context(decision, _round_arg(), stability=request.args.get("stabilitet") == "1")
    return render("planning/page.html", "planning/_body.html", **ctx)


@bp.get("/<int:decision_id>/projektor")
@login_required("facilitator", "secretariat")
def projector(decision_id: int):
    decision = load_decision(decision_id)
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


@edit_post(bp, "/<int:decision_id>/planera")
def replan(decision: dict[str, Any], decision_id: int):
    """Save budgets and rules, then show the re-planned result."""
    db = get_db()
    error = store_error(
        lambda: store_phases.set_budgets(db, decision_id, forms.budgets(request.form))
    ) or store_error(
        lambda: store_phases.set_settings(db, decision_id, **forms.settings(request.form))
    )
    return _after_post(decision, error)


@edit_post(bp, "/<int:decision_id>/etapper")
def add_phase(decision: dict[str, Any], decision_id: int):
    form = request.form
    return _after_post(decision, store_error(
        store_phases.add_phase, get_db(), decision_id, form.get("name", ""),
        form.get("budget", ""), form.get("period", "")))


def _prerequisite(decision_id: int) -> tuple[int, int] | None:
    """The posted (investment, prerequisite) pair; None when one is missing, 404 when the
    investment is not this decision's."""
    alt_id = parse_id(request.form.get("alternative_id", ""))
    req_id = parse_id(request.form.get("requires_id", ""))
    if alt_id is None or req_id is None:
        return None
    alt = store_items.get_alternative(get_db(), alt_id)
    if alt is None or alt["decision_id"] != decision_id:
        abort(404)
    return alt_id, req_id


@edit_post(bp, "/<int:decision_id>/etapper/<int:phase_id>/ta-bort")
def delete_phase(decision: dict[str, Any], decision_id: int, phase_id: int):
    phase = store_phases.get_phase(get_db(), phase_id)
    if phase is None or phase["decision_id"] != decision_id:
        abort(404)
    # A phase with per-phase votes is kept: the refusal is the message.
    return _after_post(decision, store_error(store_phases.delete_phase, get_db(), phase_id))


@edit_post(bp, "/<int:decision_id>/forutsattningar")
def add_prerequisite(decision: dict[str, Any], decision_id: int):
    pair = _prerequisite(decision_id)
    if pair is None:
        return _after_post(decision, _("Välj både en investering och dess förutsättning."))
    return _after_post(decision, store_error(store_phases.add_prerequisite, get_db(), *pair))


@edit_post(bp, "/<int:decision_id>/forutsattningar/ta-bort")
def remove_prerequisite(decision: dict[str, Any], decision_id: int):
    pair = _prerequisite(decision_id)
    if pair is None:
        abort(400)
    store_phases.remove_prerequisite(get_db(), *pair)
    return _after_post(decision)


@edit_post(bp, "/<int:decision_id>/nulage")
def set_reference(decision: dict[str, Any], decision_id: int):
    """Save the do-nothing levels (blank: the criterion's worst level)."""
    return _after_post(decision, store_error(
        store_reference.set_levels, get_db(), decision_id, forms.reference_levels(request.form)))


@bp.get("/<int:decision_id>/konfliktfront")
@login_required("facilitator", "secretariat")
def frontier(decision_id: int):
    """The value–conflict frontier, computed on request (htmx loads it with a progress
    element; without JavaScript it is a page of its own)."""
    decision = load_decision(decision_id)
    ctx = frontier_context(decision, _round_arg(), forms.conflict_options(request.args))
    return render("planning/frontier.html", "planning/_frontier.html", **ctx)


@edit_post(bp, "/<int:decision_id>/konfliktfront/spara")
def save_frontier_plan(decision: dict[str, Any], decision_id: int):
    """Save one frontier point's plan as a named scenario (every investment pinned)."""
    pi = store_phases.planning_input(get_db(), decision_id)
    spec = forms.plan_spec(request.form.get("plan", ""), pi["settings"],
                           [str(a["id"]) for a in pi["alternatives"]])
    if spec is None:
        abort(400)
    error = store_error(store_scenarios.create_scenario, get_db(), decision_id,
                        request.form.get("name", ""), spec)
    if error:
        flash(error, "error")
        return redirect(url_for("planning.plan_page", decision_id=decision_id,
                                round=_round_arg()))
    flash(_("Planen är sparad som scenario."), "info")
    return redirect(url_for("scenarios.index", decision_id=decision_id, round=_round_arg()))
