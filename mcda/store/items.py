"""A decision's items: its criteria, its alternatives and the score matrix between them.

Items keep a display ``position``; names are unique per decision, case-insensitively. Every
write runs in one ``BEGIN IMMEDIATE`` transaction, checks first (Swedish
:class:`StoreError` naming the field) and bumps the decision's ``updated_at`` so caches see
the change. Adding or deleting a criterion is refused once the decision has votes
(:func:`mcda.store.decisions.check_unlocked`).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .db import transaction
from .decisions import check_unlocked, require_decision, touch_decision
from .errors import N_, Msg, StoreError, required
from .fields import (
    EMPTY_ALTERNATIVE,
    EMPTY_CRITERION,
    TAKEN_ALTERNATIVE,
    TAKEN_CRITERION,
    clean_cost,
    clean_description,
    clean_direction,
    clean_name,
    clean_phase,
    clean_unit,
    finite,
)
from .municipalities import resolve_municipality_id


def _check_unique(
    db: Database, table: str, decision_id: int, name: str, exclude_id: int | None, taken: str
) -> None:
    """Names are unique per decision, case-insensitively (Å and å are the same).

    ``taken`` is the (``N_``-marked) message, with ``%(name)s`` for the existing name."""
    wanted = name.casefold()
    for r in db.execute(f"SELECT id, name FROM {table} WHERE decision_id = ?", [decision_id]):
        if r["id"] != exclude_id and r["name"].casefold() == wanted:
            raise StoreError("name", taken, name=r["name"])


def _move(db: Database, table: str, item_id: int, delta: int, missing: str) -> None:
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise StoreError("delta", "Flytta upp (−1) eller ned (+1).")
    with transaction(db):
        row = db.execute(f"SELECT decision_id FROM {table} WHERE id = ?", [item_id]).fetchone()
        if row is None:
            raise StoreError("id", missing)
        decision_id = row["decision_id"]
        ids = [
            r["id"]
            for r in db.execute(
                f"SELECT id FROM {table} WHERE decision_id = ? ORDER BY position, id",
                [decision_id],
            )
        ]
        old = ids.index(item_id)
        new = max(0, min(len(ids) - 1, old + delta))
        if new == old:
            return
        ids.insert(new, ids.pop(old))
        for pos, iid in enumerate(ids):
            db.execute(f"UPDATE {table} SET position = ? WHERE id = ?", [pos, iid])
        touch_decision(db, decision_id)


# --- criteria ------------------------------------------------------------------------------


def list_criteria(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Criteria of a decision in their display order."""
    return [
        dict(r)
        for r in db.execute(
            "SELECT * FROM criteria WHERE decision_id = ? ORDER BY position, id", [decision_id]
        )
    ]


def get_criterion(db: Database, criterion_id: int) -> dict[str, Any] | None:
    """One criterion, or None."""
    row = db.execute("SELECT * FROM criteria WHERE id = ?", [criterion_id]).fetchone()
    return dict(row) if row is not None else None


def _require_criterion(db: Database, criterion_id: int) -> dict[str, Any]:
    return required(get_criterion(db, criterion_id), "criterion_id", N_("Kriteriet finns inte."))


def add_criterion(
    db: Database,
    decision_id: int,
    name: str,
    description: str = "",
    direction: str = "benefit",
    unit: str | None = None,
) -> int:
    """Append a criterion at the end and return its id (``unit``: optional, e.g. "antal
    besökare", shown beside the scores)."""
    name = clean_name(name, "name", EMPTY_CRITERION)
    description = clean_description(description)
    direction = clean_direction(direction)
    unit = clean_unit(unit)
    with transaction(db):
        require_decision(db, decision_id)
        check_unlocked(db, decision_id, "name")
        _check_unique(db, "criteria", decision_id, name, None, TAKEN_CRITERION)
        cur = db.execute(
            "INSERT INTO criteria (decision_id, name, description, direction, position) "
            "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM criteria "
            "WHERE decision_id = ?))",
            [decision_id, name, description, direction, decision_id],
        )
        if unit:  # (a database still being upgraded has no unit column yet)
            db.execute("UPDATE criteria SET unit = ? WHERE id = ?", [unit, cur.lastrowid])
        touch_decision(db, decision_id)
        return int(cur.lastrowid)


