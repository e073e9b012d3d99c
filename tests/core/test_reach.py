"""Reach on synthetic layers whose answers can be counted by hand (core.reach), and the
point helpers of core.geo (projection, point-in-polygon)."""

import numpy as np
import pytest

from mcda.core import geo, reach


def _layer(xs, ys, pops):
    return reach.PopulationLayer(np.asarray(xs, float), np.asarray(ys, float),
                                 np.asarray(pops, float))


def _rings():
    """Cells due east of the origin at 1, 5, 20, 50 and 100 km with 10 … 50 people."""
    d = np.array([1, 5, 20, 50, 100]) * 1000.0
    return _layer(d, np.zeros(5), [10, 20, 30, 40, 50])


def test_bands_and_score_without_venues():
    r = reach.reach(_rings(), [0.0], [0.0])
    np.testing.assert_allclose(r.bands[0], [10, 20, 30, 40])  # 100 km is beyond 70 km
    np.testing.assert_allclose(r.new[0], r.bands[0])  # no venue of the kind: all are new
    assert r.scores[0] == pytest.approx(10 + 20 / 2 + 30 / 4 + 40 / 8)


def test_only_people_reached_for_the_first_time_count_when_venues_exist():
    old = np.array([0.5, 50.0, 5.0, np.inf, 1.0])  # km to the nearest existing venue
    r = reach.reach(_rings(), [0.0], [0.0], [old])
    np.testing.assert_allclose(r.new[0], [0, 20, 0, 40])
    assert r.scores[0] == pytest.approx(20 / 2 + 40 / 8)


def test_band_edges_are_half_open():
    layer = _layer([2000.0, 10000.0, 40000.0, 70000.0], [0, 0, 0, 0], [1, 1, 1, 1])
    r = reach.reach(layer, [0.0], [0.0])
    np.testing.assert_allclose(r.bands[0], [0, 1, 1, 1])  # exactly 70 km is outside


def test_uniform_grid_known_counts():
    g = np.arange(-100, 101) * 1000.0
    mx, my = np.meshgrid(g, g)
    layer = _layer(mx.ravel(), my.ravel(), np.ones(mx.size))
    r = reach.reach(layer, [0.0, 100000.0], [0.0, 0.0])
    # lattice points strictly within 2 km of the origin: the centre, 4 at 1 km, 4 at √2 km
    assert r.bands[0][0] == 9
    i, j = np.meshgrid(np.arange(-100, 101), np.arange(-100, 101))
    d = np.hypot(i, j)
    assert r.bands[0][3] == np.count_nonzero((d >= 40) & (d < 70))
    # the second point sits on the grid's edge: half its disc is outside the layer
    assert r.bands[1][0] == 6  # (0,0), (0,±1), (−1,0), (−1,±1)


def test_nearest_km_takes_the_closest_venue():
    layer = _rings()
    d = reach.nearest_km(layer, np.array([0.0, 60000.0]), np.array([0.0, 0.0]))
    np.testing.assert_allclose(d, [1, 5, 20, 10, 40])
    assert np.isinf(reach.nearest_km(layer, np.array([]), np.array([]))).all()


def test_read_csv_scb_grid_codes_are_lower_left_corners():
    layer = reach.read_csv("Ruta;Pop\n4285006549000;12\n4295006549000;3\n", name="SCB")
    assert layer.x.tolist() == [429000.0, 430000.0]
    assert layer.y.tolist() == [6549500.0, 6549500.0]
    assert layer.total == 15


def test_read_csv_lonlat_is_projected_to_sweref():
    layer = reach.read_csv("lon,lat,befolkning\n13.85,58.39,100\n")
    lon, lat = geo.to_wgs84(layer.x[0], layer.y[0], geo.SWEREF99TM)
    assert (lon, lat) == pytest.approx((13.85, 58.39), abs=1e-6)


@pytest.mark.parametrize("text", ["x;y\n1;2\n", "Ruta;Pop\n42850;1\n", "x;y;pop\n1;2;-3\n",
                                  "Pop\n"])
def test_read_csv_refuses_what_it_cannot_read(text):
    with pytest.raises(reach.LayerError):
        reach.read_csv(text)


def test_default_layer_holds_skaraborg_and_says_what_it_is():
    layer = reach.default_layer()
    assert layer.total == pytest.approx(270_900, abs=50)
    info = layer.describe()
    assert info["source"] and info["licence"] and info["resolution"] and info["date"]
    lon, lat = geo._transformer(geo.SWEREF99TM, geo.WGS84).transform(layer.x, layer.y)
    from mcda.store.municipalities import MUNICIPALITIES
    names = {n for n, _ in MUNICIPALITIES}
    assert {geo.municipality_at(a, b) for a, b in zip(lon, lat, strict=True)} <= names


def test_json_round_trip():
    layer = _rings()
    back = reach.layer_from_json(reach.layer_to_json(layer))
    np.testing.assert_allclose(back.pop, layer.pop)


def test_sweref_wgs84_round_trip_and_municipality():
    x, y = geo.to_sweref(13.85, 58.39)
    assert geo.to_wgs84(x, y, geo.SWEREF99TM) == pytest.approx((13.85, 58.39), abs=1e-7)
    assert geo.municipality_at(13.85, 58.39) == "Skövde"
    assert geo.municipality_at(12.0, 57.7) == "Göteborg"
    assert geo.municipality_at(5.0, 50.0) is None
    with pytest.raises(ValueError):
        geo.to_wgs84(1, 2, "EPSG:9999")


def test_region_map_unprojects_what_it_projects():
    rm = geo.region_map(("Skövde", "Tibro"), 600.0, 14.0)
    x, y = rm.project(13.9, 58.4)
    assert rm.unproject(x, y) == pytest.approx((13.9, 58.4))


def test_pyproj_works_offline_with_its_bundled_data():
    """The WGS 84 ↔ SWEREF 99 TM pair needs only PROJ's database shipped in the wheel: no
    network (PROJ_NETWORK off) and no grid files; a fresh process proves nothing is fetched."""
    import subprocess
    import sys

    code = ("import os; os.environ['PROJ_NETWORK'] = 'OFF'\n"
            "import pyproj, pyproj.network\n"
            "assert not pyproj.network.is_network_enabled()\n"
            "t = pyproj.Transformer.from_crs(4326, 3006, always_xy=True)\n"
            "x, y = t.transform(15.0, 62.0)\n"
            "print(round(x, 3), round(y, 1))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    x, y = map(float, out.stdout.split())
    # on SWEREF 99 TM's central meridian (15° E) the easting is the false easting exactly
    assert x == pytest.approx(500_000.0, abs=0.001)
    assert 6_870_000 < y < 6_880_000  # 62° N ≈ 6 875 km north of the equator
