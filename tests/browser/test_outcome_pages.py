"""Issue 26 points 5 and 6 in Chromium at 820×1180 (tablet) and 1440×900 (desktop): the
facilitator writes what was decided (a differing decision is refused without a reason), a
participant reaches it with the join code and sees it beside the workshop's verdict, the
secretariat sees it per decision, and the moderation log lists a hidden reason. Every page is
axe-clean (WCAG 2.1 A/AA), scrolls no sideways, and logs no CSP violation or page error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import make_user

from ..web.participate_helpers import make_round
from .conftest import assert_no_axe_violations
from .test_voting import check_page

SIZES = {"tablet": {"width": 820, "height": 1180}, "desktop": {"width": 1440, "height": 900}}
VOTERS = [("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 4]), ("Tibro", [2, 2, 4, 2])] * 3
SHOTS = Path("/tmp/shots/outcome")


def _closed_round(app):
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        for name, row in {"Konsthall": [5, 4, 2, 3], "Teater": [3, 5, 4, 5],
                          "Bibliotek": [4, 2, 5, 1]}.items():
            aid = store_items.add_alternative(db, rd.decision_id, name)
            for cid, value in zip(rd.criteria, row, strict=True):
                store_items.set_score(db, aid, cid, value)
        for k, (muni, values) in enumerate(VOTERS):
            part = store_parts.join_round(db, rd.round_id, f"b-sedan-{k}-xxxxxxxxxxxxxxxxx",
                                          rd.municipalities[muni])
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)},
                reason="Anna tycker så" if k == 1 else None)
        sr.close_round(db, rd.round_id)
        sr.set_revealed(db, rd.round_id, True)  # the results were shown in the room
    finally:
        db.conn.close()
    analysis_cache.clear()
    return rd


def _login(pg, base: str, email: str) -> None:
    pg.goto(base + "/logga-in")
    pg.fill("#email", email)
    pg.fill("#password", "korrekt häst batteri")
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _staff_check(pg, where: str) -> None:
    assert_no_axe_violations(pg, where)
    width = pg.viewport_size["width"]
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, f"{where}: h-scroll"
    assert pg.csp_violations == [] and pg.page_errors == [], where


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _setup(app):
    """The round, its facilitator and secretariat, and the vote id of its one reason."""
    rd = _closed_round(app)
    make_user(app, "pl-b-sedan@example.se", role="facilitator")
    make_user(app, "kansli-b-sedan@example.se", role="secretariat")
    db = rd.db()
    try:
        db.execute("UPDATE decisions SET owner_id = (SELECT id FROM users WHERE email = ?)",
                   ["pl-b-sedan@example.se"])
        db.conn.commit()
        named = db.execute("SELECT vote_id FROM vote_reasons WHERE round_id = ?",
                           [rd.round_id]).fetchone()[0]
    finally:
        db.conn.close()
    return rd, named


def _write_outcome(staff, base: str, rd, size: str) -> None:
    """The facilitator's form: refused without a reason where it differs, then saved."""
    staff.goto(f"{base}/processledare/{rd.decision_id}/sedan")
    expect(staff.locator("h1")).to_have_text("Vad hände sedan?")
    _staff_check(staff, f"outcome form {size}")
    staff.fill("#text", "Förbundsstyrelsen beslutade att bygga biblioteket först.")
    staff.fill("#decided_on", "2027-02-14")
    staff.fill("#body", "Förbundsstyrelsen")
    staff.fill("#minutes_url", "https://example.se/protokoll/2027-02-14")
    staff.fill("#diarienummer", "SKF 2027/12")
    staff.locator("#chosen").select_option(label="Inget av alternativen")
    staff.get_by_role("button", name="Spara beslutet").click()
    expect(staff.locator(".error-summary")).to_contain_text("Skriv varför")
    _staff_check(staff, f"outcome form with an error {size}")
    staff.fill("#differs_reason", "Ett statligt bidrag gjorde en fjärde lösning möjlig.")
    staff.get_by_role("button", name="Spara beslutet").click()
    expect(staff.locator("body")).to_contain_text("Beslutet är sparat")
    _shot(staff, f"followup-outcome-form-{size}")


def _participant_sees_it(tablet, base: str, rd, size: str) -> None:
    """With the join code: the decision beside the verdict, and the reason it differs."""
    tablet.goto(f"{base}/delta?kod={rd.code}")
    tablet.wait_for_url(f"**/sedan/omgang/{rd.round_id}")
    expect(tablet.locator(".outcome-compare")).to_contain_text("skiljer sig")
    expect(tablet.locator(".outcome-compare")).to_contain_text("statligt bidrag")
    expect(tablet.locator(".outcome-pair")).to_contain_text("kommer först")
    boxes = [tablet.locator(".outcome-pair > section").nth(i).bounding_box() for i in (0, 1)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1, "decision and verdict side by side"
    check_page(tablet, f"outcome public {size}")
    _shot(tablet, f"followup-outcome-public-{size}")


def _moderation(staff, base: str, rd, named: int, size: str) -> None:
    """Hide the reason on the round page, then read the log."""
    staff.goto(f"{base}/processledare/omgang/{rd.round_id}")
    staff.get_by_role("button", name="Dölj motivering 1").click()
    staff.get_by_role("link", name="Modereringslogg: vem dolde eller visade vad, och när").click()
    expect(staff.locator("tbody tr")).to_have_count(1)
    expect(staff.locator("tbody")).to_contain_text("pl-b-sedan@example.se")
    expect(staff.locator("tbody")).to_contain_text(str(named))
    _staff_check(staff, f"moderation log {size}")
    _shot(staff, f"followup-moderation-log-{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_outcome_and_moderation_pages(app, live_server, page_factory, size):
    rd, named = _setup(app)
    base, viewport = live_server.url, SIZES[size]
    staff = page_factory(viewport)
    _login(staff, base, "pl-b-sedan@example.se")
    _write_outcome(staff, base, rd, size)
    _participant_sees_it(page_factory(viewport, touch=size == "tablet"), base, rd, size)
    _moderation(staff, base, rd, named, size)

    sec = page_factory(viewport)
    _login(sec, base, "kansli-b-sedan@example.se")
    sec.goto(f"{base}/kansliet/sedan")
    expect(sec.locator(f"#d-{rd.decision_id}")).to_be_visible()
    expect(sec.locator("main")).to_contain_text("Ett statligt bidrag")
    _staff_check(sec, f"secretariat overview {size}")
    _shot(sec, f"followup-secretariat-{size}")
    sec.goto(f"{base}/moderering/omgang/{rd.round_id}")
    expect(sec.locator("tbody tr")).to_have_count(1)
    _staff_check(sec, f"moderation log as secretariat {size}")
