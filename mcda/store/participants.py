"""Participants: anonymous members of a round, and joining (or rejoining) one.

Participants are anonymous: only the SHA-256 of their random cookie token is stored.
Joining again with the same token resumes the same participant. Their municipality and
role can be changed only until their first vote (the vote was cast as that municipality;
changing it afterwards would rewrite history). A participant's every request reads what it
needs in one statement (:func:`get_participant_with_latest`): under a room of tablets each
statement costs a round trip for the GIL (bench/load.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import StoreError
from .municipalities import get_municipality
from .rounds import RoundClosedError, get_round, not_open_message
from .votes import vote_dict

# Coarse, optional roles (the stored value → Swedish label).
ROLES: dict[str, str] = {
    "fortroendevald": "Förtroendevald",
    "tjansteperson": "Tjänsteperson",
    "forskare": "Forskare",
    "annan": "Annan",
}
MIN_TOKEN_LENGTH = 16


def hash_token(token: str) -> str:
    """SHA-256 hex of a participant token (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_PARTICIPANT_SELECT = (
    "SELECT p.id, p.round_id, p.municipality_id, m.name AS municipality, p.role, p.created_at, "
    "(SELECT COUNT(*) FROM votes v WHERE v.participant_id = p.id) AS n_votes "
    "FROM participants p JOIN municipalities m ON m.id = p.municipality_id "
)


def get_participant(db: Database, round_id: int, token: str) -> dict[str, Any] | None:
    """The participant of ``round_id`` holding ``token``, with ``municipality`` name."""
    if not isinstance(token, str) or not token:
        return None
    row = db.execute(
        _PARTICIPANT_SELECT + "WHERE p.round_id = ? AND p.token_hash = ?",
        [round_id, hash_token(token)],
    ).fetchone()
    return dict(row) if row else None


def get_participant_by_id(db: Database, participant_id: int) -> dict[str, Any] | None:
    """A participant by id, with ``municipality`` name and ``n_votes``."""
    row = db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [participant_id]).fetchone()
    return dict(row) if row else None


def earlier_municipality(
    db: Database, decision_id: int, before_number: int, tokens: Sequence[str]
) -> int | None:
    """The municipality a device (any of ``tokens``) chose in the latest earlier round of the
    decision, in one statement, or None (Delphi: the next round keeps the choice)."""
    hashes = [hash_token(t) for t in tokens if isinstance(t, str) and t]
    if not hashes:
        return None
    row = db.execute(
        "SELECT p.municipality_id FROM participants p JOIN rounds r ON r.id = p.round_id "
        f"WHERE r.decision_id = ? AND r.number < ? AND p.token_hash IN "
        f"({', '.join('?' * len(hashes))}) ORDER BY r.number DESC LIMIT 1",
        [decision_id, before_number, *hashes],
    ).fetchone()
    return int(row[0]) if row else None


def get_participant_and_session(
    db: Database, round_id: int, token: str
) -> tuple[dict[str, Any] | None, bool]:
    """:func:`get_participant` and :func:`rounds_all_closed` in one statement: the join page
    needs both, and each statement costs a round trip under a room of tablets."""
    if not isinstance(token, str) or not token:
        return None, False
    rows = db.execute(
        _PARTICIPANT_SELECT.replace(
            " FROM participants p", ", r.state AS _round_state FROM participants p"
        )
        + "JOIN rounds r ON r.id = p.round_id WHERE p.token_hash = ?",
        [hash_token(token)],
    ).fetchall()
    existing = None
    for row in rows:
        if row["round_id"] == round_id:
            existing = {k: row[k] for k in row.keys() if k != "_round_state"}  # noqa: SIM118
    all_closed = bool(rows) and all(row["_round_state"] == "closed" for row in rows)
    return existing, all_closed


def rounds_all_closed(db: Database, token: str) -> bool:
    """True when ``token`` has joined at least one round and every one of them is closed
    (its participant session is over)."""
    if not isinstance(token, str) or not token:
        return False
    row = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(r.state != 'closed'), 0) FROM participants p "
        "JOIN rounds r ON r.id = p.round_id WHERE p.token_hash = ?",
        [hash_token(token)],
    ).fetchone()
    return int(row[0]) > 0 and int(row[1]) == 0


_LATEST_COLUMNS = (
    "id", "revision", "method", "payload", "weights", "consistency_ratio", "created_at",
    "phase_id",
)


