"""What goes into a round's archive package, and building it: the report rendered by the
results blueprint's own report view (the same brief and appendix as the printed page) as
PDF/A, the round's export files, the analysis JSON with its schemas, the audit log, the
descriptive metadata and a README. The feature's store access lives here.

The report is rendered through the app's registered view (``results.report``) under a
request for its own URL, so this feature imports no other feature and writes no second
report.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from flask import current_app, g, render_template
from flask_babel import force_locale

from mcda import __version__
from mcda.core.contract.validate import json_schemas
from mcda.store import filing
from mcda.store import users as store_users
from mcda.web.exports import build as export_build
from mcda.web.exports.cells import csv_rows, file_name
from mcda.web.kit.db import get_db
from mcda.web.kit.scope import decision_phases, published_reasons, round_scope
from mcda.web.present.analysis_view import scope_view
from mcda.web.records import pdf
from mcda.web.records.package import (
    PackageFile,
    PackageInfo,
    build_zip,
    package_id,
    sha256_hex,
)

DATA = "representations/rep1/data/"
CSV_KINDS = ("roster.csv", "vikter.csv", "motiveringar.csv", "rangordning.csv",
             "etapper.csv", "anmarkningar.csv")
CSV_MIME = "text/csv; charset=utf-8"


def authority() -> str:
    return str(current_app.config.get("RECORDS_AUTHORITY") or "Skaraborgs kommunalförbund")


def static_dir() -> Path:
    return Path(str(current_app.static_folder))


def header_css(rnd: dict[str, Any]) -> str:
    """The report's running header: the authority and the diarienummer on every page."""
    from flask_babel import gettext as _

    dnr = rnd.get("decision_diarienummer") or ""
    right = _("Diarienummer %(dnr)s", dnr=dnr) if dnr else rnd["decision_title"]
    return pdf.running_header_css(authority(), right)


