"""GeoJSON (RFC 7946) for GIS: alternatives, venues, the plan per phase and the
municipalities' results, readable in QGIS.

RFC 7946: WGS 84 longitude/latitude (no ``crs`` member), polygons by the right-hand rule
(``core.geo.municipality_geojson``), a Feature per object with its properties (Swedish keys,
numbers as numbers). Results per municipality follow the page's k rule: they are built from
the same view, so a municipality hidden there has null figures here.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from mcda.core import geo
from mcda.web.exports import tables


def point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def feature(geometry: dict[str, Any] | None, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def dumps(fc: dict[str, Any]) -> bytes:
    """UTF-8 JSON (RFC 7946 § 11: no byte-order mark)."""
    return json.dumps(fc, ensure_ascii=False, indent=1).encode("utf-8")


def alternatives(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``rows``: {name, description, host, cost, earliest_phase, kind, lon, lat}; an
    alternative without a point has a null geometry (RFC 7946 § 3.2)."""
    return collection([feature(point(r.get("lon"), r.get("lat")), {
        "namn": r["name"], "beskrivning": r.get("description") or "",
        "vardkommun": r.get("host"), "kostnad_msek": r.get("cost"),
        "tidigaste_etapp": r.get("earliest_phase"), "slag": r.get("kind"),
        "typ": "föreslagen investering"}) for r in rows])


def venues(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The region's existing cultural venues."""
    return collection([feature(point(r["lon"], r["lat"]), {
        "namn": r["name"], "slag": r["kind"], "kommun": r.get("municipality") or r.get("host"),
        "typ": "befintlig kulturverksamhet"}) for r in rows])


def plan(ra: Any, view: dict[str, Any]) -> dict[str, Any]:
    """The phasing plan: one Point per planned investment with its phase (QGIS can style or
    filter by ``etapp_nr``); at its own point, else at its host municipality's label point
    (``lage`` says which); a regional investment without a point has no geometry."""
    ph, _why = tables.phasing(ra)
    if ph is None:
        return collection([])
    located = {a["name"]: a for a in (view.get("places") or {}).get("alternatives", [])}
    features = []
    for row in tables._plan_rows(ra, ph):  # noqa: SLF001 - the one definition of the rows
        num, phase_name, period, name, host, cost, value, remark = row
        a = located.get(name)
        if a is not None:
            geom, where = point(a["lon"], a["lat"]), "egen punkt"
        elif host and geo.label_point(host):
            geom, where = point(*geo.label_point(host)), "kommunens mittpunkt"
        else:
            geom, where = None, "ingen punkt"
        features.append(feature(geom, {
            "etapp_nr": num, "etapp": str(phase_name), "period": period, "investering": name,
            "vardkommun": str(host), "kostnad_msek": cost, "varde": value,
            "anmarkning": remark, "lage": where}))
    return collection(features)


def municipalities(view: dict[str, Any]) -> dict[str, Any]:
    """Each municipality's border with its published figures: participants, each
    criterion's weight (share 0–1) and the distance from the region's weights; hidden under
    k (or pooled) → null with the note the page shows."""
    part = view.get("participation") or {"rows": []}
    hidden = set(part.get("hidden") or [])
    gw = view.get("group_weights") or {}
    crits = view.get("criteria") or []
    weights = dict(zip(gw.get("rows") or [], gw.get("values") or [], strict=False))
    dist = {d["group"]: d["distance"] for d in view.get("distance") or []}
    features = []
    for r in part["rows"]:
        g = geo.municipality_geojson(r["name"])
        if g is None:
            continue  # the pool "Övriga kommuner" has no border of its own
        shown = r["name"] not in hidden
        props: dict[str, Any] = {"kommun": r["name"], "deltagare": r["n"] if shown else None,
                                 "anmarkning": r.get("note") or ("" if shown else _("dold"))}
        row = weights.get(r["name"]) if shown else None
        for i, c in enumerate(crits):
            props[f"vikt: {c['name']}"] = None if row is None else row[i]
        props["avstand_till_regionen"] = dist.get(r["name"]) if shown else None
        features.append(feature(g, props))
    return collection(features)


def plan_bytes(rnd: dict[str, Any], ra: Any, view: dict[str, Any], err: str | None) -> bytes:
    return dumps(plan(ra, view))


def municipalities_bytes(rnd: dict[str, Any], ra: Any, view: dict[str, Any],
                         err: str | None) -> bytes:
    return dumps(municipalities(view))


__all__ = ["alternatives", "collection", "dumps", "municipalities", "plan", "venues"]
