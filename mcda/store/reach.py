"""The computed criterion "Räckvidd": its scores written from the places, and the population
layer an installation uses (the bundled coarse one, or an uploaded finer one in instance/).

Scores are recomputed whenever something they depend on changes (an alternative's point or
kind, a venue, the layer); each recomputation stores how it was made (method, bands,
weights, the layer's source and resolution, the figures per alternative) beside the
criterion, so the page and the exports can say it. The math is ``core.reach``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..core import geo
from ..core import reach as core_reach
from . import items as store_items
from . import places
from .db import transaction
from .decisions import touch_decision
from .errors import N_, StoreError

REACH_NAME = "Räckvidd"
REACH_NAME_TAKEN = "Räckvidd (beräknad)"
"""The name when the decision already has a criterion of its own called "Räckvidd"."""
REACH_UNIT = "vägda invånare"
LAYER_FILE = "befolkning.json"
MAX_LAYER_BYTES = 60_000_000


# --- the layer -----------------------------------------------------------------------------


def load_layer(instance_dir: str | os.PathLike | None) -> core_reach.PopulationLayer:
    """The installation's uploaded layer if there is one, else the bundled coarse layer."""
    if instance_dir:
        path = Path(instance_dir) / LAYER_FILE
        if path.exists():
            return core_reach.layer_from_json(json.loads(path.read_text("utf-8")))
    return core_reach.default_layer()


