"""Issue 26 point 2: the archive package. Unpacked, every file's SHA-256 and size match
METS.xml, METS lists exactly the files there are, the report is PDF/A (XMP ``pdfaid``)
with every font embedded and the diarienummer on every page; built after a round is
closed and on demand (audited)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from xml.etree import ElementTree as ET

import pypdf
import pytest

from mcda.store import filing
from mcda.store import users as su
from mcda.web.records import package

from .records_helpers import DNR, closed_round, post_form, unzip
from .results_helpers import open_db

METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def built(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    resp = post_form(client, f"/arkiv/omgang/{rid}/arkivpaket", f"/arkiv/omgang/{rid}")
    assert resp.status_code == 303
    resp = client.get(f"/arkiv/omgang/{rid}/arkivpaket.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    return {**s, "zip": resp.data, "files": unzip(resp.data),
            "disposition": resp.headers["Content-Disposition"]}


def _folder_and_mets(files):
    (mets_name,) = [n for n in files if n.endswith("/METS.xml")]
    folder = mets_name.removesuffix("METS.xml")
    assert all(n.startswith(folder) for n in files)  # one package folder, CSIP
    return folder, ET.fromstring(files[mets_name])  # noqa: S314 - our own output


def test_every_file_is_in_mets_with_its_checksum_size_and_type(built):
    files = built["files"]
    folder, mets = _folder_and_mets(files)
    assert mets.get("PROFILE") == package.CSIP_PROFILE and mets.get("OBJID").startswith("uuid:")
    listed = {}
    for f in mets.iter(f"{METS}file"):
        (loc,) = f.findall(f"{METS}FLocat")
        listed[loc.get(XLINK)] = f
    on_disk = {n.removeprefix(folder) for n in files} - {"METS.xml"}
    assert set(listed) == on_disk
    for path, f in listed.items():
        data = files[folder + path]
        assert f.get("CHECKSUMTYPE") == "SHA-256"
        assert f.get("CHECKSUM") == hashlib.sha256(data).hexdigest()
        assert int(f.get("SIZE")) == len(data)
        assert f.get("MIMETYPE")
    # the CSIP folders, and the file groups named by their use
    assert {p.split("/", 1)[0] for p in on_disk} == {"metadata", "representations", "schemas",
                                                      "documentation"}
    uses = {g.get("USE") for g in mets.iter(f"{METS}fileGrp")}
    assert {"Metadata", "Representations/rep1", "Schemas", "Documentation"} <= uses
    # the structMap points at every file group; the dmdSec at the descriptive metadata
    groups = {g.get("ID") for g in mets.iter(f"{METS}fileGrp")}
    assert {p.get("FILEID") for p in mets.iter(f"{METS}fptr")} == groups
    (ref,) = mets.iter(f"{METS}mdRef")
    dc = files[folder + ref.get(XLINK)]
    assert ref.get("CHECKSUM") == hashlib.sha256(dc).hexdigest()
    assert DNR in dc.decode() and "Skaraborgs kommunalförbund" in dc.decode()
    agents = [a.findtext(f"{METS}name") for a in mets.iter(f"{METS}agent")]
    assert "Skaraborgs kommunalförbund" in agents


def test_data_csv_json_schema_audit_and_readme(built):
    files = built["files"]
    folder, _mets = _folder_and_mets(files)
    data = {n.removeprefix(folder + "representations/rep1/data/"): v for n, v in files.items()
            if "/representations/rep1/data/" in n}
    stem = "vagval-skkf-2026-123-kulturell-infrastruktur-omgang-1-"
    assert {n.removeprefix(stem) for n in data} >= {
        "rapport.pdf", "vikter.csv", "roster.csv", "rangordning.csv", "anmarkningar.csv",
        "analys.json", "handelselogg.csv"}
    for name, body in data.items():
        if name.endswith(".csv"):
            body.decode("utf-8")  # UTF-8
    doc = json.loads(data[stem + "analys.json"])
    assert doc["diarienummer"] == DNR and doc["output"]["weights"]
    schema = json.loads(files[folder + "schemas/analysis-output.schema.json"])
    with open("docs/analysis-output.schema.json", encoding="utf-8") as fh:
        assert schema == json.load(fh)  # the published schema
    log = data[stem + "handelselogg.csv"].decode("utf-8")
    assert "records.public_request" not in log and log.startswith("\ufeffNr;")
    readme = files[folder + "documentation/LASMIG.txt"].decode("utf-8")
    assert "Diarienummer:   " + DNR in readme and "METS.xml" in readme
    assert "kontrollsumma" in readme.lower()
    assert built["disposition"].startswith(
        'attachment; filename="vagval-skkf-2026-123-kulturell-infrastruktur-omgang-1-'
        'arkivpaket.zip"')


def test_report_is_pdfa_with_fonts_embedded_and_the_dnr_on_every_page(built):
    (name,) = [n for n in built["files"] if n.endswith("-rapport.pdf")]
    reader = pypdf.PdfReader(io.BytesIO(built["files"][name]))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="2"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    fonts = 0
    for page in reader.pages:
        text = page.extract_text()
        assert f"Diarienummer {DNR}" in text and "Skaraborgs kommunalförbund" in text
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                fd = desc.get_object()["/FontDescriptor"].get_object()
                assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), fd
                fonts += 1
    assert fonts and len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "Rapport: Kulturell infrastruktur, omgång 1" in first
    assert "Bilaga" in "".join(p.extract_text() for p in reader.pages)  # the appendix too


def test_building_is_audited_and_kept(built, app):
    db = open_db(app)
    try:
        kept = filing.archive_package(db, built["round_id"], with_data=True)
        log = db.execute("SELECT detail FROM audit_log WHERE action = 'archive.build'"
                         ).fetchall()
    finally:
        db.conn.close()
    assert kept["trigger"] == "demand" and kept["data"] == built["zip"]
    assert kept["sha256"] == hashlib.sha256(built["zip"]).hexdigest()
    assert [json.loads(r[0])["sha256"] for r in log] == [kept["sha256"]]


def test_closing_a_round_builds_the_package_after_the_response(app, client):
    s = closed_round(app, client)
    db = open_db(app)
    try:  # open it again, close it through the facilitator's button
        db.execute("UPDATE rounds SET state = 'open' WHERE id = ?", [s["round_id"]])
        db.conn.commit()
    finally:
        db.conn.close()
    rid = s["round_id"]
    page = f"/processledare/omgang/{rid}"
    resp = post_form(client, f"/processledare/omgang/{rid}/stang", page)
    assert resp.status_code == 303
    resp.close()  # a WSGI server closes the response once sent: the build runs then
    db = open_db(app)
    try:
        kept = filing.archive_package(db, rid)
    finally:
        db.conn.close()
    assert kept is not None and kept["trigger"] == "close"
    doc = client.get(f"/arkiv/omgang/{rid}").data.decode()
    assert kept["sha256"] in doc and "när omgången stängdes" in doc


def test_package_zip_is_the_same_for_the_same_input():
    from datetime import UTC, datetime

    info = package.PackageInfo("uuid:x", "T", "M", "Vägval", datetime(2026, 1, 2, tzinfo=UTC))
    files = [package.PackageFile("representations/rep1/data/a.csv", b"a;b\r\n", "text/csv")]
    assert package.build_zip(info, files) == package.build_zip(info, files)


def test_secretariat_may_build_and_download_a_stranger_may_not(app, client):
    s = closed_round(app, client, role="secretariat")
    rid = s["round_id"]
    assert client.get(f"/arkiv/omgang/{rid}").status_code == 200
    db = open_db(app)
    try:
        uid = su.create_user(db, "annan@example.se", "korrekt häst batteri", "facilitator")
        sid = su.create_session(db, uid)
    finally:
        db.conn.close()
    with client.session_transaction() as sess:
        sess["sid"] = sid
    assert client.get(f"/arkiv/omgang/{rid}").status_code == 404
    assert client.get(f"/arkiv/omgang/{rid}/arkivpaket.zip").status_code == 404


def test_build_needs_csrf(app, client):
    s = closed_round(app, client)
    assert client.post(f"/arkiv/omgang/{s['round_id']}/arkivpaket").status_code == 400


def test_pdf_svgs_get_their_shapes_patterns_and_colours():
    """WeasyPrint renders each inline SVG alone: the shapes a map <use>s and the patterns
    it fills with are copied into it, with the stylesheet's fill/stroke rules."""
    from mcda.web.records.pdf import with_svg_styles

    html = ('<svg class="map-defs"><defs><path id="m-geo-1" d="M0 0"/>'
            '<pattern id="m-hatch"><rect/></pattern><path id="m-geo-2" d="M1 1"/></defs></svg>'
            '<svg class="map-svg"><use href="#m-geo-1" class="map-area" fill="url(#m-hatch)"/>'
            '</svg><svg class="chart-svg"><rect class="bar-main"/></svg>')
    out = with_svg_styles(html, ".bar-main { fill: #0b5394; }")
    _defs, map_svg, chart = out.split("</svg>")[:3]
    assert '<path id="m-geo-1" d="M0 0"/>' in map_svg and "m-hatch" in map_svg
    assert "m-geo-2" not in map_svg and "<defs>" not in chart
    assert map_svg.count(".bar-main { fill: #0b5394; }") == 1 and "fill: #0b5394" in chart
    assert "stroke: none" in map_svg  # no white halo over the labels in the PDF


