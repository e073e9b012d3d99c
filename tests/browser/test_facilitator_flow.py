"""Facilitator flow in Chromium: log in, save a score cell via htmx ("Sparat"), get the Swedish
message for an invalid value (nothing stored), open a round and see the QR code; axe-core on
the decision page (also after the swaps) and on the round page; no CSP violations."""

from __future__ import annotations

from playwright.sync_api import expect

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import rounds as store_rounds
from tests.helpers import make_user

from .conftest import DESKTOP, TABLET, assert_no_axe_violations


def _setup(app) -> dict:
    uid = make_user(app, "pl@example.se")
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = store.create_decision(db, uid, "Kulturell infrastruktur")
        c1 = store_items.add_criterion(db, did, "Räckvidd")
        c2 = store_items.add_criterion(db, did, "Driftkostnad", direction="cost")
        a1 = store_items.add_alternative(db, did, "Kulturhus Skövde", cost=120)
        a2 = store_items.add_alternative(db, did, "Bibliotek Hjo")
        # enough columns that the matrix must scroll inside its box on a tablet
        for name in [
            "Attraktivitet för besökare",
            "Samverkan mellan kommuner",
            "Hållbarhet",
            "Investeringskostnad",
            "Tillgänglighet med kollektivtrafik",
            "Barn och unga",
        ]:
            store_items.add_criterion(db, did, name)
        store_items.set_score(db, a1, c1, 4)
        rid = store_rounds.create_round(db, did, methods=["direct", "points"])
    finally:
        db.conn.close()
    return {"id": did, "c": [c1, c2], "a": [a1, a2], "round": rid}


def _scores(app, did):
    db = connect(app.config["DATABASE"])
    try:
        return store_items.get_scores(db, did)
    finally:
        db.conn.close()


def test_facilitator_edits_scores_and_opens_round(app, live_server, page_factory):
    d = _setup(app)
    pg = page_factory(DESKTOP)
    pg.goto(live_server.url + "/logga-in")
    pg.fill("#email", "pl@example.se")
    pg.fill("#password", "korrekt häst batteri")
    pg.click("form.narrow-form button[type=submit]")
    expect(pg.locator("h1")).to_have_text("Beslutsfrågor")

    pg.click("text=Kulturell infrastruktur")
    expect(pg.locator("h1")).to_contain_text("Kulturell infrastruktur")
    assert_no_axe_violations(pg, "decision page")

    a, c = d["a"][1], d["c"][1]
    cell = pg.locator(f"#cell-s-{a}-{c}")
    pg.fill(f"#s-{a}-{c}", "3,5")
    pg.press(f"#s-{a}-{c}", "Tab")
    expect(cell.locator("[role=status]")).to_have_text("Sparat")
    assert _scores(app, d["id"])[(a, c)] == 3.5
    pg.wait_for_function("() => document.activeElement !== document.body", timeout=3000)

    pg.fill(f"#s-{a}-{c}", "tre")
    pg.press(f"#s-{a}-{c}", "Tab")
    error = cell.locator(".cell-error")
    expect(error).to_have_text(
        "Bibliotek Hjo, Driftkostnad: 'tre' är inget tal. Skriv ett tal, t.ex. 3,5."
    )
    expect(pg.locator(f"#s-{a}-{c}")).to_have_attribute("aria-invalid", "true")
    expect(pg.locator(f"#s-{a}-{c}")).to_have_value("tre")
    assert _scores(app, d["id"])[(a, c)] == 3.5  # nothing stored
    assert_no_axe_violations(pg, "decision page after cell swaps")

    pg.goto(live_server.url + f"/processledare/omgang/{d['round']}")
    pg.click("text=Öppna omgången ändå")  # one score is filled in: the rest are named first
    expect(pg.locator(".flash-success")).to_contain_text("Omgången är öppen")
    qr = pg.locator(".qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 300
    assert qr.get_attribute("role") == "img"
    expect(pg.locator(".join-code")).to_have_text(
        store_rounds.format_code(_round_code(app, d["round"]))
    )
    assert_no_axe_violations(pg, "round page")

    pg.click("text=Visa för projektor")  # the one projector page: code, QR, live count
    expect(pg.locator("#proj-total")).to_be_visible()
    expect(pg.locator(".join-code")).to_have_text(
        store_rounds.format_code(_round_code(app, d["round"])))
    assert_no_axe_violations(pg, "projector page")

    pg.set_viewport_size(TABLET)
    pg.goto(live_server.url + f"/processledare/{d['id']}")
    assert_no_axe_violations(pg, "decision page, tablet")
    # the page itself never scrolls sideways (only the matrix box does)
    assert pg.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]

    assert pg.csp_violations == []
    assert pg.page_errors == []
    assert pg.dialogs == []


def _round_code(app, rid) -> str:
    db = connect(app.config["DATABASE"])
    try:
        return store_rounds.get_round(db, rid)["join_code"]
    finally:
        db.conn.close()