def report_html(rnd: dict[str, Any], phase: dict[str, Any] | None) -> str:
    """The printed report, from the results blueprint's report view under its own URL."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user = g.get("user")
    query = f"?etapp={phase['id']}" if phase else ""
    with app.test_request_context(f"/resultat/{rnd['id']}/rapport{query}",
                                  base_url=pdf.BASE_URL.rstrip("/")):
        g.user = user
        return str(app.view_functions["results.report"](round_id=rnd["id"]))


def report_pdf(rnd: dict[str, Any], phase: dict[str, Any] | None = None) -> bytes:
    """The report as PDF/A-2b, the running header included (served to the renderer at the
    URL the page links, so the PDF and the browser print the same header)."""
    from flask import url_for

    html = report_html(rnd, phase)
    with current_app.test_request_context("/", base_url=pdf.BASE_URL.rstrip("/")):
        header_url = url_for("records.running_header", round_id=rnd["id"])
    extra = {header_url.split("?")[0]: (header_css(rnd).encode(), "text/css")}
    return pdf.html_to_pdfa(html, static_dir(), title=rnd["decision_title"], extra=extra)


def _phases(rnd: dict[str, Any]) -> list[dict[str, Any] | None]:
    phases = decision_phases(rnd["decision_id"]) if rnd.get("phase_weights") else []
    return list(phases) or [None]


def export_files(rnd: dict[str, Any], phase: dict[str, Any] | None) -> list[PackageFile]:
    """The round's CSV files and analysis JSON, exactly as the export buttons give them
    (default options; one set per phase for a round with per-phase weights)."""
    scope = round_scope(rnd, {}, phase) if phase else round_scope(rnd, {})
    view = scope_view(scope)
    view["reasons"] = published_reasons(rnd, scope.counts)
    out = []
    for kind in (*CSV_KINDS, "analys.json"):
        body, mime, name = export_build.build(kind, rnd, scope.analysis, view, scope.error)
        out.append(PackageFile(DATA + name, body,
                               CSV_MIME if mime == "text/csv" else mime))
    return out


def audit_csv(rnd: dict[str, Any]) -> bytes:
    """The round's and its decision's audit log entries (the records as held)."""
    from flask_babel import gettext as _

    rows = filing.audit_rows(get_db(), rnd["id"], rnd["decision_id"])
    table: list[list[Any]] = [[_("Nr"), _("Tid (UTC)"), _("Händelse"), _("Gäller"),
                               _("Användare (nr)"), _("Användarens roll"), _("Detaljer")]]
    table += [[r["id"], r["created_at"], r["action"], r["target"], r["user_id"],
               r["user_role"] or "", r["detail"]] for r in rows]
    return ("\ufeff" + csv_rows(table)).encode("utf-8")


def dublin_core(rnd: dict[str, Any], decision: dict[str, Any], created: datetime) -> bytes:
    """The descriptive metadata (simple Dublin Core): title, identifier (diarienummer),
    creator (the authority), dates, description, language."""
    dc = "http://purl.org/dc/elements/1.1/"
    ET.register_namespace("dc", dc)
    root = ET.Element("metadata")
    values = [
        ("title", f"{rnd['decision_title']}, omgång {rnd['number']}"),
        ("identifier", rnd.get("decision_diarienummer") or ""),
        ("creator", authority()),
        ("publisher", authority()),
        ("date", (decision.get("created_at") or "")[:10]),
        ("date", (rnd.get("opened_at") or "")[:10]),
        ("date", (rnd.get("closed_at") or "")[:10]),
        ("date", created.strftime("%Y-%m-%d")),
        ("description", decision.get("description") or ""),
        ("type", "Dataset"), ("type", "Text"),
        ("format", "application/pdf; text/csv; application/json"),
        ("language", "sv"),
    ]
    for tag, text in values:
        if text:
            ET.SubElement(root, f"{{{dc}}}{tag}").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def readme(rnd: dict[str, Any], files: list[PackageFile], created: datetime) -> bytes:
    """The package's README in Swedish (always Swedish: the archive's language)."""
    text = render_template("records/readme.txt", rnd=rnd, authority=authority(),
                           files=[f.path for f in files], created=created,
                           dnr=rnd.get("decision_diarienummer") or "")
    return text.replace("\n", "\r\n").encode("utf-8")


def package_files(rnd: dict[str, Any], decision: dict[str, Any], created: datetime
                  ) -> list[PackageFile]:
    """Every file of the package but METS.xml, in package order."""
    with force_locale("sv"):
        files = [PackageFile("metadata/descriptive/dc.xml", dublin_core(rnd, decision, created),
                             "application/xml")]
        for phase in _phases(rnd):
            files.append(PackageFile(f"{DATA}{file_name(rnd, 'rapport', 'pdf', phase)}",
                                     report_pdf(rnd, phase), "application/pdf"))
            files += export_files(rnd, phase)
        files.append(PackageFile(DATA + file_name(rnd, "handelselogg", "csv"), audit_csv(rnd),
                                 CSV_MIME))
        files += [PackageFile(f"schemas/{name}",
                              json.dumps(schema, ensure_ascii=False, indent=2).encode("utf-8"),
                              "application/schema+json")
                  for name, schema in json_schemas().items()]
        files.append(PackageFile("documentation/LASMIG.txt", readme(rnd, files, created),
                                 "text/plain; charset=utf-8"))
    return files


def build_package(rnd: dict[str, Any], decision: dict[str, Any], *, trigger: str,
                  user_id: int | None) -> dict[str, Any]:
    """Build the round's archive package, keep it (replacing an older one) and log it."""
    created = datetime.now(UTC).replace(microsecond=0)
    files = package_files(rnd, decision, created)
    pid = package_id(f"vagval:round:{rnd['id']}:{created.isoformat()}")
    label = rnd["decision_title"] + (f" ({rnd['decision_diarienummer']})"
                                     if rnd.get("decision_diarienummer") else "")
    data = build_zip(PackageInfo(pid, label, authority(), f"Vägval {__version__}", created),
                     files)
    name = file_name(rnd, "arkivpaket", "zip")
    digest = sha256_hex(data)
    db = get_db()
    filing.save_archive_package(db, rnd["id"], trigger=trigger, file_name=name, data=data,
                                sha256=digest)
    store_users.audit(db, user_id, "archive.build", f"round:{rnd['id']}", trigger=trigger,
                      sha256=digest, size=len(data), files=len(files) + 1, package=pid)
    return {"file_name": name, "sha256": digest, "size": len(data)}
