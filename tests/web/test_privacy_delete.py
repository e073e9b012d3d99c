"""Deleting a workshop's votes (GDPR): confirmation, the aggregated record is kept, audit,
access rules, and the retention purge command."""

from __future__ import annotations

import json

import pytest

from mcda.store import analysis_cache, records
from mcda.store import rounds as sr
from tests.helpers import csrf_from

from .results_helpers import login_as, open_db, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


@pytest.fixture(autouse=True)
def _disposal_decision(app):
    """Deleting votes follows a configured disposal decision (issue 26)."""
    app.config.update(DISPOSAL_DECISION_REF="SKKF 2026/45", DISPOSAL_DECISION_DATE="2026-03-01")


def _closed_scenario(app, owner_id):
    sc = scenario(app, owner_id)
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
    finally:
        db.conn.close()
    return sc


def _count(app, sql, *args):
    db = open_db(app)
    try:
        return db.execute(sql, list(args)).fetchone()[0]
    finally:
        db.conn.close()


def test_facilitator_deletes_votes_and_keeps_the_aggregate(app, client):
    uid = login_as(app, client, "facilitator")
    sc = _closed_scenario(app, uid)
    rid = sc["round_id"]
    n_before = _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", rid)
    assert n_before > 0
    page = client.get(f"/resultat/{rid}/radera")
    assert page.status_code == 200 and "permanent" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))

    wrong = client.post(f"/resultat/{rid}/radera", data={"csrf_token": token, "confirm": "ja"})
    assert wrong.status_code == 422
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", rid) == n_before

    done = client.post(f"/resultat/{rid}/radera", data={"csrf_token": token, "confirm": "radera"})
    assert done.status_code == 303
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", rid) == 0
    assert _count(app, "SELECT COUNT(*) FROM participants WHERE round_id = ?", rid) == 0
    assert _count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'round.delete_votes'") == 1

    html = client.get(f"/resultat/{rid}").get_data(as_text=True)
    assert "raderades" in html and "sammanvägda underlaget" in html
    rec = client.get(f"/resultat/{rid}/underlag.json")
    assert rec.status_code == 200
    body = json.loads(rec.get_data(as_text=True))
    assert body["votes_deleted"] == n_before
    out = body["record"]["output"]
    assert "votes" not in out and abs(sum(out["weights"].values()) - 1) < 1e-9
    # a municipality under k keeps no weights in the record
    for info in out["groups"].values():
        assert info.get("suppressed") or info["n"] >= 3


def test_open_round_cannot_be_deleted(app, client):
    uid = login_as(app, client, "facilitator")
    sc = scenario(app, uid)
    token = csrf_from(client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True))
    resp = client.post(
        f"/resultat/{sc['round_id']}/radera", data={"csrf_token": token, "confirm": "radera"}
    )
    assert resp.status_code == 303
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", sc["round_id"]) > 0


def test_secretariat_and_other_facilitators_cannot_delete(app, client):
    owner = login_as(app, app.test_client(), "facilitator")
    sc = _closed_scenario(app, owner)
    login_as(app, client, "secretariat")
    token = csrf_from(client.get("/").get_data(as_text=True))
    resp = client.post(
        f"/resultat/{sc['round_id']}/radera", data={"csrf_token": token, "confirm": "radera"}
    )
    assert resp.status_code == 403
    other = app.test_client()
    login_as(app, other, "facilitator")
    token = csrf_from(other.get("/").get_data(as_text=True))
    resp = other.post(
        f"/resultat/{sc['round_id']}/radera", data={"csrf_token": token, "confirm": "radera"}
    )
    assert resp.status_code == 404
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", sc["round_id"]) > 0


def test_retention_purge_deletes_only_expired_rounds(app, runner):
    owner = login_as(app, app.test_client(), "facilitator")
    old = _closed_scenario(app, owner)
    recent = _closed_scenario(app, owner)
    db = open_db(app)
    try:
        db.execute(
            "UPDATE rounds SET closed_at = '2020-01-01T00:00:00.000000Z' WHERE id = ?",
            [old["round_id"]],
        )
    finally:
        db.conn.close()
    dry = runner.invoke(args=["purge-expired", "--dry-run", "--days", "30"])
    assert dry.exit_code == 0 and f"Omgång {old['round_id']}" in dry.output
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", old["round_id"]) > 0
    result = runner.invoke(args=["purge-expired", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", old["round_id"]) == 0
    assert _count(app, "SELECT COUNT(*) FROM votes WHERE round_id = ?", recent["round_id"]) > 0
    db = open_db(app)
    try:
        assert records.get_record(db, old["round_id"])["reason"] == "retention"
    finally:
        db.conn.close()
    assert "purge-expired" in runner.invoke(args=["--help"]).output


def test_privacy_page_states_the_retention_period(client, app):
    app.config["RETENTION_DAYS"] = 180
    assert "180 dagar" in client.get("/personuppgifter").get_data(as_text=True)
