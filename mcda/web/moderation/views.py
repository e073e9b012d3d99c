"""Routes of the ``moderation`` blueprint: a round's moderation log, as a page and as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template

from mcda.web.exports.cells import file_name
from mcda.web.exports.views import file_response
from mcda.web.kit.access import login_required
from mcda.web.moderation import context, view_models

bp = Blueprint("moderation", __name__, url_prefix="/moderering")


@bp.get("/omgang/<int:round_id>")
@login_required("facilitator", "secretariat")
def log(round_id: int):
    rnd, entries, editor = context.load(round_id)
    return render_template("moderation/log.html", rnd=rnd, editor=editor,
                           rows=view_models.rows(entries, editor))


@bp.get("/omgang/<int:round_id>/modereringslogg.csv")
@login_required("facilitator", "secretariat")
def log_csv(round_id: int):
    rnd, entries, editor = context.load(round_id)
    return file_response(view_models.csv_body(entries, editor), "text/csv",
                         file_name(rnd, "modereringslogg", "csv"))
