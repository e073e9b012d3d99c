"""The round page's live count and the decision page's checklist in Chromium (issue 23
item 7) at 820×1180 and 1440×900: "N har viktat" per municipality rises with a poll (no
reload), the checklist names what is missing, and axe finds nothing."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import rounds as store_rounds
from mcda.store import votes as store_votes
from tests.helpers import make_user

from .conftest import assert_no_axe_violations, next_poll

VIEWPORTS = [{"width": 820, "height": 1180}, {"width": 1440, "height": 900}]


def _setup(app) -> dict:
    uid = make_user(app, "pl@example.se")
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = store.create_decision(db, uid, "Kulturell infrastruktur")
        crits = [store_items.add_criterion(db, did, n) for n in ("Räckvidd", "Antal cyklister")]
        alts = [store_items.add_alternative(db, did, n)
                for n in ("Kulturhus Skövde", "Mariestad–Töreboda")]
        store_items.set_score(db, alts[0], crits[0], 4)
        store_items.set_score(db, alts[0], crits[1], 2)
        store_items.set_score(db, alts[1], crits[0], 3)
        rid = store_rounds.create_round(db, did, methods=["direct"])
        store_rounds.open_round(db, rid)
    finally:
        db.conn.close()
    return {"id": did, "c": crits, "round": rid}


def _vote(app, d, municipality: str) -> None:
    db = connect(app.config["DATABASE"])
    try:
        mid = next(m["id"] for m in store_munis.list_municipalities(db)
                   if m["name"] == municipality)
        part = store_parts.join_round(db, d["round"], secrets.token_urlsafe(24), mid)
        keys = [str(c) for c in d["c"]]
        store_votes.record_vote(db, d["round"], part["id"], revision=1, method="direct",
                                payload={"values": {keys[0]: 60, keys[1]: 40}},
                                weights={keys[0]: 0.6, keys[1]: 0.4})
    finally:
        db.conn.close()


def _login(pg, url: str) -> None:
    pg.goto(url + "/logga-in")
    pg.fill("#email", "pl@example.se")
    pg.fill("#password", "korrekt häst batteri")
    pg.click("form.narrow-form button[type=submit]")
    expect(pg.locator("h1")).to_have_text("Beslutsfrågor")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["820x1180", "1440x900"])
def test_live_count_and_checklist(app, live_server, page_factory, viewport):
    d = _setup(app)
    _vote(app, d, "Skövde")
    pg = page_factory(viewport)
    pg.clock.install()
    _login(pg, live_server.url)

    pg.goto(live_server.url + f"/processledare/{d['id']}")
    items = pg.locator(".checklist li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("2 kriterier")
    expect(items.nth(2)).to_contain_text("1 bedömning saknas")
    expect(items.nth(3)).to_contain_text("1 omgång har öppnats")
    assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(pg, f"decision page {viewport}")

    pg.goto(live_server.url + f"/processledare/omgang/{d['round']}")
    expect(pg.locator("#turnout-total")).to_have_text("1")
    skovde = pg.locator(".turnout-list li", has_text="Skövde")
    expect(skovde).to_contain_text("1 har viktat")
    _vote(app, d, "Skövde")
    _vote(app, d, "Hjo")
    next_poll(pg, "/deltagande", 4000)
    expect(pg.locator("#turnout-total")).to_have_text("3")
    expect(skovde).to_contain_text("2 har viktat")
    expect(pg.locator(".turnout-list li", has_text="Hjo")).to_contain_text("1 har viktat")
    assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(pg, f"round page {viewport}")
    assert pg.csp_violations == [] and pg.page_errors == []


def test_closed_round_warns_and_next_round_keeps_the_code(app, live_server, page_factory):
    d = _setup(app)
    db = connect(app.config["DATABASE"])
    try:
        store_rounds.close_round(db, d["round"])
        code = store_rounds.get_round(db, d["round"])["join_code"]
    finally:
        db.conn.close()
    pg = page_factory(VIEWPORTS[1])
    _login(pg, live_server.url)
    pg.goto(live_server.url + f"/processledare/omgang/{d['round']}")
    expect(pg.locator("#saknade-bedomningar")).to_contain_text(
        "1 bedömning saknas: Mariestad–Töreboda × Antal cyklister")
    assert_no_axe_violations(pg, "closed round page with the warning")
    pg.click("text=Öppna nästa omgång med samma kod")
    expect(pg.locator("h1")).to_contain_text("Omgång 2")
    expect(pg.locator(".join-code")).to_have_text(store_rounds.format_code(code))
    expect(pg.locator("#turnout")).to_have_attribute("hx-trigger", "every 4s")


def test_decision_form_model_choice_is_accessible(app, live_server, page_factory):
    """The ranking model on the decision form: axe finds nothing, and another model without a
    reason is refused with the error at its field."""
    _setup(app)
    pg = page_factory(VIEWPORTS[1])
    _login(pg, live_server.url)
    pg.goto(live_server.url + "/processledare/ny")
    expect(pg.locator("#model-0")).to_be_checked()
    assert_no_axe_violations(pg, "decision form")
    pg.fill("#title", "Cykelvägar")
    pg.check("#model-1")
    pg.click("form.narrow-form button[type=submit]")
    expect(pg.locator("#model_reason-error")).to_contain_text("Skriv varför")
    assert_no_axe_violations(pg, "decision form with an error")
