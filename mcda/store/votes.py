"""Participants and votes. Durability first: a vote is never lost and never overwritten.

- Votes are append-only (a trigger refuses UPDATE); a revision is a new row and the
  highest revision per participant counts.
- :func:`record_vote` is one ``BEGIN IMMEDIATE`` transaction that checks the round is
  open *inside* the transaction, so a vote racing the facilitator's "close" is either
  stored before the close or refused, never half of either.
- Idempotent: repeating a submission (same participant, revision, method and payload;
  e.g. a retry after a Wi-Fi timeout or a double tap) returns the stored row with
  ``created=False``. A *different* payload under an already used revision (two tabs)
  is stored as a new revision ``max + 1`` — kept, not dropped, not overwritten.
- Participants are anonymous: only the SHA-256 of their random cookie token is stored.
  Joining again with the same token resumes the same participant. Their municipality
  and role can be changed only until their first vote (the vote was cast as that
  municipality; changing it afterwards would rewrite history).
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from .db import transaction, write
from .decisions import StoreError, get_municipality, list_municipalities
from .errors import N_
from .rounds import METHODS, RoundClosedError, get_round

__all__ = [
    "ROLES",
    "RoundClosedError",
    "StoreError",
    "checkpoint",
    "clean_reason",
    "delete_round_votes",
    "get_participant",
    "get_participant_and_session",
    "get_participant_by_id",
    "hash_token",
    "join_round",
    "latest_vote",
    "latest_vote_by_phase",
    "latest_votes",
    "latest_votes_by_phase",
    "participation",
    "participation_in_phase",
    "record_vote",
    "round_fingerprint",
    "vote_history",
]

# Coarse, optional roles (the stored value → Swedish label).
ROLES: dict[str, str] = {
    "fortroendevald": "Förtroendevald",
    "tjansteperson": "Tjänsteperson",
    "forskare": "Forskare",
    "annan": "Annan",
}
MIN_TOKEN_LENGTH = 16
MAX_REASON_CHARS = 500
MAX_PAYLOAD_CHARS = 64_000
WEIGHT_SUM_TOLERANCE = 1e-6


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
    """:func:`get_participant` and that participant's :func:`latest_vote`, in one statement
    (a participant's every request needs both)."""
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
    latest = _vote_dict({
        "round_id": part["round_id"], "participant_id": part["id"],
        "municipality_id": part["municipality_id"], "municipality": part["municipality"],
        "role": part["role"], **{c: row[f"lv_{c}"] for c in _LATEST_COLUMNS},
        "reason": row["lv_reason"],
    })
    return part, latest


def get_participant_by_id(db: Database, participant_id: int) -> dict[str, Any] | None:
    row = db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [participant_id]).fetchone()
    return dict(row) if row else None


def clean_reason(reason: Any) -> str | None:
    """The "Varför?" text as stored: stripped, ``None`` when empty; refused above 500."""
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise StoreError("reason", "Motiveringen måste vara text.")
    text = reason.strip().replace("\r\n", "\n")
    if not text:
        return None
    if len(text) > MAX_REASON_CHARS:
        raise StoreError(
            "reason", "Motiveringen får vara högst %(max)s tecken (den har %(n)s).",
            max=MAX_REASON_CHARS, n=len(text),
        )
    return text


def _clean_role(role: Any) -> str | None:
    if role is None or role == "":
        return None
    if role not in ROLES:
        raise StoreError("role", "Välj en av rollerna i listan, eller ingen roll.")
    return str(role)


