"""Issue 14 item 5 in Chromium on a tablet (820×1180): a wrongly chosen municipality is
changed from the round page before the first vote; axe finds no violations there."""

from __future__ import annotations

from playwright.sync_api import expect

from ..web.participate_helpers import make_round
from .test_voting import check_page, join_by_code

TABLET_820 = {"width": 820, "height": 1180}


def test_municipality_changed_before_first_vote(app, live_server, page_factory):
    tablet = page_factory(TABLET_820, touch=True)
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd, "Hjo")
    expect(tablet.locator(".round-intro")).to_contain_text("Du deltar för Hjo.")
    check_page(tablet, "round page with Byt kommun")
    tablet.locator("#byt-kommun").tap()
    expect(tablet.locator("#kommun")).to_have_value(str(rd.municipalities["Hjo"]))
    tablet.locator("#kommun").select_option(label="Skara")
    tablet.get_by_role("button", name="Gå vidare till viktningen").tap()
    tablet.wait_for_url(f"**/omgang/{rd.round_id}/")
    expect(tablet.locator(".round-intro")).to_contain_text("Du deltar för Skara.")
    tablet.screenshot(path="/tmp/shots/h14rd/change-municipality.png", full_page=True)
    check_page(tablet, "round page after the change")


def test_closed_round_leads_to_the_next_with_the_same_municipality(app, live_server,
                                                                    page_factory):
    from mcda.store import rounds as sr

    tablet = page_factory(TABLET_820, touch=True)
    rd = make_round(app)
    join_by_code(tablet, live_server.url, rd, "Tibro")
    db = rd.db()
    try:
        sr.close_round(db, rd.round_id)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
    finally:
        db.conn.close()
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/")
    link = tablet.locator("#nasta-omgang")
    expect(link).to_have_text("Gå till omgång 2")
    check_page(tablet, "closed round with the next round's link")
    tablet.screenshot(path="/tmp/shots/h14rd/closed-next-round.png", full_page=True)
    link.tap()
    expect(tablet.locator("#kommun")).to_have_value(str(rd.municipalities["Tibro"]))
    check_page(tablet, "next round: municipality preselected")
    tablet.get_by_role("button", name="Gå vidare till viktningen").tap()
    tablet.wait_for_url(f"**/omgang/{rid2}/")
    expect(tablet.locator(".round-intro")).to_contain_text("Du deltar för Tibro.")


def test_alternatives_shown_on_the_tablet(app, live_server, page_factory):
    from mcda.store import items as store_items
    from mcda.store import rounds as sr

    rd = make_round(app)
    db = rd.db()
    try:
        for i, name in enumerate(["Kulturhus i Skövde", "Scen i Lidköping"]):
            aid = store_items.add_alternative(db, rd.decision_id, name, "Beskrivning av " + name)
            for c in rd.criteria:
                store_items.set_score(db, aid, c, 3 + i)
        db.execute("UPDATE rounds SET show_alternatives = 'scores' WHERE id = ?", [rd.round_id])
        sr.get_round(db, rd.round_id)
    finally:
        db.conn.close()
    tablet = page_factory(TABLET_820, touch=True)
    join_by_code(tablet, live_server.url, rd)
    tablet.goto(f"{live_server.url}/omgang/{rd.round_id}/")
    expect(tablet.locator("section.alternatives")).to_contain_text("Scen i Lidköping")
    expect(tablet.locator("section.alternatives table tbody tr")).to_have_count(2)
    check_page(tablet, "round page with the alternatives")
    tablet.screenshot(path="/tmp/shots/h14rd/alternatives-tablet.png", full_page=True)
