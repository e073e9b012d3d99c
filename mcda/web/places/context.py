"""The places pages' only store access: what the pages show, and each change in one audited
transaction that also brings the computed reach scores up to date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import gettext as _
from sqlite_utils import Database

from mcda.core import reach as core_reach
from mcda.store import items as store_items
from mcda.store import places as store_places
from mcda.store import reach as store_reach
from mcda.store import users as store_users
from mcda.store.db import transaction
from mcda.store.errors import StoreError
from mcda.web.exports import geojson
from mcda.web.kit import places as kit_places
from mcda.web.kit.access import current_user
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text
from mcda.web.places import imports
from mcda.web.places.view_models import decision_rows, layer_info
from mcda.web.present import maps


@contextmanager
def audited(action: str, target: str, **detail: Any) -> Iterator[Database]:
    """One transaction for a change and its audit entry (both or neither)."""
    db = get_db()
    with transaction(db):
        yield db
        store_users.audit(db, current_user()["id"], action, target, **detail)


def _region_geo(places: dict[str, Any], alternatives: bool = True) -> dict[str, Any]:
    names = store_places.region_names(get_db())
    return maps.with_places(maps.geometry(names), places, alternatives)


def venues_page() -> dict[str, Any]:
    """The venues, their map and table, the layer in use."""
    db = get_db()
    venues = store_places.list_venues(db)
    pl = {"alternatives": [], "venues": [dict(v, host=v["municipality"]) for v in venues]}
    return {"venues": [dict(v, kind_label=maps.kind_label(v["kind"])) for v in venues],
            "geo": _region_geo(pl), "layer": layer_info(kit_places.layer(),
                                                          kit_places.uploaded())}


def add_venue(raw: dict[str, Any]) -> str | None:
    """Register a venue typed on the form; None when done, else the reason."""
    try:
        x = store_places.parse_coordinate(raw["lon"], "lon")
        y = store_places.parse_coordinate(raw["lat"], "lat")
        if x is None or y is None:
            return _("Ange båda koordinaterna.")
        lon, lat = store_places.to_point(x, y, raw["crs"])
        with audited("venue.add", "venues", name=raw["name"], kind=raw["kind"]) as db:
            store_places.add_venue(db, raw["name"], raw["kind"], lon, lat)
            kit_places.recompute_all(db)
    except StoreError as exc:
        return error_text(exc)
    return None


def delete_venue(venue_id: int) -> bool:
    db = get_db()
    venue = store_places.get_venue(db, venue_id)
    if venue is None:
        return False
    with audited("venue.delete", f"venue:{venue_id}", name=venue["name"]) as db:
        store_places.delete_venue(db, venue_id)
        kit_places.recompute_all(db)
    return True


def import_venues(data: bytes, filename: str, replace: bool) -> tuple[int, list[str]]:
    rows, errors = imports.read_upload(data, filename)
    if errors:
        return 0, errors
    if not rows:
        return 0, [_("Filen har inga verksamheter.")]
    try:
        with audited("venue.import", "venues", rows=len(rows), replace=replace) as db:
            n = store_places.import_venues(db, rows, replace=replace)
            kit_places.recompute_all(db)
    except StoreError as exc:
        return 0, [error_text(exc)]
    return n, []


def upload_layer(data: bytes, filename: str, meta: dict[str, str]) -> str | None:
    try:
        layer = store_reach.read_upload(data, filename, **meta)
    except core_reach.LayerError as exc:
        return _(exc.msgid, **exc.params) if exc.params else _(exc.msgid)
    with audited("population.upload", "population", name=filename,
                 cells=int(layer.pop.size)) as db:
        store_reach.save_layer(kit_places.instance_dir(), layer)
        kit_places.recompute_all(db)
    return None


def reset_layer() -> None:
    """Back to the bundled layer; nothing to do (and nothing logged) when none was uploaded."""
    if not kit_places.uploaded():
        return
    with audited("population.reset", "population") as db:
        store_reach.remove_layer(kit_places.instance_dir())
        kit_places.recompute_all(db)


def decision_page(decision: dict[str, Any]) -> dict[str, Any]:
    """The decision's locations, map, reach figures and how they were computed."""
    db = get_db()
    did = decision["id"]
    alts = store_items.list_alternatives(db, did)
    where = store_places.get_places(db, did)
    computed = store_reach.computed(db, did)
    reach = next((c for c in computed.values() if c["kind"] == "reach"), None)
    crit = next((store_items.get_criterion(db, cid) for cid, c in computed.items()
                 if c["kind"] == "reach"), None)
    return {"decision": decision, "geo": _region_geo(kit_places.map_places(did)),
            "rows": decision_rows(alts, where, reach),
            "reach": reach, "reach_criterion": crit,
            "layer": layer_info(kit_places.layer(), kit_places.uploaded()),
            "bands": core_reach.BANDS_KM, "weights": core_reach.BAND_WEIGHTS}


def add_reach(decision_id: int) -> str | None:
    try:
        with audited("criterion.add_reach", f"decision:{decision_id}") as db:
            store_reach.add_reach_criterion(db, decision_id, kit_places.layer())
    except StoreError as exc:
        return error_text(exc)
    return None


def import_points(decision_id: int, data: bytes, filename: str) -> tuple[int, list[str]]:
    """Alternatives' points from GeoJSON, matched by name; all or nothing."""
    rows, errors = imports.read_upload(data, filename)
    if errors:
        return 0, errors
    try:
        with audited("alternative.import_places", f"decision:{decision_id}",
                     rows=len(rows)) as db:
            n = store_places.set_places_by_name(
                db, decision_id, {r["name"]: (r["lon"], r["lat"], r["kind"] or None)
                                  for r in rows})
            kit_places.recompute(db, decision_id)
    except StoreError as exc:
        return 0, [error_text(exc)]
    return n, []


def alternatives_geojson(decision_id: int) -> bytes:
    db = get_db()
    where = store_places.get_places(db, decision_id)
    rows = [dict(a, host=a["municipality"], **(where.get(a["id"]) or {}))
            for a in store_items.list_alternatives(db, decision_id)]
    return geojson.dumps(geojson.alternatives(rows))


def venues_geojson() -> bytes:
    return geojson.dumps(geojson.venues(store_places.list_venues(get_db())))
