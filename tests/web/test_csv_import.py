"""CSV import: parsing (every error by row and column), preview, confirm, all-or-nothing."""

from __future__ import annotations

import html as htmllib
import io
from pathlib import Path

import pytest

from mcda.store import csv_io
from mcda.store import decision_import as store_import
from mcda.store import errors as store_errors
from mcda.store import items as store_items
from mcda.store.csv_io import NumberError, parse_number
from tests.helpers import parse_html

from .test_facilitate import (
    _db,
    decision_fixture,  # noqa: F401 - the "decision" fixture
    post,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def messages(parsed) -> list[str]:
    out = []
    for i in parsed.errors:
        msg = i.msgid % i.params if i.params else i.msgid
        out.append(f"{i.row}/{i.col}/{i.column_name}: {msg}")
    return out


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        (" 12 ", 12.0),
        ("−2", -2.0),
        ("1 000", 1000.0),
        ("1\u00a0000,25", 1000.25),
        ("+4", 4.0),
        (".5", 0.5),
        ("-0", 0.0),
        ("2e3", 2000.0),
    ],
)
def test_parse_number_accepts(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "1,2,3",
        "1.000,5",
        "1e400",
        "0x10",
        "3 ,5",
        "١٢",
        "1_000",
    ],
)
def test_parse_number_refuses(text):
    with pytest.raises(NumberError):
        parse_number(text)


def test_parse_number_minimum():
    with pytest.raises(NumberError, match="mindre än 0"):
        parse_number("-1", minimum=0)


def test_good_semicolon_file_with_bom_and_descriptions():
    parsed = csv_io.parse_csv(csv_io.decode_csv(read("import_good_semicolon.csv")))
    assert parsed.ok, messages(parsed)
    assert parsed.delimiter == ";"
    assert [(c["name"], c["direction"]) for c in parsed.criteria] == [
        ("Räckvidd", "benefit"),
        ("Barn och unga", "benefit"),
        ("Driftkostnad", "cost"),
    ]
    assert parsed.criteria[2]["description"] == "Miljoner kronor per år"
    assert [a["name"] for a in parsed.alternatives] == [
        "Kulturhus Skövde",
        "Bibliotek Hjo",
        "Konsthall Skara",
    ]
    assert parsed.scores[("Kulturhus Skövde", "Räckvidd")] == 4.5
    assert parsed.scores[("Konsthall Skara", "Driftkostnad")] == 1.25
    assert len(parsed.scores) == 9


def test_good_comma_file_with_quoted_decimal_comma():
    parsed = csv_io.parse_csv(csv_io.decode_csv(read("import_good_comma.csv")))
    assert parsed.ok, messages(parsed)
    assert parsed.delimiter == ","
    assert not parsed.has_descriptions
    assert parsed.scores[("Kulturhus Skövde", "Driftkostnad")] == 12.5
    assert parsed.criteria[1]["direction"] == "cost"


def test_windows_1252_file_is_read():
    parsed = csv_io.parse_csv(csv_io.decode_csv(read("import_cp1252.csv")))
    assert parsed.ok, messages(parsed)
    assert parsed.criteria[0]["name"] == "Räckvidd"
    assert parsed.alternatives[1]["name"] == "Åmål-scenen"


def test_bad_numbers_reported_by_row_and_column():
    parsed = csv_io.parse_csv(read("import_bad_numbers.csv").decode())
    assert messages(parsed) == [
        "4/3/Barn och unga: 'abc' är inget tal",
        "5/2/Räckvidd: värde saknas",
        "5/4/Driftkostnad: 'NaN' är inget tal",
    ]


def test_bad_structure_lists_every_problem():
    parsed = csv_io.parse_csv(read("import_bad_structure.csv").decode())
    msgs = messages(parsed)
    assert "1/1/: Första raden ska börja med 'alternativ', inte 'namn'." in msgs
    assert "1/3/räckvidd: kriteriet 'räckvidd' finns redan" in msgs
    assert "2/3/räckvidd: 'mer' ska vara nytta eller kostnad" in msgs
    assert "4/1/: alternativet 'Kulturhus Skövde' finns redan" in msgs
    assert "3/4/: raden har fler värden än det finns kriterier (2)" in msgs
    assert not any(m.startswith("4/3/") for m in msgs)  # row 4 is complete for 2 criteria


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "Filen är tom."),
        ("\n\n;;\n", "Filen är tom."),
        ("alternativ;A\nriktning;nytta\nx;1\ny;2\n", "minst 2 kriterier"),
        ("alternativ;A;B\nriktning;nytta;nytta\nx;1;2\n", "minst 2 rader med alternativ"),
        ("alternativ;A;B\nx;1;2\ny;1;2\n", "Andra raden ska börja med 'riktning'"),
        ('alternativ;A;"B\nriktning;nytta;nytta\n', "minst 2 rader"),
        ("alternativ;A;B\x00\n", "ingen textfil"),
    ],
)
def test_structural_errors(text, expected):
    parsed = csv_io.parse_csv(text)
    assert not parsed.ok
    assert any(expected in m for m in messages(parsed)), messages(parsed)


def test_too_large_file_is_refused():
    parsed = csv_io.parse_csv("alternativ;A;B\n" + "x" * (csv_io.MAX_CSV_BYTES + 1))
    assert messages(parsed) == ["0/0/: Filen är för stor (högst 200 kB)."]


# --- web flow ---------------------------------------------------------------------------------


def _upload(client, did, content: bytes, name="matris.csv"):
    return post(
        client,
        f"/processledare/{did}/importera",
        {"file": (io.BytesIO(content), name), "text": ""},
        content_type="multipart/form-data",
    )


