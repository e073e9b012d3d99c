"""Importing a decision from CSV: the upload read and checked, the preview's changes, and the
parser's issues in words (row, column, message)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import Any

from flask_babel import gettext as _
from sqlite_utils import Database

from mcda.store import csv_io
from mcda.store import items as store_items
from mcda.store import places as store_places
from mcda.store import reach as store_reach
from mcda.store.errors import StoreError
from mcda.web.kit import places as kit_places
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text


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


def skip_computed(decision_id: int, parsed: csv_io.ParsedImport
                  ) -> tuple[csv_io.ParsedImport, list[str]]:
    """The parse without the file's scores for a computed criterion (Räckvidd), and a message
    naming each one skipped: Vägval recomputes those cells right after the import, so a value
    from the file would be overwritten silently."""
    db = get_db()
    computed = store_reach.computed(db, decision_id)
    names = {" ".join(c["name"].split()) for c in store_items.list_criteria(db, decision_id)
             if c["id"] in computed}
    skipped = [c["name"] for c in parsed.criteria if c["name"] in names
               and any(" ".join(k[1].split()) == c["name"] for k in parsed.scores)]
    if not skipped:
        return parsed, []
    scores = {k: v for k, v in parsed.scores.items() if " ".join(k[1].split()) not in names}
    return dataclasses.replace(parsed, scores=scores), [
        _("”%(criterion)s” beräknas av Vägval: filens värden i den kolumnen används inte, utan "
          "räknas fram från investeringarnas lägen (se Platser).", criterion=name)
        for name in skipped]


def _has_places(parsed: csv_io.ParsedImport) -> bool:
    return "lat" in parsed.details or "lon" in parsed.details


def place_errors(decision_id: int, parsed: csv_io.ParsedImport) -> list[str]:
    """The file's points checked at the preview: both coordinates, inside Skaraborg and in
    the alternative's host (the file's ``värdkommun``, else the stored one), by name."""
    if not _has_places(parsed):
        return []
    db = get_db()
    hosts = {a["name"].casefold(): a["municipality"]
             for a in store_items.list_alternatives(db, decision_id)}
    errors = []
    for a in parsed.alternatives:
        lat, lon = a.get("lat"), a.get("lon")
        if lat is None and lon is None:
            continue
        if lat is None or lon is None:
            errors.append(_("%(name)s: ange både latitud och longitud, eller ingen.",
                            name=a["name"]))
            continue
        host = (a.get("municipality") if "municipality" in parsed.details
                else hosts.get(a["name"].casefold()))
        try:
            store_places.locate(db, lon, lat, host)
        except StoreError as exc:
            errors.append(_("%(name)s: %(error)s", name=a["name"], error=error_text(exc)))
    return errors


def apply_places(db: Database, decision_id: int, parsed: csv_io.ParsedImport) -> None:
    """After the import (same transaction): the file's points, when it has the columns
    (an empty pair clears a point; the kind is kept), then the computed scores."""
    if _has_places(parsed):
        kinds = {aid: p["kind"] for aid, p in store_places.get_places(db, decision_id).items()}
        ids = {a["name"].casefold(): a["id"]
               for a in store_items.list_alternatives(db, decision_id)}
        store_places.set_places_by_name(db, decision_id, {
            a["name"]: (a.get("lon"), a.get("lat"),
                        kinds.get(ids.get(a["name"].casefold())))
            for a in parsed.alternatives})
    kit_places.recompute(db, decision_id)
