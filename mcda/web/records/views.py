"""Routes of the ``records`` blueprint (issue 26): a round's records page, its archive
package (built after the round is closed and on demand), a request for public documents,
the secrecy-review checklist and the printed report's running header."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from mcda.web.exports.views import file_response
from mcda.web.kit.access import current_user, login_required
from mcda.web.kit.forms import ConfirmForm
from mcda.web.kit.scope import load_round
from mcda.web.records import after_close, content, page, pdf
from mcda.web.records import request as public_request

bp = Blueprint("records", __name__, url_prefix="/arkiv")
after_close.connect()
ROLES = ("facilitator", "secretariat")


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.get("/omgang/<int:round_id>")
@login_required(*ROLES)
def round_page(round_id: int):
    rnd = load_round(round_id)
    return render_template("records/round.html", **page.context(rnd))


@bp.post("/omgang/<int:round_id>/arkivpaket")
@login_required(*ROLES)
def build(round_id: int):
    """Build the archive package now (it replaces the kept one); audited."""
    rnd = load_round(round_id)
    _confirmed()
    try:
        built = content.build_package(rnd, page.decision_of(rnd), trigger="demand",
                                      user_id=current_user()["id"])
    except pdf.PdfUnavailable:
        flash(_("Arkivpaketet kunde inte skapas: servern saknar programmet som gör PDF/A "
                "(WeasyPrint och Pango). Be driftansvarig installera det."), "error")
    else:
        flash(_("Arkivpaketet är skapat (%(name)s).", name=built["file_name"]), "success")
    return redirect(url_for(".round_page", round_id=round_id), code=303)


@bp.get("/omgang/<int:round_id>/arkivpaket.zip")
@login_required(*ROLES)
def download(round_id: int):
    load_round(round_id)
    kept = page.kept_package(round_id, with_data=True)
    if kept is None:
        abort(404)
    return file_response(kept["data"], "application/zip", kept["file_name"])


@bp.post("/omgang/<int:round_id>/begaran")
@login_required(*ROLES)
def public_records(round_id: int):
    """The round's records as held, for a request for public documents; audited, and
    nothing is published by it."""
    rnd = load_round(round_id)
    _confirmed()
    body, name, counts = public_request.request_zip(rnd)
    page.log_request(rnd, counts)
    return file_response(body, "application/zip", name)


@bp.get("/omgang/<int:round_id>/checklista")
@login_required(*ROLES)
def checklist(round_id: int):
    rnd = load_round(round_id)
    return public_request.checklist_html(rnd, public_request.request_counts(round_id),
                                         standalone=False)


@bp.get("/omgang/<int:round_id>/sidhuvud.css")
@login_required(*ROLES)
def running_header(round_id: int):
    """The printed report's header (authority, diarienummer) on every page."""
    rnd = load_round(round_id)
    resp = file_response(content.header_css(rnd).encode("utf-8"), "text/css", "sidhuvud.css")
    resp.headers["Content-Disposition"] = "inline"
    return resp
