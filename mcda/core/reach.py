"""Reach ("Räckvidd"): how many people live within distance bands of an investment.

The bands are those Kulturanalys Norden and Nordregio use to measure access to culture from
SCB's 1 km population grid: 0–2, 2–10, 10–40 and 40–70 km. Distances are straight lines in
SWEREF 99 TM (metres; the projection's scale error is below 0.1 % in Skaraborg), from each
population cell's centre to the point.

One number per investment, so that it can be a criterion (see docs/reach.md):

    score = Σ_b w_b · P_b,   w = (1, 1/2, 1/4, 1/8) for the bands 0–2 … 40–70 km

where ``P_b`` is the population in band b that *gets* a venue of the investment's kind within
that band for the first time: the cells whose nearest existing venue of the same kind is
farther than the band's outer edge (all cells in the band when no such venue exists). Each
band further out counts half as much as the one inside it, so nearby people weigh most and
nobody beyond 70 km counts. Pure numpy; one distance matrix for all investments.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

BANDS_KM: tuple[float, ...] = (0.0, 2.0, 10.0, 40.0, 70.0)
"""Band edges (km): 0–2, 2–10, 10–40, 40–70 (Kulturanalys Norden / Nordregio)."""
BAND_WEIGHTS: tuple[float, ...] = (1.0, 0.5, 0.25, 0.125)
"""Weight of a person in each band in the combined score (halving per band)."""
METHOD = "reach-bands-v1"
"""Name of the method recorded with every computed score."""


@dataclass(frozen=True)
class PopulationLayer:
    """Population cells: centres in SWEREF 99 TM metres and head counts, with what the layer
    is (its source, date, licence and resolution are shown beside the numbers)."""

    x: np.ndarray
    y: np.ndarray
    pop: np.ndarray
    name: str = ""
    source: str = ""
    date: str = ""
    licence: str = ""
    resolution: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return float(self.pop.sum())

    def describe(self) -> dict[str, Any]:
        """What the page and the provenance record say about the layer."""
        return {"name": self.name, "source": self.source, "date": self.date,
                "licence": self.licence, "resolution": self.resolution,
                "cells": int(self.pop.size), "population": round(self.total)}


@dataclass(frozen=True)
class Reach:
    """Per investment: population per band (all, and newly reached) and the score."""

    bands: np.ndarray  # (n_points, n_bands) population within each band
    new: np.ndarray  # (n_points, n_bands) of which newly within that band (same kind)
    scores: np.ndarray  # (n_points,) Σ_b w_b · new_b


class LayerError(ValueError):
    """A population file that cannot be read; ``msgid`` is a Swedish message id."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def _band_index(d_km: np.ndarray) -> np.ndarray:
    """Band 0…3 of each distance, −1 beyond the last edge."""
    edges = np.asarray(BANDS_KM)
    idx = np.searchsorted(edges, d_km, side="right") - 1
    idx[d_km >= edges[-1]] = -1
    return idx