def join_round(
    db: Database, round_id: int, token: str, municipality_id: int, role: str | None = None
) -> dict[str, Any]:
    """Join (or rejoin) a round as an anonymous participant; return the participant.

    A new participant needs an open round. Rejoining with the same token returns the
    same participant (also after the round closed, so they can see it is closed); the
    municipality/role is updated only while they have no vote, otherwise a different
    municipality raises :class:`StoreError` (field ``municipality_id``).
    """
    if not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH:
        raise StoreError("token", "Deltagarnyckeln saknas eller är för kort.")
    if isinstance(municipality_id, bool):
        raise StoreError("municipality_id", "Välj din kommun i listan.")
    try:
        mid = int(municipality_id)
    except (TypeError, ValueError):
        raise StoreError("municipality_id", "Välj din kommun i listan.") from None
    role = _clean_role(role)
    token_hash = hash_token(token)

    def _join_new(db: Database) -> dict[str, Any] | None:
        """The common case in one statement: a new participant of an open round. None when
        that does not apply (already joined, not open, no such round or municipality); the
        full checks below then give the right answer."""
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

    def _join(db: Database) -> dict[str, Any]:
        new = _join_new(db)
        if new is not None:
            return new
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
            part = dict(existing)
            if (part["municipality_id"], part["role"]) != (mid, role):
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
                    part = dict(
                        db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [part["id"]]).fetchone()
                    )
            return part
        if rnd["state"] != "open" or rnd["decision_archived"]:
            raise RoundClosedError("round_id", _not_open_message(rnd))
        cur = db.execute(
            "INSERT INTO participants (round_id, token_hash, municipality_id, role) "
            "VALUES (?, ?, ?, ?)",
            [round_id, token_hash, mid, role],
        )
        return dict(
            db.execute(_PARTICIPANT_SELECT + "WHERE p.id = ?", [cur.lastrowid]).fetchone()
        )

    return write(db, _join)


def _not_open_message(rnd: dict[str, Any]) -> str:
    if rnd["state"] == "draft":
        return N_("Omgången har inte öppnats än. Vänta tills processledaren öppnar den.")
    return N_("Omgången är stängd. Inga fler viktningar kan sparas.")


