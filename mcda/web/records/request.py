"""A request for public documents (begäran om allmän handling, TF 2 kap.): the round's
records *as they are held*, in one ZIP for the authority's secrecy review: every vote
revision (time, municipality, role, method, values), every reason with hidden ones marked,
participation counts, the audit log, and a one-page checklist in Swedish.

Producing it publishes nothing: it only reads, and writes one audit entry. What is handed
out after the review is the authority's decision, not the app's.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from mcda.store import filing
from mcda.store import items as store_items
from mcda.web.exports.cells import csv_rows, file_name
from mcda.web.kit.db import get_db
from mcda.web.present.labels import METHOD_LABELS, ROLES
from mcda.web.records import content, pdf


def _csv(rows: list[list[Any]]) -> bytes:
    return ("\ufeff" + csv_rows(rows)).encode("utf-8")


def votes_csv(votes: list[dict[str, Any]], criteria: list[dict[str, Any]]) -> bytes:
    """One row per vote revision, the weights per criterion and the values as entered."""
    head = [_("Viktning (nr)"), _("Tid (UTC)"), _("Deltagare (löpnummer i omgången)"),
            _("Revision"), _("Kommun"), _("Roll"), _("Metod"), _("Etapp")]
    head += [c["name"] for c in criteria]
    head += [_("Konsistenskvot (parvis)"), _("Inmatade värden (JSON)")]
    rows = [[v["vote_id"], v["created_at"], v["participant"], v["revision"], v["municipality"],
             str(ROLES.get(v["role"], v["role"] or "")), str(METHOD_LABELS.get(v["method"],
                                                                           v["method"])),
             v["phase"] or "", *[v["weights"].get(c["id"]) for c in criteria],
             v["consistency_ratio"], json.dumps(v["payload"], ensure_ascii=False)]
            for v in votes]
    return _csv([head, *rows])


def reasons_csv(reasons: list[dict[str, Any]]) -> bytes:
    head = [_("Viktning (nr)"), _("Tid (UTC)"), _("Kommun"), _("Roll"), _("Motivering"),
            _("Dold av processledaren")]
    rows = [[r["vote_id"], r["created_at"], r["municipality"],
             str(ROLES.get(r["role"], r["role"] or "")), r["text"],
             _("ja, dold") if r["hidden"] else _("nej")] for r in reasons]
    return _csv([head, *rows])


def participation_csv(rows: list[dict[str, Any]]) -> bytes:
    head = [_("Kommun"), _("Anslutna deltagare"), _("Deltagare som viktat"),
            _("Antal viktningar (alla revisioner)")]
    return _csv([head, *[[r["municipality"], r["joined"], r["voted"], r["revisions"]]
                         for r in rows]])


def checklist_html(rnd: dict[str, Any], counts: dict[str, int], standalone: bool) -> str:
    return render_template("records/checklist.html", rnd=rnd, counts=counts,
                           authority=content.authority(), standalone=standalone,
                           created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"))


def request_counts(round_id: int) -> dict[str, int]:
    db = get_db()
    votes = filing.vote_rows(db, round_id)
    reasons = filing.reason_rows(db, round_id)
    return {"revisions": len(votes), "participants": len({v["participant"] for v in votes}),
            "reasons": len(reasons), "hidden": sum(r["hidden"] for r in reasons)}


def request_zip(rnd: dict[str, Any]) -> tuple[bytes, str, dict[str, int]]:
    """(ZIP, file name, counts) of the round's records as held, Swedish file contents."""
    db = get_db()
    with force_locale("sv"):
        votes = filing.vote_rows(db, rnd["id"])
        reasons = filing.reason_rows(db, rnd["id"])
        criteria = store_items.list_criteria(db, rnd["decision_id"])
        counts = {"revisions": len(votes), "participants": len({v["participant"] for v in votes}),
                  "reasons": len(reasons), "hidden": sum(r["hidden"] for r in reasons)}
        files: list[tuple[str, bytes]] = [
            ("viktningar.csv", votes_csv(votes, criteria)),
            ("motiveringar.csv", reasons_csv(reasons)),
            ("deltagande.csv", participation_csv(filing.participation_rows(db, rnd["id"]))),
            ("handelselogg.csv", content.audit_csv(rnd)),
        ]
        html = checklist_html(rnd, counts, standalone=True)
        files.append(("checklista-sekretessprovning.html", html.encode("utf-8")))
        with contextlib.suppress(pdf.PdfUnavailable):  # the HTML checklist is there anyway
            files.append(("checklista-sekretessprovning.pdf",
                          pdf.html_to_pdfa(html, content.static_dir(),
                                           title=_("Checklista för sekretessprövning"))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buf.getvalue(), file_name(rnd, "begaran-allman-handling", "zip"), counts
