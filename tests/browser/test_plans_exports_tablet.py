"""Issue 23 in Chromium: the scenario comparison and the planning page at 1440×900, a
participant's tablet at 820×1180; axe-core clean, legends at normal size, no jargon on the
tablet. Screenshots in $VAGVAL_SHOTS (if set) for a human look."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from mcda.store import connect, demo
from mcda.store import scenarios as ss

from ..web.participate_helpers import make_round
from ..web.test_delphi import OTHER_VOTERS, _first_round
from ..web.test_tablet_plain_words import JARGON
from .conftest import assert_no_axe_violations
from .test_planning import _login_facilitator
from .test_voting import _answer, join_by_code

DESKTOP = {"width": 1440, "height": 900}
TABLET = {"width": 820, "height": 1180}


def _shot(pg, name: str) -> None:
    where = os.environ.get("VAGVAL_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


def _demo(app, pg, live_server) -> int:
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        return demo.load_demo(db, owner_id=uid)[0]
    finally:
        db.conn.close()


def test_compare_lines_up_one_scale_and_draws_small_legends(app, live_server, page_factory):
    pg = page_factory(DESKTOP)
    did = _demo(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        ids = [s["id"] for s in ss.list_scenarios(db, did)]
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/etapper/{did}/scenarier/jamfor?" + "&".join(f"s={i}" for i in ids))
    totals = pg.locator("table.cmp-totals")
    expect(totals).to_contain_text("Värde enligt beslutsmodellen")
    expect(totals).to_contain_text("Kommuner nådda")
    expect(totals).not_to_contain_text("Totalt värde")
    sizes = pg.locator(".money-chart .legend svg.swatch").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
    assert sizes and all(w <= 20 and h <= 20 for w, h in sizes), sizes
    assert_no_axe_violations(pg, "scenario comparison (1440)")
    assert pg.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"] + 1
    _shot(pg, "compare-1440")


def test_planning_page_way_back_and_appendix(app, live_server, page_factory):
    pg = page_factory(DESKTOP)
    did = _demo(app, pg, live_server)
    pg.goto(f"{live_server.url}/etapper/{did}")
    back = pg.locator("#back-to-decision")
    expect(back).to_be_visible()
    expect(pg.locator(".plan-status")).to_contain_text("Planen är beräknad")
    expect(pg.locator("#fordjupning")).not_to_have_attribute("open", "")
    assert_no_axe_violations(pg, "planning (1440)")
    _shot(pg, "planning-1440")
    # the frontier of a scenario: own budget marked, both axes named
    pg.goto(f"{live_server.url}/etapper/{did}/scenarier")
    pg.locator("table a[href*='/scenarier/']").first.click()
    pg.wait_for_load_state()
    expect(pg.locator(".frontier-svg .own-budget-line")).to_have_count(1)
    assert_no_axe_violations(pg, "scenario with frontier (1440)")
    _shot(pg, "scenario-1440")
    pg.goto(f"{live_server.url}/etapper/{did}")
    pg.locator("#back-to-decision").click()
    pg.wait_for_url(f"**/processledare/{did}")


def test_tablet_in_plain_words(app, live_server, page_factory):
    pg = page_factory(TABLET, touch=True)
    # two more from the joining device's Skövde: nobody pooled (a pool under ten voters is
    # left out of the quartiles, issue 24), so the previous round shows its spread
    rd2 = _first_round(app, app.test_client(),
                       others=[*OTHER_VOTERS, ("Skövde", [2, 2, 4, 2]), ("Skövde", [2, 2, 4, 2])])
    join_by_code(pg, live_server.url, rd2)
    pg.goto(f"{live_server.url}/omgang/{rd2.round_id}/")
    expect(pg.locator(".previous-round")).to_contain_text("De flesta i rummet ligger mellan")
    text = pg.locator("main").inner_text()
    assert [t for t in JARGON if t.lower() in text.lower()] == []
    assert_no_axe_violations(pg, "tablet hub with the previous round (820)")
    _shot(pg, "tablet-hub-820")
    rd = make_round(app)
    join_by_code(pg, live_server.url, rd, "Tibro")
    pg.goto(f"{live_server.url}/omgang/{rd.round_id}/parvis")
    for (i, j), (which, strength) in {(0, 1): ("a", 9), (0, 2): ("b", 9), (0, 3): ("lika", None),
                                      (1, 2): ("a", 9), (1, 3): ("lika", None),
                                      (2, 3): ("lika", None)}.items():
        _answer(pg, rd, i, j, which, strength)
    pg.locator("#check-button").tap()
    expect(pg.locator("#pulls")).to_contain_text("Du sa att")
    text = pg.locator("main").inner_text()
    assert [t for t in JARGON if t.lower() in text.lower()] == []
    assert_no_axe_violations(pg, "pairwise check (820)")
    _shot(pg, "tablet-pairwise-820")
