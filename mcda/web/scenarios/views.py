"""Routes of the ``scenarios`` blueprint: Vägval scenarios under the planning pages (issue 15).

``/etapper/<decision_id>/scenarier`` lists the decision's scenarios; the facilitator creates,
duplicates, edits and deletes them (CSRF-protected POST forms, PRG), the secretariat views
them. ``…/scenarier/<id>`` shows one scenario's plan and its budget frontier;
``…/scenarier/jamfor?s=…&s=…`` compares 2–4 side by side (printable; CSV and Excel);
``…/scenarier/analys.json`` is the analysis input and output with the ``scenarios`` section,
which ``python -m mcda analyze`` re-runs. Every number comes from ONE analysis
(:func:`mcda.web.scenarios.analysis.run`).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from mcda.store import scenarios as store
from mcda.store.errors import StoreError
from mcda.store.numbers import parse_int
from mcda.web.exports import scenario_compare
from mcda.web.exports.cells import content_disposition, slug
from mcda.web.kit.access import login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.edit import edit_post
from mcda.web.kit.forms import parse_id
from mcda.web.kit.htmx import render
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import load_decision
from mcda.web.scenarios.analysis import results, run, skipped
from mcda.web.scenarios.compare import compare_view, decision_model, scenario_regret
from mcda.web.scenarios.context import base_ctx
from mcda.web.scenarios.describe import describe
from mcda.web.scenarios.form import spec_from_form
from mcda.web.scenarios.view_models import form_view, frontier_view, plan_view

bp = Blueprint("scenarios", __name__, url_prefix="/etapper")


def _round_arg() -> int | None:
    return parse_id(request.values.get("round", ""))


def _own(decision_id: int, scenario_id: int) -> dict[str, Any]:
    sc = store.get_scenario(get_db(), scenario_id)
    if sc is None or sc["decision_id"] != decision_id:
        abort(404)
    return sc


def _scenario_page(decision: dict[str, Any], sc: dict[str, Any], ctx: dict[str, Any],
                   spec: dict[str, Any]) -> dict[str, Any]:
    """One scenario's page values: its result, plan, frontier, description and form."""
    ana = run(decision, _round_arg())
    res = results(ana).get(f"s{sc['id']}")
    ctx.update(ana=ana, round=ana["round"], sc=sc, res=res, model=decision_model(ana),
               skipped=skipped(ana).get(f"s{sc['id']}"),
               describe=describe(spec, ctx["phases"], ctx["alt_names"]),
               plan=plan_view(res, ctx) if res and res.get("plan") else None,
               frontier=frontier_view(res, ctx) if res and res.get("frontier") else None,
               form=form_view(spec, ctx),
               regret=scenario_regret(sc["name"], res, ana))
    return ctx


@bp.get("/<int:decision_id>/scenarier")
@login_required("facilitator", "secretariat")
def index(decision_id: int):
    decision = load_decision(decision_id)
    ctx = base_ctx(decision)
    ana = run(decision, _round_arg())
    ctx.update(ana=ana, round=ana["round"], results=results(ana), skipped=skipped(ana))
    return render("planning/scenarios.html", "planning/_scenarios_body.html", **ctx)


@bp.get("/<int:decision_id>/scenarier/<int:scenario_id>")
@login_required("facilitator", "secretariat")
def show(decision_id: int, scenario_id: int):
    decision = load_decision(decision_id)
    sc = _own(decision_id, scenario_id)
    ctx = _scenario_page(decision, sc, base_ctx(decision), sc["spec"])
    return render("planning/scenario.html", "planning/_scenario_body.html", **ctx)


def _to_index(decision_id: int):
    return redirect(url_for("scenarios.index", decision_id=decision_id, round=_round_arg()))


def _to_show(decision_id: int, scenario_id: int, anchor: str = ""):
    return redirect(url_for("scenarios.show", decision_id=decision_id, scenario_id=scenario_id,
                            round=_round_arg()) + anchor)


@edit_post(bp, "/<int:decision_id>/scenarier/ny")
def create(decision: dict[str, Any], decision_id: int):
    try:
        sid = store.create_scenario(get_db(), decision_id, request.form.get("name", ""))
    except StoreError as exc:
        flash(error_text(exc), "error")
        return _to_index(decision_id)
    flash(_("Scenariot är skapat. Ändra antagandena nedan."), "success")
    return _to_show(decision_id, sid, "#edit-h")


@edit_post(bp, "/<int:decision_id>/scenarier/<int:scenario_id>")
def update(decision: dict[str, Any], decision_id: int, scenario_id: int):
    _own(decision_id, scenario_id)
    ctx = base_ctx(decision)
    try:
        store.update_scenario(get_db(), scenario_id, request.form.get("name", ""),
                              spec_from_form(request.form, ctx))
    except StoreError as exc:
        # Nothing is lost: the page re-renders with the posted values and the message.
        ctx.update(form_error=error_text(exc))
        sc = dict(store.get_scenario(get_db(), scenario_id) or {})
        ctx = _scenario_page(decision, dict(sc, name=request.form.get("name", "")), ctx,
                             sc["spec"])
        return render("planning/scenario.html", "planning/_scenario_body.html", status=422,
                      **ctx)
    flash(_("Scenariot är sparat och planerat om."), "success")
    return _to_show(decision_id, scenario_id)


@edit_post(bp, "/<int:decision_id>/scenarier/<int:scenario_id>/kopiera")
def duplicate(decision: dict[str, Any], decision_id: int, scenario_id: int):
    _own(decision_id, scenario_id)
    try:
        sid = store.duplicate_scenario(get_db(), scenario_id, _("kopia"))
    except StoreError as exc:
        flash(error_text(exc), "error")
        return _to_index(decision_id)
    flash(_("Scenariot är kopierat."), "success")
    return _to_show(decision_id, sid)


@edit_post(bp, "/<int:decision_id>/scenarier/<int:scenario_id>/ta-bort")
def delete(decision: dict[str, Any], decision_id: int, scenario_id: int):
    sc = _own(decision_id, scenario_id)
    store.delete_scenario(get_db(), scenario_id)
    flash(_("Scenariot ”%(name)s” är borttaget.", name=sc["name"]), "success")
    return _to_index(decision_id)


@bp.get("/<int:decision_id>/scenarier/jamfor")
@login_required("facilitator", "secretariat")
def compare(decision_id: int):
    decision = load_decision(decision_id)
    ids = list(dict.fromkeys(i for x in request.args.getlist("s")
                             if (i := parse_int(x)) is not None))
    ctx = compare_view(decision, ids, _round_arg())
    kind = request.args.get("format")
    if kind in ("csv", "xlsx") and not ctx["error"]:
        return scenario_compare.export(ctx, kind)
    # Too few or too many chosen is a page asking to choose (200), not an error of the reader.
    return render("planning/compare.html", "planning/_compare_body.html", **ctx)


@bp.get("/<int:decision_id>/scenarier/analys.json")
@login_required("facilitator", "secretariat")
def analysis_file(decision_id: int):
    """Input (with ``scenarios``) and output: ``python -m mcda analyze`` on the input gives
    the same plans."""
    decision = load_decision(decision_id)
    ana = run(decision, _round_arg())
    if ana["input"] is None:
        abort(404)
    body = json.dumps({"input": ana["input"], "output": ana["output"]}, ensure_ascii=False,
                      indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": content_disposition(
            slug(decision["title"]) + "-scenarier-analys.json")})
