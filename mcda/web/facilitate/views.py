"""Routes of the ``facilitate`` blueprint: decisions, the score matrix, CSV import and rounds.
Criteria and alternatives (``items``) and the round actions (``rounds``) register their own
routes on this blueprint."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from mcda.store import csv_io
from mcda.store import decision_import as store_import
from mcda.store import decisions as store
from mcda.store import filing as store_filing
from mcda.store import items as store_items
from mcda.store import phases as store_phases
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import votes as store_votes
from mcda.store.csv_io import format_number
from mcda.store.errors import StoreError
from mcda.web.facilitate import csv_import as imports
from mcda.web.facilitate import items, rounds
from mcda.web.facilitate.common import (
    audited,
    confirm_or_400,
    decision_context,
    decision_url,
    form_status,
    load_child,
    load_decision,
    load_round,
    render_status,
    store_error,
)
from mcda.web.facilitate.matrix import cell_value, parse_matrix
from mcda.web.facilitate.setup import DEFAULT_MODEL_HINT, DecisionSetupForm
from mcda.web.kit.access import current_user, login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.events import round_closed
from mcda.web.kit.forms import (
    METHOD_CHOICES,
    CsvConfirmForm,
    CsvUploadForm,
    RoundForm,
)
from mcda.web.kit.htmx import is_htmx, vary
from mcda.web.kit.i18n import error_text

bp = Blueprint("facilitate", __name__, url_prefix="/processledare")
items.register(bp)
rounds.register(bp)


# --- decisions -------------------------------------------------------------------------------


@bp.get("/")
@login_required()
def decisions():
    user = current_user()
    show_archived = request.args.get("arkiverade") == "1"
    owner = None if user["role"] == "admin" else user["id"]
    found = store.list_decisions(get_db(), owner_id=owner, include_archived=show_archived)
    return render_template("facilitate/decisions.html", decisions=found,
                           show_archived=show_archived)


def _save_decision(form: DecisionSetupForm, decision_id: int | None) -> int:
    """Create (``decision_id`` None) or update a decision and its ranking model; audited
    (the decision and its model: both or neither)."""
    title, description = form.title.data, form.description.data or ""
    model, reason = form.model.data, form.model_reason.data or ""
    if decision_id is None:
        with audited("decision.create", "decision:new", title=title, model=model) as db:
            new_id = store.create_decision(db, current_user()["id"], title, description)
            store.set_decision_model(db, new_id, model, reason)
            store_filing.set_diarienummer(db, new_id, form.diarienummer.data)
            return new_id
    with audited("decision.update", f"decision:{decision_id}", title=title, model=model,
                 diarienummer=form.diarienummer.data or "") as db:
        store.update_decision(db, decision_id, title=title, description=description)
        store.set_decision_model(db, decision_id, model, reason)
        store_filing.set_diarienummer(db, decision_id, form.diarienummer.data)
    return decision_id


def _decision_form(d: dict[str, Any] | None):
    data = None
    if request.method != "POST" and d is not None:
        model = store.decision_model(get_db(), d["id"])
        data = {**d, "model": model["id"], "model_reason": model["reason"]}
    form = DecisionSetupForm(data=data)
    if form.validate_on_submit():
        try:
            saved = _save_decision(form, d["id"] if d else None)
        except StoreError as exc:
            store_error(form, exc)
        else:
            flash(_("Beslutsfrågan är skapad.") if d is None else _("Ändringarna är sparade."),
                  "success")
            return redirect(decision_url(saved), code=303)
    return render_template("facilitate/decision_form.html", form=form, decision=d,
                           default_model_hint=DEFAULT_MODEL_HINT), form_status()


@bp.route("/ny", methods=["GET", "POST"])
@login_required()
def decision_new():
    return _decision_form(None)


@bp.get("/<int:decision_id>")
@login_required()
def decision(decision_id: int):
    d = load_decision(decision_id)
    return render_template("facilitate/decision.html", **decision_context(d))


@bp.route("/<int:decision_id>/redigera", methods=["GET", "POST"])
@login_required()
def decision_edit(decision_id: int):
    return _decision_form(load_decision(decision_id))


def _set_archived(decision_id: int, archived: bool):
    load_decision(decision_id)
    confirm_or_400()
    action = "decision.archive" if archived else "decision.unarchive"
    with audited(action, f"decision:{decision_id}") as db:
        closed = store.set_archived(db, decision_id, archived)
    for round_id in closed:  # as the close action: each archive package after the response
        round_closed.send(current_app._get_current_object(), round_id=round_id)
    flash(_("Beslutsfrågan är arkiverad. Öppna omgångar har stängts.") if archived
          else _("Beslutsfrågan är återställd."), "success")
    return redirect(decision_url(decision_id), code=303)


@bp.post("/<int:decision_id>/arkivera")
@login_required()
def decision_archive(decision_id: int):
    return _set_archived(decision_id, True)


@bp.post("/<int:decision_id>/aterstall")
@login_required()
def decision_unarchive(decision_id: int):
    return _set_archived(decision_id, False)


# --- score matrix ----------------------------------------------------------------------------


@bp.route("/<int:decision_id>/bedomningar", methods=["GET", "POST"])
@login_required()
def matrix(decision_id: int):
    """The whole matrix as one form: the no-JavaScript way (nothing stored if any cell is bad)."""
    d = load_decision(decision_id)
    if request.method == "GET":
        return render_template("facilitate/matrix.html", **decision_context(d))
    confirm_or_400()
    ctx = decision_context(d)
    typed, errors, changes = parse_matrix(request.form, ctx)
    if errors:
        ctx["values"].update(typed)
        ctx["cell_errors"] = errors
        return render_template("facilitate/matrix.html", **ctx), 422
    with audited("scores.save", f"decision:{decision_id}", cells=len(changes)) as db:
        for alt_id, crit_id, value in changes:
            store_items.set_score(db, alt_id, crit_id, value)
    flash(_("Bedömningarna är sparade."), "success")
    return redirect(decision_url(decision_id, "bedomningar"), code=303)


def _save_cell(decision_id: int, alt: dict[str, Any], crit: dict[str, Any],
               raw: str) -> tuple[float | None, str | None]:
    value, error = cell_value(raw, alt, crit)
    if error is not None:
        return value, error
    try:
        with audited("score.set", f"decision:{decision_id}", alternative=alt["id"],
                     criterion=crit["id"], value=value) as db:
            store_items.set_score(db, alt["id"], crit["id"], value)
    except StoreError as exc:
        return value, error_text(exc)
    return value, None


@bp.post("/<int:decision_id>/bedomningar/<int:alternative_id>/<int:criterion_id>")
@login_required()
def score_cell(decision_id: int, alternative_id: int, criterion_id: int):
    """One cell saved by htmx. Errors answer 200 with error markup (htmx 2 does not swap 4xx)."""
    d = load_decision(decision_id)
    alt = load_child(store_items.get_alternative, alternative_id, decision_id)
    crit = load_child(store_items.get_criterion, criterion_id, decision_id)
    key = f"s-{alternative_id}-{criterion_id}"
    if key not in request.form:
        abort(400)
    raw = request.form[key]
    value, error = _save_cell(decision_id, alt, crit, raw)
    if not is_htmx():
        if error is None:
            return redirect(decision_url(decision_id, "bedomningar"), code=303)
        ctx = decision_context(d)
        ctx["values"][key] = raw
        ctx["cell_errors"] = {key: error}
        return vary(render_status("facilitate/matrix.html", ctx, 422))
    return vary(render_status("facilitate/_score_cell.html", {
        "decision": d, "alt": alt, "crit": crit, "error": error, "saved": error is None,
        "value": raw if error else format_number(value)}, 200))


# --- CSV import -------------------------------------------------------------------------------


@bp.route("/<int:decision_id>/importera", methods=["GET", "POST"])
@login_required()
def csv_import(decision_id: int):
    d = load_decision(decision_id)
    form = CsvUploadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        text, errors = imports.uploaded_text(request.files.get(form.file.name),
                                             form.text.data or "")
        parsed = None if errors else csv_io.parse_csv(text)
        errors = errors or (imports.place_errors(d["id"], parsed) if parsed and parsed.ok
                            else [])
        if parsed is not None and parsed.ok and not errors:
            kept, skipped = imports.skip_computed(d["id"], parsed)
            return render_template(
                "facilitate/import_preview.html", decision=d, parsed=kept, skipped=skipped,
                confirm=CsvConfirmForm(payload=imports.encode(text)),
                changes=imports.changes(d["id"], parsed), format_number=format_number)
        if parsed is not None and not parsed.ok:
            errors = [imports.issue_text(i) for i in parsed.errors]
    elif request.method == "POST":
        errors = [e for f in form for e in f.errors]
    return render_template("facilitate/import.html", decision=d, form=form,
                           errors=errors), 422 if errors else 200


@bp.get("/<int:decision_id>/importera/mall.csv")
@login_required()
def csv_template(decision_id: int):
    """A real CSV file to start from: the header row (with the alternatives' own columns)
    and one example row; UTF-8 with BOM so Excel reads å, ä, ö."""
    load_decision(decision_id)
    resp = make_response("\ufeff" + csv_io.template_csv())
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = 'attachment; filename="vagval-mall.csv"'
    return resp


def _apply_import(decision_id: int, text: str | None) -> list[str]:
    """Parse again and import (all or nothing); the errors, or none when imported."""
    if text is None:
        return [_("Förhandsgranskningen kunde inte läsas. Ladda upp filen igen.")]
    parsed = csv_io.parse_csv(text)
    errors = [imports.issue_text(i) for i in parsed.errors]
    if errors or (errors := imports.place_errors(decision_id, parsed)):
        return errors
    parsed, skipped = imports.skip_computed(decision_id, parsed)
    try:
        with audited("csv.import", f"decision:{decision_id}", criteria=len(parsed.criteria),
                     alternatives=len(parsed.alternatives)) as db:
            store_import.import_parsed(db, decision_id, parsed)
            imports.apply_places(db, decision_id, parsed)
    except StoreError as exc:
        return [error_text(exc)]
    flash(imports.imported_message(parsed), "success")
    for message in skipped:
        flash(message, "info")
    return []


@bp.post("/<int:decision_id>/importera/bekrafta")
@login_required()
def csv_confirm(decision_id: int):
    d = load_decision(decision_id)
    confirm = CsvConfirmForm()
    text = imports.decode(confirm.payload.data or "") if confirm.validate_on_submit() else None
    errors = _apply_import(decision_id, text)
    if not errors:
        return redirect(decision_url(decision_id), code=303)
    return render_template("facilitate/import.html", decision=d,
                           form=CsvUploadForm(formdata=None), errors=errors), 422


# --- rounds ----------------------------------------------------------------------------------


def _create_round(decision_id: int, form: RoundForm) -> int:
    phase_weights = bool(form.phase_weights.data)
    kind = form.kind.data or "anonymous"
    with audited("round.create", f"decision:{decision_id}", methods=form.methods.data,
                 phase_weights=phase_weights, kind=kind) as db:
        return store_rounds.create_round(db, decision_id, methods=form.methods.data,
                                         title=form.title.data or "",
                                         phase_weights=phase_weights, kind=kind)


@bp.route("/<int:decision_id>/omgangar/ny", methods=["GET", "POST"])
@login_required()
def round_new(decision_id: int):
    d = load_decision(decision_id)
    form = RoundForm()
    phase_list = store_phases.list_phases(get_db(), decision_id)
    if request.method == "GET":
        form.methods.data = [m for m, _label in METHOD_CHOICES]
        form.kind.data = store_rounds.previous_kind(get_db(), decision_id)
    if form.validate_on_submit() and form.check_phases(bool(phase_list)):
        try:
            rid = _create_round(decision_id, form)
        except StoreError as exc:
            store_error(form, exc)
        else:
            flash(_("Omgången är skapad. Öppna den när deltagarna är redo."), "success")
            return redirect(url_for("facilitate.round_page", round_id=rid), code=303)
    return render_template("facilitate/round_form.html", form=form, decision=d,
                           phases=phase_list), form_status()


@bp.get("/omgang/<int:round_id>")
@login_required()
def round_page(round_id: int):
    rnd, d = load_round(round_id)
    methods_form = RoundForm(formdata=None, data={"methods": rnd["methods"], "title": rnd["title"]})
    return render_template("facilitate/round.html", **rounds.round_context(
        rnd, d, methods_form=methods_form,
        high_cr=store_votes.high_cr_counts(get_db(), round_id),
        reasons=store_reasons.round_reasons(get_db(), round_id)))


@bp.post("/omgang/<int:round_id>/motivering/<int:vote_id>")
@login_required()
def round_reason(round_id: int, vote_id: int):
    """Hide or show one "Varför?" reason (``dold=1`` hides); audited like the other actions."""
    load_round(round_id)
    confirm_or_400()
    hidden = request.form.get("dold") == "1"
    try:
        with audited("round.reason_hide" if hidden else "round.reason_show",
                     f"round:{round_id}", vote_id=vote_id) as db:
            store_reasons.set_reason_hidden(db, round_id, vote_id, hidden)
    except StoreError as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("Motiveringen är dold för deltagarna och i rapporten.") if hidden
              else _("Motiveringen visas igen."), "success")
    return redirect(rounds.round_url(round_id, "motiveringar"), code=303)


@bp.post("/omgang/<int:round_id>/alternativ")
@login_required()
def round_show_alternatives(round_id: int):
    """What participants see of the alternatives (``visa``: none/names/scores); audited."""
    load_round(round_id)
    confirm_or_400()
    value = request.form.get("visa", "")
    try:
        with audited("round.show_alternatives", f"round:{round_id}", value=value) as db:
            store_reasons.set_show_alternatives(db, round_id, value)
    except StoreError as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("Inställningen för alternativen är sparad."), "success")
    return redirect(rounds.round_url(round_id, "alternativ"), code=303)


@bp.post("/omgang/<int:round_id>/metoder")
@login_required()
def round_methods(round_id: int):
    rnd, d = load_round(round_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            with audited("round.methods", f"round:{round_id}", methods=form.methods.data) as db:
                store_rounds.set_methods(db, round_id, form.methods.data)
                store_rounds.set_title(db, round_id, form.title.data or "")
        except StoreError as exc:
            store_error(form, exc)
        else:
            flash(_("Inställningarna är sparade."), "success")
            return redirect(rounds.round_url(round_id), code=303)
    return render_template("facilitate/round.html",
                           **rounds.round_context(rnd, d, methods_form=form)), 422


@bp.get("/omgang/<int:round_id>/projektor")
@login_required()
def round_display(round_id: int):
    """The old join-only screen: the one projector page (join code, QR, live count, then the
    results when revealed) is the results blueprint's."""
    load_round(round_id)
    return redirect(url_for("results.projector", round_id=round_id), code=301)
