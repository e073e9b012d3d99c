"""Decisions: create, edit, archive, list; the lock on criteria once votes exist.

Every function takes the ``Database`` first and returns plain dicts/lists. Writes run in
one ``BEGIN IMMEDIATE`` transaction each (see :mod:`mcda.store.db`), and bad input raises
:class:`StoreError` with a Swedish message naming the field *before* anything is written,
so a failed call never leaves a partial change behind.

Criteria are locked (no add/delete, no replacement of the set) once any round of the
decision holds a vote: stored weights refer to criterion ids, and silently changing the
set would make old votes incomplete. Renaming, re-describing and reordering stay allowed.
The criteria, alternatives and scores themselves live in :mod:`mcda.store.items`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from ..core.constants import DEFAULT_MODEL, MODEL_NAMES, MODELS
from .db import transaction
from .errors import N_, Msg, StoreError, required
from .fields import EMPTY_DECISION, clean_description, clean_line, clean_name

MODEL_REASON_MAX = 1000
"""Longest reason for choosing another model than the default (a few sentences)."""


def touch_decision(db: Database, decision_id: int) -> None:
    """Bump ``updated_at`` so caches keyed on the decision (projector ETags) see the change."""
    db.execute(
        "UPDATE decisions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        [decision_id],
    )


def require_decision(db: Database, decision_id: int) -> dict[str, Any]:
    """The decision, or a :class:`StoreError` on ``decision_id`` when it does not exist."""
    return required(get_decision(db, decision_id), "decision_id", N_("Beslutsfrågan finns inte."))


def _decision_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["archived"] = bool(d["archived"])
    d["is_demo"] = bool(d["is_demo"])
    return d


def list_decisions(
    db: Database, *, owner_id: int | None = None, include_archived: bool = False
) -> list[dict[str, Any]]:
    """Decisions (newest first) with ``n_criteria``, ``n_alternatives``, ``n_rounds``.

    ``owner_id`` restricts to one facilitator's decisions; None means all (admin,
    secretariat).
    """
    sql = (
        "SELECT d.*, "
        "(SELECT COUNT(*) FROM criteria c WHERE c.decision_id = d.id) AS n_criteria, "
        "(SELECT COUNT(*) FROM alternatives a WHERE a.decision_id = d.id) AS n_alternatives, "
        "(SELECT COUNT(*) FROM rounds r WHERE r.decision_id = d.id) AS n_rounds "
        "FROM decisions d WHERE 1 = 1"
    )
    params: list[Any] = []
    if owner_id is not None:
        sql += " AND d.owner_id = ?"
        params.append(owner_id)
    if not include_archived:
        sql += " AND d.archived = 0"
    sql += " ORDER BY d.archived, d.id DESC"
    return [_decision_dict(r) for r in db.execute(sql, params)]


def get_decision(db: Database, decision_id: int) -> dict[str, Any] | None:
    """One decision (``archived`` and ``is_demo`` as bool), or None."""
    row = db.execute("SELECT * FROM decisions WHERE id = ?", [decision_id]).fetchone()
    return _decision_dict(row) if row else None


def create_decision(db: Database, owner_id: int | None, title: str, description: str = "") -> int:
    """Create a decision owned by ``owner_id`` and return its id."""
    title = clean_name(title, "title", EMPTY_DECISION)
    description = clean_description(description)
    with transaction(db):
        cur = db.execute(
            "INSERT INTO decisions (title, description, owner_id) VALUES (?, ?, ?)",
            [title, description, owner_id],
        )
        return int(cur.lastrowid)


def update_decision(db: Database, decision_id: int, *, title: str, description: str) -> None:
    """Rename or re-describe a decision."""
    title = clean_name(title, "title", EMPTY_DECISION)
    description = clean_description(description)
    with transaction(db):
        require_decision(db, decision_id)
        db.execute(
            "UPDATE decisions SET title = ?, description = ? WHERE id = ?",
            [title, description, decision_id],
        )
        touch_decision(db, decision_id)


def set_archived(db: Database, decision_id: int, archived: bool) -> list[int]:
    """Archive (or restore) a decision. Archiving also closes its open rounds; returns the
    ids of the rounds it closed, so the caller can do what closing a round entails (the
    archive package)."""
    with transaction(db):
        require_decision(db, decision_id)
        db.execute(
            "UPDATE decisions SET archived = ? WHERE id = ?", [1 if archived else 0, decision_id]
        )
        closed: list[int] = []
        if archived:
            closed = [int(r[0]) for r in db.execute(
                "SELECT id FROM rounds WHERE decision_id = ? AND state = 'open' ORDER BY id",
                [decision_id])]
            db.execute(
                "UPDATE rounds SET state = 'closed', "
                "closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE decision_id = ? AND state = 'open'",
                [decision_id],
            )
        touch_decision(db, decision_id)
    return closed


def model_choices() -> list[dict[str, str]]:
    """The models a decision may use, the default first: ``{id, name_sv, name_en}``."""
    return [{"id": m, "name_sv": MODEL_NAMES[m][0], "name_en": MODEL_NAMES[m][1]}
            for m in MODELS]


def decision_model(db: Database, decision_id: int) -> dict[str, Any]:
    """The decision's ranking model: ``{id, reason, name_sv, name_en, is_default}``."""
    d = require_decision(db, decision_id)
    m = d.get("model") or DEFAULT_MODEL
    sv, en = MODEL_NAMES[m]
    return {"id": m, "reason": d.get("model_reason") or "", "name_sv": sv, "name_en": en,
            "is_default": m == DEFAULT_MODEL}


def set_decision_model(db: Database, decision_id: int, model: str, reason: str = "") -> None:
    """Choose the decision's ranking model; any but the default needs a reason, shown with
    the results (issue 23). Back to the default keeps no reason."""
    if model not in MODELS:
        raise StoreError("model", N_("Välj en rangordningsmodell i listan."))
    reason = clean_line(reason, "model_reason", MODEL_REASON_MAX,
                        N_("Motiveringen måste vara text."),
                        Msg(N_("Motiveringen får vara högst %(max)s tecken."),
                            max=MODEL_REASON_MAX))
    if model == DEFAULT_MODEL:
        reason = ""
    elif not reason:
        raise StoreError("model_reason", N_("Skriv varför beslutsfrågan ska använda en annan "
                                            "modell än viktad summa av värden."))
    with transaction(db):
        require_decision(db, decision_id)
        db.execute("UPDATE decisions SET model = ?, model_reason = ? WHERE id = ?",
                   [model, reason, decision_id])
        touch_decision(db, decision_id)


def criteria_locked(db: Database, decision_id: int) -> bool:
    """True when any round of the decision holds a vote (criteria set can't change)."""
    row = db.execute(
        "SELECT 1 FROM votes v JOIN rounds r ON r.id = v.round_id WHERE r.decision_id = ? LIMIT 1",
        [decision_id],
    ).fetchone()
    return row is not None


def check_unlocked(db: Database, decision_id: int, field: str) -> None:
    """Refuse (on ``field``) a change to the set of criteria once the decision has votes."""
    if criteria_locked(db, decision_id):
        raise StoreError(
            field,
            "Kriterierna är låsta eftersom det finns sparade viktningar i en omgång. "
            "Byt namn eller beskrivning går bra; för nya kriterier, skapa en ny beslutsfråga.",
        )
