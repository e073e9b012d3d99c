"""Routes of the ``places`` blueprint: the region's venues and population layer (facilitators
and the secretariat), and a decision's locations, reach criterion and GeoJSON (its editors).
Every change is a POST (CSRF checked globally) and audited; the pages work without JS."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from mcda.web.kit.access import login_required
from mcda.web.kit.scope import load_decision
from mcda.web.places import context
from mcda.web.places.forms import FileForm, LayerForm, VenueForm

bp = Blueprint("places", __name__, url_prefix="/platser")
ROLES = ("admin", "facilitator", "secretariat")
GEOJSON = "application/geo+json"


def _venues_page(status: int = 200, **forms):
    forms = {"form": VenueForm(), "file_form": FileForm(), "layer_form": LayerForm(), **forms}
    return render_template("places/venues.html", **context.venues_page(), **forms), status


def _upload(form) -> tuple[bytes, str]:
    f = form.file.data
    return (f.read(), f.filename or "") if f and getattr(f, "filename", "") else (b"", "")


@bp.get("/")
@login_required(*ROLES)
def venues():
    return _venues_page()


@bp.post("/ny")
@login_required(*ROLES)
def venue_add():
    form = VenueForm()
    error = context.add_venue(form.raw()) if form.validate() else _("Kontrollera fälten.")
    if error is None:
        flash(_("Verksamheten är registrerad."), "success")
        return redirect(url_for(".venues") + "#verksamheter", code=303)
    form.lat.errors = [*form.lat.errors, error]
    return _venues_page(422, form=form)


@bp.post("/<int:venue_id>/ta-bort")
@login_required(*ROLES)
def venue_delete(venue_id: int):
    if not context.delete_venue(venue_id):
        abort(404)
    flash(_("Verksamheten är borttagen."), "success")
    return redirect(url_for(".venues") + "#verksamheter", code=303)


@bp.post("/import")
@login_required(*ROLES)
def venue_import():
    form = FileForm()
    n, errors = context.import_venues(*_upload(form), bool(form.replace.data))
    if errors:
        form.file.errors = errors
        return _venues_page(422, file_form=form)
    flash(_("%(n)d verksamheter är inlästa.", n=n), "success")
    return redirect(url_for(".venues") + "#verksamheter", code=303)


@bp.post("/befolkning")
@login_required(*ROLES)
def layer_upload():
    form = LayerForm()
    meta = {k: getattr(form, k).data or "" for k in ("source", "date", "licence", "resolution")}
    error = context.upload_layer(*_upload(form), meta) if form.validate() else _(
        "Kontrollera fälten.")
    if error:
        form.file.errors = [error]
        return _venues_page(422, layer_form=form)
    flash(_("Befolkningsunderlaget är uppladdat; räckvidden är omräknad."), "success")
    return redirect(url_for(".venues") + "#befolkning", code=303)


@bp.post("/befolkning/standard")
@login_required(*ROLES)
def layer_reset():
    context.reset_layer()
    flash(_("Det medföljande grova underlaget används igen."), "success")
    return redirect(url_for(".venues") + "#befolkning", code=303)


@bp.get("/verksamheter.geojson")
@login_required(*ROLES)
def venues_geojson():
    return _geojson(context.venues_geojson(), "vagval-kulturverksamheter.geojson")


@bp.get("/beslut/<int:decision_id>")
@login_required()
def decision(decision_id: int):
    d = load_decision(decision_id, edit=True)
    return render_template("places/decision.html", **context.decision_page(d),
                           file_form=FileForm())


@bp.post("/beslut/<int:decision_id>/rackvidd")
@login_required()
def add_reach(decision_id: int):
    load_decision(decision_id, edit=True)
    error = context.add_reach(decision_id)
    flash(error or _("Kriteriet Räckvidd är tillagt och beräknat."),
          "error" if error else "success")
    return redirect(url_for(".decision", decision_id=decision_id) + "#rackvidd", code=303)


@bp.post("/beslut/<int:decision_id>/import")
@login_required()
def import_points(decision_id: int):
    d = load_decision(decision_id, edit=True)
    form = FileForm()
    n, errors = context.import_points(decision_id, *_upload(form))
    if errors:
        form.file.errors = errors
        return render_template("places/decision.html", **context.decision_page(d),
                               file_form=form), 422
    flash(_("Läget är inläst för %(n)d alternativ.", n=n), "success")
    return redirect(url_for(".decision", decision_id=decision_id), code=303)


@bp.get("/beslut/<int:decision_id>/alternativ.geojson")
@login_required()
def alternatives_geojson(decision_id: int):
    load_decision(decision_id, edit=True)
    return _geojson(context.alternatives_geojson(decision_id),
                    f"vagval-beslut-{decision_id}-alternativ.geojson")


def _geojson(body: bytes, name: str) -> Response:
    resp = Response(body, mimetype=GEOJSON)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
