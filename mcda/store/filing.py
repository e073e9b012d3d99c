"""Records management (issue 26): the decision's diarienummer, the kept archive package of a
round, and the round's records *as they are held* for a request for public documents
(every vote revision, every reason with its hide flag, participation, the audit log).

Nothing here publishes anything: the pages and exports read other functions, so producing
the records for a request changes nothing they show.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

from .db import transaction
from .decisions import require_decision, touch_decision
from .errors import N_, Msg, StoreError

__all__ = ["DIARIENUMMER_MAX", "archive_package", "audit_rows", "clean_diarienummer",
           "participation_rows", "reason_rows", "save_archive_package", "set_diarienummer",
           "vote_rows"]

DIARIENUMMER_MAX = 40
"""Longest diarienummer: registration numbers such as "SKKF 2026/00123" are far shorter."""

_DNR_CHARS = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü .:/()_\-]+")
"""Letters, digits, space and . : / ( ) _ - (what Swedish registration numbers use); no
quotes, semicolons or control characters, so it is safe in a file name, a CSV cell or XML."""


def clean_diarienummer(value: Any) -> str:
    """A diarienummer with white space collapsed ('' for None or blank); refused, with a
    Swedish message, when too long or holding other characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StoreError("diarienummer", N_("Diarienumret måste vara text."))
    text = " ".join(value.split())
    if len(text) > DIARIENUMMER_MAX:
        raise StoreError("diarienummer", Msg(N_("Diarienumret får vara högst %(max)s tecken."),
                                             max=DIARIENUMMER_MAX))
    if text and not _DNR_CHARS.fullmatch(text):
        raise StoreError("diarienummer", N_(
            "Diarienumret får bara innehålla bokstäver, siffror, mellanslag och tecknen "
            ". : / ( ) _ -"))
    if text and not any(ch.isalnum() for ch in text):
        raise StoreError("diarienummer", N_("Diarienumret måste innehålla en bokstav eller "
                                            "en siffra."))
    return text


def set_diarienummer(db: Database, decision_id: int, value: Any) -> str:
    """Set (or clear, with '') the decision's diarienummer; returns the stored text."""
    text = clean_diarienummer(value)
    with transaction(db):
        require_decision(db, decision_id)
        db.execute("UPDATE decisions SET diarienummer = ? WHERE id = ?", [text, decision_id])
        touch_decision(db, decision_id)
    return text


# --- the archive package ---------------------------------------------------------------------


def save_archive_package(db: Database, round_id: int, *, trigger: str, file_name: str,
                         data: bytes, sha256: str) -> None:
    """Keep ``data`` as the round's archive package (replacing an older one)."""
    with transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO archive_packages "
            "(round_id, trigger, file_name, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?)",
            [round_id, trigger, file_name, len(data), sha256, data],
        )


def archive_package(db: Database, round_id: int, *, with_data: bool = False
                    ) -> dict[str, Any] | None:
    """The kept package's facts (``created_at, trigger, file_name, size, sha256``), with the
    bytes as ``data`` when ``with_data``; None before one is built."""
    cols = "round_id, created_at, trigger, file_name, size, sha256" + (
        ", data" if with_data else "")
    row = db.execute(f"SELECT {cols} FROM archive_packages WHERE round_id = ?",
                     [round_id]).fetchone()
    return dict(row) if row else None


# --- the records as held (request for public documents, and the archive's audit log) --------


