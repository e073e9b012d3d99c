"""Routes of the ``outcome`` blueprint: "Vad hände sedan?" (issue 26 point 5).

- ``/sedan/omgang/<id>``: the participants' page, reached with the join code (the join flow
  sends a closed round's code here) or from the round hub; also open to signed-in viewers.
- ``/processledare/<decision>/sedan``: the facilitator writes what was decided.
- ``/kansliet/sedan``: the secretariat's overview, one row per decision.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mcda.store.errors import StoreError
from mcda.web.kit.access import login_required, participant
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import load_decision
from mcda.web.outcome import context, edit, view_models

bp = Blueprint("outcome", __name__)


@bp.get("/sedan/omgang/<int:round_id>")
@participant
def public(round_id: int):
    """The decision beside the workshop's verdict; without the code, back to the join page."""
    rnd, allowed = context.public_round(round_id)
    if rnd is None:
        abort(404)
    if not allowed:
        return redirect(url_for("participate.join"))
    oc = context.outcome(rnd["decision_id"])
    verdict = context.verdict_of(context.default_round(
        context.voted_rounds(rnd["decision_id"]), oc))
    return render_template("outcome/public.html", rnd=rnd,
                           **view_models.page(rnd["decision_title"], oc, verdict, public=True))


@bp.route("/processledare/<int:decision_id>/sedan", methods=["GET", "POST"])
@login_required()
def edit_outcome(decision_id: int):
    decision = load_decision(decision_id, edit=True)
    state = edit.EditState.load(decision, request.args.get("omgang"))
    if request.method == "POST" and state.form.validate_on_submit():
        try:
            state.save()
        except StoreError as exc:
            edit.field_error(state.form, exc.field, error_text(exc))
        else:
            flash(_("Beslutet är sparat. Deltagarna ser det med sin kod."), "success")
            return redirect(url_for(".edit_outcome", decision_id=decision_id), code=303)
    status = 422 if state.form.errors or state.form.form_errors else 200
    return render_template("outcome/edit.html", decision=decision, **state.values()), status


@bp.get("/kansliet/sedan")
@login_required("secretariat")
def overview():
    return render_template("outcome/overview.html",
                           rows=view_models.overview_rows(context.overview()))