def get_participant_with_latest(
    db: Database, round_id: int, token: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """:func:`get_participant` and that participant's latest vote (as
    :func:`mcda.store.votes.latest_vote` gives it), in one statement (a participant's every
    request needs both)."""
    if not isinstance(token, str) or not token:
        return None, None
    latest_cols = ", ".join(f"lv.{c} AS lv_{c}" for c in _LATEST_COLUMNS) + \
        ", lvr.text AS lv_reason"
    row = db.execute(
        _PARTICIPANT_SELECT.replace(
            " FROM participants p", f", {latest_cols} FROM participants p"
        )
        + "LEFT JOIN votes lv ON lv.id = (SELECT v.id FROM votes v WHERE v.participant_id = p.id "
        "ORDER BY v.revision DESC LIMIT 1) LEFT JOIN vote_reasons lvr ON lvr.vote_id = lv.id "
        "WHERE p.round_id = ? AND p.token_hash = ?",
        [round_id, hash_token(token)],
    ).fetchone()
    if row is None:
        return None, None
    part = {k: row[k] for k in row.keys() if not k.startswith("lv_")}  # noqa: SIM118 - a Row
    if row["lv_id"] is None:
        return part, None
    latest = vote_dict({
        "round_id": part["round_id"], "participant_id": part["id"],
        "municipality_id": part["municipality_id"], "municipality": part["municipality"],
        "role": part["role"], **{c: row[f"lv_{c}"] for c in _LATEST_COLUMNS},
        "reason": row["lv_reason"],
    })
    return part, latest


def _clean_role(role: Any) -> str | None:
    if role is None or role == "":
        return None
    if role not in ROLES:
        raise StoreError("role", "Välj en av rollerna i listan, eller ingen roll.")
    return str(role)


def _clean_join(token: Any, municipality_id: Any, role: Any) -> tuple[str, int, str | None]:
    """``(token hash, municipality id, role)`` from a join form, or :class:`StoreError`."""
    if not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH:
        raise StoreError("token", "Deltagarnyckeln saknas eller är för kort.")
    if isinstance(municipality_id, bool):
        raise StoreError("municipality_id", "Välj din kommun i listan.")
    try:
        mid = int(municipality_id)
    except (TypeError, ValueError):
        raise StoreError("municipality_id", "Välj din kommun i listan.") from None
    return hash_token(token), mid, _clean_role(role)


def join_round(
    db: Database, round_id: int, token: str, municipality_id: int, role: str | None = None
) -> dict[str, Any]:
    """Join (or rejoin) a round as an anonymous participant; return the participant.

    A new participant needs an open round. Rejoining with the same token returns the
    same participant (also after the round closed, so they can see it is closed); the
    municipality/role is updated only while they have no vote, otherwise a different
    municipality raises :class:`StoreError` (field ``municipality_id``).
    """
    token_hash, mid, role = _clean_join(token, municipality_id, role)

    def _join(db: Database) -> dict[str, Any]:
        new = _join_new(db, round_id, token_hash, mid, role)
        if new is not None:
            return new
        return _join_checked(db, round_id, token_hash, mid, role)

    return write(db, _join)


def _join_new(
    db: Database, round_id: int, token_hash: str, mid: int, role: str | None
) -> dict[str, Any] | None:
    """The common case in one statement: a new participant of an open round. None when
    that does not apply (already joined, not open, no such round or municipality); the
    full checks of :func:`_join_checked` then give the right answer."""
    try:
        rows = db.execute(
            "INSERT INTO participants (round_id, token_hash, municipality_id, role) "
            "SELECT r.id, ?, m.id, ? FROM rounds r JOIN decisions d ON d.id = r.decision_id "
            "JOIN municipalities m ON m.id = ? "
            "WHERE r.id = ? AND r.state = 'open' AND NOT d.archived "
            "ON CONFLICT (round_id, token_hash) DO NOTHING "
            "RETURNING id, round_id, municipality_id, "
            "(SELECT name FROM municipalities WHERE id = municipality_id) AS municipality, "
            "role, created_at",
            [token_hash, role, mid, round_id],
        ).fetchall()
    except sqlite3.IntegrityError:
        return None
    if not rows:
        return None
    return {**dict(rows[0]), "n_votes": 0}


def _join_checked(
    db: Database, round_id: int, token_hash: str, mid: int, role: str | None
) -> dict[str, Any]:
    """Join with every check spelled out: the round and municipality exist, a rejoin keeps
    the participant, a closed round refuses a newcomer."""
    rnd = get_round(db, round_id)
    if rnd is None:
        raise StoreError("round_id", "Omgången finns inte. Kontrollera koden.")
    if get_municipality(db, mid) is None:
        raise StoreError("municipality_id", "Välj din kommun i listan.")
    existing = db.execute(
        _PARTICIPANT_SELECT + "WHERE p.round_id = ? AND p.token_hash = ?",
        [round_id, token_hash],
    ).fetchone()
    if existing is not None:
        return _rejoin(db, dict(existing), rnd, mid, role)
    if rnd["state"] != "open" or rnd["decision_archived"]:
        raise RoundClosedError("round_id", not_open_message(rnd))
    cur = db.execute(
        "INSERT INTO participants (round_id, token_hash, municipality_id, role) "
        "VALUES (?, ?, ?, ?)",
        [round_id, token_hash, mid, role],
    )
    return dict(db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [cur.lastrowid]).fetchone())


def _rejoin(
    db: Database, part: dict[str, Any], rnd: dict[str, Any], mid: int, role: str | None
) -> dict[str, Any]:
    """The same participant again; a changed municipality/role is stored only while they
    have no vote and the round is open, and a changed municipality after a vote is refused."""
    if (part["municipality_id"], part["role"]) == (mid, role):
        return part
    if part["n_votes"] and part["municipality_id"] != mid:
        raise StoreError(
            "municipality_id",
            "Du har redan lämnat en viktning för %(municipality)s i den här "
            "omgången, så kommunen kan inte ändras.",
            municipality=part["municipality"],
        )
    if not part["n_votes"] and rnd["state"] == "open":
        db.execute(
            "UPDATE participants SET municipality_id = ?, role = ? WHERE id = ?",
            [mid, role, part["id"]],
        )
        part = dict(db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [part["id"]]).fetchone())
    return part
