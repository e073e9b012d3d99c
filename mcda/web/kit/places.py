"""Places plumbing every feature shares: the installation's population layer (uploaded into
instance/, else the bundled coarse one), keeping the computed reach scores current, and the
points a decision's maps draw (its alternatives' and the region's venues).

Why here: the alternative form (facilitate), the venues pages (places) and the maps on the
results, planning and scenario pages all need the same three things, and no feature may
import another.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import current_app
from sqlite_utils import Database

from mcda.core.reach import PopulationLayer
from mcda.store import items as store_items
from mcda.store import places as store_places
from mcda.store import reach as store_reach
from mcda.web.kit.db import get_db

_LOCK = threading.Lock()
_CACHE: dict[str, tuple[float, PopulationLayer]] = {}


def instance_dir() -> Path:
    """Where the installation keeps its uploaded layer: ``POPULATION_DIR`` if configured,
    else the database's folder (``instance/`` in a normal installation; a test's tmp)."""
    configured = current_app.config.get("POPULATION_DIR")
    return Path(configured) if configured else Path(current_app.config["DATABASE"]).parent


def layer() -> PopulationLayer:
    """The installation's layer, read once per change of the file (mtime)."""
    path = instance_dir() / store_reach.LAYER_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    key = str(path)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None or hit[0] != mtime:
            hit = (mtime, store_reach.load_layer(instance_dir()))
            _CACHE[key] = hit
        return hit[1]


def uploaded() -> bool:
    """Whether the installation uses an uploaded layer (not the bundled one)."""
    return (instance_dir() / store_reach.LAYER_FILE).exists()


def recompute(db: Database, decision_id: int) -> None:
    """Bring a decision's computed scores up to date (inside the caller's transaction)."""
    store_reach.recompute(db, decision_id, layer())


def recompute_all(db: Database) -> int:
    return store_reach.recompute_all(db, layer())


def map_places(decision_id: int | None) -> dict[str, Any]:
    """Plain points for the maps: ``alternatives`` [{name, lon, lat, kind, host}] of the
    decision (those with a point) and the region's ``venues`` [{name, lon, lat, kind}]."""
    db = get_db()
    alts: list[dict[str, Any]] = []
    if decision_id is not None:
        where = store_places.get_places(db, decision_id)
        for a in store_items.list_alternatives(db, decision_id):
            p = where.get(a["id"])
            if p and p["lon"] is not None:
                alts.append({"id": a["id"], "name": a["name"], "lon": p["lon"],
                             "lat": p["lat"], "kind": p["kind"], "host": a["municipality"]})
    venues = [{"name": v["name"], "lon": v["lon"], "lat": v["lat"], "kind": v["kind"],
               "host": v["municipality"]} for v in store_places.list_venues(db)]
    return {"alternatives": alts, "venues": venues}
