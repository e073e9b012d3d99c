"""Issue 23 item 7, guided set-up: the CSV import carries each alternative's host
municipality, cost and earliest phase (errors in Swedish, by row and column), and a
template can be downloaded from the import page."""

from __future__ import annotations

import csv
import io

from mcda.store import csv_io
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from tests.helpers import parse_html

from .test_csv_import import _upload, messages
from .test_facilitate import _db, decision_fixture, post  # noqa: F401 - the "decision" fixture

GOOD = (
    "alternativ;Räckvidd;värdkommun;Driftkostnad;Kostnad (mnkr);tidigaste etapp\n"
    "riktning;nytta;;kostnad;;\n"
    "Kulturhus Skövde;4;Skövde;12,5;120;1\n"
    "Bibliotek Hjo;3;hjo;2;35,5;2\n"
    "Scen Vara;5;;3;;\n"
)


def test_detail_columns_are_not_criteria():
    parsed = csv_io.parse_csv(GOOD)
    assert parsed.ok, messages(parsed)
    assert [c["name"] for c in parsed.criteria] == ["Räckvidd", "Driftkostnad"]
    assert parsed.details == ("cost", "earliest_phase", "municipality")
    a1, a2, a3 = parsed.alternatives
    assert (a1["municipality"], a1["cost"], a1["earliest_phase"]) == ("Skövde", 120.0, 1)
    assert (a2["municipality"], a2["cost"], a2["earliest_phase"]) == ("Hjo", 35.5, 2)
    assert (a3["municipality"], a3["cost"], a3["earliest_phase"]) == (None, None, None)
    assert parsed.scores[("Bibliotek Hjo", "Driftkostnad")] == 2.0


def test_detail_errors_name_row_and_column_in_swedish():
    text = (
        "alternativ;Räckvidd;Driftkostnad;värdkommun;kostnad (mnkr);tidigaste etapp\n"
        "riktning;nytta;kostnad;;;\n"
        "Kulturhus Skövde;4;1;Göteborg;-3;0\n"
        "Bibliotek Hjo;3;2;Hjo;mycket;andra\n"
    )
    assert messages(csv_io.parse_csv(text)) == [
        "3/4/värdkommun: 'Göteborg' är ingen av Skaraborgs 15 kommuner",
        "3/5/kostnad (mnkr): kostnaden '-3' kan inte vara negativ",
        "3/6/tidigaste etapp: '0' ska vara ett heltal från 1 (etappens nummer)",
        "4/5/kostnad (mnkr): 'mycket' är inget belopp i miljoner kronor",
        "4/6/tidigaste etapp: 'andra' ska vara ett heltal från 1 (etappens nummer)",
    ]


def test_a_detail_column_given_twice_is_an_error():
    text = ("alternativ;A;B;kommun;värdkommun\nriktning;nytta;nytta;;\n"
            "x;1;2;Hjo;Hjo\ny;1;2;Vara;Vara\n")
    assert messages(csv_io.parse_csv(text)) == [
        "1/5/värdkommun: kolumnen finns redan (en kolumn för värdkommun räcker)"]


def test_upload_preview_and_import_store_the_details(client, decision, app):
    did = decision["id"]
    resp = _upload(client, did, GOOD.encode())
    assert resp.status_code == 200
    doc = parse_html(resp.data)
    table = doc.find("div", aria_labelledby="preview-details-h").find("table")
    cells = [[c.text() for c in tr.elements()] for tr in table.find("tbody").find_all("tr")]
    assert cells[1] == ["Bibliotek Hjo", "Hjo", "35,5", "2"]
    payload = doc.find("input", name="payload").get("value")
    assert post(client, f"/processledare/{did}/importera/bekrafta",
                {"payload": payload}).status_code == 303
    db = _db(app)
    munis = {m["id"]: m["name"] for m in store_munis.list_municipalities(db)}
    alts = {a["name"]: a for a in store_items.list_alternatives(db, did)}
    db.conn.close()
    assert munis[alts["Kulturhus Skövde"]["municipality_id"]] == "Skövde"
    assert (alts["Bibliotek Hjo"]["cost"], alts["Bibliotek Hjo"]["earliest_phase"]) == (35.5, 2)
    # the file's empty cells say "unknown": Kulturhus Skövde's stored cost 120 came from the file
    assert alts["Scen Vara"]["cost"] is None and alts["Scen Vara"]["municipality_id"] is None


def test_a_file_without_detail_columns_keeps_the_stored_details(client, decision, app):
    did = decision["id"]
    text = "alternativ;Räckvidd;Driftkostnad\nriktning;nytta;kostnad\nKulturhus Skövde;1;2\nB;3;4\n"
    payload = parse_html(_upload(client, did, text.encode()).data).find(
        "input", name="payload").get("value")
    post(client, f"/processledare/{did}/importera/bekrafta", {"payload": payload})
    db = _db(app)
    alts = {a["name"]: a for a in store_items.list_alternatives(db, did)}
    db.conn.close()
    assert alts["Kulturhus Skövde"]["cost"] == 120.0  # from the fixture, kept


def test_template_download_is_a_real_csv_the_import_reads(client, decision):
    did = decision["id"]
    doc = parse_html(client.get(f"/processledare/{did}/importera").data)
    link = next(a for a in doc.find_all("a") if a.text() == "Ladda ner en mall (CSV)")
    resp = client.get(link.get("href"))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "alternativ" and rows[0][-3:] == ["värdkommun", "kostnad (mnkr)",
                                                          "tidigaste etapp"]
    examples = [r for r in rows if r[0] not in ("alternativ", "riktning", "beskrivning")]
    assert len(examples) == 1
    # one more row and the template imports as it is
    parsed = csv_io.parse_csv(text + "Bibliotek Hjo;30000;2;Hjo;35;2\r\n")
    assert parsed.ok, messages(parsed)
    assert parsed.alternatives[0]["municipality"] == "Skövde"


PLACED = (
    "alternativ;Räckvidd;värdkommun;Driftkostnad;latitud;longitud\n"
    "riktning;nytta;;kostnad;;\n"
    "Kulturhus Skövde;4;Skövde;12,5;58,39;13,85\n"
    "Bibliotek Hjo;3;Hjo;2;;\n"
)


def test_csv_carries_locations_checked_at_the_preview(client, decision, app):
    """Issue 28: latitud/longitud columns (WGS 84) set the alternatives' points; a point in
    another municipality than the row's värdkommun is refused at the preview, by name."""
    from mcda.store import places as store_places

    did = decision["id"]
    bad = PLACED.replace("58,39;13,85", "58,39;13,44")
    resp = _upload(client, did, bad.encode())
    assert resp.status_code == 422
    assert ("Kulturhus Skövde: Punkten ligger i Skara, men alternativets värdkommun är "
            "Skövde.") in resp.get_data(as_text=True).replace("&#34;", '"')
    doc = parse_html(_upload(client, did, PLACED.encode()).data)
    payload = doc.find("input", name="payload").get("value")
    assert post(client, f"/processledare/{did}/importera/bekrafta",
                {"payload": payload}).status_code == 303
    db = _db(app)
    alts = {a["name"]: a["id"] for a in store_items.list_alternatives(db, did)}
    assert store_places.get_place(db, alts["Kulturhus Skövde"])["lat"] == 58.39
    assert store_places.get_place(db, alts["Bibliotek Hjo"]) is None
    db.conn.close()
