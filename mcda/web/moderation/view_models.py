"""The moderation log's rows for the page and the CSV file (data in, values out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _

from mcda.web.exports.cells import csv_rows


def _when(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def action_label(hidden: bool) -> str:
    return _("Dold") if hidden else _("Visas igen")


def rows(entries: list[dict[str, Any]], with_text: bool) -> list[dict[str, Any]]:
    """One row per entry: when (local time, the reader's language, and UTC ISO), what, who,
    the reason's number and, for editors, its text (or that it is deleted)."""
    out = []
    for e in entries:
        text = None
        if with_text:
            text = e["text"] if e["text"] is not None else _("(raderad med rösterna)")
        out.append({"at": format_datetime(_when(e["at"]), "short"), "at_iso": e["at"],
                    "action": action_label(e["hidden"]), "hidden": e["hidden"],
                    "user": e["user"] or _("okänd"), "vote_id": e["vote_id"], "text": text})
    return out


def csv_body(entries: list[dict[str, Any]], with_text: bool) -> bytes:
    """The log as a CSV file: ``;``, UTF-8 with BOM like every other export; times in UTC
    (ISO 8601), so the file is unambiguous wherever it is opened."""
    header = [_("Tid (UTC)"), _("Åtgärd"), _("Vem"), _("Motivering nr")]
    if with_text:
        header.append(_("Motivering"))
    body = [[r["at_iso"], r["action"], r["user"], r["vote_id"]]
            + ([r["text"]] if with_text else []) for r in rows(entries, with_text)]
    return ("\ufeff" + csv_rows([header, *body])).encode("utf-8")
