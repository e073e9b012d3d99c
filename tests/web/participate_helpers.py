"""Test data for the participant tests, made through the store API (no SQL here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect
from mcda.store import decisions as sd
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import rounds as sr
from tests.helpers import csrf_from, parse_html

CRITERIA = [
    ("Tillgänglighet", "Hur lätt det är att ta sig dit, också utan bil."),
    ("Attraktivitet", "Hur mycket platsen lockar besökare."),
    ("Barn och unga", "Nytta för barn och unga i regionen."),
    ("Investeringskostnad", "Kostnaden för att bygga."),
]


@dataclass
class RoundData:
    decision_id: int
    round_id: int
    code: str
    criteria: list[int]
    municipalities: dict[str, int] = field(default_factory=dict)
    db_path: str = ""

    def db(self):
        return connect(self.db_path)


def make_round(
    app: Flask,
    *,
    methods: tuple[str, ...] = ("direct", "points", "ranking", "pairwise"),
    criteria: list[tuple[str, str]] | None = None,
    state: str = "open",
    title: str = "Kulturell infrastruktur 2026–2035",
) -> RoundData:
    """A decision with criteria and a round (open by default)."""
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = sd.create_decision(db, None, title)
        cids = [
            store_items.add_criterion(db, did, name, description)
            for name, description in (criteria or CRITERIA)
        ]
        rid = sr.create_round(db, did, methods=list(methods))
        if state in ("open", "closed"):
            sr.open_round(db, rid)
        if state == "closed":
            sr.close_round(db, rid)
        rnd = sr.get_round(db, rid)
        munis = {m["name"]: m["id"] for m in store_munis.list_municipalities(db)}
    finally:
        db.conn.close()
    return RoundData(did, rid, rnd["join_code"], cids, munis, app.config["DATABASE"])


def votes_rows(rd: RoundData, round_id: int | None = None) -> list[dict[str, Any]]:
    """Every stored vote row of the round (raw, so tests see exactly what is in the table)."""
    db = rd.db()
    try:
        rows = db.execute(
            "SELECT * FROM votes WHERE round_id = ? ORDER BY id", [round_id or rd.round_id]
        ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["weights"] = json.loads(d["weights"])
            d["payload"] = json.loads(d["payload"])
            out.append(d)
        return out
    finally:
        db.conn.close()


def count_votes(rd: RoundData) -> int:
    """Votes stored in the round (tests may share one database, each with its own round)."""
    db = rd.db()
    try:
        return db.execute(
            "SELECT COUNT(*) FROM votes WHERE round_id = ?", [rd.round_id]
        ).fetchone()[0]
    finally:
        db.conn.close()


def join_check_fields(html: str) -> dict[str, str]:
    """The join check's answer for a code step page (issue 24 point 6): ``kontroll`` and
    ``losning`` solved with the reference solver, or nothing when the page asks no check."""
    from mcda.web.participate.join_check import solve

    form = parse_html(html).find("form", class_="join-form")
    if form is None or not form.get("data-check-seed"):
        return {}
    nonces = solve(str(form.get("data-check-seed")), int(form.get("data-check-bits")),
                   int(form.get("data-check-parts")), int(form.get("data-check-iterations")))
    token = parse_html(html).find("input", name="kontroll").get("value")
    return {"kontroll": str(token), "losning": ",".join(map(str, nonces))}


def join(client: FlaskClient, rd: RoundData, municipality: str = "Skövde", role: str = "") -> Any:
    """Join the round through the real join form; returns the response of the final POST.
    Under guessing pressure the QR link asks for the join check first: solved, then sent."""
    page = client.get(f"/delta?kod={rd.code}")
    assert page.status_code == 200, page.status_code
    check = join_check_fields(page.get_data(as_text=True))
    if check:
        page = client.post("/delta", data={
            "csrf_token": csrf_from(page.get_data(as_text=True)), "kod": rd.code, **check})
        assert page.status_code == 200, page.status_code
    return client.post(
        "/delta",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "kod": rd.code,
            "kommun": str(rd.municipalities[municipality]),
            "roll": role,
        },
    )


def vote_page(client: FlaskClient, rd: RoundData, slug: str) -> tuple[str, str, int]:
    """GET a vote form; return (html, csrf token, revision)."""
    resp = client.get(f"/omgang/{rd.round_id}/{slug}")
    assert resp.status_code == 200, resp.status_code
    html = resp.get_data(as_text=True)
    rev = int(parse_html(html).find("input", name="revision").get("value"))
    return html, csrf_from(html), rev
