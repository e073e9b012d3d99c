"""Issue 26 point 1: a decision's diarienummer, set on the set-up form (validated, a Swedish
message), is in the report's header on every printed page, in every export file and in
the export file names."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from mcda.store import decisions as sd
from mcda.store import filing
from mcda.store.errors import StoreError
from tests.helpers import parse_html

from .records_helpers import DNR, closed_round
from .results_helpers import open_db
from .test_facilitate import post


def _decision(app, did):
    db = open_db(app)
    try:
        return sd.get_decision(db, did)
    finally:
        db.conn.close()


def test_set_up_form_stores_a_diarienummer(client, app, facilitator):
    resp = post(client, "/processledare/ny", {"title": "Ny fråga", "model": "value",
                                              "diarienummer": "  SKKF  2026/123 "})
    assert resp.status_code == 303
    did = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert _decision(app, did)["diarienummer"] == "SKKF 2026/123"
    doc = parse_html(client.get(f"/processledare/{did}/redigera").data)
    assert doc.find("input", id="diarienummer").get("value") == "SKKF 2026/123"


@pytest.mark.parametrize("value, words", [
    ("SKKF 2026/123<script>", "bara innehålla bokstäver, siffror"),
    ("X" * 41, "högst 40 tecken"),
    ("--//--", "en bokstav eller en siffra"),
])
def test_set_up_form_refuses_a_bad_diarienummer_in_swedish(client, app, facilitator, value,
                                                           words):
    resp = post(client, "/processledare/ny", {"title": "Ny fråga", "model": "value",
                                              "diarienummer": value})
    assert resp.status_code == 422
    err = parse_html(resp.data).find(id="diarienummer-error")
    assert err is not None and words in err.text()


def test_store_refuses_what_the_form_refuses():
    assert filing.clean_diarienummer(" KS 2026-00123 ") == "KS 2026-00123"
    assert filing.clean_diarienummer(None) == ""
    for bad in ("a;b", 'a"b', "a\nb\x00", 12):
        with pytest.raises(StoreError):
            filing.clean_diarienummer(bad)


def test_every_export_carries_the_diarienummer(app, client):
    s = closed_round(app, client)
    base = f"/resultat/{s['round_id']}/export/"
    stem = "vagval-skkf-2026-123-kulturell-infrastruktur-omgang-1-"
    for kind in ("roster.csv", "vikter.csv", "anmarkningar.csv", "arbetsbok.xlsx",
                 "analys.json"):
        resp = client.get(base + kind)
        assert resp.status_code == 200
        assert f'filename="{stem}' in resp.headers["Content-Disposition"], kind
    notes = client.get(base + "anmarkningar.csv").data.decode("utf-8-sig").splitlines()
    assert notes[1] == f"Diarienummer;{DNR} (Skaraborgs kommunalförbund)"
    doc = json.loads(client.get(base + "analys.json").data)
    assert doc["diarienummer"] == DNR
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "arbetsbok.xlsx").data))
    meta = book["Metadata"]
    rows = {r[0]: r[1] for r in meta.iter_rows(min_row=2, values_only=True)}
    assert rows["Diarienummer"] == DNR and rows["Myndighet"] == "Skaraborgs kommunalförbund"
    assert rows["Beslutsfråga"] == "Kulturell infrastruktur"


def test_report_prints_the_diarienummer_on_every_page(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    doc = parse_html(client.get(f"/resultat/{rid}/rapport").data)
    assert doc.find(id="report-dnr").text().startswith(DNR)
    links = [link.get("href") for link in doc.find_all("link", rel="stylesheet")]
    header = [h for h in links if h.startswith(f"/arkiv/omgang/{rid}/sidhuvud.css")]
    assert header
    css = client.get(header[0])
    assert css.mimetype == "text/css"
    text = css.data.decode()
    assert "@page" in text and "@top-right" in text and "@top-left" in text
    assert "Diarienummer SKKF 2026/123" in text and "Skaraborgs kommunalf" in text


def test_css_string_escapes_quotes_and_backslashes():
    from mcda.web.records.pdf import css_string

    assert css_string('a"b\\c}') == '"a\\000022b\\00005cc\\00007d"'


def test_scenario_comparison_exports_carry_it(app, client):
    """The scenario comparison (CSV ZIP and workbook) of a decision with a diarienummer: the
    notes' first line, a Metadata sheet and the file names."""
    import csv
    import zipfile

    from mcda.store import demo

    from .results_helpers import login_as

    uid = login_as(app, client, "facilitator")
    db = open_db(app)
    try:
        did = demo.load_demo(db, owner_id=uid)[0]
        filing.set_diarienummer(db, did, DNR)
        ids = [r[0] for r in db.execute(
            "SELECT id FROM scenarios WHERE decision_id = ? ORDER BY position", [did])][:2]
    finally:
        db.conn.close()
    query = "&".join(f"s={i}" for i in ids)
    c = client.get(f"/etapper/{did}/scenarier/jamfor?{query}&format=csv")
    assert 'filename="skkf-2026-123-' in c.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(c.data)) as z:
        (notes,) = [n for n in z.namelist() if n.endswith("anmarkningar.csv")]
        rows = list(csv.reader(io.StringIO(z.read(notes).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Diarienummer", f"{DNR} (Skaraborgs kommunalförbund)"]
    x = client.get(f"/etapper/{did}/scenarier/jamfor?{query}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(x.data))
    assert book.sheetnames[-1] == "Metadata" and book["Metadata"]["B3"].value == DNR


@pytest.mark.parametrize("dnr", [DNR, ""])
def test_kept_record_carries_the_diarienummer_only_when_set(app, client, dnr):
    """The aggregated record kept after the votes are deleted (``underlag.json``) is filed
    under the decision's diarienummer like every other export; none, no field."""
    from mcda.store import records

    s = closed_round(app, client, dnr=dnr)
    db = open_db(app)
    try:
        assert records.delete_votes_keep_record(db, s["round_id"]) > 0
    finally:
        db.conn.close()
    body = json.loads(client.get(f"/resultat/{s['round_id']}/underlag.json").data)
    assert body["votes_deleted"] > 0 and "output" in body["record"]
    if dnr:
        assert body["diarienummer"] == DNR
    else:
        assert "diarienummer" not in body
