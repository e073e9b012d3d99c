"""Issue 24 in Chromium: the 8-tablet, 8-municipality workshop (k = 3) in each kind of round
at 820×1180 and 1440×900. The facilitator's round page says what is pooled before anyone is
surprised, a ninth tablet reads the rule of its round before voting, the secretariat
compares the municipalities (delegates) or is told plainly why it cannot (anonymous), and axe
finds nothing. ``VAGVAL_SHOTS=DIR`` also keeps the screenshots there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mcda.store import connect
from mcda.store import rounds as store_rounds
from tests.helpers import make_user
from tests.web.workshop_helpers import MUNICIPALITIES, workshop

from .conftest import assert_no_axe_violations

VIEWPORTS = [{"width": 820, "height": 1180}, {"width": 1440, "height": 900}]
PASSWORD = "korrekt häst batteri"


def _login(pg, url: str, email: str) -> None:
    pg.goto(url + "/logga-in")
    pg.fill("#email", email)
    pg.fill("#password", PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _shot(pg, tmp_path: Path, name: str, locator=None) -> None:
    out = Path(os.environ.get("VAGVAL_SHOTS") or tmp_path)
    if locator is not None:
        locator.screenshot(path=str(out / f"rounds-{name}.png"))
    else:
        pg.screenshot(path=str(out / f"rounds-{name}.png"), full_page=True)


def _close_and_show(app, rid: int) -> None:
    db = connect(app.config["DATABASE"])
    try:
        store_rounds.close_round(db, rid)
        store_rounds.set_revealed(db, rid, True)
    finally:
        db.conn.close()


@pytest.mark.parametrize("kind", ["anonymous", "delegates"])
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["820x1180", "1440x900"])
def test_small_workshop(app, live_server, page_factory, tmp_path, kind, viewport):
    uid = make_user(app, "pl@example.se")
    make_user(app, "kansli@example.se", role="secretariat")
    w = workshop(app, uid, kind, close=False)
    rid, vp = w["round_id"], f"{viewport['width']}x{viewport['height']}"
    db = connect(app.config["DATABASE"])
    try:
        code = store_rounds.get_round(db, rid)["join_code"]
    finally:
        db.conn.close()

    # the facilitator's pooling notice while the round is open
    pg = page_factory(viewport)
    _login(pg, live_server.url, "pl@example.se")
    pg.goto(live_server.url + f"/processledare/omgang/{rid}")
    notice = pg.locator("#sammanslagning")
    if kind == "anonymous":
        expect(notice).to_contain_text("Med k = 3 slås 8 av 8 kommuner ihop till Övriga kommuner")
        expect(notice).to_contain_text("Be fler från de sammanslagna kommunerna")
    else:
        expect(notice).to_contain_text("Varje kommuns sammanvägda vikter visas med kommunens namn")
        expect(notice).to_contain_text("Just nu visas 8 kommuner med namn.")
    assert_no_axe_violations(pg, f"round page ({kind})")
    notice.scroll_into_view_if_needed()
    _shot(pg, tmp_path, f"{kind}-pooling-{vp}", pg.locator("#deltagande").locator(".."))

    # a ninth tablet reads the rule before voting
    tab = page_factory(viewport, touch=True)
    tab.goto(live_server.url + f"/delta?kod={code}")
    note = tab.locator("#omgangens-slag")
    if kind == "delegates":
        expect(note).to_contain_text("Är du ensam från din kommun blir dina vikter kommunens")
    else:
        expect(note).to_contain_text("bara när minst 3 från kommunen har viktat")
    assert_no_axe_violations(tab, f"join page ({kind})")

    # the secretariat's comparison once the round is closed and shown
    _close_and_show(app, rid)
    sec = page_factory(viewport)
    _login(sec, live_server.url, "kansli@example.se")
    sec.goto(live_server.url + f"/kansliet/?beslut={w['decision_id']}&omgang={rid}")
    rows = sec.locator("table:has(#se-cap-1) tbody th[scope=row]")
    if kind == "delegates":
        expect(rows).to_have_count(len(MUNICIPALITIES))
        expect(sec.locator("#sec-heat-h")).to_be_visible()
    else:
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_text("Övriga kommuner")
        expect(sec.locator("#sec-no-comparison")).to_contain_text("Kommunerna kan inte jämföras")
    assert_no_axe_violations(sec, f"secretariat ({kind})")
    _shot(sec, tmp_path, f"{kind}-secretariat-{vp}")
    for p in (pg, tab, sec):
        assert not p.page_errors and not p.csp_violations
