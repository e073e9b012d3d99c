"""Blueprint `facilitate`: a facilitator prepares decisions and runs rounds.

Pages work without JavaScript (every change is a POST form followed by a redirect); htmx
adds per-cell saving in the score matrix. Each state change runs in one write transaction
together with its audit-log entry, so a refused change leaves neither data nor log behind.
Store validation errors (:class:`StoreError`) are shown on the field they name.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlite_utils import Database

from mcda.store import csv_io, transaction
from mcda.store import decision_import as store_import
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as store_phases
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import users as store_users
from mcda.store import votes as store_votes
from mcda.store.csv_io import NumberError, format_number, parse_number
from mcda.store.errors import StoreError
from mcda.web.kit.access import current_user, login_required, require_edit
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import (
    METHOD_CHOICES,
    AlternativeForm,
    ConfirmForm,
    CriterionForm,
    CsvConfirmForm,
    CsvUploadForm,
    DecisionForm,
    RoundForm,
)
from mcda.web.kit.htmx import is_htmx, vary
from mcda.web.kit.i18n import error_text
from mcda.web.present.labels import STATE_LABELS
from mcda.web.present.qr import qr_svg

bp = Blueprint("facilitate", __name__, url_prefix="/processledare")



# --- helpers ---------------------------------------------------------------------------------

@contextlib.contextmanager
def audited(action: str, target: str, **detail: Any) -> Iterator[Database]:
    """One transaction for a change and its audit entry (both or neither)."""
    db = get_db()
    with transaction(db):
        yield db
        store_users.audit(db, current_user()["id"], action, target, **detail)


def _decision(decision_id: int) -> dict[str, Any]:
    return require_edit(store.get_decision(get_db(), decision_id))


def _child(getter: Any, item_id: int, decision_id: int) -> dict[str, Any]:
    """A criterion/alternative that belongs to ``decision_id`` (else 404)."""
    item = getter(get_db(), item_id)
    if item is None or item["decision_id"] != decision_id:
        abort(404)
    return item


def _round(round_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    db = get_db()
    rnd = store_rounds.get_round(db, round_id)
    if rnd is None:
        abort(404)
    decision = require_edit(store.get_decision(db, rnd["decision_id"]))
    return rnd, decision


def _store_error(form: Any, exc: StoreError) -> None:
    """Put a store error on the field it names, or at the top of the form."""
    message = error_text(exc)
    field = getattr(form, exc.field, None)
    if field is not None and hasattr(field, "errors") and exc.field != "csrf_token":
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _decision_url(decision_id: int, anchor: str = "") -> str:
    return url_for("facilitate.decision", decision_id=decision_id) + (
        f"#{anchor}" if anchor else ""
    )


def _confirm_or_400() -> None:
    """Validate a bare POST (CSRF is already checked globally)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _join_url(rnd: dict[str, Any]) -> str:
    return url_for("participate.join", kod=rnd["join_code"], _external=True)


def _methods_label(methods: list[str]) -> str:
    names = dict(METHOD_CHOICES)
    return ", ".join(str(names[m]) for m in methods if m in names)


# --- decisions -------------------------------------------------------------------------------


@bp.get("/")
@login_required()
def decisions():
    user = current_user()
    show_archived = request.args.get("arkiverade") == "1"
    owner = None if user["role"] == "admin" else user["id"]
    items = store.list_decisions(get_db(), owner_id=owner, include_archived=show_archived)
    return render_template(
        "facilitate/decisions.html", decisions=items, show_archived=show_archived
    )