def update_criterion(
    db: Database, criterion_id: int, *, name: str, description: str, direction: str,
    unit: str | None = None,
) -> None:
    """Rename, re-describe or turn a criterion (allowed also after votes); ``unit`` None
    keeps the stored unit."""
    name = clean_name(name, "name", EMPTY_CRITERION)
    description = clean_description(description)
    direction = clean_direction(direction)
    new_unit = None if unit is None else clean_unit(unit)
    with transaction(db):
        crit = _require_criterion(db, criterion_id)
        _check_unique(db, "criteria", crit["decision_id"], name, criterion_id, TAKEN_CRITERION)
        db.execute(
            "UPDATE criteria SET name = ?, description = ?, direction = ?, "
            "unit = COALESCE(?, unit) WHERE id = ?",
            [name, description, direction, new_unit, criterion_id],
        )
        touch_decision(db, crit["decision_id"])


def move_criterion(db: Database, criterion_id: int, delta: int) -> None:
    """Move a criterion ``delta`` places (up = −1, down = +1); no-op at the ends."""
    _move(db, "criteria", criterion_id, delta, N_("Kriteriet finns inte."))


def delete_criterion(db: Database, criterion_id: int) -> None:
    """Delete a criterion and its scores (refused when the decision has votes)."""
    with transaction(db):
        crit = _require_criterion(db, criterion_id)
        check_unlocked(db, crit["decision_id"], "criterion_id")
        db.execute("DELETE FROM criteria WHERE id = ?", [criterion_id])
        touch_decision(db, crit["decision_id"])


# --- alternatives --------------------------------------------------------------------------


_ALT_SELECT = (
    "SELECT a.*, m.name AS municipality FROM alternatives a "
    "LEFT JOIN municipalities m ON m.id = a.municipality_id "
)


