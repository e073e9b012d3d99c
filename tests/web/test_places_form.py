"""An alternative's location on its form: typed WGS 84 or SWEREF 99 TM, refused with a
Swedish message naming where the point lies, and the map to click on (works without JS)."""

from __future__ import annotations

import html as htmllib

import pytest

from mcda.core import geo
from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places
from tests.helpers import csrf_from


@pytest.fixture(name="decision")
def decision_fixture(app, facilitator):
    db = connect(app.config["DATABASE"])
    store_munis.ensure_municipalities(db)
    did = store.create_decision(db, facilitator["id"], "Kultur", "Test")
    store_items.add_criterion(db, did, "Barn och unga")
    store_items.add_criterion(db, did, "Driftkostnad", direction="cost")
    skovde = next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    aid = store_items.add_alternative(db, did, "Kulturhus Skövde", municipality_id=skovde)
    db.conn.close()
    return {"id": did, "a": aid, "skovde": skovde}


def _post(client, url, **fields):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **fields})


def _edit(client, d, **fields):
    url = f"/processledare/{d['id']}/alternativ/{d['a']}/redigera"
    base = {"name": "Kulturhus Skövde", "municipality_id": str(d["skovde"]), "crs": geo.WGS84}
    return _post(client, url, **{**base, **fields})


def _place(app, aid):
    db = connect(app.config["DATABASE"])
    try:
        return store_places.get_place(db, aid)
    finally:
        db.conn.close()


def test_form_has_map_and_coordinate_fields(client, decision):
    page = client.get(f"/processledare/{decision['id']}/alternativ/{decision['a']}/redigera")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="place-map"' in body and "place-picker.js" in body
    assert 'name="lat"' in body and 'name="lon"' in body and "SWEREF 99 TM" in body


def test_wgs84_point_in_host_is_saved(client, app, decision):
    r = _edit(client, decision, lat="58,39", lon="13,85", kind="scen")
    assert r.status_code == 303
    assert _place(app, decision["a"]) == {"lon": 13.85, "lat": 58.39, "kind": "scen"}
    again = client.get(f"/processledare/{decision['id']}/alternativ/{decision['a']}/redigera")
    assert 'value="58,39"' in again.get_data(as_text=True)


def test_sweref_point_is_converted(client, app, decision):
    x, y = geo.to_sweref(13.85, 58.39)
    r = _edit(client, decision, crs=geo.SWEREF99TM, lat=f"{y:.0f}", lon=f"{x:.0f}")
    assert r.status_code == 303
    assert _place(app, decision["a"])["lat"] == pytest.approx(58.39, abs=1e-4)


def test_point_in_another_municipality_is_refused_by_name(client, app, decision):
    r = _edit(client, decision, lat="58,39", lon="13,44")
    body = htmllib.unescape(r.get_data(as_text=True))
    assert r.status_code == 422
    assert "Punkten ligger i Skara, men alternativets värdkommun är Skövde." in body
    assert _place(app, decision["a"]) is None
    r = _edit(client, decision, lat="57,71", lon="11,97")
    assert "Punkten ligger i Göteborg kommun, utanför Skaraborg." in htmllib.unescape(
        r.get_data(as_text=True))


def test_deleting_an_alternative_recomputes_the_reach_record(client, app, decision):
    from mcda.store import reach as store_reach

    db = connect(app.config["DATABASE"])
    store_places.set_place(db, decision["a"], 13.85, 58.39)
    store_reach.add_reach_criterion(db, decision["id"], store_reach.load_layer(None))
    (prov,) = [c["provenance"] for c in store_reach.computed(db, decision["id"]).values()]
    assert str(decision["a"]) in prov["alternatives"]
    db.conn.close()
    url = f"/processledare/{decision['id']}/alternativ/{decision['a']}/ta-bort"
    assert _post(client, url).status_code == 303
    db = connect(app.config["DATABASE"])
    (prov,) = [c["provenance"] for c in store_reach.computed(db, decision["id"]).values()]
    db.conn.close()
    assert prov["alternatives"] == {}