def save_layer(instance_dir: str | os.PathLike, layer: core_reach.PopulationLayer) -> None:
    """Keep an uploaded layer for this installation (atomic replace; never committed)."""
    folder = Path(instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(core_reach.layer_to_json(layer), fh, ensure_ascii=False)
    os.replace(tmp, folder / LAYER_FILE)


def remove_layer(instance_dir: str | os.PathLike) -> None:
    """Go back to the bundled layer."""
    (Path(instance_dir) / LAYER_FILE).unlink(missing_ok=True)


_POP_COLUMNS = ("beftotalt", "pop", "befolkning", "population", "antal", "folkmängd")


def _wkb(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (after its 'GP' header and envelope)."""
    if blob[:2] != b"GP":
        return blob
    flags = blob[3]
    envelope = (0, 32, 48, 48, 64)[(flags >> 1) & 0x07]
    return blob[8 + envelope:]


def read_gpkg(data: bytes, name: str, **meta: str) -> core_reach.PopulationLayer:
    """A layer from a GeoPackage (SCB's 1 km grid): the first feature table with a population
    column; each feature's centroid (SWEREF 99 TM, or WGS 84 converted)."""

    with tempfile.NamedTemporaryFile(suffix=".gpkg") as fh:
        fh.write(data)
        fh.flush()
        try:
            conn = sqlite3.connect(f"file:{fh.name}?mode=ro", uri=True)
            conn.row_factory = sqlite3.Row
            geo_cols = conn.execute(
                "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns").fetchall()
        except sqlite3.DatabaseError:
            raise core_reach.LayerError("Filen är ingen GeoPackage.") from None
        try:
            for g in geo_cols:
                cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{g["table_name"]}")')]
                pop = next((c for c in cols if c.casefold() in _POP_COLUMNS), None)
                if pop is None:
                    continue
                rows = conn.execute(f'SELECT "{g["column_name"]}" AS g, "{pop}" AS p '
                                    f'FROM "{g["table_name"]}"').fetchall()
                return _layer_from_rows(rows, g["srs_id"], name, meta)
        finally:
            conn.close()
    raise core_reach.LayerError("Ingen tabell i filen har en kolumn med befolkning "
                                "(till exempel ”beftotalt” eller ”pop”).")


def _layer_from_rows(rows: list[Any], srs: int, name: str,
                     meta: dict[str, str]) -> core_reach.PopulationLayer:
    import shapely

    if srs not in (3006, 4326):
        raise core_reach.LayerError("Koordinatsystemet (EPSG:%(srs)s) stöds inte: använd "
                                    "SWEREF 99 TM (EPSG:3006) eller WGS 84.", srs=srs)
    cells = []
    for r in rows:
        if r["g"] is None or r["p"] is None:
            continue
        c = shapely.from_wkb(_wkb(bytes(r["g"]))).centroid
        cells.append([c.x, c.y, float(r["p"])])
    if srs == 4326 and cells:
        xs, ys = geo.to_sweref([c[0] for c in cells], [c[1] for c in cells])
        cells = [[float(x), float(y), c[2]] for x, y, c in zip(xs, ys, cells, strict=True)]
    return core_reach.layer_from_json({"name": name, **meta, "cells": cells})


def read_upload(data: bytes, filename: str, **meta: str) -> core_reach.PopulationLayer:
    """An uploaded layer: GeoPackage by its magic bytes, else CSV text."""
    if len(data) > MAX_LAYER_BYTES:
        raise core_reach.LayerError("Filen är för stor (högst %(mb)d MB).",
                                    mb=MAX_LAYER_BYTES // 1_000_000)
    if data[:16] == b"SQLite format 3\x00":
        layer = read_gpkg(data, filename, **meta)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        layer = core_reach.read_csv(text, name=filename, **meta)
    if layer.pop.size == 0 or layer.total <= 0:
        raise core_reach.LayerError("Filen har ingen befolkning.")
    return layer


# --- the computed criterion ----------------------------------------------------------------


def computed(db: Database, decision_id: int) -> dict[int, dict[str, Any]]:
    """``{criterion_id: {kind, provenance, computed_at}}`` of a decision's computed criteria."""
    rows = db.execute(
        "SELECT cc.* FROM computed_criteria cc JOIN criteria c ON c.id = cc.criterion_id "
        "WHERE c.decision_id = ?", [decision_id])
    return {r["criterion_id"]: {"kind": r["kind"], "computed_at": r["computed_at"],
                                "provenance": json.loads(r["provenance"] or "{}")}
            for r in rows}


def add_reach_criterion(db: Database, decision_id: int,
                        layer: core_reach.PopulationLayer) -> int:
    """Add "Räckvidd" (benefit) with computed scores; refused once it exists or after votes."""
    with transaction(db):
        if computed(db, decision_id):
            raise StoreError("name", N_("Beslutsfrågan har redan kriteriet ”%(name)s”."),
                             name=REACH_NAME)
        taken = {c["name"].casefold() for c in store_items.list_criteria(db, decision_id)}
        name = REACH_NAME if REACH_NAME.casefold() not in taken else REACH_NAME_TAKEN
        cid = store_items.add_criterion(
            db, decision_id, name,
            "Beräknas av Vägval: hur många som bor nära investeringen (0–2, 2–10, 10–40 och "
            "40–70 km fågelvägen), de närmaste räknade mest.", "benefit", unit=REACH_UNIT)
        db.execute("INSERT INTO computed_criteria (criterion_id, kind) VALUES (?, 'reach')",
                   [cid])
        recompute(db, decision_id, layer)
        return cid


def _venue_points(db: Database) -> list[tuple[float, float, str]]:
    return [(v["lon"], v["lat"], v["kind"]) for v in places.list_venues(db)]


def recompute(db: Database, decision_id: int, layer: core_reach.PopulationLayer) -> None:
    """Write the reach scores of every placed alternative (clear the unplaced ones) and the
    record of how they were made. Runs inside the caller's change (one transaction)."""
    with transaction(db):
        crits = [cid for cid, c in computed(db, decision_id).items() if c["kind"] == "reach"]
        if not crits:
            return
        alts = store_items.list_alternatives(db, decision_id)
        where = places.get_places(db, decision_id)
        pts = [(where[a["id"]]["lon"], where[a["id"]]["lat"], where[a["id"]]["kind"])
               if a["id"] in where and where[a["id"]]["lon"] is not None else None
               for a in alts]
        figures = core_reach.score_points(layer, pts, _venue_points(db))
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        provenance = {
            "method": core_reach.METHOD, "bands_km": list(core_reach.BANDS_KM),
            "band_weights": list(core_reach.BAND_WEIGHTS), "distance": "straight line, "
            "SWEREF 99 TM", "layer": layer.describe(), "computed_at": now,
            "alternatives": {str(a["id"]): f for a, f in zip(alts, figures, strict=True)
                             if f is not None},
        }
        for cid in crits:
            for a, f in zip(alts, figures, strict=True):
                if f is None:
                    db.execute("DELETE FROM scores WHERE alternative_id = ? AND "
                               "criterion_id = ?", [a["id"], cid])
                else:
                    db.execute(
                        "INSERT INTO scores (alternative_id, criterion_id, value) VALUES "
                        "(?, ?, ?) ON CONFLICT(alternative_id, criterion_id) DO UPDATE SET "
                        "value = excluded.value", [a["id"], cid, round(f["score"])])
            db.execute("UPDATE computed_criteria SET provenance = ?, computed_at = ? "
                       "WHERE criterion_id = ?", [json.dumps(provenance), now, cid])
        touch_decision(db, decision_id)


def recompute_all(db: Database, layer: core_reach.PopulationLayer) -> int:
    """Recompute every open decision with a computed criterion (after a venue or layer
    change); an archived decision keeps the scores (and the record) it was decided on."""
    ids = [r["decision_id"] for r in db.execute(
        "SELECT DISTINCT c.decision_id FROM computed_criteria cc JOIN criteria c "
        "ON c.id = cc.criterion_id JOIN decisions d ON d.id = c.decision_id "
        "WHERE d.archived = 0")]
    with transaction(db):
        for d in ids:
            recompute(db, d, layer)
    return len(ids)


__all__ = ["REACH_NAME", "add_reach_criterion", "computed", "load_layer", "read_gpkg",
           "read_upload", "recompute", "recompute_all", "remove_layer", "save_layer"]