def _state(app, did):
    db = _db(app)
    try:
        return (
            [
                (c["name"], c["direction"], c["description"])
                for c in store_items.list_criteria(db, did)
            ],
            [
                (a["name"], a["cost"], a["municipality_id"])
                for a in store_items.list_alternatives(db, did)
            ],
            store_items.get_scores(db, did),
        )
    finally:
        db.conn.close()


def test_upload_preview_confirm_replaces_content(client, decision, app):
    did = decision["id"]
    assert client.get(f"/processledare/{did}/importera").status_code == 200
    before = _state(app, did)
    resp = _upload(client, did, read("import_good_semicolon.csv"))
    assert resp.status_code == 200
    page = htmllib.unescape(resp.get_data(as_text=True))
    assert "Förhandsgranska import" in page
    assert "Barn och unga" in page and "12,5" in page and "Kostnad (mindre är bättre)" in page
    assert "Kriterium: Räckvidd" not in page  # kept, not removed
    assert _state(app, did) == before  # preview stores nothing
    field = parse_html(resp.get_data(as_text=True)).find("input", name="payload", type="hidden")
    assert field is not None and field.get("value")
    resp = post(client, f"/processledare/{did}/importera/bekrafta",
                {"payload": str(field.get("value"))})
    assert resp.status_code == 303
    crits, alts, scores = _state(app, did)
    assert [c[0] for c in crits] == ["Räckvidd", "Barn och unga", "Driftkostnad"]
    assert crits[2] == ("Driftkostnad", "cost", "Miljoner kronor per år")
    # Kulturhus Skövde existed with cost 120: the CSV cannot carry cost, so it is kept
    assert alts[0] == ("Kulturhus Skövde", 120.0, None)
    assert [a[0] for a in alts] == ["Kulturhus Skövde", "Bibliotek Hjo", "Konsthall Skara"]
    assert len(scores) == 9
    db = _db(app)
    assert db.execute("SELECT action FROM audit_log ORDER BY id DESC").fetchone()[0] == "csv.import"
    db.conn.close()


def test_pasted_text_preview(client, decision, app):
    did = decision["id"]
    text = read("import_good_comma.csv").decode()
    resp = post(client, f"/processledare/{did}/importera", {"text": text})
    assert resp.status_code == 200
    assert "Förhandsgranska import" in resp.get_data(as_text=True)
    assert "Kriterium: " not in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "fixture,expected",
    [
        ("import_bad_numbers.csv", "Rad 4, kolumn 3 (Barn och unga): 'abc' är inget tal"),
        ("import_bad_numbers.csv", "Rad 5, kolumn 2 (Räckvidd): värde saknas"),
        (
            "import_bad_structure.csv",
            "Rad 2, kolumn 3 (räckvidd): 'mer' ska vara nytta eller kostnad",
        ),
        ("import_bad_structure.csv", "Rad 1, kolumn 1: Första raden ska börja med 'alternativ'"),
    ],
)
def test_bad_upload_lists_errors_and_imports_nothing(client, decision, app, fixture, expected):
    did = decision["id"]
    before = _state(app, did)
    resp = _upload(client, did, read(fixture))
    assert resp.status_code == 422
    page = htmllib.unescape(resp.get_data(as_text=True))
    assert "Inget har ändrats" in page
    assert expected in page
    assert _state(app, did) == before


def test_empty_upload_names_the_field(client, decision):
    resp = post(client, f"/processledare/{decision['id']}/importera", {"text": "  "})
    assert resp.status_code == 422
    assert "CSV-fil: välj en fil eller klistra in innehållet." in resp.get_data(as_text=True)


def test_oversized_and_empty_uploads_name_the_field(client, decision, app):
    did = decision["id"]
    before = _state(app, did)
    resp = _upload(client, did, b"alternativ;A;B\n" + b"x;1;2\n" * 40_000)
    assert resp.status_code == 422
    assert "CSV-fil: filen är för stor (högst 200 kB)." in resp.get_data(as_text=True)
    resp = _upload(client, did, b"")
    assert resp.status_code == 422
    assert "CSV-fil: filen är tom." in resp.get_data(as_text=True)
    assert _state(app, did) == before


def test_tampered_payload_is_refused(client, decision, app):
    did = decision["id"]
    before = _state(app, did)
    for payload in ["inte base64!", "", "//8="]:
        resp = post(client, f"/processledare/{did}/importera/bekrafta", {"payload": payload})
        assert resp.status_code == 422
    # valid base64 of a bad file: re-validated on confirm
    import base64

    bad = base64.b64encode(read("import_bad_numbers.csv")).decode()
    resp = post(client, f"/processledare/{did}/importera/bekrafta", {"payload": bad})
    assert resp.status_code == 422
    assert "Rad 4, kolumn 3" in resp.get_data(as_text=True)
    assert _state(app, did) == before


def test_import_refused_by_store_is_all_or_nothing(client, decision, app, monkeypatch):
    """A store error half-way (e.g. criteria locked by votes) leaves everything as it was."""
    did = decision["id"]
    before = _state(app, did)

    def fail(*args, **kwargs):
        raise store_errors.StoreError("criteria", "Kriterierna är låsta.")

    monkeypatch.setattr(store_import, "replace_decision_content", fail)
    import base64

    payload = base64.b64encode(read("import_good_semicolon.csv")).decode()
    resp = post(client, f"/processledare/{did}/importera/bekrafta", {"payload": payload})
    assert resp.status_code == 422
    assert "Kriterierna är låsta." in resp.get_data(as_text=True)
    assert _state(app, did) == before
    db = _db(app)
    assert (
        db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'csv.import'").fetchone()[0] == 0
    )
    db.conn.close()
