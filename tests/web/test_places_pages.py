"""The places pages: venues by form, CSV and GeoJSON; the decision's map, the computed
Räckvidd criterion kept current; GeoJSON out, valid by the `geojson` library and RFC 7946's
right-hand rule; the maps of the other pages draw the points."""

from __future__ import annotations

import html as htmllib
import io
import json

import geojson
import pytest
import shapely
from shapely.geometry import shape

from mcda.store import connect
from mcda.store import decisions as store
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places
from mcda.store import reach as store_reach
from tests.helpers import csrf_from, login, make_user

SKOVDE = (13.85, 58.39)
SKARA = (13.44, 58.39)


def _db(app):
    return connect(app.config["DATABASE"])


def _token(client, url="/platser/"):
    return csrf_from(client.get(url).get_data(as_text=True))


def text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


@pytest.fixture(name="decision")
def decision_fixture(app, facilitator):
    db = _db(app)
    store_munis.ensure_municipalities(db)
    did = store.create_decision(db, facilitator["id"], "Kultur", "Test")
    store_items.add_criterion(db, did, "Barn och unga")
    skovde = next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    a1 = store_items.add_alternative(db, did, "Kulturhus Skövde", municipality_id=skovde,
                                     cost=100)
    a2 = store_items.add_alternative(db, did, "Turnéscen")
    db.conn.close()
    return {"id": did, "a": [a1, a2]}


def test_venue_by_form_then_map_and_table(client, app, decision):
    r = client.post("/platser/ny", data={"csrf_token": _token(client), "name": "Stadsbiblioteket",
                                          "kind": "bibliotek", "crs": "EPSG:4326",
                                          "lat": "58,39", "lon": "13,85"})
    assert r.status_code == 303
    page = text(client.get("/platser/"))
    assert "Stadsbiblioteket" in page and "B = bibliotek" in page
    assert 'class="map-place map-place-venue"' in page


def test_venue_outside_skaraborg_is_refused_by_name(client, decision):
    r = client.post("/platser/ny", data={"csrf_token": _token(client), "name": "Stadsteatern",
                                          "kind": "scen", "crs": "EPSG:4326",
                                          "lat": "57,71", "lon": "11,97"})
    assert r.status_code == 422
    assert "Punkten ligger i Göteborg kommun, utanför Skaraborg." in text(r)


def test_venues_from_csv_and_geojson(client, app, decision):
    csv_text = "namn;slag;lat;lon\nSkara scen;scen;58,39;13,44\n"
    r = client.post("/platser/import", data={
        "csrf_token": _token(client), "fil-file": (io.BytesIO(csv_text.encode()), "v.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 303
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(SKOVDE)},
         "properties": {"namn": "Skövde museum", "slag": "museum"}}]}
    r = client.post("/platser/import", data={
        "csrf_token": _token(client),
        "fil-file": (io.BytesIO(json.dumps(gj).encode()), "v.geojson")},
        content_type="multipart/form-data")
    assert r.status_code == 303
    db = _db(app)
    assert sorted(v["name"] for v in store_places.list_venues(db)) == ["Skara scen",
                                                                        "Skövde museum"]
    db.conn.close()
    bad = "namn;slag;lat;lon\nX;kyrka;58,39;13,44\n"
    r = client.post("/platser/import", data={
        "csrf_token": _token(client), "fil-file": (io.BytesIO(bad.encode()), "v.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 422 and "Rad 1: ”kyrka” är inget av slagen" in text(r)


def test_reach_criterion_added_and_recomputed_when_location_changes(client, app, decision):
    did, (a1, _a2) = decision["id"], decision["a"]
    db = _db(app)
    store_places.set_place(db, a1, *SKOVDE, kind="scen")
    db.conn.close()
    url = f"/platser/beslut/{did}"
    r = client.post(url + "/rackvidd", data={"csrf_token": _token(client, url)})
    assert r.status_code == 303
    db = _db(app)
    cid = next(iter(store_reach.computed(db, did)))
    first = store_items.get_scores(db, did)[(a1, cid)]
    db.conn.close()
    assert first > 10_000  # Skövde's town lies within 2 km
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [13.95, 58.30]},
         "properties": {"namn": "Kulturhus Skövde", "slag": "scen"}}]}
    r = client.post(url + "/import", data={
        "csrf_token": _token(client, url),
        "fil-file": (io.BytesIO(json.dumps(gj).encode()), "p.geojson")},
        content_type="multipart/form-data")
    assert r.status_code == 303
    db = _db(app)
    assert store_items.get_scores(db, did)[(a1, cid)] < first
    db.conn.close()
    page = text(client.get(url))
    assert "fågelvägen" in page and "Grovt befolkningsunderlag för Skaraborg" in page


