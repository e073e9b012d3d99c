"""Places: an alternative's point location and kind, and the region's existing cultural venues.

Points are kept in WGS 84 (lon, lat); a point typed in SWEREF 99 TM is converted on the way
in (``core.geo``). Every point is checked against the bundled municipal borders: outside
Skaraborg, or in another municipality than the alternative's host, is refused with a Swedish
message that names where the point lies. Venues are one current-state picture per
installation (the region's, not a decision's), so every decision's maps show the same ones.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from ..core import geo
from .db import transaction
from .decisions import touch_decision
from .errors import N_, StoreError
from .fields import clean_name
from .municipalities import list_municipalities

KINDS: tuple[str, ...] = ("bibliotek", "scen", "museum", "biograf", "kulturskola",
                          "konsthall", "annat")
"""Kinds of cultural venue (Swedish ids, also the UI's words)."""
CRS_CHOICES: tuple[str, ...] = (geo.WGS84, geo.SWEREF99TM)
# plausible SWEREF 99 TM for mainland Sweden (metres): easting, northing
_SWEREF_E = (200_000.0, 1_000_000.0)
_SWEREF_N = (6_100_000.0, 7_700_000.0)


def parse_coordinate(value: Any, field: str) -> float | None:
    """A coordinate from a form or file cell ("58,39" or "58.39"); '' and None are None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise StoreError(field, N_("Koordinaten måste vara ett tal, t.ex. 58,39."))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise StoreError(field, N_("Koordinaten ”%(value)s” är inget tal (t.ex. 58,39)."),
                         value=str(value)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise StoreError(field, N_("Koordinaten måste vara ett ändligt tal."))
    return number


def to_point(x: float, y: float, crs: str = geo.WGS84) -> tuple[float, float]:
    """(lon, lat) in WGS 84 of a typed point: WGS 84 as (longitude, latitude) or SWEREF 99 TM
    as (easting/E, northing/N) in metres; values that cannot be either are refused."""
    if crs == geo.WGS84:
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise StoreError("lon", N_("Longitud ska ligga mellan −180 och 180 och latitud "
                                       "mellan −90 och 90 (WGS 84, grader)."))
        return round(x, 6), round(y, 6)
    if crs == geo.SWEREF99TM:
        if not (_SWEREF_E[0] <= x <= _SWEREF_E[1] and _SWEREF_N[0] <= y <= _SWEREF_N[1]):
            raise StoreError("lon", N_("SWEREF 99 TM: östlig koordinat (E) ska ligga mellan "
                                       "200 000 och 1 000 000 och nordlig (N) mellan "
                                       "6 100 000 och 7 700 000 meter."))
        lon, lat = geo.to_wgs84(x, y, crs)
        return round(lon, 6), round(lat, 6)
    raise StoreError("crs", N_("Välj koordinatsystem: WGS 84 eller SWEREF 99 TM."))


def region_names(db: Database) -> list[str]:
    """The region's municipalities (the installation's list)."""
    return [m["name"] for m in list_municipalities(db)]


def locate(db: Database, lon: float, lat: float, host: str | None = None,
           field: str = "lon") -> str:
    """The municipality of a WGS 84 point; refused outside the region or outside ``host``."""
    found = geo.municipality_at(lon, lat)
    if found is None:
        raise StoreError(field, N_("Punkten (lat %(lat)s, lon %(lon)s) ligger utanför "
                                   "Skaraborg, inte i någon kommun i kartunderlaget."),
                         lat=f"{lat:.4f}", lon=f"{lon:.4f}")
    if found not in region_names(db):
        raise StoreError(field, N_("Punkten ligger i %(found)s kommun, utanför Skaraborg."),
                         found=found)
    if host and found != host:
        raise StoreError(field, N_("Punkten ligger i %(found)s, men alternativets värdkommun "
                                   "är %(host)s. Flytta punkten eller byt värdkommun."),
                         found=found, host=host)
    return found


def clean_kind(value: Any, field: str = "kind", required: bool = False) -> str | None:
    """One of :data:`KINDS` (or None when not required and empty)."""
    if value in (None, ""):
        if required:
            raise StoreError(field, N_("Välj slag av kulturverksamhet."))
        return None
    kind = str(value).strip().casefold()
    if kind not in KINDS:
        raise StoreError(field, N_("”%(value)s” är inget av slagen: %(kinds)s."),
                         value=str(value), kinds=", ".join(KINDS))
    return kind


# --- alternatives' places ----------------------------------------------------------------


def get_places(db: Database, decision_id: int) -> dict[int, dict[str, Any]]:
    """``{alternative_id: {lon, lat, kind}}`` of a decision's alternatives that have any."""
    rows = db.execute(
        "SELECT p.alternative_id, p.lon, p.lat, p.kind FROM alternative_places p "
        "JOIN alternatives a ON a.id = p.alternative_id WHERE a.decision_id = ?",
        [decision_id])
    return {r["alternative_id"]: {"lon": r["lon"], "lat": r["lat"], "kind": r["kind"]}
            for r in rows}


def get_place(db: Database, alternative_id: int) -> dict[str, Any] | None:
    """One alternative's ``{lon, lat, kind}``, or None."""
    r = db.execute("SELECT lon, lat, kind FROM alternative_places WHERE alternative_id = ?",
                   [alternative_id]).fetchone()
    return dict(r) if r else None


