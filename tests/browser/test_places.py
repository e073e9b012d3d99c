"""Places in Chromium: placing an alternative's point with a click on the map (the script
fills the coordinate fields; the save checks the host), and the places pages' maps at
820 and 1440 px, axe-clean, fitting the viewport."""

from __future__ import annotations

import pytest

from mcda.store import connect
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places

from .conftest import assert_no_axe_violations
from .test_planning import _login_facilitator

SHOTS = "/work/coord/shots"


def _decision(app, uid) -> tuple[int, int]:
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = dec.create_decision(db, uid, "Platser i webbläsaren")
        store_items.add_criterion(db, did, "Barn och unga")
        aid = store_items.add_alternative(db, did, "Kulturhus Skövde", municipality_id="Skövde")
        store_items.add_alternative(db, did, "Scen i Hjo", municipality_id="Hjo")
        store_places.add_venue(db, "Skara stadsbibliotek", "bibliotek", 13.44, 58.39)
    finally:
        db.conn.close()
    return did, aid


def _click_at(pg, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, using the server's projection."""
    pos = pg.evaluate(
        """([lon, lat]) => {
          const svg = document.getElementById('place-map'); const d = svg.dataset;
          const x = +d.pad + (lon - +d.lon0) * +d.kx * +d.scale;
          const y = +d.pad + (+d.lat1 - lat) * +d.scale;
          const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
          return [p.x, p.y]; }""", [lon, lat])
    pg.mouse.click(pos[0], pos[1])


def test_click_on_map_places_the_alternative(app, live_server, page_factory):
    pg = page_factory({"width": 820, "height": 1180}, touch=False)
    uid = _login_facilitator(app, pg, live_server)
    did, aid = _decision(app, uid)
    pg.goto(f"{live_server.url}/processledare/{did}/alternativ/{aid}/redigera")
    pg.locator("#place-map").scroll_into_view_if_needed()
    _click_at(pg, 13.86, 58.40)  # Skövde's town
    lat = float(pg.input_value("#lat").replace(",", "."))
    lon = float(pg.input_value("#lon").replace(",", "."))
    assert lat == pytest.approx(58.40, abs=0.01) and lon == pytest.approx(13.86, abs=0.01)
    assert "is-hidden" not in (pg.locator("#pick-point").get_attribute("class") or "")
    assert_no_axe_violations(pg, "alternative form with the map (820 px)")
    pg.screenshot(path=f"{SHOTS}/places-pick-820.png", full_page=True)
    pg.get_by_role("button", name="Spara").click()
    pg.wait_for_url(f"**/processledare/{did}**")
    db = connect(app.config["DATABASE"])
    try:
        place = store_places.get_place(db, aid)
    finally:
        db.conn.close()
    assert place["lat"] == pytest.approx(58.40, abs=0.01)
    # a click in Skara for the Skövde alternative is refused, naming both
    pg.goto(f"{live_server.url}/processledare/{did}/alternativ/{aid}/redigera")
    pg.locator("#place-map").scroll_into_view_if_needed()
    _click_at(pg, 13.45, 58.37)
    assert pg.input_value("#lat").startswith("58,3")
    pg.get_by_role("button", name="Spara").click()
    assert "Punkten ligger i Skara, men alternativets värdkommun är Skövde" in pg.content()
    assert pg.csp_violations == [] and pg.page_errors == []


@pytest.mark.parametrize("width,height", [(820, 1180), (1440, 900)])
def test_places_pages_fit_and_are_accessible(app, live_server, page_factory, width, height):
    pg = page_factory({"width": width, "height": height}, touch=False)
    uid = _login_facilitator(app, pg, live_server)
    did, aid = _decision(app, uid)
    db = connect(app.config["DATABASE"])
    try:
        store_places.set_place(db, aid, 13.85, 58.39, "scen")
    finally:
        db.conn.close()
    for path, name in ((f"/platser/beslut/{did}", "decision"), ("/platser/", "venues")):
        pg.goto(live_server.url + path)
        box = pg.locator("figure.map svg").first.bounding_box()
        assert box and box["width"] > 200 and box["x"] + box["width"] <= width
        overflow = pg.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not overflow, f"{path} scrolls sideways at {width} px"
        assert_no_axe_violations(pg, f"places {name} page ({width} px)")
        pg.screenshot(path=f"{SHOTS}/places-{name}-{width}.png", full_page=True)
    assert pg.csp_violations == [] and pg.page_errors == []