def test_without_weasyprint_the_app_runs_and_says_what_is_missing(app, client, monkeypatch):
    """WeasyPrint is imported lazily: without it (or Pango) only the package fails, with a
    Swedish message naming what to install; nothing is kept."""
    import sys

    s = closed_round(app, client)
    rid = s["round_id"]
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    resp = post_form(client, f"/arkiv/omgang/{rid}/arkivpaket", f"/arkiv/omgang/{rid}")
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).data.decode()
    assert "saknar programmet som gör PDF/A (WeasyPrint och Pango)" in page
    assert client.get(f"/arkiv/omgang/{rid}/arkivpaket.zip").status_code == 404


def test_closing_builds_nothing_when_turned_off(app, client):
    app.config["ARCHIVE_ON_CLOSE"] = False
    s = closed_round(app, client)
    rid = s["round_id"]
    db = open_db(app)
    try:
        db.execute("UPDATE rounds SET state = 'open' WHERE id = ?", [rid])
        db.conn.commit()
    finally:
        db.conn.close()
    resp = post_form(client, f"/processledare/omgang/{rid}/stang", f"/processledare/omgang/{rid}")
    resp.close()
    assert client.get(f"/arkiv/omgang/{rid}/arkivpaket.zip").status_code == 404


def test_a_round_with_per_phase_weights_has_a_report_and_data_per_phase(app, client):
    from mcda.store import rounds as sr

    from .results_helpers import login_as, phase_scenario

    uid = login_as(app, client, "facilitator")
    s = phase_scenario(app, uid)
    db = open_db(app)
    try:
        sr.close_round(db, s["round_id"])
    finally:
        db.conn.close()
    rid = s["round_id"]
    post_form(client, f"/arkiv/omgang/{rid}/arkivpaket", f"/arkiv/omgang/{rid}")
    names = [n.rsplit("/", 1)[1] for n in
             unzip(client.get(f"/arkiv/omgang/{rid}/arkivpaket.zip").data)]
    for n in (1, 2):
        assert f"vagval-kulturell-infrastruktur-omgang-1-etapp-{n}-rapport.pdf" in names
        assert f"vagval-kulturell-infrastruktur-omgang-1-etapp-{n}-analys.json" in names


def test_archiving_the_decision_builds_the_package_of_each_round_it_closes(app, client):
    """Archiving a whole decision closes its open rounds: each gets its package, after the
    response, as from the close button (before, no signal was sent and none was built)."""
    s = closed_round(app, client)
    rid = s["round_id"]
    db = open_db(app)
    try:
        db.execute("UPDATE rounds SET state = 'open' WHERE id = ?", [rid])
        db.conn.commit()
    finally:
        db.conn.close()
    did = s["decision_id"]
    resp = post_form(client, f"/processledare/{did}/arkivera", f"/processledare/{did}")
    assert resp.status_code == 303
    db = open_db(app)
    try:
        assert db.execute("SELECT state FROM rounds WHERE id = ?", [rid]).fetchone()[0] == "closed"
        assert filing.archive_package(db, rid) is None  # not while answering
    finally:
        db.conn.close()
    resp.close()  # a WSGI server closes the response once sent: the build runs then
    db = open_db(app)
    try:
        kept = filing.archive_package(db, rid)
    finally:
        db.conn.close()
    assert kept is not None and kept["trigger"] == "close"
