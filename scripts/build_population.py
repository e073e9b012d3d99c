"""Build the coarse default population layer for reach (mcda/core/data/befolkning.json).

No network is used: the figures are written below with their source, so the build can be
repeated and checked by anyone.

* Population per municipality: SCB, *Folkmängd i riket, län och kommuner*, 31 December 2023,
  rounded to the hundred, as in ``mcda.store.municipalities.MUNICIPALITIES``.
* The larger urban areas (tätorter) of each municipality with their populations, SCB
  *Tätorter 2020* (population 31 December 2020), rounded to the hundred, and the position of
  each town centre (WGS 84, two decimals, about 1 km). Only the larger tätorter are listed;
  the rest of each municipality's population (smaller tätorter, småorter and the
  countryside) is spread evenly over a 5 km grid inside the municipality's border.

The figures were transcribed by hand and rounded; they are good enough for a coarse layer
(its stated resolution: the tätort points and a 5 km grid) and must be replaced by SCB's
1 km grid for anything finer (upload it on the reach page; it is kept per installation).
Licence of the source figures: SCB's open statistics, CC0 1.0.

Run: ``python scripts/build_population.py`` (needs numpy, shapely and pyproj, the project's
own dependencies). The script checks that every town lies in its own municipality on the
bundled borders and that no municipality's towns exceed its population.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcda.core import geo  # noqa: E402
from mcda.store.municipalities import MUNICIPALITIES  # noqa: E402

GRID_M = 5000.0
DATE = "2023-12-31 (kommuner), 2020-12-31 (tätorter)"

#: (tätort, municipality, lat, lon, population 2020, rounded)
TOWNS: tuple[tuple[str, str, float, float, int], ...] = (
    ("Skövde", "Skövde", 58.39, 13.85, 38_900),
    ("Skultorp", "Skövde", 58.36, 13.84, 2_400),
    ("Timmersdala", "Skövde", 58.53, 13.77, 1_000),
    ("Lidköping", "Lidköping", 58.50, 13.16, 30_100),
    ("Järpås", "Lidköping", 58.38, 12.97, 1_000),
    ("Mariestad", "Mariestad", 58.71, 13.82, 16_900),
    ("Falköping", "Falköping", 58.17, 13.55, 17_100),
    ("Stenstorp", "Falköping", 58.27, 13.72, 1_500),
    ("Floby", "Falköping", 58.13, 13.33, 1_400),
    ("Skara", "Skara", 58.39, 13.44, 11_600),
    ("Götene", "Götene", 58.53, 13.49, 5_100),
    ("Hällekis", "Götene", 58.62, 13.43, 1_200),
    ("Tidaholm", "Tidaholm", 58.18, 13.96, 8_800),
    ("Hjo", "Hjo", 58.30, 14.28, 6_500),
    ("Töreboda", "Töreboda", 58.71, 14.13, 4_700),
    ("Vara", "Vara", 58.26, 12.96, 4_000),
    ("Kvänum", "Vara", 58.30, 13.18, 1_400),
    ("Nossebro", "Essunga", 58.19, 12.72, 2_000),
    ("Grästorp", "Grästorp", 58.33, 12.68, 3_100),
    ("Hova", "Gullspång", 58.86, 14.21, 1_700),
    ("Gullspång", "Gullspång", 58.99, 14.10, 1_100),
    ("Karlsborg", "Karlsborg", 58.54, 14.51, 3_700),
    ("Tibro", "Tibro", 58.42, 14.16, 8_800),
)


def _grid_inside(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Centres (SWEREF 99 TM) of the GRID_M squares whose centre lies in the municipality."""
    shape = geo.shape_of(name)
    lon0, lat0, lon1, lat1 = shape.bounds
    xs, ys = geo.to_sweref(np.array([lon0, lon1, lon0, lon1]), np.array([lat0, lat0, lat1, lat1]))
    gx = np.arange(np.floor(min(xs) / GRID_M) * GRID_M, max(xs) + GRID_M, GRID_M) + GRID_M / 2
    gy = np.arange(np.floor(min(ys) / GRID_M) * GRID_M, max(ys) + GRID_M, GRID_M) + GRID_M / 2
    mx, my = np.meshgrid(gx, gy)
    lon, lat = geo._transformer(geo.SWEREF99TM, geo.WGS84).transform(mx.ravel(), my.ravel())
    inside = shapely.contains_xy(shape, lon, lat)
    return mx.ravel()[inside], my.ravel()[inside]


def build() -> dict:
    """The layer as the JSON the app reads: metadata and cells ``[x, y, population]``."""
    cells: list[list[float]] = []
    for town, muni, lat, lon, _pop in TOWNS:
        found = geo.municipality_at(lon, lat)
        if found != muni:
            raise SystemExit(f"{town}: ({lat}, {lon}) lies in {found}, not {muni}")
    for muni, population in MUNICIPALITIES:
        towns = [t for t in TOWNS if t[1] == muni]
        rest = population - sum(t[4] for t in towns)
        if rest < 0:
            raise SystemExit(f"{muni}: its towns exceed its population")
        for _town, _m, lat, lon, pop in towns:
            x, y = geo.to_sweref(lon, lat)
            cells.append([round(float(x)), round(float(y)), pop])
        gx, gy = _grid_inside(muni)
        share = rest / len(gx)
        cells += [[round(float(x)), round(float(y)), round(share, 1)]
                  for x, y in zip(gx, gy, strict=True)]
    return {
        "name": "Grovt befolkningsunderlag för Skaraborg",
        "source": "SCB: folkmängd per kommun 2023-12-31 och tätorternas folkmängd 2020 "
                  "(avrundat till hundratal); resten av kommunens befolkning utspridd jämnt",
        "date": DATE,
        "licence": "CC0 1.0 (SCB:s öppna statistik)",
        "resolution": "större tätorter som punkter (cirka 1 km), övrig befolkning i rutor om "
                      "5 km; bara Skaraborgs 15 kommuner",
        "crs": "SWEREF 99 TM (EPSG:3006), rutans mittpunkt i meter",
        "generator": "scripts/build_population.py",
        "cells": cells,
    }


def main() -> None:
    out = ROOT / "mcda" / "core" / "data" / "befolkning.json"
    layer = build()
    out.write_text(json.dumps(layer, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    total = sum(c[2] for c in layer["cells"])
    print(f"{out.relative_to(ROOT)}: {len(layer['cells'])} cells, {total:,.0f} people")


if __name__ == "__main__":
    main()
