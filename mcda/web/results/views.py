"""Routes of the ``results`` blueprint: the facilitator's results page and its actions
(reveal, k, next round, deleting votes), the projector, the report, convergence and the
round exports."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from mcda.store import decisions as store_decisions
from mcda.store import records
from mcda.store import rounds as store_rounds
from mcda.store import users as store_users
from mcda.store import votes as store_votes
from mcda.store.db import transaction
from mcda.store.errors import StoreError
from mcda.web.exports import views as exports
from mcda.web.kit.access import current_user, login_required, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.disposal import disposal_decision
from mcda.web.kit.edit import edit_post
from mcda.web.kit.htmx import render, vary
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import (
    load_round,
    phase_links,
    published_reasons,
    request_options,
    select_phase,
)
from mcda.web.present import charts
from mcda.web.results import convergence as convergence_page
from mcda.web.results import projector as proj
from mcda.web.results.page import can_edit, page_context, sections_html

bp = Blueprint("results", __name__, url_prefix="/resultat")
for _fn in (charts.nice_ticks, charts.spread_labels, charts.series_style, charts.rank_colours):
    bp.add_app_template_global(_fn)


def _back(round_id: int):
    return redirect(url_for(".round_results", round_id=round_id), code=303)


@bp.get("/<int:round_id>")
@login_required()
def round_results(round_id: int):
    rnd = load_round(round_id)
    phases, phase = select_phase(rnd)
    opts, error = request_options()
    ctx = page_context(rnd, opts, error, phase)
    ctx.update(can_edit=can_edit(rnd), query=request.query_string.decode(),
               summary_on_top=True,  # above the controls; swapped out of band on changes
               phase_links=phase_links(phases, phase, ".round_results", round_id=round_id))
    if phases:
        ctx["plan_url"] = url_for("planning.plan_page", decision_id=rnd["decision_id"],
                                  round=round_id)
    ctx["sections_html"] = sections_html(ctx)
    return render("results/round.html", "results/_body.html", **ctx)


@edit_post(bp, "/<int:round_id>/visa")
def reveal(rnd: dict[str, Any], round_id: int):
    revealed = request.form.get("revealed") == "1"
    db = get_db()
    try:  # shown only for a closed round, with the pooling first shown (issue 24, A2)
        with transaction(db):
            store_rounds.set_revealed(db, round_id, revealed)
            store_users.audit(db, current_user()["id"],
                              "results.reveal" if revealed else "results.hide",
                              f"round:{round_id}", decision_id=rnd["decision_id"])
    except StoreError as exc:
        flash(error_text(exc), "error")
        return _back(round_id)
    flash(_("Resultaten visas nu.") if revealed else _("Resultaten är dolda."), "success")
    return _back(round_id)


@edit_post(bp, "/<int:round_id>/k")
def set_k(rnd: dict[str, Any], round_id: int):
    db = get_db()
    try:
        with transaction(db):  # the change and its audit entry: both or neither
            old_k = store_rounds.get_round(db, round_id)["anonymity_k"]
            store_rounds.set_anonymity_k(db, round_id, request.form.get("k", ""))
            new_k = store_rounds.get_round(db, round_id)["anonymity_k"]
            store_users.audit(db, current_user()["id"], "round.anonymity_k",
                              f"round:{round_id}", old=old_k, new=new_k)
    except StoreError as exc:
        flash(error_text(exc), "error")
        return _back(round_id)
    flash(_("Anonymitetsgränsen är nu %(k)s.", k=new_k), "success")
    return _back(round_id)


@edit_post(bp, "/<int:round_id>/nasta-omgang")
def next_round(rnd: dict[str, Any], round_id: int):
    db = get_db()
    # after a closed round the new one takes over the room's code and QR: open it in the
    # same step, or the room's code would lead to a round that is not open yet
    takes_code = rnd["state"] == "closed"
    new_id = store_rounds.next_round(db, round_id, open_now=takes_code)
    store_users.audit(db, current_user()["id"], "round.next", f"round:{new_id}",
                      previous=round_id, decision_id=rnd["decision_id"])
    flash(_("Nästa omgång är öppen med samma kod och QR-kod.") if takes_code else
          _("En ny omgång har skapats. Öppna den när ni är redo."), "success")
    return _back(new_id)


@bp.get("/<int:round_id>/radera")
@login_required()
def delete_votes_confirm(round_id: int):
    """Ask before deleting: the individual weightings cannot be brought back."""
    rnd = load_round(round_id, edit=True)
    n = store_votes.participation(get_db(), round_id)
    return render_template(
        "results/delete_votes.html", rnd=rnd, n_voters=sum(n.values()), error=None,
        disposal=disposal_decision())


@edit_post(bp, "/<int:round_id>/radera")
def delete_votes(rnd: dict[str, Any], round_id: int):
    """Delete a round's votes and participants; keep the aggregated decision record."""
    db = get_db()
    rule = disposal_decision()  # every deletion follows a disposal decision (issue 26)
    if rnd["state"] == "open" or rule is None:
        flash(_("Stäng omgången innan viktningarna raderas.") if rule else _(
            "Viktningarna kan inte raderas: inget gallringsbeslut är angivet i inställningarna "
            "(DISPOSAL_DECISION_REF och DISPOSAL_DECISION_DATE)."), "error")
        return redirect(url_for(".delete_votes_confirm", round_id=round_id), code=303)
    if request.form.get("confirm", "").strip().lower() not in ("radera", "delete"):
        n_voters = sum(store_votes.participation(db, round_id).values())
        return render_template("results/delete_votes.html", rnd=rnd, n_voters=n_voters,
                               error=_("Skriv ordet radera i rutan för att bekräfta."),
                               disposal=rule), 422
    n = records.delete_votes_keep_record(db, round_id)
    store_users.audit(db, current_user()["id"], "round.delete_votes", f"round:{round_id}",
                      votes_deleted=n, decision_id=rnd["decision_id"],
                      disposal_decision=rule["reference"], disposal_date=rule["date"])
    flash(_("%(n)s viktningar raderades. Det sammanvägda underlaget finns kvar.", n=n),
          "success")
    return _back(round_id)