def _valid_rfc7946(fc: dict) -> None:
    obj = geojson.loads(json.dumps(fc))
    assert obj.is_valid, obj.errors()
    assert "crs" not in fc
    for f in fc["features"]:
        g = f["geometry"]
        if g and g["type"] in ("Polygon", "MultiPolygon"):
            polys = shape(g).geoms if g["type"] == "MultiPolygon" else [shape(g)]
            for p in polys:
                assert p.exterior.is_ccw  # right-hand rule: exterior counter-clockwise
                assert all(not r.is_ccw for r in p.interiors)
        if g and g["type"] == "Point":
            lon, lat = g["coordinates"]
            assert 10 < lon < 16 and 57 < lat < 60  # lon first, in Skaraborg


def test_geojson_downloads_are_valid(client, app, decision):
    did, (a1, _a2) = decision["id"], decision["a"]
    db = _db(app)
    store_places.set_place(db, a1, *SKOVDE, kind="scen")
    store_places.add_venue(db, "Skara scen", "scen", *SKARA)
    db.conn.close()
    r = client.get(f"/platser/beslut/{did}/alternativ.geojson")
    assert r.mimetype == "application/geo+json"
    fc = r.get_json(force=True)
    _valid_rfc7946(fc)
    assert fc["features"][0]["geometry"]["coordinates"] == list(SKOVDE)
    assert fc["features"][1]["geometry"] is None  # no point: null geometry (RFC 7946 3.2)
    venues = client.get("/platser/verksamheter.geojson").get_json(force=True)
    _valid_rfc7946(venues)
    assert venues["features"][0]["properties"]["kommun"] == "Skara"


def test_municipalities_geojson_follows_the_right_hand_rule():
    from mcda.web.exports import geojson as gj

    view = {"participation": {"rows": [{"name": "Skövde", "n": 5, "note": ""},
                                       {"name": "Hjo", "n": None, "note": "dold"}],
                              "hidden": ["Hjo"]},
            "criteria": [{"id": "1", "name": "Barn"}],
            "group_weights": {"rows": ["Skövde"], "values": [[1.0]]},
            "distance": [{"group": "Skövde", "distance": 0.1}]}
    fc = gj.municipalities(view)
    _valid_rfc7946(fc)
    props = {f["properties"]["kommun"]: f["properties"] for f in fc["features"]}
    assert props["Skövde"]["vikt: Barn"] == 1.0
    assert props["Hjo"]["deltagare"] is None and props["Hjo"]["vikt: Barn"] is None
    assert shapely.is_valid(shape(fc["features"][0]["geometry"]))


def test_secretariat_may_register_venues_but_not_edit_decisions(app, client, decision):
    client.post("/logga-ut", data={"csrf_token": _token(client)})
    make_user(app, "k@example.se", role="secretariat")
    login(client, "k@example.se")
    assert client.get("/platser/").status_code == 200
    assert client.get(f"/platser/beslut/{decision['id']}").status_code in (403, 404)


def test_round_geojson_exports_plan_and_municipalities(app, client):
    """etapper.geojson: each planned investment at its own point (or its host's label
    point) with its phase; kommuner.geojson: the borders with the published figures."""
    from mcda.store import analysis_cache

    from .results_helpers import login_as, open_db
    from .test_exports_phasing import phased_scenario

    analysis_cache.clear()
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    db = open_db(app)
    alts = store_items.list_alternatives(db, sc["decision_id"])
    skovde = next(a for a in alts if a["municipality"] == "Skövde")
    store_places.set_place(db, skovde["id"], *SKOVDE)
    db.conn.close()
    plan = client.get(f"/resultat/{sc['round_id']}/export/etapper.geojson")
    assert plan.status_code == 200 and plan.mimetype == "application/geo+json"
    fc = json.loads(plan.data)
    _valid_rfc7946(fc)
    by_name = {f["properties"]["investering"]: f for f in fc["features"]}
    own = by_name[skovde["name"]]
    assert own["geometry"]["coordinates"] == list(SKOVDE)
    assert own["properties"]["lage"] == "egen punkt"
    assert {f["properties"]["lage"] for f in fc["features"]} >= {"kommunens mittpunkt"}
    munis = json.loads(client.get(f"/resultat/{sc['round_id']}/export/kommuner.geojson").data)
    _valid_rfc7946(munis)
    assert {f["properties"]["kommun"] for f in munis["features"]} >= {"Skövde"}
    analysis_cache.clear()


