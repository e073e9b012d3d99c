"""Shared set-up of the records tests (issue 26): a closed round with votes, reasons (one
hidden) and a diarienummer, the facilitator logged in."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import filing
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import csrf_from

from .results_helpers import login_as, open_db, scenario

DNR = "SKKF 2026/123"


def closed_round(app: Flask, client: FlaskClient, *, dnr: str = DNR,
                 role: str = "facilitator") -> dict[str, Any]:
    """A decision with a diarienummer and a closed round with 14 votes, two reasons (the
    second hidden) and one revision; ``client`` logged in as the owner."""
    uid = login_as(app, client, "facilitator")
    s = scenario(app, uid)
    db = open_db(app)
    try:
        filing.set_diarienummer(db, s["decision_id"], dnr)
        votes = db.execute("SELECT id, participant_id FROM votes WHERE round_id = ? "
                           "ORDER BY id", [s["round_id"]]).fetchall()
        for i, (vid, _pid) in enumerate(votes[:2]):
            db.execute("INSERT INTO vote_reasons (vote_id, round_id, text, hidden) "
                       "VALUES (?, ?, ?, ?)", [vid, s["round_id"], f"Motivering {i + 1}", i])
        db.conn.commit()
        crits = s["criteria"]  # a second revision of the first participant, with a reason
        sv.record_vote(db, s["round_id"], votes[0][1], revision=2, method="direct",
                       payload={"ratings": {str(c): 5 for c in crits}},
                       weights={c: 1 / len(crits) for c in crits}, reason="Ändrade mig")
        sr.close_round(db, s["round_id"])
    finally:
        db.conn.close()
    if role != "facilitator":
        login_as(app, client, role)
    return {**s, "uid": uid}


def post_form(client: FlaskClient, url: str, page: str, **data: Any):
    return client.post(url, data={"csrf_token": csrf_from(client.get(page).data), **data})


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}