def vote_rows(db: Database, round_id: int) -> list[dict[str, Any]]:
    """Every vote revision of the round, oldest first: ``vote_id, participant (a running
    number within the round, never the token), revision, created_at, municipality, role,
    method, phase, weights (criterion id → weight), payload, consistency_ratio``."""
    rows = db.execute(
        "SELECT v.id AS vote_id, v.participant_id, v.revision, v.created_at, "
        "m.name AS municipality, p.role, v.method, ph.name AS phase, v.weights, v.payload, "
        "v.consistency_ratio FROM votes v JOIN participants p ON p.id = v.participant_id "
        "JOIN municipalities m ON m.id = p.municipality_id "
        "LEFT JOIN phases ph ON ph.id = v.phase_id WHERE v.round_id = ? ORDER BY v.id",
        [round_id],
    ).fetchall()
    numbers: dict[int, int] = {}
    out = []
    for r in rows:
        d = dict(r)
        d["participant"] = numbers.setdefault(d.pop("participant_id"), len(numbers) + 1)
        d["weights"] = {int(k): float(v) for k, v in json.loads(d["weights"]).items()}
        d["payload"] = json.loads(d["payload"])
        out.append(d)
    return out


def reason_rows(db: Database, round_id: int) -> list[dict[str, Any]]:
    """Every reason of every revision (hidden ones too), oldest first: ``vote_id, created_at,
    municipality, role, text, hidden (bool)``."""
    rows = db.execute(
        "SELECT vr.vote_id, v.created_at, m.name AS municipality, p.role, vr.text, vr.hidden "
        "FROM vote_reasons vr JOIN votes v ON v.id = vr.vote_id "
        "JOIN participants p ON p.id = v.participant_id "
        "JOIN municipalities m ON m.id = p.municipality_id WHERE vr.round_id = ? ORDER BY v.id",
        [round_id],
    )
    return [{**dict(r), "hidden": bool(r["hidden"])} for r in rows]


def participation_rows(db: Database, round_id: int) -> list[dict[str, Any]]:
    """Per municipality (every one, zero included): participants joined, participants who
    voted, vote revisions."""
    rows = db.execute(
        "SELECT m.name AS municipality, "
        "(SELECT COUNT(*) FROM participants p WHERE p.round_id = ? AND p.municipality_id = m.id)"
        " AS joined, "
        "(SELECT COUNT(DISTINCT v.participant_id) FROM votes v JOIN participants p "
        " ON p.id = v.participant_id WHERE v.round_id = ? AND p.municipality_id = m.id)"
        " AS voted, "
        "(SELECT COUNT(*) FROM votes v JOIN participants p ON p.id = v.participant_id "
        " WHERE v.round_id = ? AND p.municipality_id = m.id) AS revisions "
        "FROM municipalities m ORDER BY m.name",
        [round_id, round_id, round_id],
    )
    return [dict(r) for r in rows]


def audit_rows(db: Database, round_id: int, decision_id: int) -> list[dict[str, Any]]:
    """The audit log entries of the round (``round:<id>``) and of its decision
    (``decision:<id>``), oldest first, with the acting user's role (never an e-mail address:
    the log names the office, the authority knows the person)."""
    rows = db.execute(
        "SELECT a.id, a.created_at, a.action, a.target, a.detail, a.user_id, u.role AS user_role "
        "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
        "WHERE a.target IN (?, ?) ORDER BY a.id",
        [f"round:{round_id}", f"decision:{decision_id}"],
    )
    return [dict(r) for r in rows]


# --- the disposal decision (gallringsbeslut) every deletion of votes follows ---------------


def disposal_decision(reference: Any, decided_on: Any) -> dict[str, str] | None:
    """``{"reference", "date"}`` of the disposal decision, or None when none is given.
    :class:`StoreError` (Swedish) when the reference is too long or the date is not a date
    (``YYYY-MM-DD``): a deletion must name a decision that can be found in the register."""
    from datetime import date

    ref = " ".join(str(reference or "").split())
    day = str(decided_on or "").strip()
    if not ref and not day:
        return None
    if not ref or len(ref) > 200:
        raise StoreError("disposal", N_("Ange gallringsbeslutets beteckning (högst 200 "
                                        "tecken)."))
    try:
        date.fromisoformat(day)
    except ValueError:
        raise StoreError("disposal", N_("Ange gallringsbeslutets datum som ÅÅÅÅ-MM-DD.")) from None
    return {"reference": ref, "date": day}
