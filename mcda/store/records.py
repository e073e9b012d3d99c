"""Deleting a workshop's votes while keeping the aggregated decision record (GDPR).

Individual weightings are personal data of a kind (a municipality plus a role can narrow a
person down); the regional and municipal aggregates are the decision record the association
needs to keep. :func:`delete_votes_keep_record` stores the aggregate first, then deletes the
votes and participants (``secure_delete`` plus a WAL checkpoint make the rows unrecoverable).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from ..core import disclosure
from . import analysis_cache
from . import votes as store_votes
from .db import transaction


def aggregated_record(db: Database, round_id: int) -> dict[str, Any] | None:
    """The default analysis of the round without individual votes.

    It is the published analysis (``analysis_input.build_input`` pools the municipalities
    under k into "Övriga kommuner" before analysing, ``core.disclosure``), so the record obeys
    the same rule as the pages: no hidden municipality's name, size or population, and no
    combination of its figures (e.g. G × region − Σ shown groups) isolates one of them."""
    k = db.execute("SELECT anonymity_k, kind FROM rounds WHERE id = ?", [round_id]).fetchone()
    ra = analysis_cache.get_analysis(db, round_id)
    if ra.output is None or k is None:
        return None
    out = {key: val for key, val in ra.output.items() if key not in ("votes", "by_group_rankings")}
    return {
        "options": ra.options,
        "criteria": ra.input.get("criteria", []),
        "alternatives": ra.input.get("alternatives", []),
        "anonymity": {"k": int(k["anonymity_k"]), "pooled_group": disclosure.POOL
                      if disclosure.POOL in (out.get("groups") or {}) else None,
                      "kind": disclosure.clean_kind(k["kind"])},
        "output": out,
    }


def delete_votes_keep_record(db: Database, round_id: int, *, reason: str = "facilitator") -> int:
    """Keep the aggregate (if any votes), then delete the round's votes; returns votes deleted."""
    record = aggregated_record(db, round_id)
    n_votes = db.execute("SELECT COUNT(*) FROM votes WHERE round_id = ?", [round_id]).fetchone()[0]
    if record is not None:
        with transaction(db):
            db.execute(
                "INSERT OR REPLACE INTO round_records (round_id, votes_deleted, record, reason) "
                "VALUES (?, ?, ?, ?)",
                [round_id, n_votes, json.dumps(record, ensure_ascii=False), reason],
            )
    store_votes.delete_round_votes(db, round_id)
    analysis_cache.clear()
    return int(n_votes)


def get_record(db: Database, round_id: int) -> dict[str, Any] | None:
    """The kept record of a round, with the decision's ``diarienummer`` when it has one (the
    decision's current one, so a record kept before registration is filed under it too)."""
    row = db.execute(
        "SELECT rr.*, d.diarienummer AS decision_diarienummer FROM round_records rr "
        "JOIN rounds r ON r.id = rr.round_id JOIN decisions d ON d.id = r.decision_id "
        "WHERE rr.round_id = ?", [round_id]).fetchone()
    if row is None:
        return None
    rec = dict(row)
    dnr = rec.pop("decision_diarienummer")
    if dnr:
        rec["diarienummer"] = dnr
    rec["record"] = json.loads(rec["record"])
    return rec


def expired_rounds(db: Database, retention_days: int, *, now: datetime | None = None) -> list[int]:
    """Closed rounds with votes whose closing lies more than ``retention_days`` back."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    rows = db.execute(
        "SELECT DISTINCT r.id FROM rounds r JOIN votes v ON v.round_id = r.id "
        "WHERE r.state = 'closed' AND r.closed_at IS NOT NULL AND r.closed_at < ? ORDER BY r.id",
        [cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ")],
    ).fetchall()
    return [int(r[0]) for r in rows]
