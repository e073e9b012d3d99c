"""Votes: recording, reading, history. Durability first: a vote is never lost or overwritten.

- Votes are append-only (a trigger refuses UPDATE); a revision is a new row and the
  highest revision per participant counts.
- :func:`record_vote` is one ``BEGIN IMMEDIATE`` transaction that checks the round is
  open *inside* the transaction, so a vote racing the facilitator's "close" is either
  stored before the close or refused, never half of either.
- Idempotent: repeating a submission (same participant, revision, method and payload;
  e.g. a retry after a Wi-Fi timeout or a double tap) returns the stored row with
  ``created=False``. A *different* payload under an already used revision (two tabs)
  is stored as a new revision ``max + 1`` — kept, not dropped, not overwritten.

The participants who cast them, and joining a round, are in :mod:`mcda.store.participants`.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import transaction, write
from .errors import N_, StoreError
from .municipalities import list_municipalities
from .rounds import METHODS, RoundClosedError, not_open_message

__all__ = [
    "checkpoint",
    "clean_reason",
    "delete_round_votes",
    "high_cr_counts",
    "latest_vote",
    "latest_vote_by_phase",
    "latest_votes",
    "latest_votes_by_phase",
    "participation",
    "participation_in_phase",
    "record_vote",
    "round_fingerprint",
    "vote_dict",
    "vote_history",
]

MAX_REASON_CHARS = 500
MAX_PAYLOAD_CHARS = 64_000
WEIGHT_SUM_TOLERANCE = 1e-6


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
        clean[str(cid)] = _non_negative(
            w, "weights", N_("Varje vikt måste vara ett tal."),
            N_("Varje vikt måste vara ett ändligt tal ≥ 0."),
        )
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
    sub = _Submission(
        round_id=round_id, participant_id=participant_id, revision=_clean_revision(revision),
        phase_id=_clean_phase_id(phase_id), method=_clean_method(method),
        payload_json=_clean_payload(payload), reason=clean_reason(reason),
        weights=weights, consistency_ratio=None, with_row=with_row,
    )
    if len(sub.payload_json) > MAX_PAYLOAD_CHARS:
        raise StoreError("payload", "Viktningen är för stor.")
    sub.consistency_ratio = _clean_consistency_ratio(consistency_ratio)
    return write(db, lambda db: _store(db, sub))


@dataclass
class _Submission:
    """A checked :func:`record_vote` call, for the write transaction to store."""

    round_id: int
    participant_id: int
    revision: int
    phase_id: int | None
    method: str
    payload_json: str
    reason: str | None
    weights: Mapping[str | int, float]
    consistency_ratio: float | None
    with_row: bool


def _clean_revision(revision: Any) -> int:
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise StoreError("revision", "Ogiltigt revisionsnummer.")
    return revision


def _clean_phase_id(phase_id: Any) -> int | None:
    if phase_id is not None and (isinstance(phase_id, bool) or not isinstance(phase_id, int)):
        raise StoreError("phase_id", "Etappen finns inte i den här omgången.")
    return phase_id


def _clean_method(method: Any) -> str:
    if method not in METHODS:
        raise StoreError("method", "Okänt viktningssätt.")
    return str(method)


def _clean_payload(payload: Any) -> str:
    """The payload as canonical JSON (sorted keys): the idempotent replay compares it."""
    if not isinstance(payload, Mapping):
        raise StoreError("payload", "Viktningen saknas.")
    return _dumps(_canonical(payload, "payload"))


def _clean_consistency_ratio(consistency_ratio: Any) -> float | None:
    if consistency_ratio is None:
        return None
    return _non_negative(
        consistency_ratio, "consistency_ratio", N_("Konsistenskvoten måste vara ett tal."),
        N_("Konsistenskvoten måste vara ett tal ≥ 0."),
    )


def _non_negative(value: Any, field: str, not_number: str, negative: str) -> float:
    """``float(value)`` when finite and ≥ 0; the (``N_``-marked) messages say what is wrong."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StoreError(field, not_number) from None
    if not math.isfinite(number) or number < 0:
        raise StoreError(field, negative)
    return number


def _replayed(rows: list[dict[str, Any]], sub: _Submission) -> dict[str, Any] | None:
    """The answer to a repeated submission (same method, payload, phase and reason at this
    revision or later), or None when it is new."""
    for row in rows:
        if (
            row["method"] == sub.method
            and row["payload"] == sub.payload_json
            and row["phase_id"] == sub.phase_id
            and row.get("reason") == sub.reason
        ):
            return {"vote_id": row["id"], "revision": row["revision"], "created": False}
    return None


