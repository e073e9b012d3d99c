"""Municipal borders as SVG geometry, for server-rendered maps without tiles or network.

The borders are Statistics Sweden's (SCB, CC0), bundled in ``data/kommuner.json`` by
``scripts/build_map_data.py`` (source, date and licence in ``data/README.md``). This module
only projects them: a local equirectangular projection (longitude scaled by the cosine of the
region's mean latitude), which for a region the size of Skaraborg differs from SWEREF 99 TM by
well under a pixel at the sizes drawn; results are cached per region.

Points (an investment's or a venue's location) are converted between WGS 84 and SWEREF 99 TM
with pyproj (its bundled PROJ database; no network, no grid files are needed for this pair)
and placed in their municipality by point-in-polygon on the same borders (shapely).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Area:
    """One municipality on the map: its SVG path and label point (map units)."""

    name: str
    code: str
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class RegionMap:
    """The region's municipalities projected into a ``width`` × ``height`` box; ``context`` is
    one path with the neighbouring municipalities (drawn faintly for orientation)."""

    width: float
    height: float
    areas: tuple[Area, ...]
    context: str
    missing: tuple[str, ...]
    # the projection (so points can be placed, and a click turned back into lon/lat)
    lon0: float = 0.0
    lat1: float = 0.0
    kx: float = 1.0
    scale: float = 1.0
    pad: float = 0.0

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Map units of a WGS 84 point."""
        return (self.pad + (lon - self.lon0) * self.kx * self.scale,
                self.pad + (self.lat1 - lat) * self.scale)

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        """The WGS 84 point (lon, lat) under map units ``x``, ``y``."""
        return (self.lon0 + (x - self.pad) / (self.kx * self.scale),
                self.lat1 - (y - self.pad) / self.scale)


@lru_cache(maxsize=1)
def borders() -> dict[str, Any]:
    """The bundled border file (parsed once per process)."""
    text = resources.files("mcda.core").joinpath("data/kommuner.json").read_text("utf-8")
    return json.loads(text)


def _by_name() -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in borders()["municipalities"]}


def _path(polygons: list[list[list[float]]], proj) -> str:
    parts: list[str] = []
    for poly in polygons:
        for ring in poly:
            pts = [proj(ring[i], ring[i + 1]) for i in range(0, len(ring), 2)]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


@lru_cache(maxsize=64)
def region_map(names: tuple[str, ...], width: float = 600.0, pad: float = 8.0) -> RegionMap:
    """Project the named municipalities (SCB names, e.g. "Skövde") to fit ``width``.

    Names not in the border file are returned in ``missing`` so the page can list them
    in its table instead of guessing a shape.
    """
    known = _by_name()
    chosen = [known[n] for n in names if n in known]
    missing = tuple(n for n in names if n not in known)
    if not chosen:
        return RegionMap(width, 0.0, (), "", missing)
    lons = [r[i] for m in chosen for p in m["polygons"] for r in p for i in range(0, len(r), 2)]
    lats = [r[i] for m in chosen for p in m["polygons"] for r in p for i in range(1, len(r), 2)]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * kx, 1e-9)
    scale = (width - 2 * pad) / span_x
    height = (lat1 - lat0) * scale + 2 * pad

    def proj(lon: float, lat: float) -> tuple[float, float]:
        return (pad + (lon - lon0) * kx * scale, pad + (lat1 - lat) * scale)

    areas = []
    for m in chosen:
        lx, ly = proj(*m["label"])
        areas.append(Area(m["name"], m["code"], _path(m["polygons"], proj), lx, ly))
    # neighbours whose box touches the region's box, as one faint context path
    margin = 0.1
    ctx = []
    chosen_codes = {m["code"] for m in chosen}
    for m in borders()["municipalities"]:
        if m["code"] in chosen_codes:
            continue
        ring = m["polygons"][0][0] if m["polygons"] else []
        if not ring:
            continue
        xs, ys = ring[0::2], ring[1::2]
        if (max(xs) < lon0 - margin or min(xs) > lon1 + margin
                or max(ys) < lat0 - margin or min(ys) > lat1 + margin):
            continue
        ctx.append(_path(m["polygons"], proj))
    return RegionMap(width, height, tuple(areas), "".join(ctx), missing,
                     lon0, lat1, kx, scale, pad)


