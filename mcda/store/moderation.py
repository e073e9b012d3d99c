"""The moderation log of a round's "Varför?" reasons (issue 26 point 6): every reason hidden
or shown again, with who and when.

Why no table of its own: every hide and show is already written to ``audit_log`` in the same
transaction as the change (``round.reason_hide`` / ``round.reason_show``, target
``round:<id>``, detail ``vote_id``), and users are never deleted, so the audit log *is* the
moderation log; a second copy could only disagree with it. The reason's text is joined from
``vote_reasons`` while it is kept (it is deleted with the votes, the log entry is not).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

__all__ = ["ACTIONS", "moderation_log"]

ACTIONS = ("round.reason_hide", "round.reason_show")


def moderation_log(db: Database, round_id: int) -> list[dict[str, Any]]:
    """The round's moderation entries, oldest first: ``at`` (UTC ISO time), ``hidden`` (True
    for a hide), ``user`` (the e-mail of who did it, None if unknown), ``vote_id`` (the
    reason's number) and ``text`` (None once the votes are deleted)."""
    rows = db.execute(
        "SELECT a.created_at AS at, a.action, u.email AS user, "
        "CAST(json_extract(a.detail, '$.vote_id') AS INTEGER) AS vote_id, vr.text "
        "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
        "LEFT JOIN vote_reasons vr ON vr.round_id = ? "
        "AND vr.vote_id = CAST(json_extract(a.detail, '$.vote_id') AS INTEGER) "
        "WHERE a.target = ? AND a.action IN (?, ?) ORDER BY a.id",
        [round_id, f"round:{int(round_id)}", *ACTIONS],
    )
    return [{"at": r["at"], "hidden": r["action"] == ACTIONS[0], "user": r["user"],
             "vote_id": r["vote_id"], "text": r["text"]} for r in rows]
