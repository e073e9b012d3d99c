"""The do-nothing reference ("Nuläge / gör ingenting") a facilitator enters per decision.

Why its own table: a level per criterion, in the criterion's own unit; a criterion without a
level takes its worst level among the alternatives (``mcda.core.reference``), so an empty
table is the default. Writes run in one ``BEGIN IMMEDIATE`` transaction and bump the
decision, so every cached analysis of its rounds is recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from .db import transaction
from .decisions import require_decision, touch_decision
from .errors import N_, Msg, StoreError
from .items import list_criteria
from .numbers import parse_number


def get_levels(db: Database, decision_id: int) -> dict[int, float]:
    """Entered levels: criterion id → level."""
    rows = db.execute("SELECT criterion_id, level FROM decision_reference WHERE decision_id = ?",
                      [decision_id]).fetchall()
    return {int(r[0]): float(r[1]) for r in rows}


def _level(raw: Any, name: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = parse_number(raw) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise StoreError("reference", "%(what)s måste vara ett tal, t.ex. 250 eller 12,5.",
                         what=Msg(N_("Nuläget för %(name)s"), name=name)) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise StoreError("reference", "%(what)s måste vara ett ändligt tal.",
                         what=Msg(N_("Nuläget för %(name)s"), name=name))
    return float(value)


def set_levels(db: Database, decision_id: int, levels: Mapping[int, Any]) -> None:
    """Replace the entered levels (a blank or missing level: the worst level)."""
    require_decision(db, decision_id)
    crits = {int(c["id"]): c["name"] for c in list_criteria(db, decision_id)}
    clean = {}
    for cid, raw in levels.items():
        if int(cid) not in crits:
            continue
        v = _level(raw, crits[int(cid)])
        if v is not None:
            clean[int(cid)] = v
    with transaction(db):
        db.execute("DELETE FROM decision_reference WHERE decision_id = ?", [decision_id])
        for cid, v in clean.items():
            db.execute("INSERT INTO decision_reference (decision_id, criterion_id, level) "
                       "VALUES (?, ?, ?)", [decision_id, cid, v])
        touch_decision(db, decision_id)
