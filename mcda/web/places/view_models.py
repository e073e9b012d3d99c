"""Plain values for the places pages, from plain data (no db, request or session)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.core.reach import PopulationLayer
from mcda.web.present.maps import kind_label
from mcda.web.present.numbers import decimal_text


def people(v: float | None) -> str:
    """A head count as the page prints it ("12 300"), "–" for none."""
    return "–" if v is None else decimal_text(round(v), 0)


def layer_info(layer: PopulationLayer, uploaded: bool) -> dict[str, Any]:
    """What the page says about the population layer in use."""
    d = layer.describe()
    return {**d, "uploaded": uploaded, "population_text": people(d["population"]),
            "cells_text": people(d["cells"])}


def decision_rows(alts: list[dict[str, Any]], where: dict[int, dict[str, Any]],
                  reach: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per alternative: its place and, with a reach criterion, its figures."""
    figures = ((reach or {}).get("provenance") or {}).get("alternatives") or {}
    rows = []
    for a in alts:
        p = where.get(a["id"]) or {}
        f = figures.get(str(a["id"]))
        rows.append({
            "id": a["id"], "name": a["name"], "host": a["municipality"] or _("hela delregionen"),
            "kind": kind_label(p.get("kind")) if p.get("kind") else "–",
            "coords": (f"{decimal_text(p['lat'], 4)} N, {decimal_text(p['lon'], 4)} E"
                       if p.get("lon") is not None else _("ingen punkt")),
            "bands": [people(v) for v in f["bands"]] if f else None,
            "new": [people(v) for v in f["new"]] if f else None,
            "score": people(f["score"]) if f else "–",
            "venues_of_kind": f.get("venues_of_kind", 0) if f else 0,
        })
    return rows
