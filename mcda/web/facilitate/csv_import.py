"""Importing a decision from CSV: the upload read and checked, the preview's changes, and the
parser's issues in words (row, column, message)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask_babel import gettext as _

from mcda.store import csv_io
from mcda.store import items as store_items
from mcda.web.kit.db import get_db


def issue_text(issue: csv_io.CsvIssue) -> str:
    message = _(issue.msgid, **issue.params) if issue.params else _(issue.msgid)
    if issue.row and issue.col:
        if issue.column_name:
            return _("Rad %(row)d, kolumn %(col)d (%(name)s): %(message)s", row=issue.row,
                     col=issue.col, name=issue.column_name, message=message)
        return _("Rad %(row)d, kolumn %(col)d: %(message)s", row=issue.row, col=issue.col,
                 message=message)
    if issue.row:
        return _("Rad %(row)d: %(message)s", row=issue.row, message=message)
    return message


def encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode(payload: str) -> str | None:
    try:
        return base64.b64decode(payload.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None


def uploaded_text(upload: Any, pasted: str) -> tuple[str, list[str]]:
    """The CSV text from the file (preferred) or the pasted text, and what is wrong with it."""
    if upload and upload.filename:
        data = upload.stream.read(csv_io.MAX_CSV_BYTES + 1)
        text = "" if len(data) > csv_io.MAX_CSV_BYTES else csv_io.decode_csv(data)
        if text:
            return text, []
        return "", [_("CSV-fil: filen är för stor (högst %(kb)d kB).",
                      kb=csv_io.MAX_CSV_BYTES // 1000) if data
                    else _("CSV-fil: filen är tom.")]
    if not pasted.strip():
        return pasted, [_("CSV-fil: välj en fil eller klistra in innehållet.")]
    return pasted, []


def changes(decision_id: int, parsed: csv_io.ParsedImport) -> dict[str, list[str]]:
    """What the import would remove and add, by name."""
    db = get_db()
    old_c = [c["name"] for c in store_items.list_criteria(db, decision_id)]
    old_a = [a["name"] for a in store_items.list_alternatives(db, decision_id)]
    new_c = [c["name"] for c in parsed.criteria]
    new_a = [a["name"] for a in parsed.alternatives]
    return {
        "removed_criteria": [n for n in old_c if n not in new_c],
        "removed_alternatives": [n for n in old_a if n not in new_a],
        "added_criteria": [n for n in new_c if n not in old_c],
        "added_alternatives": [n for n in new_a if n not in old_a],
    }


def imported_message(parsed: csv_io.ParsedImport) -> str:
    return _("Importerat: %(c)d kriterier, %(a)d alternativ och %(s)d bedömningar.",
             c=len(parsed.criteria), a=len(parsed.alternatives), s=len(parsed.scores))
