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
from mcda.store.errors import StoreError
from mcda.web.kit.access import login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import parse_id
from mcda.web.kit.htmx import is_htmx, render
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import load_decision
from mcda.web.planning import forms
from mcda.web.planning.page import build_context

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


@bp.post("/<int:decision_id>/planera")
@login_required()
def replan(decision_id: int):
    """Save budgets and rules, then show the re-planned result."""
    decision = load_decision(decision_id, edit=True)
    db = get_db()
    error = None
    try:
        store_phases.set_budgets(db, decision_id, forms.budgets(request.form))
        store_phases.set_settings(db, decision_id, **forms.settings(request.form))
    except StoreError as exc:
        error = error_text(exc)
    return _after_post(decision, error)


@bp.post("/<int:decision_id>/etapper")
@login_required()
def add_phase(decision_id: int):
    decision = load_decision(decision_id, edit=True)
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
    decision = load_decision(decision_id, edit=True)
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
    decision = load_decision(decision_id, edit=True)
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
    decision = load_decision(decision_id, edit=True)
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