def test_results_and_planning_maps_draw_points(app, client):
    """Every map of the results page shows the investments and venues at their points, with
    the places table; the planning page's phase maps put a placed investment at its point."""
    from mcda.store import analysis_cache

    from .results_helpers import login_as, open_db
    from .test_exports_phasing import phased_scenario

    analysis_cache.clear()
    uid = login_as(app, client)
    sc = phased_scenario(app, uid)
    db = open_db(app)
    alts = store_items.list_alternatives(db, sc["decision_id"])
    skovde = next(a for a in alts if a["municipality"] == "Skövde")
    store_places.set_place(db, skovde["id"], *SKOVDE, kind="scen")
    store_places.add_venue(db, "Skara scen", "scen", *SKARA)
    db.conn.close()
    page = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    n_maps = page.count('<figure class="map')
    assert n_maps >= 2
    assert page.count('class="map-place map-place-inv"><title>') == n_maps  # markers
    assert page.count('class="map-place map-place-venue"><title>') == n_maps
    assert "Platser på kartan" in page and "S = scen" in page
    plan = client.get(f"/etapper/{sc['decision_id']}").get_data(as_text=True)
    assert 'class="map-place map-place-venue"' in plan
    analysis_cache.clear()


def test_analysis_input_records_how_reach_was_computed(app, client):
    """The analysis (and its JSON export) carries the computed criterion's provenance."""
    from mcda.store import analysis_cache
    from mcda.store import analysis_input as ai

    from .results_helpers import login_as, open_db, scenario

    analysis_cache.clear()
    uid = login_as(app, client)
    sc = scenario(app, uid)
    db = open_db(app)
    try:
        alts = store_items.list_alternatives(db, sc["decision_id"])
        store_places.set_place(db, alts[0]["id"], *SKOVDE)
        # votes lock the criteria, so mark an existing one as computed (as if added before)
        cid = store_items.list_criteria(db, sc["decision_id"])[0]["id"]
        db.execute("INSERT INTO computed_criteria (criterion_id, kind) VALUES (?, 'reach')",
                   [cid])
        store_reach.recompute(db, sc["decision_id"], store_reach.load_layer(None))
        meta = ai.build_input(db, sc["round_id"])["meta"]["computed_criteria"]
    finally:
        db.conn.close()
    (entry,) = meta.values()
    assert entry["kind"] == "reach" and entry["method"] == "reach-bands-v1"
    assert entry["bands_km"] == [0.0, 2.0, 10.0, 40.0, 70.0]
    assert entry["layer"]["licence"].startswith("CC0")
    exported = json.loads(client.get(f"/resultat/{sc['round_id']}/export/analys.json").data)
    assert "computed_criteria" in exported["input"]["meta"]
    analysis_cache.clear()


def test_population_layer_upload_recomputes_and_reset(client, app, decision):
    from pathlib import Path

    did, (a1, _a2) = decision["id"], decision["a"]
    db = _db(app)
    store_places.set_place(db, a1, *SKOVDE, kind="scen")
    store_reach.add_reach_criterion(db, did, store_reach.load_layer(None))
    db.conn.close()
    x, y = store_places.geo.to_sweref(*SKOVDE)
    grid = f"x;y;befolkning\n{x + 500:.0f};{y:.0f};1234\n"
    r = client.post("/platser/befolkning", data={
        "csrf_token": _token(client), "bef-file": (io.BytesIO(grid.encode()), "rutor.csv"),
        "bef-source": "SCB test", "bef-licence": "CC0 1.0", "bef-resolution": "1 km-rutor"},
        content_type="multipart/form-data")
    assert r.status_code == 303
    folder = Path(app.config["DATABASE"]).parent
    assert (folder / "befolkning.json").exists()  # kept beside the database (instance/)
    db = _db(app)
    cid = next(iter(store_reach.computed(db, did)))
    assert store_items.get_scores(db, did)[(a1, cid)] == 1234
    db.conn.close()
    assert "SCB test" in text(client.get("/platser/"))
    bad = client.post("/platser/befolkning", data={
        "csrf_token": _token(client), "bef-file": (io.BytesIO(b"a;b\n1;2\n"), "x.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and "Kolumnen med befolkning saknas" in text(bad)
    assert client.post("/platser/befolkning/standard",
                       data={"csrf_token": _token(client)}).status_code == 303
    assert not (folder / "befolkning.json").exists()
    db = _db(app)
    assert store_items.get_scores(db, did)[(a1, cid)] > 10_000
    db.conn.close()