def list_alternatives(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Alternatives in display order, each with ``municipality`` (name or None)."""
    return [
        dict(r)
        for r in db.execute(
            _ALT_SELECT + "WHERE a.decision_id = ? ORDER BY a.position, a.id", [decision_id]
        )
    ]


def get_alternative(db: Database, alternative_id: int) -> dict[str, Any] | None:
    """One alternative with ``municipality`` (name or None), or None."""
    row = db.execute(_ALT_SELECT + "WHERE a.id = ?", [alternative_id]).fetchone()
    return dict(row) if row else None


def _require_alternative(db: Database, alternative_id: int) -> dict[str, Any]:
    return required(
        get_alternative(db, alternative_id), "alternative_id", N_("Alternativet finns inte.")
    )


def _clean_alternative(
    name: Any, description: Any, cost: Any, earliest_phase: Any
) -> tuple[str, str, float | None, int | None]:
    return (
        clean_name(name, "name", EMPTY_ALTERNATIVE),
        clean_description(description),
        clean_cost(cost),
        clean_phase(earliest_phase),
    )


def add_alternative(
    db: Database,
    decision_id: int,
    name: str,
    description: str = "",
    municipality_id: int | str | None = None,
    cost: float | None = None,
    earliest_phase: int | None = None,
) -> int:
    """Append an alternative and return its id (cost in MSEK, phase ≥ 1, both optional)."""
    name, description, cost, phase = _clean_alternative(name, description, cost, earliest_phase)
    with transaction(db):
        require_decision(db, decision_id)
        mid = resolve_municipality_id(db, municipality_id)
        _check_unique(db, "alternatives", decision_id, name, None, TAKEN_ALTERNATIVE)
        cur = db.execute(
            "INSERT INTO alternatives (decision_id, name, description, municipality_id, cost, "
            "earliest_phase, position) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), "
            "-1) + 1 FROM alternatives WHERE decision_id = ?))",
            [decision_id, name, description, mid, cost, phase, decision_id],
        )
        touch_decision(db, decision_id)
        return int(cur.lastrowid)


def update_alternative(
    db: Database,
    alternative_id: int,
    *,
    name: str,
    description: str = "",
    municipality_id: int | str | None = None,
    cost: float | None = None,
    earliest_phase: int | None = None,
) -> None:
    """Change every field of an alternative (the form sends them all)."""
    name, description, cost, phase = _clean_alternative(name, description, cost, earliest_phase)
    with transaction(db):
        alt = _require_alternative(db, alternative_id)
        mid = resolve_municipality_id(db, municipality_id)
        _check_unique(
            db, "alternatives", alt["decision_id"], name, alternative_id, TAKEN_ALTERNATIVE
        )
        db.execute(
            "UPDATE alternatives SET name = ?, description = ?, municipality_id = ?, cost = ?, "
            "earliest_phase = ? WHERE id = ?",
            [name, description, mid, cost, phase, alternative_id],
        )
        touch_decision(db, alt["decision_id"])


def move_alternative(db: Database, alternative_id: int, delta: int) -> None:
    """Move an alternative ``delta`` places (up = −1, down = +1); no-op at the ends."""
    _move(db, "alternatives", alternative_id, delta, N_("Alternativet finns inte."))


def delete_alternative(db: Database, alternative_id: int) -> None:
    """Delete an alternative and its scores (weights do not refer to alternatives)."""
    with transaction(db):
        alt = _require_alternative(db, alternative_id)
        db.execute("DELETE FROM alternatives WHERE id = ?", [alternative_id])
        touch_decision(db, alt["decision_id"])


# --- scores --------------------------------------------------------------------------------


def get_scores(db: Database, decision_id: int) -> dict[tuple[int, int], float]:
    """The score matrix as ``{(alternative_id, criterion_id): value}`` (missing = unscored)."""
    rows = db.execute(
        "SELECT s.alternative_id, s.criterion_id, s.value FROM scores s "
        "JOIN alternatives a ON a.id = s.alternative_id WHERE a.decision_id = ?",
        [decision_id],
    )
    return {(r["alternative_id"], r["criterion_id"]): float(r["value"]) for r in rows}


COMPUTED_BY_HAND = N_(
    "”%(criterion)s” beräknas av Vägval från investeringarnas lägen och kan inte ändras för "
    "hand. Ändra läget under Platser."
)
"""A computed criterion's cell refused: the next recomputation would overwrite the edit."""


def is_computed(db: Database, criterion_id: int) -> bool:
    """Whether Vägval computes this criterion's scores (``computed_criteria``, e.g. Räckvidd)."""
    return bool(
        db.execute(
            "SELECT 1 FROM computed_criteria WHERE criterion_id = ?", [criterion_id]
        ).fetchone()
    )


def set_score(
    db: Database, alternative_id: int, criterion_id: int, value: float | str | None
) -> None:
    """Set one cell (``None`` or '' clears it). The value must be a finite number; a
    computed criterion's cell is refused (its recomputation would overwrite the edit)."""
    number = (
        None if value is None or value == "" else finite(value, "value", Msg(N_("Bedömningen")))
    )
    with transaction(db):
        alt = get_alternative(db, alternative_id)
        crit = get_criterion(db, criterion_id)
        if alt is None:
            raise StoreError("alternative_id", "Alternativet finns inte.")
        if crit is None or crit["decision_id"] != alt["decision_id"]:
            raise StoreError("criterion_id", "Kriteriet finns inte i den här beslutsfrågan.")
        if is_computed(db, criterion_id):
            raise StoreError("value", COMPUTED_BY_HAND, criterion=crit["name"])
        if number is None:
            db.execute(
                "DELETE FROM scores WHERE alternative_id = ? AND criterion_id = ?",
                [alternative_id, criterion_id],
            )
        else:
            db.execute(
                "INSERT INTO scores (alternative_id, criterion_id, value) VALUES (?, ?, ?) "
                "ON CONFLICT(alternative_id, criterion_id) DO UPDATE SET value = excluded.value",
                [alternative_id, criterion_id, number],
            )
        touch_decision(db, alt["decision_id"])
