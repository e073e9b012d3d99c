"""Issue 26 point 4: every deletion of votes names the disposal decision (gallringsbeslut)
it follows and writes it into the audit log; without one configured the web refuses and
``purge-expired`` asks; the privacy page cites it."""

from __future__ import annotations

import json

from tests.helpers import csrf_from, parse_html

from .records_helpers import closed_round
from .results_helpers import open_db

RULE = {"DISPOSAL_DECISION_REF": "SKKF 2026/45", "DISPOSAL_DECISION_DATE": "2026-03-01"}


def _votes(app, rid):
    db = open_db(app)
    try:
        return db.execute("SELECT COUNT(*) FROM votes WHERE round_id = ?", [rid]).fetchone()[0]
    finally:
        db.conn.close()


def _deletion_log(app):
    db = open_db(app)
    try:
        return [json.loads(r[0]) for r in db.execute(
            "SELECT detail FROM audit_log WHERE action = 'round.delete_votes'")]
    finally:
        db.conn.close()


def _delete(client, rid):
    page = client.get(f"/resultat/{rid}/radera")
    return page, client.post(f"/resultat/{rid}/radera", data={
        "csrf_token": csrf_from(page.data), "confirm": "radera"})


def test_web_deletion_is_refused_without_a_disposal_decision(app, client):
    s = closed_round(app, client)
    rid = s["round_id"]
    page, resp = _delete(client, rid)
    doc = parse_html(page.data)
    assert "inget gallringsbeslut" in doc.find(id="inget-gallringsbeslut").text()
    assert doc.find("form", action=f"/resultat/{rid}/radera") is None
    assert resp.status_code == 303 and _votes(app, rid) > 0
    flash = parse_html(client.get(resp.headers["Location"]).data).text()
    assert "inget gallringsbeslut är angivet" in flash
    assert _deletion_log(app) == []


def test_web_deletion_names_the_decision_in_the_audit_log(app, client):
    app.config.update(RULE)
    s = closed_round(app, client)
    rid = s["round_id"]
    page, resp = _delete(client, rid)
    assert "gallringsbeslut SKKF 2026/45 (beslutat 2026-03-01)" in parse_html(
        page.data).find(id="gallringsbeslut").text()
    assert resp.status_code == 303 and _votes(app, rid) == 0
    (entry,) = _deletion_log(app)
    assert (entry["disposal_decision"], entry["disposal_date"]) == ("SKKF 2026/45", "2026-03-01")


def _expire(app, rid):
    db = open_db(app)
    try:
        db.execute("UPDATE rounds SET closed_at = '2020-01-01T00:00:00.000000Z' WHERE id = ?",
                   [rid])
        db.conn.commit()
    finally:
        db.conn.close()


def test_purge_asks_for_the_decision_when_none_is_configured(app, client, runner):
    s = closed_round(app, client)
    rid = s["round_id"]
    _expire(app, rid)
    stopped = runner.invoke(args=["purge-expired", "--days", "30"], input="")
    assert stopped.exit_code != 0 and "Gallringsbeslutets beteckning" in stopped.output
    assert _votes(app, rid) > 0
    bad = runner.invoke(args=["purge-expired", "--days", "30", "--gallringsbeslut", "G 1",
                              "--beslutsdatum", "1 mars"])
    assert bad.exit_code != 0 and "ÅÅÅÅ-MM-DD" in bad.output and _votes(app, rid) > 0
    asked = runner.invoke(args=["purge-expired", "--days", "30"],
                          input="SKKF 2026/45\n2026-03-01\n")
    assert asked.exit_code == 0, asked.output
    assert "enligt gallringsbeslut SKKF 2026/45 (2026-03-01)" in asked.output
    assert _votes(app, rid) == 0
    (entry,) = _deletion_log(app)
    assert entry["disposal_decision"] == "SKKF 2026/45" and entry["reason"] == "retention"


def test_purge_takes_the_configured_decision(app, client, runner):
    app.config.update(RULE)
    s = closed_round(app, client)
    _expire(app, s["round_id"])
    result = runner.invoke(args=["purge-expired", "--days", "30"])
    assert result.exit_code == 0 and _votes(app, s["round_id"]) == 0
    assert _deletion_log(app)[0]["disposal_date"] == "2026-03-01"


def test_privacy_page_cites_the_decision(app, client):
    text = parse_html(client.get("/personuppgifter").data).find(id="gallringsbeslut").text()
    assert "Inget gallringsbeslut" in text
    app.config.update(RULE)
    text = parse_html(client.get("/personuppgifter").data).find(id="gallringsbeslut").text()
    assert text.startswith("Viktningarna raderas enligt gallringsbeslut SKKF 2026/45 från "
                           "Skaraborgs kommunalförbund, beslutat 2026-03-01.")