@bp.route("/ny", methods=["GET", "POST"])
@login_required()
def decision_new():
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            with audited("decision.create", "decision:new", title=form.title.data) as db:
                new_id = store.create_decision(
                    db, current_user()["id"], form.title.data, form.description.data or ""
                )
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Beslutsfrågan är skapad."), "success")
            return redirect(_decision_url(new_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilitate/decision_form.html", form=form, decision=None), status


@bp.get("/<int:decision_id>")
@login_required()
def decision(decision_id: int):
    d = _decision(decision_id)
    return render_template("facilitate/decision.html", **_decision_context(d))


def _decision_context(d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    db = get_db()
    criteria = store_items.list_criteria(db, d["id"])
    alternatives = store_items.list_alternatives(db, d["id"])
    scores = store_items.get_scores(db, d["id"])
    values = {
        f"s-{a['id']}-{c['id']}": format_number(scores.get((a["id"], c["id"])))
        for a in alternatives
        for c in criteria
    }
    ctx = {
        "decision": d,
        "criteria": criteria,
        "alternatives": alternatives,
        "values": values,
        "cell_errors": {},
        "rounds": store_rounds.list_rounds(db, d["id"]),
        "state_labels": STATE_LABELS,
        "methods_label": _methods_label,
        "format_number": format_number,
        "criteria_locked": store.criteria_locked(db, d["id"]),
    }
    ctx.update(extra)
    return ctx


@bp.route("/<int:decision_id>/redigera", methods=["GET", "POST"])
@login_required()
def decision_edit(decision_id: int):
    d = _decision(decision_id)
    form = DecisionForm(data=None if request.method == "POST" else d)
    if form.validate_on_submit():
        try:
            with audited("decision.update", f"decision:{decision_id}", title=form.title.data) as db:
                store.update_decision(
                    db, decision_id, title=form.title.data, description=form.description.data or ""
                )
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Ändringarna är sparade."), "success")
            return redirect(_decision_url(decision_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("facilitate/decision_form.html", form=form, decision=d), status


@bp.post("/<int:decision_id>/arkivera")
@login_required()
def decision_archive(decision_id: int):
    return _set_archived(decision_id, True)


@bp.post("/<int:decision_id>/aterstall")
@login_required()
def decision_unarchive(decision_id: int):
    return _set_archived(decision_id, False)


def _set_archived(decision_id: int, archived: bool):
    _decision(decision_id)
    _confirm_or_400()
    action = "decision.archive" if archived else "decision.unarchive"
    with audited(action, f"decision:{decision_id}") as db:
        store.set_archived(db, decision_id, archived)
    flash(
        _("Beslutsfrågan är arkiverad. Öppna omgångar har stängts.")
        if archived
        else _("Beslutsfrågan är återställd."),
        "success",
    )
    return redirect(_decision_url(decision_id), code=303)


# --- criteria and alternatives ----------------------------------------------------------------


@bp.route("/<int:decision_id>/kriterier/ny", methods=["GET", "POST"])
@login_required()
def criterion_new(decision_id: int):
    d = _decision(decision_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            with audited("criterion.add", f"decision:{decision_id}", name=form.name.data) as db:
                store_items.add_criterion(
                    db,
                    decision_id,
                    form.name.data,
                    form.description.data or "",
                    form.direction.data,
                )
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Kriteriet är tillagt."), "success")
            return redirect(_decision_url(decision_id, "kriterier"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilitate/criterion_form.html", form=form, decision=d, criterion=None
    ), status


@bp.route("/<int:decision_id>/kriterier/<int:criterion_id>/redigera", methods=["GET", "POST"])
@login_required()
def criterion_edit(decision_id: int, criterion_id: int):
    d = _decision(decision_id)
    crit = _child(store_items.get_criterion, criterion_id, decision_id)
    form = CriterionForm(data=None if request.method == "POST" else crit)
    if form.validate_on_submit():
        try:
            with audited(
                "criterion.update", f"criterion:{criterion_id}", name=form.name.data
            ) as db:
                store_items.update_criterion(
                    db,
                    criterion_id,
                    name=form.name.data,
                    description=form.description.data or "",
                    direction=form.direction.data,
                )
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Kriteriet är sparat."), "success")
            return redirect(_decision_url(decision_id, "kriterier"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilitate/criterion_form.html", form=form, decision=d, criterion=crit
    ), status


def _delta() -> int:
    direction = request.form.get("riktning")
    if direction not in ("upp", "ned"):
        abort(400)
    return -1 if direction == "upp" else 1


@bp.post("/<int:decision_id>/kriterier/<int:criterion_id>/flytta")
@login_required()
def criterion_move(decision_id: int, criterion_id: int):
    _decision(decision_id)
    _child(store_items.get_criterion, criterion_id, decision_id)
    _confirm_or_400()
    delta = _delta()
    with audited("criterion.move", f"criterion:{criterion_id}", delta=delta) as db:
        store_items.move_criterion(db, criterion_id, delta)
    return redirect(_decision_url(decision_id, f"kriterium-{criterion_id}"), code=303)


@bp.route("/<int:decision_id>/kriterier/<int:criterion_id>/ta-bort", methods=["GET", "POST"])
@login_required()
def criterion_delete(decision_id: int, criterion_id: int):
    d = _decision(decision_id)
    crit = _child(store_items.get_criterion, criterion_id, decision_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            with audited("criterion.delete", f"criterion:{criterion_id}", name=crit["name"]) as db:
                store_items.delete_criterion(db, criterion_id)
        except StoreError as exc:
            error = error_text(exc)
        else:
            flash(_("Kriteriet ”%(name)s” är borttaget.", name=crit["name"]), "success")
            return redirect(_decision_url(decision_id, "kriterier"), code=303)
    return render_template(
        "facilitate/confirm_delete.html",
        decision=d,
        form=form,
        heading=_("Ta bort kriteriet ”%(name)s”?", name=crit["name"]),
        consequence=_("Kriteriets bedömningar tas också bort. Det går inte att ångra."),
        action=url_for(
            "facilitate.criterion_delete", decision_id=decision_id, criterion_id=criterion_id
        ),
        error=error,
    ), (409 if error else 200)


def _alternative_form(data: dict[str, Any] | None = None) -> AlternativeForm:
    if data is not None:
        data = {
            **data,
            "municipality_id": str(data["municipality_id"] or ""),
            "cost": format_number(data.get("cost")),
            "earliest_phase": ""
            if data.get("earliest_phase") is None
            else str(data["earliest_phase"]),
        }
    form = AlternativeForm(data=data)
    form.set_municipalities(store_munis.list_municipalities(get_db()))
    return form


def _alternative_fields(form: AlternativeForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "municipality_id": form.municipality_value(),
        "cost": form.cost.number,
        "earliest_phase": form.earliest_phase.number,
    }


@bp.route("/<int:decision_id>/alternativ/ny", methods=["GET", "POST"])
@login_required()
def alternative_new(decision_id: int):
    d = _decision(decision_id)
    form = _alternative_form()
    if form.validate_on_submit():
        fields = _alternative_fields(form)
        try:
            with audited("alternative.add", f"decision:{decision_id}", **fields) as db:
                store_items.add_alternative(db, decision_id, **fields)
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Alternativet är tillagt."), "success")
            return redirect(_decision_url(decision_id, "alternativ"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilitate/alternative_form.html", form=form, decision=d, alternative=None
    ), status


@bp.route("/<int:decision_id>/alternativ/<int:alternative_id>/redigera", methods=["GET", "POST"])
@login_required()
def alternative_edit(decision_id: int, alternative_id: int):
    d = _decision(decision_id)
    alt = _child(store_items.get_alternative, alternative_id, decision_id)
    form = _alternative_form(None if request.method == "POST" else alt)
    if form.validate_on_submit():
        fields = _alternative_fields(form)
        try:
            with audited("alternative.update", f"alternative:{alternative_id}", **fields) as db:
                store_items.update_alternative(db, alternative_id, **fields)
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Alternativet är sparat."), "success")
            return redirect(_decision_url(decision_id, "alternativ"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilitate/alternative_form.html", form=form, decision=d, alternative=alt
    ), status


@bp.post("/<int:decision_id>/alternativ/<int:alternative_id>/flytta")
@login_required()
def alternative_move(decision_id: int, alternative_id: int):
    _decision(decision_id)
    _child(store_items.get_alternative, alternative_id, decision_id)
    _confirm_or_400()
    delta = _delta()
    with audited("alternative.move", f"alternative:{alternative_id}", delta=delta) as db:
        store_items.move_alternative(db, alternative_id, delta)
    return redirect(_decision_url(decision_id, f"alternativ-{alternative_id}"), code=303)


@bp.route("/<int:decision_id>/alternativ/<int:alternative_id>/ta-bort", methods=["GET", "POST"])
@login_required()
def alternative_delete(decision_id: int, alternative_id: int):
    d = _decision(decision_id)
    alt = _child(store_items.get_alternative, alternative_id, decision_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with audited("alternative.delete", f"alternative:{alternative_id}", name=alt["name"]) as db:
            store_items.delete_alternative(db, alternative_id)
        flash(_("Alternativet ”%(name)s” är borttaget.", name=alt["name"]), "success")
        return redirect(_decision_url(decision_id, "alternativ"), code=303)
    return render_template(
        "facilitate/confirm_delete.html",
        decision=d,
        form=form,
        heading=_("Ta bort alternativet ”%(name)s”?", name=alt["name"]),
        consequence=_("Alternativets bedömningar tas också bort. Det går inte att ångra."),
        action=url_for(
            "facilitate.alternative_delete", decision_id=decision_id, alternative_id=alternative_id
        ),
        error=None,
    )


# --- score matrix ----------------------------------------------------------------------------


def _cell_error(
    raw: str, alt: dict[str, Any], crit: dict[str, Any]
) -> tuple[float | None, str | None]:
    """Parse one typed cell: (value or None for empty, Swedish error or None)."""
    if not raw.strip():
        return None, None
    try:
        return parse_number(raw), None
    except NumberError as exc:
        return None, _(
            "%(alternative)s, %(criterion)s: %(problem)s. Skriv ett tal, t.ex. 3,5.",
            alternative=alt["name"],
            criterion=crit["name"],
            problem=_(exc.msgid, **exc.params),
        )


@bp.route("/<int:decision_id>/bedomningar", methods=["GET", "POST"])
@login_required()
def matrix(decision_id: int):
    """The whole matrix as one form: the no-JavaScript way (nothing stored if any cell is bad)."""
    d = _decision(decision_id)
    if request.method == "GET":
        return render_template("facilitate/matrix.html", **_decision_context(d))
    _confirm_or_400()
    ctx = _decision_context(d)
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    changes: list[tuple[int, int, float | None]] = []
    for a in ctx["alternatives"]:
        for c in ctx["criteria"]:
            key = f"s-{a['id']}-{c['id']}"
            if key not in request.form:
                continue  # a row/column added meanwhile: leave it as it is
            raw = request.form[key]
            typed[key] = raw
            value, error = _cell_error(raw, a, c)
            if error:
                errors[key] = error
            else:
                changes.append((a["id"], c["id"], value))
    if errors:
        ctx["values"].update(typed)
        ctx["cell_errors"] = errors
        return render_template("facilitate/matrix.html", **ctx), 422
    with audited("scores.save", f"decision:{decision_id}", cells=len(changes)) as db:
        for alt_id, crit_id, value in changes:
            store_items.set_score(db, alt_id, crit_id, value)
    flash(_("Bedömningarna är sparade."), "success")
    return redirect(_decision_url(decision_id, "bedomningar"), code=303)


@bp.post("/<int:decision_id>/bedomningar/<int:alternative_id>/<int:criterion_id>")
@login_required()
def score_cell(decision_id: int, alternative_id: int, criterion_id: int):
    """One cell saved by htmx. Errors answer 200 with error markup (htmx 2 does not swap 4xx)."""
    d = _decision(decision_id)
    alt = _child(store_items.get_alternative, alternative_id, decision_id)
    crit = _child(store_items.get_criterion, criterion_id, decision_id)
    key = f"s-{alternative_id}-{criterion_id}"
    if key not in request.form:
        abort(400)
    raw = request.form[key]
    value, error = _cell_error(raw, alt, crit)
    if error is None:
        try:
            with audited(
                "score.set",
                f"decision:{decision_id}",
                alternative=alternative_id,
                criterion=criterion_id,
                value=value,
            ) as db:
                store_items.set_score(db, alternative_id, criterion_id, value)
        except StoreError as exc:
            error = error_text(exc)
    if not is_htmx():
        if error is None:
            return redirect(_decision_url(decision_id, "bedomningar"), code=303)
        ctx = _decision_context(d)
        ctx["values"][key] = raw
        ctx["cell_errors"] = {key: error}
        return vary(_render_status("facilitate/matrix.html", ctx, 422))
    resp = _render_status(
        "facilitate/_score_cell.html",
        {
            "decision": d,
            "alt": alt,
            "crit": crit,
            "value": raw if error else format_number(value),
            "error": error,
            "saved": error is None,
        },
        200,
    )
    return vary(resp)


def _render_status(template: str, ctx: dict[str, Any], status: int):
    from flask import make_response

    return make_response(render_template(template, **ctx), status)


# --- CSV import -------------------------------------------------------------------------------


def _issue_text(issue: csv_io.CsvIssue) -> str:
    message = _(issue.msgid, **issue.params) if issue.params else _(issue.msgid)
    if issue.row and issue.col:
        if issue.column_name:
            return _(
                "Rad %(row)d, kolumn %(col)d (%(name)s): %(message)s",
                row=issue.row,
                col=issue.col,
                name=issue.column_name,
                message=message,
            )
        return _(
            "Rad %(row)d, kolumn %(col)d: %(message)s",
            row=issue.row,
            col=issue.col,
            message=message,
        )
    if issue.row:
        return _("Rad %(row)d: %(message)s", row=issue.row, message=message)
    return message


def _encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _decode(payload: str) -> str | None:
    try:
        return base64.b64decode(payload.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None


@bp.route("/<int:decision_id>/importera", methods=["GET", "POST"])
@login_required()
def csv_import(decision_id: int):
    d = _decision(decision_id)
    form = CsvUploadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        text = form.text.data or ""
        if upload and upload.filename:
            data = upload.stream.read(csv_io.MAX_CSV_BYTES + 1)
            text = "" if len(data) > csv_io.MAX_CSV_BYTES else csv_io.decode_csv(data)
            if not text:
                errors.append(
                    _(
                        "CSV-fil: filen är för stor (högst %(kb)d kB).",
                        kb=csv_io.MAX_CSV_BYTES // 1000,
                    )
                    if data
                    else _("CSV-fil: filen är tom.")
                )
        elif not text.strip():
            errors.append(_("CSV-fil: välj en fil eller klistra in innehållet."))
        if not errors:
            parsed = csv_io.parse_csv(text)
            if parsed.ok:
                return render_template(
                    "facilitate/import_preview.html",
                    decision=d,
                    parsed=parsed,
                    confirm=CsvConfirmForm(payload=_encode(text)),
                    changes=_import_changes(d["id"], parsed),
                    format_number=format_number,
                )
            errors = [_issue_text(i) for i in parsed.errors]
    elif request.method == "POST":
        errors = [e for f in form for e in f.errors]
    status = 422 if errors else 200
    return render_template("facilitate/import.html", decision=d, form=form, errors=errors), status


def _import_changes(decision_id: int, parsed: csv_io.ParsedImport) -> dict[str, list[str]]:
    db = get_db()
    old_c = [c["name"] for c in store_items.list_criteria(db, decision_id)]
    old_a = [a["name"] for a in store_items.list_alternatives(db, decision_id)]
    new_c = [c["name"] for c in parsed.criteria]
    new_a = [a["name"] for a in parsed.alternatives]
    return {
        "removed_criteria": [n for n in old_c if n not in new_c],
        "removed_alternatives": [n for n in old_a if n not in new_a],
        "added_criteria": [n for n in new_c if n not in old_c],
        "added_alternatives": [n for n in new_a if n not in old_a],
    }


@bp.post("/<int:decision_id>/importera/bekrafta")
@login_required()
def csv_confirm(decision_id: int):
    d = _decision(decision_id)
    confirm = CsvConfirmForm()
    text = _decode(confirm.payload.data or "") if confirm.validate_on_submit() else None
    errors: list[str]
    if text is None:
        errors = [_("Förhandsgranskningen kunde inte läsas. Ladda upp filen igen.")]
    else:
        parsed = csv_io.parse_csv(text)
        errors = [_issue_text(i) for i in parsed.errors]
        if not errors:
            try:
                with audited(
                    "csv.import",
                    f"decision:{decision_id}",
                    criteria=len(parsed.criteria),
                    alternatives=len(parsed.alternatives),
                ) as db:
                    store_import.import_parsed(db, decision_id, parsed)
            except StoreError as exc:
                errors = [error_text(exc)]
            else:
                flash(
                    _(
                        "Importerat: %(c)d kriterier, %(a)d alternativ och %(s)d bedömningar.",
                        c=len(parsed.criteria),
                        a=len(parsed.alternatives),
                        s=len(parsed.scores),
                    ),
                    "success",
                )
                return redirect(_decision_url(decision_id), code=303)
    return render_template(
        "facilitate/import.html", decision=d, form=CsvUploadForm(formdata=None), errors=errors
    ), 422


# --- rounds ----------------------------------------------------------------------------------


@bp.route("/<int:decision_id>/omgangar/ny", methods=["GET", "POST"])
@login_required()
def round_new(decision_id: int):
    d = _decision(decision_id)
    form = RoundForm()
    phase_list = store_phases.list_phases(get_db(), decision_id)
    if request.method == "GET":
        form.methods.data = [m for m, _label in METHOD_CHOICES]
    valid = form.validate_on_submit()
    if valid and form.phase_weights.data and not phase_list:
        form.phase_weights.errors = [
            _("Vikter per etapp: beslutsfrågan har inga etapper. Lägg till etapper först.")
        ]
        valid = False
    if valid:
        try:
            with audited(
                "round.create", f"decision:{decision_id}", methods=form.methods.data,
                phase_weights=bool(form.phase_weights.data),
            ) as db:
                rid = store_rounds.create_round(
                    db, decision_id, methods=form.methods.data, title=form.title.data or "",
                    phase_weights=bool(form.phase_weights.data),
                )
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Omgången är skapad. Öppna den när deltagarna är redo."), "success")
            return redirect(url_for("facilitate.round_page", round_id=rid), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "facilitate/round_form.html", form=form, decision=d, phases=phase_list
    ), status


@bp.get("/omgang/<int:round_id>")
@login_required()
def round_page(round_id: int):
    rnd, d = _round(round_id)
    methods_form = RoundForm(formdata=None, data={"methods": rnd["methods"], "title": rnd["title"]})
    high_cr = store_votes.high_cr_counts(get_db(), round_id)
    reasons = store_reasons.round_reasons(get_db(), round_id)
    return render_template(
        "facilitate/round.html",
        **_round_context(rnd, d, methods_form=methods_form, high_cr=high_cr, reasons=reasons),
    )


def _round_context(rnd: dict[str, Any], d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    url = _join_url(rnd)
    ctx = {
        "round": rnd,
        "decision": d,
        "join_url": url,
        "qr": qr_svg(
            url, _("QR-kod till deltagarsidan för kod %(code)s", code=rnd["join_code_display"])
        ),
        "state_labels": STATE_LABELS,
        "methods_label": _methods_label,
    }
    ctx.update(extra)
    return ctx


def _round_action(round_id: int, action: str, fn: Any, message: str):
    _round(round_id)
    _confirm_or_400()
    try:
        with audited(f"round.{action}", f"round:{round_id}") as db:
            result = fn(db, round_id)
    except StoreError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("facilitate.round_page", round_id=round_id), code=303)
    flash(message, "success")
    target = result if isinstance(result, int) else round_id
    return redirect(url_for("facilitate.round_page", round_id=target), code=303)


@bp.post("/omgang/<int:round_id>/oppna")
@login_required()
def round_open(round_id: int):
    return _round_action(
        round_id,
        "open",
        store_rounds.open_round,
        _("Omgången är öppen. Deltagarna kan ansluta med koden."),
    )


@bp.post("/omgang/<int:round_id>/stang")
@login_required()
def round_close(round_id: int):
    return _round_action(
        round_id,
        "close",
        store_rounds.close_round,
        _("Omgången är stängd. Inga fler viktningar tas emot."),
    )


@bp.post("/omgang/<int:round_id>/visa-resultat")
@login_required()
def round_reveal(round_id: int):
    return _round_action(
        round_id,
        "reveal",
        lambda db, rid: store_rounds.set_revealed(db, rid, True),
        _("Resultaten visas nu för deltagarna."),
    )


@bp.post("/omgang/<int:round_id>/dolj-resultat")
@login_required()
def round_hide(round_id: int):
    return _round_action(
        round_id,
        "hide",
        lambda db, rid: store_rounds.set_revealed(db, rid, False),
        _("Resultaten är dolda för deltagarna."),
    )


@bp.post("/omgang/<int:round_id>/nasta")
@login_required()
def round_next(round_id: int):
    return _round_action(
        round_id,
        "next",
        store_rounds.next_round,
        _("En ny omgång är skapad med samma inställningar."),
    )


@bp.post("/omgang/<int:round_id>/motivering/<int:vote_id>")
@login_required()
def round_reason(round_id: int, vote_id: int):
    """Hide or show one "Varför?" reason (``dold=1`` hides); audited like the other actions."""
    _round(round_id)
    _confirm_or_400()
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
    return redirect(url_for("facilitate.round_page", round_id=round_id) + "#motiveringar",
                    code=303)


@bp.post("/omgang/<int:round_id>/alternativ")
@login_required()
def round_show_alternatives(round_id: int):
    """What participants see of the alternatives (``visa``: none/names/scores); audited."""
    _round(round_id)
    _confirm_or_400()
    value = request.form.get("visa", "")
    try:
        with audited("round.show_alternatives", f"round:{round_id}", value=value) as db:
            store_reasons.set_show_alternatives(db, round_id, value)
    except StoreError as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("Inställningen för alternativen är sparad."), "success")
    return redirect(url_for("facilitate.round_page", round_id=round_id) + "#alternativ",
                    code=303)


@bp.post("/omgang/<int:round_id>/metoder")
@login_required()
def round_methods(round_id: int):
    rnd, d = _round(round_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            with audited("round.methods", f"round:{round_id}", methods=form.methods.data) as db:
                store_rounds.set_methods(db, round_id, form.methods.data)
                store_rounds.set_title(db, round_id, form.title.data or "")
        except StoreError as exc:
            _store_error(form, exc)
        else:
            flash(_("Inställningarna är sparade."), "success")
            return redirect(url_for("facilitate.round_page", round_id=round_id), code=303)
    return render_template(
        "facilitate/round.html", **_round_context(rnd, d, methods_form=form)
    ), 422


@bp.get("/omgang/<int:round_id>/projektor")
@login_required()
def round_display(round_id: int):
    rnd, d = _round(round_id)
    return render_template("facilitate/round_display.html", **_round_context(rnd, d))
