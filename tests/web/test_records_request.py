"""Issue 26 point 3: a request for public documents gives the round's records as they are
held (every revision, every reason with hidden ones marked, participation, the audit log)
with a one-page secrecy-review checklist, leaves an audit entry and publishes nothing."""

from __future__ import annotations

import io
import json

import pypdf

from tests.helpers import parse_html

from .records_helpers import DNR, closed_round, post_form, unzip
from .results_helpers import DEFAULT_VOTERS, open_db

PUBLISHED = ("roster.csv", "vikter.csv", "motiveringar.csv", "rangordning.csv",
             "anmarkningar.csv", "analys.json")


def _request(client, rid):
    resp = post_form(client, f"/arkiv/omgang/{rid}/begaran", f"/arkiv/omgang/{rid}")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert "begaran-allman-handling.zip" in resp.headers["Content-Disposition"]
    return unzip(resp.data)


def _rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_records_as_held(app, client):
    s = closed_round(app, client)
    files = _request(client, s["round_id"])
    assert set(files) >= {"viktningar.csv", "motiveringar.csv", "deltagande.csv",
                          "handelselogg.csv", "checklista-sekretessprovning.pdf",
                          "checklista-sekretessprovning.html"}
    votes = _rows(files["viktningar.csv"])
    head = votes[0]
    assert head[:8] == ["Viktning (nr)", "Tid (UTC)", "Deltagare (löpnummer i omgången)",
                        "Revision", "Kommun", "Roll", "Metod", "Etapp"]
    assert "Tillgänglighet" in head and head[-1] == "Inmatade värden (JSON)"
    n_voters = sum(DEFAULT_VOTERS.values())
    assert len(votes) - 1 == n_voters + 1  # every revision, the second one too
    first = [r for r in votes[1:] if r[2] == "1"]
    assert [r[3] for r in first] == ["1", "2"] and all(r[1] for r in first)
    assert {r[4] for r in votes[1:]} == set(DEFAULT_VOTERS)
    json.loads(first[1][-1])  # the values as entered
    reasons = _rows(files["motiveringar.csv"])
    marks = {r[4]: r[5] for r in reasons[1:]}
    assert marks == {"Motivering 1": "nej", "Motivering 2": "ja, dold", "Ändrade mig": "nej"}
    part = {r[0]: r[1:] for r in _rows(files["deltagande.csv"])[1:]}
    assert part["Skövde"] == ["4", "4", "5"] and part["Tibro"] == ["0", "0", "0"]
    # the token is never in the files; participants are running numbers
    db = open_db(app)
    try:
        hashes = [r[0] for r in db.execute("SELECT token_hash FROM participants")]
    finally:
        db.conn.close()
    blob = b"".join(files.values())
    assert not any(h.encode() in blob for h in hashes)


def test_checklist_is_one_swedish_page_naming_the_provisions(app, client):
    s = closed_round(app, client)
    files = _request(client, s["round_id"])
    reader = pypdf.PdfReader(io.BytesIO(files["checklista-sekretessprovning.pdf"]))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for words in ("Checklista för sekretessprövning", "(2009:400)", "21 kap. 7 § OSL",
                  "dataskyddsförordningen", "myndigheten", "slumpmässiga", DNR,
                  "inte personuppgifter"):
        assert words.lower() in text.lower(), words
    page = parse_html(client.get(f"/arkiv/omgang/{s['round_id']}/checklista").data)
    assert page.find("h1").text() == "Checklista för sekretessprövning"


def test_producing_it_is_audited_and_publishes_nothing(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    base = f"/resultat/{rid}/export/"
    before = {k: client.get(base + k).data for k in PUBLISHED}
    report_before = parse_html(client.get(f"/resultat/{rid}/rapport").data).find("main").text()
    _request(client, rid)
    assert {k: client.get(base + k).data for k in PUBLISHED} == before
    assert parse_html(client.get(f"/resultat/{rid}/rapport").data).find("main").text() \
        == report_before
    db = open_db(app)
    try:
        (detail,) = [json.loads(r[0]) for r in db.execute(
            "SELECT detail FROM audit_log WHERE action = 'records.public_request' "
            "AND target = ?", [f"round:{rid}"])]
        hidden = db.execute("SELECT SUM(hidden) FROM vote_reasons").fetchone()[0]
    finally:
        db.conn.close()
    assert detail == {"revisions": 15, "participants": 14, "reasons": 3, "hidden": 1}
    assert hidden == 1


def test_request_needs_csrf_and_is_a_post(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    assert client.post(f"/arkiv/omgang/{rid}/begaran").status_code == 400
    assert client.get(f"/arkiv/omgang/{rid}/begaran").status_code == 405


def test_english_page_and_checklist(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    doc = parse_html(client.get(f"/arkiv/omgang/{rid}?lang=en").data)
    assert doc.find("h1").text().startswith("Archive and public records")
    doc = parse_html(client.get(f"/arkiv/omgang/{rid}/checklista?lang=en").data)
    assert doc.find("h1").text() == "Checklist for the secrecy review"
