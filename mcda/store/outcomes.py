""""Vad hände sedan?": what the decision-making body decided after the workshop (issue 26).

One row per decision (``outcomes``): the decision in words, its date, the body that took it,
a link to the minutes, the outcome's own diarienummer, the round whose verdict it is set
beside, the alternative the body put first (None: none of the workshop's alternatives) and,
when that differs from the workshop's verdict, the reason. Whether it differs depends on the
verdict, which the analysis computes: the caller passes the verdict's first place(s)
(``verdict_first``) and :func:`save_outcome` refuses a differing outcome without a reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from .db import write
from .errors import StoreError
from .filing import DIARIENUMMER_MAX, clean_diarienummer

__all__ = ["BODY_MAX", "DIARIENUMMER_MAX", "REASON_MAX", "TEXT_MAX", "clean_diarienummer",
           "differs", "get_outcome", "list_outcomes", "save_outcome"]

TEXT_MAX = 4000
BODY_MAX = 200
REASON_MAX = 2000
URL_MAX = 500


def _text(value: Any, field: str, max_len: int, empty: str | None) -> str:
    text = str(value or "").strip()
    if not text and empty is not None:
        raise StoreError(field, empty)
    if len(text) > max_len:
        raise StoreError(field, "Texten får vara högst %(max)s tecken (nu %(n)s).",
                         max=max_len, n=len(text))
    return text


def _url(value: Any) -> str:
    """'' or an absolute http(s) address (a link to the minutes; never javascript: etc.)."""
    url = str(value or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_MAX
            or any(c.isspace() for c in url)):
        raise StoreError("minutes_url", "Skriv hela adressen till protokollet, som börjar med "
                                        "https://")
    return url


def _date(value: Any) -> str:
    try:
        return date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        raise StoreError("decided_on", "Skriv beslutsdatumet som ÅÅÅÅ-MM-DD.") from None


def differs(chosen_id: int | None, verdict_first: Collection[Any] | None) -> bool:
    """Whether the body's choice differs from the workshop's verdict: ``chosen_id`` is not
    among the verdict's first place(s) (a tie has several). Without a verdict nothing can
    differ."""
    if not verdict_first:
        return False
    return chosen_id is None or str(chosen_id) not in {str(f) for f in verdict_first}


def save_outcome(db: Database, decision_id: int, data: Mapping[str, Any], *,
                 verdict_first: Collection[Any] | None, user_id: int | None) -> dict[str, Any]:
    """Create or replace the decision's outcome from ``data`` (``text, decided_on, body,
    minutes_url, diarienummer, round_id, chosen_id, differs_reason``) and return the row as
    stored. The web layer audits it in the same transaction. :class:`StoreError` names the
    field: a differing outcome needs ``differs_reason``; ``round_id`` and ``chosen_id`` must
    belong to the decision."""
    row = {
        "text": _text(data.get("text"), "text", TEXT_MAX, "Skriv vad som beslutades."),
        "decided_on": _date(data.get("decided_on")),
        "body": _text(data.get("body"), "body", BODY_MAX, "Skriv vilket organ som beslutade."),
        "minutes_url": _url(data.get("minutes_url")),
        "diarienummer": clean_diarienummer(data.get("diarienummer")),
        "round_id": data.get("round_id"),
        "chosen_id": data.get("chosen_id"),
        "differs_reason": _text(data.get("differs_reason"), "differs_reason", REASON_MAX, None),
    }
    if differs(row["chosen_id"], verdict_first) and not row["differs_reason"]:
        raise StoreError("differs_reason", "Beslutet skiljer sig från workshopens besked. "
                                           "Skriv varför.")
    if not differs(row["chosen_id"], verdict_first):
        row["differs_reason"] = ""

    def _save(db: Database) -> None:
        for col, table in (("round_id", "rounds"), ("chosen_id", "alternatives")):
            if row[col] is not None and db.execute(
                    f"SELECT 1 FROM {table} WHERE id = ? AND decision_id = ?",  # noqa: S608
                    [row[col], decision_id]).fetchone() is None:
                raise StoreError(col, "Välj i listan.")
        db.execute(
            "INSERT INTO outcomes (decision_id, round_id, text, decided_on, body, minutes_url, "
            "diarienummer, chosen_id, differs_reason, updated_by) "
            "VALUES (:d, :round_id, :text, :decided_on, :body, :minutes_url, :diarienummer, "
            ":chosen_id, :differs_reason, :u) ON CONFLICT (decision_id) DO UPDATE SET "
            "round_id = excluded.round_id, text = excluded.text, "
            "decided_on = excluded.decided_on, body = excluded.body, "
            "minutes_url = excluded.minutes_url, diarienummer = excluded.diarienummer, "
            "chosen_id = excluded.chosen_id, differs_reason = excluded.differs_reason, "
            "updated_by = excluded.updated_by, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            {**row, "d": decision_id, "u": user_id})

    write(db, _save)
    return get_outcome(db, decision_id)  # type: ignore[return-value]


_SELECT = (
    "SELECT o.*, a.name AS chosen_name, r.number AS round_number, "
    "r.join_code AS round_code FROM outcomes o "
    "LEFT JOIN alternatives a ON a.id = o.chosen_id "
    "LEFT JOIN rounds r ON r.id = o.round_id "
)


def get_outcome(db: Database, decision_id: int) -> dict[str, Any] | None:
    """The decision's outcome with ``chosen_name`` and ``round_number``, or None."""
    row = db.execute(_SELECT + "WHERE o.decision_id = ?", [decision_id]).fetchone()
    return dict(row) if row else None


def list_outcomes(db: Database) -> dict[int, dict[str, Any]]:
    """Every decision's outcome by decision id (the secretariat's overview)."""
    return {int(r["decision_id"]): dict(r) for r in db.execute(_SELECT + "ORDER BY o.decision_id")}
