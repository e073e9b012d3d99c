"""The "Varför?" reasons given with votes (issue 14): read for the facilitator, hide/show.

A reason belongs to one vote revision (``vote_reasons``); the counting reason of a
participant is the one of their counting vote. Only the facilitator sees which are hidden;
everything published goes through :func:`mcda.core.disclosure.publishable_reasons`, which
drops every label (municipality, role) and the order they were given in.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import StoreError

__all__ = ["SHOW_ALTERNATIVES", "round_reasons", "set_reason_hidden", "set_show_alternatives",
           "shown_reason_texts"]

SHOW_ALTERNATIVES = ("none", "names", "scores")


def round_reasons(db: Database, round_id: int) -> list[dict[str, Any]]:
    """Reasons of the round's counting votes (latest revision per participant and phase),
    oldest first: ``vote_id, text, hidden (bool), municipality, role, created_at``.
    For the facilitator's round page only (never published with the labels)."""
    rows = db.execute(
        "SELECT vr.vote_id, vr.text, vr.hidden, m.name AS municipality, p.role, v.created_at "
        "FROM vote_reasons vr JOIN votes v ON v.id = vr.vote_id "
        "JOIN participants p ON p.id = v.participant_id "
        "JOIN municipalities m ON m.id = p.municipality_id "
        "WHERE vr.round_id = ? AND v.revision = (SELECT MAX(v2.revision) FROM votes v2 "
        "WHERE v2.participant_id = v.participant_id AND v2.phase_id IS v.phase_id) "
        "ORDER BY v.id",
        [round_id],
    )
    return [{**dict(r), "hidden": bool(r["hidden"])} for r in rows]


def shown_reason_texts(db: Database, round_id: int) -> list[dict[str, Any]]:
    """The counting reasons the facilitator has not hidden (with their labels, for the
    disclosure module to strip)."""
    return [r for r in round_reasons(db, round_id) if not r["hidden"]]


def set_reason_hidden(db: Database, round_id: int, vote_id: int, hidden: bool) -> None:
    """Hide or show one reason of ``round_id`` (the web layer audits it in the same
    transaction); :class:`StoreError` when the reason is not in that round."""

    def _set(db: Database) -> None:
        cur = db.execute(
            "UPDATE vote_reasons SET hidden = ? WHERE vote_id = ? AND round_id = ?",
            [1 if hidden else 0, int(vote_id), int(round_id)],
        )
        if cur.rowcount != 1:
            raise StoreError("vote_id", "Motiveringen finns inte i den här omgången.")

    write(db, _set)


def set_show_alternatives(db: Database, round_id: int, value: str) -> None:
    """What the round's participants see of the alternatives: ``none``, ``names`` (names and
    descriptions) or ``scores`` (with the score matrix). Kept here beside the other issue-14
    round settings; the web layer audits it."""
    if value not in SHOW_ALTERNATIVES:
        raise StoreError("show_alternatives", "Välj vad deltagarna ska se av alternativen.")

    def _set(db: Database) -> None:
        db.execute("UPDATE rounds SET show_alternatives = ? WHERE id = ?", [value, int(round_id)])

    write(db, _set)
