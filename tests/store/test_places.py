"""Places in the store: points checked against the borders (Swedish errors naming where the
point lies), venues, and the computed "Räckvidd" criterion kept current."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mcda.core import geo
from mcda.core import reach as core_reach
from mcda.store import items as store_items
from mcda.store import places
from mcda.store import reach as store_reach
from mcda.store.errors import StoreError

SKOVDE = (13.85, 58.39)
SKARA = (13.44, 58.39)
GOTEBORG = (11.97, 57.71)


@pytest.fixture
def alts(db, decision, muni):
    did = decision["id"]
    return {
        "skovde": store_items.add_alternative(db, did, "Kulturhus Skövde",
                                              municipality_id=muni["Skövde"]),
        "region": store_items.add_alternative(db, did, "Turnerande scen"),
        "skara": store_items.add_alternative(db, did, "Bibliotek Skara",
                                             municipality_id=muni["Skara"]),
    }


def test_point_in_host_is_kept(db, alts):
    places.set_place(db, alts["skovde"], *SKOVDE, kind="scen")
    assert places.get_place(db, alts["skovde"]) == {"lon": 13.85, "lat": 58.39, "kind": "scen"}


def test_point_in_another_municipality_names_both(db, alts):
    with pytest.raises(StoreError) as exc:
        places.set_place(db, alts["skovde"], *SKARA)
    assert exc.value.message == ("Punkten ligger i Skara, men alternativets värdkommun är "
                                 "Skövde. Flytta punkten eller byt värdkommun.")


def test_point_outside_skaraborg_names_the_municipality(db, alts):
    with pytest.raises(StoreError) as exc:
        places.set_place(db, alts["region"], *GOTEBORG)
    assert exc.value.message == "Punkten ligger i Göteborg kommun, utanför Skaraborg."
    with pytest.raises(StoreError, match="utanför Skaraborg"):
        places.set_place(db, alts["region"], 4.0, 56.0)


def test_regional_alternative_may_stand_anywhere_in_the_region(db, alts):
    places.set_place(db, alts["region"], *SKARA)
    places.set_place(db, alts["region"], None, None)
    assert places.get_place(db, alts["region"]) is None


def test_sweref_is_converted_and_checked():
    x, y = geo.to_sweref(*SKOVDE)
    assert places.to_point(float(x), float(y), geo.SWEREF99TM) == pytest.approx(SKOVDE)
    with pytest.raises(StoreError, match="SWEREF 99 TM"):
        places.to_point(58.39, 13.85, geo.SWEREF99TM)  # degrees typed as metres
    with pytest.raises(StoreError, match="Longitud"):
        places.to_point(200.0, 58.0)
    assert places.parse_coordinate("58,39", "lat") == 58.39
    with pytest.raises(StoreError, match="inget tal"):
        places.parse_coordinate("norr", "lat")


def test_venues_get_their_municipality_and_bad_rows_refuse_the_file(db, muni):
    vid = places.add_venue(db, "Skövde stadsbibliotek", "bibliotek", *SKOVDE)
    assert places.list_venues(db)[0]["municipality"] == "Skövde"
    with pytest.raises(StoreError, match="finns redan"):
        places.add_venue(db, "Skövde stadsbibliotek", "bibliotek", *SKOVDE)
    with pytest.raises(StoreError, match="Rad 2: Punkten ligger i Göteborg"):
        places.import_venues(db, [{"name": "A", "kind": "scen", "lon": SKARA[0],
                                   "lat": SKARA[1]},
                                  {"name": "B", "kind": "scen", "lon": GOTEBORG[0],
                                   "lat": GOTEBORG[1]}])
    assert len(places.list_venues(db)) == 1  # all or nothing
    with pytest.raises(StoreError, match="inget av slagen"):
        places.add_venue(db, "X", "kyrka", *SKOVDE)
    places.delete_venue(db, vid)
    assert places.list_venues(db) == []


def _layer():
    """Two cells: 1 km east of Skövde's point (100 people), and at Skara (50 people)."""
    sx, sy = geo.to_sweref(*SKOVDE)
    kx, ky = geo.to_sweref(*SKARA)
    return core_reach.PopulationLayer(np.array([sx + 1000.0, kx]), np.array([sy, ky]),
                                      np.array([100.0, 50.0]), name="test")


def test_reach_criterion_scores_follow_locations_and_venues(db, decision, alts):
    did = decision["id"]
    layer = _layer()
    places.set_place(db, alts["skovde"], *SKOVDE, kind="scen")
    cid = store_reach.add_reach_criterion(db, did, layer)
    # Skövde–Skara is about 24 km: 100 people in 0–2 km, 50 in 10–40 km
    assert store_items.get_scores(db, did)[(alts["skovde"], cid)] == round(100 + 50 / 4)
    assert (alts["skara"], cid) not in store_items.get_scores(db, did)  # no point: no score
    prov = store_reach.computed(db, did)[cid]["provenance"]
    assert prov["method"] == core_reach.METHOD and prov["layer"]["name"] == "test"
    assert prov["alternatives"][str(alts["skovde"])]["bands"] == [100, 0, 50, 0]
    # an existing stage in Skara: its people already have one within 10–40 km
    places.add_venue(db, "Skara scen", "scen", *SKARA)
    store_reach.recompute_all(db, layer)
    assert store_items.get_scores(db, did)[(alts["skovde"], cid)] == 100
    with pytest.raises(StoreError, match="redan"):
        store_reach.add_reach_criterion(db, did, layer)


def test_layer_file_round_trip_and_fallback(tmp_path):
    assert store_reach.load_layer(tmp_path).name == core_reach.default_layer().name
    layer = store_reach.read_upload(b"Ruta;Pop\n4285006549000;12\n", "rutor.csv",
                                    source="SCB")
    store_reach.save_layer(tmp_path, layer)
    back = store_reach.load_layer(tmp_path)
    assert back.total == 12 and back.source == "SCB"
    assert json.loads((tmp_path / "befolkning.json").read_text())["name"] == "rutor.csv"
    store_reach.remove_layer(tmp_path)
    assert store_reach.load_layer(tmp_path).total > 200_000


def test_geopackage_grid_is_read(tmp_path):
    import sqlite3

    import shapely

    path = tmp_path / "grid.gpkg"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE gpkg_geometry_columns (table_name, column_name, "
                 "geometry_type_name, srs_id, z, m)")
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES ('rutor', 'geom', 'POLYGON', "
                 "3006, 0, 0)")
    conn.execute("CREATE TABLE rutor (fid INTEGER PRIMARY KEY, geom BLOB, rutid TEXT, "
                 "beftotalt INTEGER)")
    square = shapely.box(428500, 6549000, 429500, 6550000)
    blob = b"GP\x00\x01" + (3006).to_bytes(4, "little") + shapely.to_wkb(square)
    conn.execute("INSERT INTO rutor (geom, rutid, beftotalt) VALUES (?, '1', 7)", [blob])
    conn.commit()
    conn.close()
    layer = store_reach.read_upload(path.read_bytes(), "grid.gpkg")
    assert (layer.x[0], layer.y[0], layer.total) == (429000.0, 6549500.0, 7.0)


def test_reach_criterion_beside_a_hand_scored_one_gets_its_own_name(db, decision):
    cid = store_reach.add_reach_criterion(db, decision["id"], _layer())
    assert store_items.get_criterion(db, cid)["name"] == "Räckvidd (beräknad)"