def nearest_km(layer: PopulationLayer, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Per cell, the straight-line distance (km) to the nearest of the points; inf if none."""
    if len(px) == 0:
        return np.full(layer.pop.shape, np.inf)
    best = np.full(layer.pop.shape, np.inf)
    for x, y in zip(np.asarray(px, float), np.asarray(py, float), strict=True):
        np.minimum(best, np.hypot(layer.x - x, layer.y - y), out=best)
    return best / 1000.0


def reach(layer: PopulationLayer, px: np.ndarray, py: np.ndarray,
          existing_km: list[np.ndarray | None] | None = None) -> Reach:
    """Reach of each point (SWEREF 99 TM metres).

    ``existing_km``: per point, each cell's distance to the nearest existing venue of the
    point's kind (:func:`nearest_km`), or None when there is none (then everyone in a band
    is newly reached).
    """
    px, py = np.asarray(px, float), np.asarray(py, float)
    n, nb = len(px), len(BANDS_KM) - 1
    d = np.hypot(layer.x[None, :] - px[:, None], layer.y[None, :] - py[:, None]) / 1000.0
    band = _band_index(d.ravel()).reshape(d.shape)
    bands = np.zeros((n, nb))
    new = np.zeros((n, nb))
    outer = np.asarray(BANDS_KM[1:])
    for i in range(n):
        b = band[i]
        inside = b >= 0
        bands[i] = np.bincount(b[inside], weights=layer.pop[inside], minlength=nb)
        old = None if existing_km is None else existing_km[i]
        if old is None:
            new[i] = bands[i]
            continue
        first = inside.copy()
        first[inside] = old[inside] >= outer[b[inside]]
        new[i] = np.bincount(b[first], weights=layer.pop[first], minlength=nb)
    scores = new @ np.asarray(BAND_WEIGHTS)
    return Reach(bands, new, scores)


def score_points(layer: PopulationLayer,
                 points: list[tuple[float, float, str | None] | None],
                 venues: list[tuple[float, float, str]]) -> list[dict[str, Any] | None]:
    """Reach of WGS 84 points ``(lon, lat, kind)`` against existing ``venues`` (same form),
    as plain values per point: ``{bands, new, score}`` (None for a point without location).
    A point's "first time" population counts only venues of its own kind; a point without
    a kind counts everyone in a band."""
    from mcda.core.geo import to_sweref

    placed = [i for i, p in enumerate(points) if p is not None]
    out: list[dict[str, Any] | None] = [None] * len(points)
    if not placed:
        return out
    lon = np.array([points[i][0] for i in placed])
    lat = np.array([points[i][1] for i in placed])
    px, py = to_sweref(lon, lat)
    nearest: dict[str, np.ndarray] = {}
    for kind in {v[2] for v in venues}:
        vs = [v for v in venues if v[2] == kind]
        vx, vy = to_sweref(np.array([v[0] for v in vs]), np.array([v[1] for v in vs]))
        nearest[kind] = nearest_km(layer, np.atleast_1d(vx), np.atleast_1d(vy))
    old = [nearest.get(points[i][2]) if points[i][2] else None for i in placed]
    r = reach(layer, np.atleast_1d(px), np.atleast_1d(py), old)
    for j, i in enumerate(placed):
        out[i] = {"bands": [round(float(v), 1) for v in r.bands[j]],
                  "new": [round(float(v), 1) for v in r.new[j]],
                  "score": round(float(r.scores[j]), 1),
                  "venues_of_kind": int(sum(1 for v in venues if v[2] == points[i][2]))}
    return out


# --- reading layers ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_layer() -> PopulationLayer:
    """The coarse layer shipped with Vägval (``data/befolkning.json``, built by
    ``scripts/build_population.py``; source, date, licence and resolution inside)."""
    text = resources.files("mcda.core").joinpath("data/befolkning.json").read_text("utf-8")
    return layer_from_json(json.loads(text))


def layer_from_json(data: dict[str, Any]) -> PopulationLayer:
    """A layer from ``{name, source, date, licence, resolution, cells: [[x, y, pop], …]}``."""
    cells = np.asarray(data["cells"], float).reshape(-1, 3)
    return PopulationLayer(cells[:, 0], cells[:, 1], cells[:, 2], name=data.get("name", ""),
                           source=data.get("source", ""), date=data.get("date", ""),
                           licence=data.get("licence", ""),
                           resolution=data.get("resolution", ""))


def layer_to_json(layer: PopulationLayer) -> dict[str, Any]:
    """The inverse of :func:`layer_from_json` (how an uploaded layer is kept)."""
    return {**{k: v for k, v in layer.describe().items() if k not in ("cells", "population")},
            "cells": [[float(a), float(b), float(c)]
                      for a, b, c in zip(layer.x, layer.y, layer.pop, strict=True)]}


def _number(text: str) -> float:
    return float(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _columns(header: list[str]) -> tuple[str, dict[str, int]]:
    """Which kind of CSV this is: SCB's grid (``Ruta``), x/y in SWEREF 99 TM, or lon/lat."""
    cols = {h.strip().casefold(): i for i, h in enumerate(header)}
    pop = next((cols[k] for k in ("pop", "befolkning", "population", "beftotalt", "antal",
                                  "folkmängd") if k in cols), None)
    if pop is None:
        raise LayerError("Kolumnen med befolkning saknas (till exempel ”Pop” eller "
                         "”befolkning”).")
    if "ruta" in cols:
        return "ruta", {"ruta": cols["ruta"], "pop": pop}
    for xk, yk, kind in (("x", "y", "xy"), ("e", "n", "xy"), ("lon", "lat", "lonlat"),
                         ("longitud", "latitud", "lonlat")):
        if xk in cols and yk in cols:
            return kind, {"x": cols[xk], "y": cols[yk], "pop": pop}
    raise LayerError("Kolumner för läget saknas: ”Ruta” (SCB:s rutkod), ”x” och ”y” "
                     "(SWEREF 99 TM) eller ”lon” och ”lat” (WGS 84).")


def _ruta_centre(code: str, size_m: float) -> tuple[float, float]:
    """Centre of an SCB grid square from its code: the lower-left corner's easting (first 6
    digits) and northing (last 7), in SWEREF 99 TM metres."""
    code = code.strip()
    if len(code) != 13 or not code.isdigit():
        raise ValueError(code)
    return int(code[:6]) + size_m / 2, int(code[6:]) + size_m / 2


def read_csv(text: str, *, cell_m: float = 1000.0, name: str = "", **meta: str
             ) -> PopulationLayer:
    """A layer from CSV text (comma or semicolon): SCB's open 1 km grid (``Ruta``, ``Pop``),
    or x/y in SWEREF 99 TM, or lon/lat in WGS 84, with a population column."""
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise LayerError("Filen har inga rader med befolkning.")
    kind, cols = _columns([h.lstrip("\ufeff") for h in rows[0]])
    xs, ys, pops = [], [], []
    for no, r in enumerate(rows[1:], start=2):
        try:
            p = _number(r[cols["pop"]])
            if kind == "ruta":
                x, y = _ruta_centre(r[cols["ruta"]], cell_m)
            else:
                x, y = _number(r[cols["x"]]), _number(r[cols["y"]])
        except (ValueError, IndexError):
            raise LayerError("Rad %(row)d går inte att läsa.", row=no) from None
        if not np.isfinite(p) or p < 0:
            raise LayerError("Rad %(row)d: befolkningen måste vara ett tal ≥ 0.", row=no)
        xs.append(x)
        ys.append(y)
        pops.append(p)
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    if kind == "lonlat":
        from mcda.core.geo import to_sweref

        x, y = (np.asarray(v, float) for v in to_sweref(x, y))
    return PopulationLayer(x, y, np.asarray(pops, float), name=name, **meta)


__all__ = ["BANDS_KM", "BAND_WEIGHTS", "METHOD", "LayerError", "PopulationLayer", "Reach",
           "default_layer", "layer_from_json", "layer_to_json", "nearest_km", "reach",
           "read_csv", "score_points"]
