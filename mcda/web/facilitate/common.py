"""What the facilitator's views share: the audited transaction, the decision and round
loaders (403/404), store errors on form fields, and the decision page's context."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from flask import abort, make_response, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlite_utils import Database

from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import reach as store_reach
from mcda.store import rounds as store_rounds
from mcda.store import transaction
from mcda.store import users as store_users
from mcda.store.csv_io import format_number
from mcda.store.errors import StoreError
from mcda.web.kit.access import current_user, require_edit
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import METHOD_CHOICES, ConfirmForm
from mcda.web.kit.i18n import error_text
from mcda.web.present.labels import STATE_LABELS


@contextlib.contextmanager
def audited(action: str, target: str, **detail: Any) -> Iterator[Database]:
    """One transaction for a change and its audit entry (both or neither)."""
    db = get_db()
    with transaction(db):
        yield db
        store_users.audit(db, current_user()["id"], action, target, **detail)


def load_decision(decision_id: int) -> dict[str, Any]:
    return require_edit(store.get_decision(get_db(), decision_id))


def load_child(getter: Callable[[Database, int], Any], item_id: int,
               decision_id: int) -> dict[str, Any]:
    """A criterion/alternative that belongs to ``decision_id`` (else 404)."""
    item = getter(get_db(), item_id)
    if item is None or item["decision_id"] != decision_id:
        abort(404)
    return item


def load_round(round_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    db = get_db()
    rnd = store_rounds.get_round(db, round_id)
    if rnd is None:
        abort(404)
    decision = require_edit(store.get_decision(db, rnd["decision_id"]))
    return rnd, decision


def store_error(form: Any, exc: StoreError) -> None:
    """Put a store error on the field it names, or at the top of the form."""
    message = error_text(exc)
    field = getattr(form, exc.field, None)
    if field is not None and hasattr(field, "errors") and exc.field != "csrf_token":
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def decision_url(decision_id: int, anchor: str = "") -> str:
    return url_for("facilitate.decision", decision_id=decision_id) + (
        f"#{anchor}" if anchor else "")


def confirm_or_400() -> None:
    """Validate a bare POST (CSRF is already checked globally)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def form_status() -> int:
    """A form shown again after a POST is a 422; a GET form is a 200."""
    return 422 if request.method == "POST" else 200


def methods_label(methods: list[str]) -> str:
    names = dict(METHOD_CHOICES)
    return ", ".join(str(names[m]) for m in methods if m in names)


def render_status(template: str, ctx: dict[str, Any], status: int):
    return make_response(render_template(template, **ctx), status)


MISSING_NAMED = 5
"""How many missing scores a warning names before it says "och N till"."""


def missing_scores(criteria: list[dict[str, Any]], alternatives: list[dict[str, Any]],
                   scores: dict[tuple[int, int], Any]) -> list[tuple[str, str]]:
    """(alternative, criterion) names of every empty cell of the score matrix, in matrix
    order: a round opened with one missing loses its whole ranking."""
    return [(a["name"], c["name"]) for a in alternatives for c in criteria
            if scores.get((a["id"], c["id"])) is None]


def missing_text(missing: list[tuple[str, str]]) -> str:
    """"1 bedömning saknas: Mariestad–Töreboda × Antal cyklister" (the first few by name)."""
    names = ", ".join(f"{a} × {c}" for a, c in missing[:MISSING_NAMED])
    more = len(missing) - MISSING_NAMED
    if more > 0:
        names += " " + _("och %(n)d till", n=more)
    return ngettext("%(num)d bedömning saknas: %(names)s",
                    "%(num)d bedömningar saknas: %(names)s", len(missing), names=names)


def round_missing(decision_id: int) -> list[tuple[str, str]]:
    """The decision's missing scores, for the round page and the open action."""
    db = get_db()
    return missing_scores(store_items.list_criteria(db, decision_id),
                          store_items.list_alternatives(db, decision_id),
                          store_items.get_scores(db, decision_id))


def checklist(criteria: list[dict[str, Any]], alternatives: list[dict[str, Any]],
              missing: list[tuple[str, str]], rounds: list[dict[str, Any]]
              ) -> list[dict[str, Any]]:
    """The decision page's set-up steps, each done or naming what is missing."""
    n_c, n_a = len(criteria), len(alternatives)
    opened = [r for r in rounds if r["state"] != "draft"]
    steps = [
        ("kriterier", _("Kriterier"), n_c >= 2,
         ngettext("%(num)d kriterium", "%(num)d kriterier", n_c) if n_c >= 2
         else _("Minst två kriterier behövs (%(n)d finns).", n=n_c)),
        ("alternativ", _("Alternativ"), n_a >= 2,
         ngettext("%(num)d alternativ", "%(num)d alternativ", n_a) if n_a >= 2
         else _("Minst två alternativ behövs (%(n)d finns).", n=n_a)),
        ("bedomningar", _("Bedömningar"), bool(n_c and n_a) and not missing,
         (ngettext("%(num)d bedömning saknas", "%(num)d bedömningar saknas", len(missing))
          if missing else _("Alla bedömningar är ifyllda.") if n_c and n_a
          else _("Lägg till kriterier och alternativ först."))),
        ("omgangar", _("Omgång"), bool(opened),
         ngettext("%(num)d omgång har öppnats", "%(num)d omgångar har öppnats", len(opened))
         if opened else _("Ingen omgång har öppnats än.") if rounds
         else _("Skapa en omgång och öppna den.")),
    ]
    return [{"anchor": a, "label": label, "done": done, "text": text}
            for a, label, done, text in steps]


def decision_context(d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The decision page: criteria, alternatives, the score matrix as form values (and the
    computed criteria, shown read-only), rounds."""
    db = get_db()
    criteria = store_items.list_criteria(db, d["id"])
    alternatives = store_items.list_alternatives(db, d["id"])
    scores = store_items.get_scores(db, d["id"])
    values = {f"s-{a['id']}-{c['id']}": format_number(scores.get((a["id"], c["id"])))
              for a in alternatives for c in criteria}
    rounds = store_rounds.list_rounds(db, d["id"])
    model = store.decision_model(db, d["id"])
    en = str(get_locale() or "sv").startswith("en")
    model["name"] = model["name_en"] if en else model["name_sv"]
    missing = missing_scores(criteria, alternatives, scores)
    ctx = {
        "decision": d, "criteria": criteria, "alternatives": alternatives, "values": values,
        "cell_errors": {}, "rounds": rounds, "missing": missing, "model": model,
        "checklist": checklist(criteria, alternatives, missing, rounds),
        "state_labels": STATE_LABELS, "methods_label": methods_label,
        "format_number": format_number, "criteria_locked": store.criteria_locked(db, d["id"]),
        "computed": store_reach.computed(db, d["id"]),
    }
    ctx.update(extra)
    return ctx