def _canonical(value: Any, field: str) -> Any:
    """Dict keys as strings (criterion ids may come as int or str), recursively."""
    kind = type(value)
    if kind is int or kind is str or value is None:  # the common leaves, without ABC checks
        return value
    if kind is float:
        if not math.isfinite(value):
            raise StoreError(field, "Viktningen innehåller ett ogiltigt tal (NaN eller oändligt).")
        return value
    if isinstance(value, Mapping):
        return {str(k): _canonical(v, field) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, field) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise StoreError(field, "Viktningen innehåller ett ogiltigt tal (NaN eller oändligt).")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise StoreError(field, "Viktningen innehåller ett värde som inte kan sparas.")


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def _clean_weights(weights: Any, criterion_ids: set[int]) -> dict[str, float]:
    if not isinstance(weights, Mapping) or not weights:
        raise StoreError("weights", "Vikterna saknas.")
    clean: dict[str, float] = {}
    for key, w in weights.items():
        try:
            cid = int(key)
        except (TypeError, ValueError):
            raise StoreError(
                "weights", "Okänt kriterium %(key)s i vikterna.", key=repr(key)
            ) from None
        if cid not in criterion_ids or isinstance(key, bool):
            raise StoreError(
                "weights", "Kriterium %(key)s hör inte till den här omgången.", key=repr(key)
            )
        if isinstance(w, bool):
            raise StoreError("weights", "Varje vikt måste vara ett tal.")
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise StoreError("weights", "Varje vikt måste vara ett tal.") from None
        if not math.isfinite(w) or w < 0:
            raise StoreError("weights", "Varje vikt måste vara ett ändligt tal ≥ 0.")
        clean[str(cid)] = w
    missing = criterion_ids - {int(k) for k in clean}
    if missing:
        raise StoreError(
            "weights",
            "Vikter saknas för något kriterium. Ladda om sidan – kriterierna kan ha ändrats.",
        )
    if abs(sum(clean.values()) - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise StoreError("weights", "Vikterna måste summera till 1.")
    return clean


def record_vote(
    db: Database,
    round_id: int,
    participant_id: int,
    *,
    revision: int,
    method: str,
    payload: dict[str, Any],
    weights: Mapping[str | int, float],
    consistency_ratio: float | None = None,
    phase_id: int | None = None,
    reason: str | None = None,
    with_row: bool = False,
) -> dict[str, Any]:
    """Store one weighting; return ``{vote_id, revision, created}``.

    ``with_row``: when the stored row is the participant's latest, add it under ``vote`` (as
    :func:`latest_vote` gives it, without municipality and role), so a page that shows the
    saved vote need not read it back.

    ``reason``: the optional "Varför?" text (at most :data:`MAX_REASON_CHARS` characters),
    stored with this revision in ``vote_reasons`` (each revision keeps its own).

    ``phase_id``: in a round with per-phase weights (``rounds.phase_weights``) every vote is
    for one phase of the round's decision and ``phase_id`` is required; a normal round
    refuses one. Revisions count per participant over all phases (the latest per
    participant and phase counts).

    ``revision`` is the client's counter (1 for the first submission). The stored
    revision may be higher (two tabs); see the module docstring. Raises
    :class:`RoundClosedError` when the round is not open (nothing stored) and
    :class:`StoreError` for invalid data.
    """
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise StoreError("revision", "Ogiltigt revisionsnummer.")
    if phase_id is not None and (isinstance(phase_id, bool) or not isinstance(phase_id, int)):
        raise StoreError("phase_id", "Etappen finns inte i den här omgången.")
    if method not in METHODS:
        raise StoreError("method", "Okänt viktningssätt.")
    if not isinstance(payload, Mapping):
        raise StoreError("payload", "Viktningen saknas.")
    payload_json = _dumps(_canonical(payload, "payload"))
    reason = clean_reason(reason)
    if len(payload_json) > MAX_PAYLOAD_CHARS:
        raise StoreError("payload", "Viktningen är för stor.")
    cr: float | None = None
    if consistency_ratio is not None:
        try:
            cr = float(consistency_ratio)
        except (TypeError, ValueError):
            raise StoreError("consistency_ratio", "Konsistenskvoten måste vara ett tal.") from None
        if not math.isfinite(cr) or cr < 0:
            raise StoreError("consistency_ratio", "Konsistenskvoten måste vara ett tal ≥ 0.")

    def _store(db: Database) -> dict[str, Any]:
        # One statement for the round, membership and criteria: each statement inside the
        # write lock hands the GIL back and waits to get it again (bench/load.py).
        rnd = _vote_context(db, round_id, participant_id, revision)
        if rnd is None:
            raise StoreError("round_id", "Omgången finns inte.")
        if not rnd["member"]:
            raise StoreError("participant", "Du är inte med i den här omgången. Gå med igen.")
        _check_phase(db, rnd, phase_id)

        # Idempotent replay first: a retry whose first attempt committed just before the
        # round closed must still get its success answer.
        rows = rnd["later_votes"]
        for row in rows:
            if (
                row["method"] == method
                and row["payload"] == payload_json
                and row["phase_id"] == phase_id
                and row.get("reason") == reason
            ):
                return {"vote_id": row["id"], "revision": row["revision"], "created": False}

        if rnd["state"] != "open" or rnd["decision_archived"]:
            raise RoundClosedError("round_id", _not_open_message(rnd))
        if method not in rnd["methods"]:
            raise StoreError("method", "Det viktningssättet är inte tillåtet i den här omgången.")
        weights_json = _dumps(_clean_weights(weights, rnd["criterion_ids"]))

        stored_revision = revision
        if any(row["revision"] == revision for row in rows):
            # Same revision, different content (another tab): keep both, newest wins.
            stored_revision = max(row["revision"] for row in rows) + 1
        inserted = db.execute(
            "INSERT INTO votes (round_id, participant_id, revision, method, payload, weights, "
            "consistency_ratio, phase_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id, created_at",
            [round_id, participant_id, stored_revision, method, payload_json, weights_json, cr,
             phase_id],
        ).fetchall()[0]
        vote_id = int(inserted["id"])
        if reason is not None:
            db.execute(
                "INSERT INTO vote_reasons (vote_id, round_id, text) VALUES (?, ?, ?)",
                [vote_id, round_id, reason],
            )
        out: dict[str, Any] = {"vote_id": vote_id, "revision": stored_revision, "created": True}
        if with_row and all(row["revision"] < stored_revision for row in rows):
            # The new row is the participant's latest: hand it back as latest_vote would
            # (without the participant's municipality and role), saving the caller a query.
            out["vote"] = {
                "vote_id": vote_id, "round_id": round_id, "participant_id": participant_id,
                "revision": stored_revision, "method": method,
                "payload": json.loads(payload_json), "weights": json.loads(weights_json),
                "consistency_ratio": cr, "created_at": inserted["created_at"],
                "phase_id": phase_id, "reason": reason,
            }
        return out

    return write(db, _store)


def _vote_context(
    db: Database, round_id: int, participant_id: int, revision: int
) -> dict[str, Any] | None:
    """What ``record_vote`` checks, in one statement: round state and methods, the decision's
    archive flag, whether the participant belongs to the round, the criterion ids, and the
    participant's votes from ``revision`` on (``later_votes``, by revision; for the
    idempotent replay)."""
    row = db.execute(
        "SELECT r.state, r.methods, r.decision_id, r.phase_weights, "
        "d.archived AS decision_archived, "
        "EXISTS(SELECT 1 FROM participants p WHERE p.id = ? AND p.round_id = r.id) AS member, "
        "(SELECT group_concat(c.id) FROM criteria c WHERE c.decision_id = r.decision_id) "
        "AS criterion_ids, "
        "(SELECT json_group_array(json_object('id', v.id, 'revision', v.revision, "
        "'method', v.method, 'payload', v.payload, 'phase_id', v.phase_id, "
        "'reason', (SELECT vr.text FROM vote_reasons vr WHERE vr.vote_id = v.id))) FROM votes v "
        "WHERE v.participant_id = ? AND v.revision >= ?) AS later_votes "
        "FROM rounds r JOIN decisions d ON d.id = r.decision_id WHERE r.id = ?",
        [participant_id, participant_id, revision, round_id],
    ).fetchone()
    if row is None:
        return None
    ctx = dict(row)
    ctx["methods"] = json.loads(ctx["methods"])
    ctx["decision_archived"] = bool(ctx["decision_archived"])
    ctx["phase_weights"] = bool(ctx["phase_weights"])
    ctx["criterion_ids"] = {int(c) for c in (ctx["criterion_ids"] or "").split(",") if c}
    ctx["later_votes"] = sorted(json.loads(ctx["later_votes"] or "[]"),
                                key=lambda v: v["revision"])
    return ctx


def _check_phase(db: Database, rnd: Mapping[str, Any], phase_id: int | None) -> None:
    """Per-phase rounds need a phase of the round's decision; normal rounds refuse one."""
    if not rnd.get("phase_weights"):
        if phase_id is not None:
            raise StoreError(
                "phase_id", "Den här omgången har inga vikter per etapp. Ladda om sidan."
            )
        return
    if phase_id is None:
        raise StoreError("phase_id", "Välj vilken etapp viktningen gäller.")
    row = db.execute(
        "SELECT 1 FROM phases WHERE id = ? AND decision_id = ?", [phase_id, rnd["decision_id"]]
    ).fetchone()
    if row is None:
        raise StoreError(
            "phase_id", "Etappen finns inte i den här omgången. Välj en etapp i listan."
        )


def _vote_dict(row: Any) -> dict[str, Any]:
    v = dict(row)
    v["vote_id"] = v.pop("id")
    v["payload"] = json.loads(v["payload"])
    v["weights"] = json.loads(v["weights"])
    return v


_VOTE_SELECT = (
    "SELECT v.id, v.round_id, v.participant_id, p.municipality_id, m.name AS municipality, "
    "p.role, v.revision, v.method, v.payload, v.weights, v.consistency_ratio, v.created_at, "
    "v.phase_id, vr.text AS reason "
    "FROM votes v JOIN participants p ON p.id = v.participant_id "
    "JOIN municipalities m ON m.id = p.municipality_id "
    "LEFT JOIN vote_reasons vr ON vr.vote_id = v.id "
)


def latest_votes(
    db: Database, round_id: int, phase_id: int | None = None
) -> list[dict[str, Any]]:
    """The counting vote (highest revision) of every participant, by participant id.

    ``phase_id=None`` gives the round's normal votes (``phase_id IS NULL``), i.e. every
    vote of a round without per-phase weights; a phase id gives each participant's latest
    vote for that phase.

    Each: ``vote_id, round_id, participant_id, municipality_id, municipality, role,
    revision, method, payload, weights ({criterion id as str: w}), consistency_ratio,
    created_at, phase_id``.
    """
    rows = db.execute(
        _VOTE_SELECT + "WHERE v.round_id = ? AND v.phase_id IS ? AND v.revision = "
        "(SELECT MAX(v2.revision) FROM votes v2 WHERE v2.participant_id = v.participant_id "
        "AND v2.phase_id IS v.phase_id) ORDER BY v.participant_id",
        [round_id, phase_id],
    )
    return [_vote_dict(r) for r in rows]


def high_cr_counts(db: Database, round_id: int, limit: float = 0.10) -> dict[str, int]:
    """``{"pairwise": n, "high": m}``: counting pairwise votes of the round (every phase) and
    how many of them have a consistency ratio above ``limit``. The tablet asks once to revisit
    the flagged pairs, so these were saved anyway; the facilitator sees the count (issue 14)."""
    row = db.execute(
        "SELECT COUNT(*) AS n, COALESCE(SUM(v.consistency_ratio > ?), 0) AS high FROM votes v "
        "WHERE v.round_id = ? AND v.method = 'pairwise' AND v.revision = "
        "(SELECT MAX(v2.revision) FROM votes v2 WHERE v2.participant_id = v.participant_id "
        "AND v2.phase_id IS v.phase_id)",
        [limit, round_id],
    ).fetchone()
    return {"pairwise": int(row["n"]), "high": int(row["high"])}


def latest_votes_by_phase(db: Database, round_id: int) -> dict[int, list[dict[str, Any]]]:
    """``{phase_id: latest votes for that phase}`` for every phase with a vote in the round."""
    out: dict[int, list[dict[str, Any]]] = {}
    rows = db.execute(
        _VOTE_SELECT + "WHERE v.round_id = ? AND v.phase_id IS NOT NULL AND v.revision = "
        "(SELECT MAX(v2.revision) FROM votes v2 WHERE v2.participant_id = v.participant_id "
        "AND v2.phase_id = v.phase_id) ORDER BY v.phase_id, v.participant_id",
        [round_id],
    )
    for r in rows:
        v = _vote_dict(r)
        out.setdefault(int(v["phase_id"]), []).append(v)
    return out


def latest_vote_by_phase(db: Database, participant_id: int) -> dict[int, dict[str, Any]]:
    """One participant's latest vote per phase (``{phase_id: vote}``)."""
    out: dict[int, dict[str, Any]] = {}
    for v in vote_history(db, participant_id):
        if v["phase_id"] is not None:
            out[int(v["phase_id"])] = v  # history is oldest first: the last one wins
    return out


def vote_history(db: Database, participant_id: int) -> list[dict[str, Any]]:
    """Every revision of one participant, oldest first."""
    rows = db.execute(
        _VOTE_SELECT + "WHERE v.participant_id = ? ORDER BY v.revision", [participant_id]
    )
    return [_vote_dict(r) for r in rows]


def latest_vote(db: Database, participant_id: int) -> dict[str, Any] | None:
    row = db.execute(
        _VOTE_SELECT + "WHERE v.participant_id = ? ORDER BY v.revision DESC LIMIT 1",
        [participant_id],
    ).fetchone()
    return _vote_dict(row) if row else None


def participation(db: Database, round_id: int) -> dict[str, int]:
    """Participants with at least one vote per municipality name (all 15 listed, 0 too),
    in Swedish alphabetical order. Counts, not weights: safe to show below k."""
    counts = {
        r["name"]: r["n"]
        for r in db.execute(
            "SELECT m.name, COUNT(DISTINCT v.participant_id) AS n FROM votes v "
            "JOIN participants p ON p.id = v.participant_id "
            "JOIN municipalities m ON m.id = p.municipality_id "
            "WHERE v.round_id = ? GROUP BY m.name",
            [round_id],
        )
    }
    return {m["name"]: counts.get(m["name"], 0) for m in list_municipalities(db)}


def participation_in_phase(db: Database, round_id: int, phase_id: int) -> dict[str, int]:
    """As :func:`participation`, but only participants with a vote for ``phase_id`` (a round
    with per-phase weights): the voters behind that phase's figures, for the k rule."""
    counts = {
        r["name"]: r["n"]
        for r in db.execute(
            "SELECT m.name, COUNT(DISTINCT v.participant_id) AS n FROM votes v "
            "JOIN participants p ON p.id = v.participant_id "
            "JOIN municipalities m ON m.id = p.municipality_id "
            "WHERE v.round_id = ? AND v.phase_id = ? GROUP BY m.name",
            [round_id, phase_id],
        )
    }
    return {m["name"]: counts.get(m["name"], 0) for m in list_municipalities(db)}


def round_fingerprint(db: Database, round_id: int) -> str:
    """A cheap string that changes whenever the round's results may change.

    ``{max vote id}-{vote count}-{state}-{revealed}-{k}-{methods}-{decision updated_at}``;
    the decision part covers score/criteria edits. For ETags and analysis caches.
    """
    row = db.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM votes WHERE round_id = r.id) AS max_id, "
        "(SELECT COUNT(*) FROM votes WHERE round_id = r.id) AS n, r.state, "
        "r.results_revealed, r.anonymity_k, r.methods, d.updated_at "
        "FROM rounds r JOIN decisions d ON d.id = r.decision_id WHERE r.id = ?",
        [round_id],
    ).fetchone()
    if row is None:
        return "missing"
    digest = hashlib.sha256(f"{row['methods']}|{row['updated_at']}".encode()).hexdigest()[:12]
    return (
        f"{row['max_id']}-{row['n']}-{row['state']}-{row['results_revealed']}-"
        f"{row['anonymity_k']}-{digest}"
    )


def delete_round_votes(db: Database, round_id: int) -> int:
    """Delete every vote and participant of a round (privacy); return the vote count.

    ``secure_delete`` zeroes the freed pages; the WAL checkpoint (TRUNCATE) afterwards
    removes the old page images from the write-ahead log, so the deleted data is gone
    from both files. The round itself (and the decision) is kept.
    """
    with transaction(db):
        n = db.execute("SELECT COUNT(*) AS n FROM votes WHERE round_id = ?", [round_id]).fetchone()
        db.execute("DELETE FROM vote_reasons WHERE round_id = ?", [round_id])
        db.execute("DELETE FROM votes WHERE round_id = ?", [round_id])
        db.execute("DELETE FROM participants WHERE round_id = ?", [round_id])
    checkpoint(db)
    return int(n["n"])


def checkpoint(db: Database, attempts: int = 5) -> bool:
    """``PRAGMA wal_checkpoint(TRUNCATE)``; True when the WAL was fully emptied.

    A reader holding an old snapshot can block truncation, so retry a few times.
    """
    if db.conn.in_transaction:  # inside a caller's transaction a checkpoint cannot run
        return False
    for attempt in range(attempts):
        busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    return False
