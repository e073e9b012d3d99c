"""The bundled SCB borders and their projection into SVG (mcda.core.geo)."""

from __future__ import annotations

import re
from importlib import resources

from mcda.core import geo
from mcda.store.municipalities import MUNICIPALITIES

SKARABORG = tuple(n for n, _p in MUNICIPALITIES)


def test_border_file_has_all_290_municipalities_and_stays_small():
    data = geo.borders()
    assert len(data["municipalities"]) == 290
    assert "SCB" in data["source"] and "CC0" in data["licence"]
    size = resources.files("mcda.core").joinpath("data/kommuner.json").stat().st_size
    assert size < 1_000_000
    readme = resources.files("mcda.core").joinpath("data/README.md").read_text("utf-8")
    assert "CC0" in readme and "scripts/build_map_data.py" in readme


def test_every_skaraborg_municipality_is_drawn_inside_the_box():
    rm = geo.region_map(SKARABORG, 600.0, 10.0)
    assert rm.missing == ()
    assert sorted(a.name for a in rm.areas) == sorted(SKARABORG)
    assert {a.code for a in rm.areas} == {"1494", "1495", "1496", "1497", "1498", "1499",
                                            "1493", "1470", "1471", "1472", "1473", "1446",
                                            "1447", "1444", "1445"}
    for a in rm.areas:
        nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", a.d)]
        xs, ys = nums[0::2], nums[1::2]
        assert min(xs) >= 9.9 and max(xs) <= 590.1, a.name
        assert min(ys) >= 9.9 and max(ys) <= rm.height - 9.9, a.name
        assert 0 < a.label_x < 600 and 0 < a.label_y < rm.height
    # north is up: Gullspång lies north of Falköping, Lidköping west of Skövde
    pos = {a.name: (a.label_x, a.label_y) for a in rm.areas}
    assert pos["Gullspång"][1] < pos["Falköping"][1]
    assert pos["Lidköping"][0] < pos["Skövde"][0]


def test_unknown_names_are_reported_not_invented():
    rm = geo.region_map(("Skövde", "Atlantis"), 400.0)
    assert [a.name for a in rm.areas] == ["Skövde"]
    assert rm.missing == ("Atlantis",)
    empty = geo.region_map(("Atlantis",), 400.0)
    assert empty.areas == () and empty.missing == ("Atlantis",)


def test_classify_equal_intervals_keeps_none():
    classes, bounds = geo.classify([0.1, None, 0.2, 0.3], 5)
    assert classes == [0, None, 2, 4]
    assert bounds[0] == 0.1 and abs(bounds[-1] - 0.3) < 1e-12
    same, _b = geo.classify([0.2, 0.2], 5)
    assert same == [0, 0]