def classify(values: list[float | None], n_classes: int = 5,
             lo: float | None = None, hi: float | None = None) -> tuple[list[int | None],
                                                                       list[float]]:
    """Equal-interval classes 0…n−1 for a choropleth, and the n+1 class boundaries.

    Equal intervals (not quantiles) so that the same colour means the same value range in
    every municipality and the legend reads as plain ranges; ``None`` stays ``None``.
    """
    vals = [v for v in values if v is not None]
    if lo is None:
        lo = min(vals) if vals else 0.0
    if hi is None:
        hi = max(vals) if vals else 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0) * 1e-9 + 1e-12
    step = (hi - lo) / n_classes
    bounds = [lo + i * step for i in range(n_classes + 1)]
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
        else:
            out.append(min(n_classes - 1, max(0, int((v - lo) / step))))
    return out, bounds


# --- points ----------------------------------------------------------------------------------

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"
CRS_NAMES = {WGS84: "WGS 84", SWEREF99TM: "SWEREF 99 TM"}


@lru_cache(maxsize=4)
def _transformer(src: str, dst: str):
    from pyproj import Transformer  # imported on first use: map drawing does not need it

    return Transformer.from_crs(src, dst, always_xy=True)


def to_wgs84(x: float, y: float, crs: str = WGS84) -> tuple[float, float]:
    """(lon, lat) in WGS 84 of a point given in ``crs`` (WGS 84 lon/lat, or SWEREF 99 TM
    easting/northing in metres)."""
    if crs == WGS84:
        return float(x), float(y)
    if crs not in CRS_NAMES:
        raise ValueError(f"unknown coordinate system {crs!r}")
    lon, lat = _transformer(crs, WGS84).transform(x, y)
    return float(lon), float(lat)


def to_sweref(lon: Any, lat: Any) -> tuple[Any, Any]:
    """SWEREF 99 TM easting and northing (metres) of WGS 84 points (scalars or arrays)."""
    return _transformer(WGS84, SWEREF99TM).transform(lon, lat)


@lru_cache(maxsize=1)
def _shapes() -> tuple[tuple[str, ...], Any]:
    """Every municipality as a shapely (multi)polygon, in the border file's order."""
    import shapely

    names, geoms = [], []
    for m in borders()["municipalities"]:
        polys = []
        for poly in m["polygons"]:
            rings = [list(zip(r[0::2], r[1::2], strict=True)) for r in poly]
            polys.append(shapely.Polygon(rings[0], rings[1:]))
        geoms.append(shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0])
        names.append(m["name"])
    shapely.prepare(geoms)
    return tuple(names), geoms


def municipality_at(lon: float, lat: float) -> str | None:
    """The municipality (SCB name) whose bundled border holds the WGS 84 point, or None
    (outside Sweden, or in the sea between the simplified borders)."""
    import shapely

    names, geoms = _shapes()
    pt = shapely.Point(lon, lat)
    for name, g in zip(names, geoms, strict=True):
        if g.covers(pt):
            return name
    return None


def shape_of(name: str) -> Any:
    """The shapely geometry of a municipality (for building grids inside it), or None."""
    names, geoms = _shapes()
    return geoms[names.index(name)] if name in names else None


def municipality_geojson(name: str) -> dict[str, Any] | None:
    """A municipality's border as an RFC 7946 geometry (lon/lat; exterior rings
    counter-clockwise and holes clockwise, the right-hand rule), or None if unknown."""
    import shapely
    from shapely.geometry.polygon import orient

    g = shape_of(name)
    if g is None:
        return None
    parts = list(g.geoms) if isinstance(g, shapely.MultiPolygon) else [g]
    oriented = [orient(p, sign=1.0) for p in parts]
    shape = shapely.MultiPolygon(oriented) if len(oriented) > 1 else oriented[0]
    return json.loads(shapely.to_geojson(shape))


def label_point(name: str) -> tuple[float, float] | None:
    """A municipality's label point (inside it), lon/lat, or None."""
    m = _by_name().get(name)
    return (m["label"][0], m["label"][1]) if m else None


__all__ = ["SWEREF99TM", "WGS84", "Area", "RegionMap", "borders", "classify",
           "label_point", "municipality_at", "municipality_geojson", "region_map", "shape_of",
           "to_sweref", "to_wgs84"]