def _store(db: Database, sub: _Submission) -> dict[str, Any]:
    """The write transaction of :func:`record_vote`."""
    # One statement for the round, membership and criteria: each statement inside the
    # write lock hands the GIL back and waits to get it again (bench/load.py).
    rnd = _vote_context(db, sub.round_id, sub.participant_id, sub.revision)
    if rnd is None:
        raise StoreError("round_id", "Omgången finns inte.")
    if not rnd["member"]:
        raise StoreError("participant", "Du är inte med i den här omgången. Gå med igen.")
    _check_phase(db, rnd, sub.phase_id)

    # Idempotent replay first: a retry whose first attempt committed just before the
    # round closed must still get its success answer.
    rows = rnd["later_votes"]
    replay = _replayed(rows, sub)
    if replay is not None:
        return replay

    if rnd["state"] != "open" or rnd["decision_archived"]:
        raise RoundClosedError("round_id", not_open_message(rnd))
    if sub.method not in rnd["methods"]:
        raise StoreError("method", "Det viktningssättet är inte tillåtet i den här omgången.")
    weights_json = _dumps(_clean_weights(sub.weights, rnd["criterion_ids"]))

    stored_revision = sub.revision
    if any(row["revision"] == sub.revision for row in rows):
        # Same revision, different content (another tab): keep both, newest wins.
        stored_revision = max(row["revision"] for row in rows) + 1
    inserted = db.execute(
        "INSERT INTO votes (round_id, participant_id, revision, method, payload, weights, "
        "consistency_ratio, phase_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, created_at",
        [sub.round_id, sub.participant_id, stored_revision, sub.method, sub.payload_json,
         weights_json, sub.consistency_ratio, sub.phase_id],
    ).fetchall()[0]
    vote_id = int(inserted["id"])
    if sub.reason is not None:
        db.execute(
            "INSERT INTO vote_reasons (vote_id, round_id, text) VALUES (?, ?, ?)",
            [vote_id, sub.round_id, sub.reason],
        )
    out: dict[str, Any] = {"vote_id": vote_id, "revision": stored_revision, "created": True}
    if sub.with_row and all(row["revision"] < stored_revision for row in rows):
        # The new row is the participant's latest: hand it back as latest_vote would
        # (without the participant's municipality and role), saving the caller a query.
        out["vote"] = {
            "vote_id": vote_id, "round_id": sub.round_id, "participant_id": sub.participant_id,
            "revision": stored_revision, "method": sub.method,
            "payload": json.loads(sub.payload_json), "weights": json.loads(weights_json),
            "consistency_ratio": sub.consistency_ratio, "created_at": inserted["created_at"],
            "phase_id": sub.phase_id, "reason": sub.reason,
        }
    return out


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


def vote_dict(row: Any) -> dict[str, Any]:
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
    return [vote_dict(r) for r in rows]


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
        v = vote_dict(r)
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
    return [vote_dict(r) for r in rows]


def latest_vote(db: Database, participant_id: int) -> dict[str, Any] | None:
    row = db.execute(
        _VOTE_SELECT + "WHERE v.participant_id = ? ORDER BY v.revision DESC LIMIT 1",
        [participant_id],
    ).fetchone()
    return vote_dict(row) if row else None


def participation(db: Database, round_id: int) -> dict[str, int]:
    """Participants with at least one vote per municipality name (all 15 listed, 0 too),
    in Swedish alphabetical order. Counts, not weights: safe to show below k."""
    return _voters_per_municipality(db, "", [round_id])


def participation_in_phase(db: Database, round_id: int, phase_id: int) -> dict[str, int]:
    """As :func:`participation`, but only participants with a vote for ``phase_id`` (a round
    with per-phase weights): the voters behind that phase's figures, for the k rule."""
    return _voters_per_municipality(db, "AND v.phase_id = ? ", [round_id, phase_id])


def _voters_per_municipality(db: Database, and_phase: str, params: list[int]) -> dict[str, int]:
    """``and_phase`` is one of the two fixed fragments above (never input)."""
    counts = {
        r["name"]: r["n"]
        for r in db.execute(
            "SELECT m.name, COUNT(DISTINCT v.participant_id) AS n FROM votes v "
            "JOIN participants p ON p.id = v.participant_id "
            "JOIN municipalities m ON m.id = p.municipality_id "
            f"WHERE v.round_id = ? {and_phase}GROUP BY m.name",
            params,
        )
    }
    return {m["name"]: counts.get(m["name"], 0) for m in list_municipalities(db)}


def round_fingerprint(db: Database, round_id: int) -> str:
    """A cheap string that changes whenever the round's results may change.

    ``{max vote id}-{vote count}-{state}-{revealed}-{k}-{methods}-{decision updated_at}``;
    the decision part covers score/criteria edits, the digest the kind of round too (what a
    page says about publishing changes with it). For ETags and analysis caches.
    """
    row = db.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM votes WHERE round_id = r.id) AS max_id, "
        "(SELECT COUNT(*) FROM votes WHERE round_id = r.id) AS n, r.state, "
        "r.results_revealed, r.anonymity_k, r.methods, r.kind, d.updated_at "
        "FROM rounds r JOIN decisions d ON d.id = r.decision_id WHERE r.id = ?",
        [round_id],
    ).fetchone()
    if row is None:
        return "missing"
    digest = hashlib.sha256(
        f"{row['methods']}|{row['updated_at']}|{row['kind']}".encode()).hexdigest()[:12]
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