def set_place(db: Database, alternative_id: int, lon: float | None, lat: float | None,
              kind: str | None = None) -> None:
    """Set (or clear, with None) an alternative's point and kind, checked against its host."""
    kind = clean_kind(kind)
    with transaction(db):
        alt = db.execute(
            "SELECT a.decision_id, m.name AS host FROM alternatives a LEFT JOIN "
            "municipalities m ON m.id = a.municipality_id WHERE a.id = ?",
            [alternative_id]).fetchone()
        if alt is None:
            raise StoreError("alternative_id", N_("Alternativet finns inte."))
        if (lon is None) != (lat is None):
            raise StoreError("lon", N_("Ange båda koordinaterna, eller ingen."))
        if lon is not None and lat is not None:
            locate(db, lon, lat, alt["host"])
        if lon is None and kind is None:
            db.execute("DELETE FROM alternative_places WHERE alternative_id = ?",
                       [alternative_id])
        else:
            db.execute(
                "INSERT INTO alternative_places (alternative_id, lon, lat, kind) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(alternative_id) DO UPDATE SET "
                "lon = excluded.lon, lat = excluded.lat, kind = excluded.kind",
                [alternative_id, lon, lat, kind])
        touch_decision(db, alt["decision_id"])


def set_places_by_name(db: Database, decision_id: int,
                       places: dict[str, tuple[float | None, float | None, str | None]]) -> int:
    """Set many alternatives' points by name (an import), in one transaction; the first
    bad point refuses them all, naming the alternative. Returns how many were set."""
    with transaction(db):
        ids = {r["name"].casefold(): r["id"] for r in db.execute(
            "SELECT id, name FROM alternatives WHERE decision_id = ?", [decision_id])}
        n = 0
        for name, (lon, lat, kind) in places.items():
            aid = ids.get(name.casefold())
            if aid is None:
                raise StoreError("name", N_("Alternativet ”%(name)s” finns inte."), name=name)
            try:
                set_place(db, aid, lon, lat, kind)
            except StoreError as exc:
                raise StoreError(exc.field, N_("%(name)s: %(error)s"), name=name,
                                 error=exc) from None
            n += 1
        return n


# --- venues -----------------------------------------------------------------------------


def list_venues(db: Database) -> list[dict[str, Any]]:
    """Every registered venue with ``municipality`` (name), by kind and name."""
    return [dict(r) for r in db.execute(
        "SELECT v.*, m.name AS municipality FROM venues v LEFT JOIN municipalities m "
        "ON m.id = v.municipality_id ORDER BY v.kind, v.name")]


def get_venue(db: Database, venue_id: int) -> dict[str, Any] | None:
    r = db.execute("SELECT * FROM venues WHERE id = ?", [venue_id]).fetchone()
    return dict(r) if r else None


def _venue_row(db: Database, name: Any, kind: Any, lon: float, lat: float) -> list[Any]:
    name = clean_name(name, "name", N_("Ange verksamhetens namn."))
    kind = clean_kind(kind, required=True)
    found = locate(db, lon, lat)
    mid = db.execute("SELECT id FROM municipalities WHERE name = ?", [found]).fetchone()
    return [name, kind, mid["id"] if mid else None, lon, lat]


def _touch_all(db: Database) -> None:
    """Venues are on every decision's maps: every decision's caches must see the change."""
    db.execute("UPDATE decisions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")


def add_venue(db: Database, name: str, kind: str, lon: float, lat: float) -> int:
    """Register a venue (its municipality from its point); refused outside Skaraborg."""
    with transaction(db):
        row = _venue_row(db, name, kind, lon, lat)
        if db.execute("SELECT 1 FROM venues WHERE name = ? AND kind = ?",
                      [row[0], row[1]]).fetchone():
            raise StoreError("name", N_("%(kind)s ”%(name)s” finns redan."), kind=row[1],
                             name=row[0])
        cur = db.execute("INSERT INTO venues (name, kind, municipality_id, lon, lat) "
                         "VALUES (?, ?, ?, ?, ?)", row)
        _touch_all(db)
        return int(cur.lastrowid)


def delete_venue(db: Database, venue_id: int) -> None:
    with transaction(db):
        if get_venue(db, venue_id) is None:
            raise StoreError("venue_id", N_("Verksamheten finns inte."))
        db.execute("DELETE FROM venues WHERE id = ?", [venue_id])
        _touch_all(db)


def import_venues(db: Database, rows: list[dict[str, Any]], replace: bool = False) -> int:
    """Add many venues (``{name, kind, lon, lat}``) in one transaction, or replace them all;
    the first bad row refuses the whole file, naming its row. Returns the number added."""
    with transaction(db):
        if replace:
            db.execute("DELETE FROM venues")
        seen = {(r["name"], r["kind"]) for r in db.execute("SELECT name, kind FROM venues")}
        for no, r in enumerate(rows, start=1):
            try:
                row = _venue_row(db, r.get("name"), r.get("kind"), r["lon"], r["lat"])
            except StoreError as exc:
                raise StoreError(exc.field, N_("Rad %(row)d: %(error)s"), row=no,
                                 error=exc) from None
            if (row[0], row[1]) in seen:
                continue  # the same venue twice (or already registered): kept once
            seen.add((row[0], row[1]))
            db.execute("INSERT INTO venues (name, kind, municipality_id, lon, lat) "
                       "VALUES (?, ?, ?, ?, ?)", row)
        _touch_all(db)
        return len(rows)


__all__ = ["CRS_CHOICES", "KINDS", "add_venue", "clean_kind", "delete_venue", "get_place",
           "get_places", "get_venue", "import_venues", "list_venues", "locate",
           "parse_coordinate", "region_names", "set_place", "set_places_by_name", "to_point"]
