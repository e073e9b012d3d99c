"""The score matrix with the computed Räckvidd column in Chromium: its cells are values with
the note linking to the places page (no inputs), axe-clean and within the viewport at 820
and 1440 px."""

from __future__ import annotations

import pytest

from mcda.store import connect
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places
from mcda.store import reach as store_reach

from .conftest import assert_no_axe_violations
from .test_planning import _login_facilitator

SHOTS = "/work/coord/shots"


@pytest.mark.parametrize("width,height", [(820, 1180), (1440, 900)])
def test_matrix_shows_reach_read_only(app, live_server, page_factory, width, height):
    pg = page_factory({"width": width, "height": height}, touch=False)
    uid = _login_facilitator(app, pg, live_server)
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = dec.create_decision(db, uid, "Räckvidd i matrisen")
        store_items.add_criterion(db, did, "Barn och unga")
        store_items.add_criterion(db, did, "Driftkostnad", direction="cost")
        aid = store_items.add_alternative(db, did, "Kulturhus Skövde", municipality_id="Skövde")
        store_items.add_alternative(db, did, "Scen i Hjo", municipality_id="Hjo")
        store_places.set_place(db, aid, 13.85, 58.39, "scen")
        cid = store_reach.add_reach_criterion(db, did, store_reach.load_layer(None))
    finally:
        db.conn.close()
    pg.goto(f"{live_server.url}/processledare/{did}/bedomningar")
    assert pg.locator(f"input[name^='s-'][name$='-{cid}']").count() == 0
    assert pg.locator("input.score-input").count() == 4
    note = pg.get_by_role("link", name="beräknas av Vägval: Räckvidd, se Platser")
    assert note.get_attribute("href") == f"/platser/beslut/{did}"
    overflow = pg.evaluate("() => document.documentElement.scrollWidth > innerWidth")
    assert not overflow, f"the matrix page scrolls sideways at {width} px"
    assert_no_axe_violations(pg, f"score matrix with Räckvidd ({width} px)")
    pg.screenshot(path=f"{SHOTS}/leftovers-matrix-reach-{width}.png", full_page=True)
    assert pg.csp_violations == [] and pg.page_errors == []