@bp.get("/<int:round_id>/underlag.json")
@login_required("facilitator", "secretariat")
def record_json(round_id: int):
    """The aggregated decision record kept after the votes were deleted."""
    load_round(round_id)
    rec = records.get_record(get_db(), round_id)
    if rec is None:
        abort(404)
    resp = jsonify(rec)
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="vagval-omgang-{round_id}-sammanvagt-underlag.json"')
    return resp


@bp.get("/<int:round_id>/projektor")
@login_required()
def projector(round_id: int):
    rnd = load_round(round_id)
    phases, phase = select_phase(rnd)
    ctx = proj.context(rnd, phase=phase)
    ctx["phase_links"] = phase_links(phases, phase, ".projector", round_id=round_id)
    return render_template("results/projector.html", **ctx)


@bp.get("/<int:round_id>/projektor/live")
@login_required()
def projector_live(round_id: int):
    """The polled part. Answers 304 to a matching If-None-Match (one cheap query)."""
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    ra, failure, etag = proj.live(rnd, phase)
    if request.if_none_match.contains(etag):
        resp = make_response("", 304)
    else:
        ctx = proj.context(rnd, analysis=ra, phase=phase, failure=failure)
        resp = make_response(render_template("results/_projector_live.html", **ctx))
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = "no-cache, private"
    return vary(resp)


@bp.get("/beslut/<int:decision_id>/konvergens")
@login_required("facilitator", "secretariat")
def convergence(decision_id: int):
    decision = require_view(store_decisions.get_decision(get_db(), decision_id))
    return render_template("results/convergence.html", **convergence_page.context(decision))


@bp.get("/<int:round_id>/export/<kind>")
@login_required("facilitator", "secretariat")
def export(round_id: int, kind: str):
    return exports.round_export(round_id, kind)


@bp.get("/<int:round_id>/rapport")
@login_required("facilitator", "secretariat")
def report(round_id: int):
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    opts, error = request_options()
    ctx = page_context(rnd, opts, error, phase)
    ctx["decision"] = store_decisions.get_decision(get_db(), rnd["decision_id"])
    ctx["sections_html"] = sections_html(ctx)
    ctx["reasons"] = published_reasons(rnd, ctx["counts"])
    return render_template("results/report.html", **ctx)
