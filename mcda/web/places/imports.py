"""Reading points from files: venues (CSV or GeoJSON) and alternatives' locations (GeoJSON).

Pure parsing into plain rows ``{name, kind, lon, lat}``; the checks against the borders and
the kinds are the store's (``store.places``), so every way in gives the same messages. A
file's problems are returned as Swedish sentences naming the row or the feature.

CSV (semicolon or comma, UTF-8 or Windows-1252): ``namn``, ``slag`` and either ``lat`` and
``lon`` (WGS 84, decimal comma or point) or ``n`` and ``e`` (SWEREF 99 TM metres).
GeoJSON (RFC 7946, WGS 84): Point features with ``namn`` (or ``name``) and ``slag`` (or
``kind``) among their properties.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask_babel import gettext as _

from mcda.core import geo
from mcda.store import places as store_places
from mcda.store.errors import StoreError
from mcda.web.kit.i18n import error_text

MAX_BYTES = 2_000_000
NAME_KEYS = ("namn", "name", "alternativ", "investering")
KIND_KEYS = ("slag", "kind", "typ")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _pick(props: dict[str, Any], keys: tuple[str, ...]) -> Any:
    low = {str(k).casefold(): v for k, v in props.items()}
    return next((low[k] for k in keys if low.get(k) not in (None, "")), None)


def read_geojson(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Point features as rows; other geometries and unreadable features are named."""
    try:
        data = json.loads(text)
    except ValueError:
        return [], [_("Filen är ingen giltig GeoJSON (JSON går inte att läsa).")]
    if not isinstance(data, dict):
        return [], [_("Filen är ingen GeoJSON FeatureCollection.")]
    feats = data.get("features") if data.get("type") == "FeatureCollection" else (
        [data] if data.get("type") == "Feature" else None)
    if not isinstance(feats, list):
        return [], [_("Filen är ingen GeoJSON FeatureCollection.")]
    rows, errors = [], []
    for no, f in enumerate(feats, start=1):
        g = (f or {}).get("geometry") or {}
        props = (f or {}).get("properties") or {}
        name = _pick(props, NAME_KEYS)
        coords = g.get("coordinates")
        if g.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            errors.append(_("Objekt %(n)d (%(name)s): bara punkter kan läsas in.", n=no,
                            name=name or "–"))
            continue
        if not name:
            errors.append(_("Objekt %(n)d: namn saknas (egenskapen ”namn”).", n=no))
            continue
        try:
            lon, lat = float(coords[0]), float(coords[1])
        except (TypeError, ValueError):
            errors.append(_("Objekt %(n)d (%(name)s): koordinaterna är inga tal.", n=no,
                            name=name))
            continue
        rows.append({"name": str(name), "kind": _pick(props, KIND_KEYS), "lon": lon,
                     "lat": lat})
    return rows, errors


def _csv_point(row: dict[str, str], no: int) -> tuple[float, float]:
    if row.get("lat") or row.get("lon"):
        lat = store_places.parse_coordinate(row.get("lat"), "lat")
        lon = store_places.parse_coordinate(row.get("lon"), "lon")
        crs = geo.WGS84
        x, y = lon, lat
    else:
        y = store_places.parse_coordinate(row.get("n"), "lat")
        x = store_places.parse_coordinate(row.get("e"), "lon")
        crs = geo.SWEREF99TM
    if x is None or y is None:
        raise StoreError("lon", "Ange båda koordinaterna, eller ingen.")
    return store_places.to_point(x, y, crs)


def read_csv(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Venues from CSV: ``namn``, ``slag`` and ``lat``/``lon`` or ``n``/``e``."""
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    reader.fieldnames = [(h or "").strip().casefold() for h in reader.fieldnames or []]
    if "namn" not in reader.fieldnames:
        return [], [_("Rad 1: kolumnen ”namn” saknas (kolumner: namn; slag; lat; lon).")]
    rows, errors = [], []
    for no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            lon, lat = _csv_point(row, no)
        except StoreError as exc:
            errors.append(_("Rad %(row)d: %(error)s", row=no, error=error_text(exc)))
            continue
        rows.append({"name": (row.get("namn") or "").strip(), "kind": (row.get("slag") or
                                                                        "").strip(),
                     "lon": lon, "lat": lat})
    return rows, errors


def read_upload(data: bytes, filename: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows from an uploaded CSV or GeoJSON file (by its content, not its name)."""
    if not data:
        return [], [_("Filen är tom.")]
    if len(data) > MAX_BYTES:
        return [], [_("Filen är för stor (högst %(kb)d kB).", kb=MAX_BYTES // 1000)]
    text = decode(data)
    if text.lstrip().startswith("{") or filename.lower().endswith((".geojson", ".json")):
        return read_geojson(text)
    return read_csv(text)
