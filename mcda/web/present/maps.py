"""Plain values for the server-rendered maps of the region (templates/results/_maps.html).

Each map is built from the *view* the tables use (``results.build_view`` /
``participation_view``), never from the raw analysis, so a municipality hidden under k in a
table is hidden (hatched, "dold") on the map too: the same rule, applied once.
Geometry comes from :mod:`mcda.core.geo` (SCB borders, projected once per region).
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _

from mcda.core import geo
from mcda.web.present.numbers import decimal_text

MAP_WIDTH = 600.0
N_CLASSES = 5
#: categorical colours (Okabe & Ito 2008, safe for the common colour-vision deficiencies);
#: each is paired with its own pattern in the template, so colour is never the only carrier
COALITION_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                     "#CC79A7")


def _text_width(text: str, size: float) -> float:
    return 0.58 * size * len(text)


def geometry(names: list[str]) -> dict[str, Any]:
    """The region's shapes for the template: ``{width, height, context, areas}``.

    Label points are clamped so that a label (≈ 15 px name, 15 px value) stays inside the
    SVG's box even for a municipality at the edge of the region.
    """
    rm = geo.region_map(tuple(names), MAP_WIDTH, 14.0)
    areas = []
    for a in rm.areas:
        half = _text_width(a.name, 14) / 2 + 3
        x = min(max(a.label_x, half), rm.width - half)
        y = min(max(a.label_y, 18.0), rm.height - 22.0)
        areas.append({"name": a.name, "code": a.code, "d": a.d, "x": round(x, 1),
                      "y": round(y, 1)})
    return {"width": rm.width, "height": round(rm.height, 1), "context": rm.context,
            "areas": areas, "missing": list(rm.missing),
            "proj": {"lon0": rm.lon0, "lat1": rm.lat1, "kx": rm.kx, "scale": rm.scale,
                     "pad": rm.pad}}


# --- places: investments and venues at their points (issue 28) ------------------------------

#: one letter per kind of venue, printed in its diamond (the legend and the table say it)
KIND_LETTERS = {"bibliotek": "B", "scen": "S", "museum": "M", "biograf": "F",
                "kulturskola": "K", "konsthall": "H", "annat": "A"}


def _project(g: dict[str, Any], lon: float, lat: float) -> tuple[float, float] | None:
    """Map units of a point, or None when it falls outside the drawn box."""
    p = g.get("proj")
    if not p:
        return None
    x = p["pad"] + (lon - p["lon0"]) * p["kx"] * p["scale"]
    y = p["pad"] + (p["lat1"] - lat) * p["scale"]
    if not (0 <= x <= g["width"] and 0 <= y <= g["height"]):
        return None
    return round(x, 1), round(y, 1)


def point_xy(g: dict[str, Any], lon: float, lat: float) -> dict[str, float] | None:
    """A single point in map units (the place picker's current point), or None outside."""
    xy = _project(g, lon, lat)
    return {"x": xy[0], "y": xy[1]} if xy else None


def kind_label(kind: str | None) -> str:
    """The kind of venue in words (the same words as the form's choices)."""
    return {"bibliotek": _("bibliotek"), "scen": _("scen"), "museum": _("museum"),
            "biograf": _("biograf"), "kulturskola": _("kulturskola"),
            "konsthall": _("konsthall"), "annat": _("annat")}.get(kind or "", "–")


def _coords(lon: float, lat: float) -> str:
    return f"{decimal_text(lat, 4)} N, {decimal_text(lon, 4)} E"


def places_overlay(g: dict[str, Any], places: dict[str, Any] | None,
                   alternatives: bool = True) -> dict[str, Any] | None:
    """Investments (numbered circles) and existing venues (lettered diamonds) at their points,
    with their legend and table rows: ``{markers, legend, rows}``, or None when there is
    nothing to draw. Plan and venue data, not votes: no k rule applies."""
    if not places:
        return None
    markers, rows = [], []
    for n, a in enumerate(places.get("alternatives", []) if alternatives else [], start=1):
        xy = _project(g, a["lon"], a["lat"])
        if xy:
            markers.append({"x": xy[0], "y": xy[1], "shape": "investment", "text": str(n),
                            "title": a["name"]})
        rows.append({"symbol": str(n), "name": a["name"], "what": _("föreslagen investering")
                     + (f" ({kind_label(a['kind'])})" if a.get("kind") else ""),
                     "where": a.get("host") or "–", "coords": _coords(a["lon"], a["lat"])})
    for v in places.get("venues", []):
        letter = KIND_LETTERS.get(v["kind"], "A")
        xy = _project(g, v["lon"], v["lat"])
        if xy:
            markers.append({"x": xy[0], "y": xy[1], "shape": "venue", "text": letter,
                            "title": f"{v['name']} ({kind_label(v['kind'])})"})
        rows.append({"symbol": letter, "name": v["name"],
                     "what": _("befintlig: %(kind)s", kind=kind_label(v["kind"])),
                     "where": v.get("host") or "–", "coords": _coords(v["lon"], v["lat"])})
    if not rows:
        return None
    legend = []
    if any(m["shape"] == "investment" for m in markers):
        legend.append({"shape": "investment", "label": _("föreslagen investering (nummer i "
                                                         "tabellen)")})
    kinds = sorted({v["kind"] for v in places.get("venues", [])})
    if kinds:
        legend.append({"shape": "venue", "label": _("befintlig kulturverksamhet: ") + ", ".join(
            f"{KIND_LETTERS.get(k, 'A')} = {kind_label(k)}" for k in kinds)})
    return {"markers": markers, "legend": legend, "rows": rows}


def with_places(g: dict[str, Any], places: dict[str, Any] | None,
                alternatives: bool = True) -> dict[str, Any]:
    """The geometry with its places overlay (``g["places"]``), drawn on every map that uses
    it; a copy, so the cached shapes stay shared."""
    overlay = places_overlay(g, places, alternatives)
    return {**g, "places": overlay} if overlay else g


def _sequential(values: dict[str, float | None], hidden_note: dict[str, str],
                fmt, fmt_range, lo: float | None = None,
                hi: float | None = None) -> dict[str, Any]:
    """Cells + legend for a one-hue choropleth; the value is printed in every area."""
    names = list(values)
    classes, bounds = geo.classify([values[n] for n in names], N_CLASSES, lo, hi)
    cells = {}
    for n, c in zip(names, classes, strict=True):
        if n in hidden_note:
            cells[n] = {"cls": "map-hidden", "text": _("dold")}
        elif c is None:
            cells[n] = {"cls": "map-none", "text": "–"}
        else:
            cells[n] = {"cls": f"map-c{c}", "text": fmt(values[n]), "dark": c >= 3}
    legend = [{"cls": f"map-c{i}", "label": fmt_range(bounds[i], bounds[i + 1])}
              for i in range(N_CLASSES)]
    return {"cells": cells, "legend": legend}


def _legend_extra(cells: dict[str, dict[str, Any]], hidden_label: str,
                  none_label: str) -> list[dict[str, str]]:
    extra = []
    if any(c["cls"] == "map-hidden" for c in cells.values()):
        extra.append({"cls": "map-hidden", "label": hidden_label})
    if any(c["cls"] == "map-none" for c in cells.values()):
        extra.append({"cls": "map-none", "label": none_label})
    return extra


def _no_own_figure(kind: str | None = None) -> str:
    """Legend of a municipality without a figure of its own: no votes, or pooled into
    "Övriga kommuner" (core.disclosure); the map must not tell the two apart. A delegates
    round pools nothing: there it means no votes."""
    if kind == "delegates":
        return _("inga röster")
    return _("ingen egen siffra (inga röster eller sammanslagen i ”Övriga kommuner”)")


def _names(view_or_part: dict[str, Any]) -> list[str]:
    part = view_or_part.get("participation", view_or_part)
    return list(part.get("names") or [r["name"] for r in part["rows"]])


def participation_map(participation: dict[str, Any]) -> dict[str, Any]:
    """Voters per municipality; one without a figure of its own (no votes or pooled) is
    "–", alike."""
    rows = participation["rows"]
    top = max([r["n"] for r in rows if r["n"] is not None] + [1])
    step = max(1, math.ceil(top / N_CLASSES))
    cells: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["n"] is None:
            cells[r["name"]] = {"cls": "map-hidden", "text": _("dold")}
        elif r["n"] == 0:
            cells[r["name"]] = {"cls": "map-zero", "text": "0"}
        else:
            c = min(N_CLASSES - 1, (r["n"] - 1) // step)
            cells[r["name"]] = {"cls": f"map-c{c}", "text": str(r["n"]), "dark": c >= 3}
    for n in _names(participation):
        cells.setdefault(n, {"cls": "map-none", "text": "–"})
    legend = []
    if any(c["cls"] == "map-zero" for c in cells.values()):
        legend.append({"cls": "map-zero", "label": _("inga röster")})
    for c in range(N_CLASSES):
        lo, hi = c * step + 1, (c + 1) * step
        if lo > top:
            break
        legend.append({"cls": f"map-c{c}", "label": f"{lo}–{hi}" if hi > lo else str(lo)})
    legend += _legend_extra(cells, _("dold: färre än k deltagare (eller skyddar en annan "
                                     "kommun)"), _no_own_figure(participation.get("kind")))
    return {"cells": cells, "legend": legend,
            "rows": [{"name": r["name"], "text": str(r["n"]) if r["n"] is not None
                      else r["note"]} for r in rows]}


def pct(v: float) -> str:
    """A share as a whole percentage ("22 %", the one number formatter, no decimals)."""
    return decimal_text(v * 100, 0) + " %"


def pct_range(lo: float, hi: float) -> str:
    """A legend class as "12–15 %"."""
    return f"{decimal_text(lo * 100, 0)}–{decimal_text(hi * 100, 0)} %"


def _share_map(view: dict[str, Any], by_group: dict[str, float]) -> dict[str, Any]:
    """A share per municipality on a sequential scale, hidden ones hatched, with the table
    rows that say the same in words (weight and distance maps alike)."""
    names = _names(view)
    hidden = {n: "dold" for n in view["participation"]["hidden"]}
    values = {n: by_group.get(n) for n in names}
    m = _sequential(values, hidden, pct, pct_range)
    m["legend"] += _legend_extra(m["cells"], _("dold: färre än k deltagare"),
                                 _no_own_figure(view["participation"].get("kind")))
    m["rows"] = [{"name": n, "text": _("dold") if n in hidden else
                  ("–" if values[n] is None else pct(values[n]))} for n in names]
    return m


def weight_map(view: dict[str, Any], criterion_id: str | None) -> dict[str, Any] | None:
    """One criterion's weight per municipality (hidden ones hatched), the region's weight
    as the reference in the caption."""
    gw = view.get("group_weights") or {}
    crits = view.get("criteria") or []
    if not crits or not gw.get("rows"):
        return None
    ids = [c["id"] for c in crits]
    chosen = criterion_id if criterion_id in ids else ids[0]
    ci = ids.index(chosen)
    m = _share_map(view, {g: row[ci] for g, row in zip(gw["rows"], gw["values"], strict=True)})
    region = next((w["value"] for w in view.get("weights", []) if w.get("id") == chosen), None)
    m["criterion"] = {"id": chosen, "name": crits[ci]["name"],
                      "region": None if region is None else pct(region)}
    m["choices"] = [{"id": c["id"], "name": c["name"]} for c in crits]
    return m


def distance_map(view: dict[str, Any]) -> dict[str, Any] | None:
    """Each municipality's distance from the region's weights (half the L1 distance: the
    share of the weight that would have to move), hidden ones hatched."""
    dist = {d["group"]: d["distance"] for d in view.get("distance") or []}
    if not dist:
        return None
    return _share_map(view, dist)


def coalition_map(view: dict[str, Any]) -> dict[str, Any] | None:
    """One colour and one pattern per coalition; the group number is printed in each area."""
    co = ((view.get("conflicts") or {}).get("coalitions") or {})
    clusters = co.get("clusters") or []
    if not clusters:
        return None
    names = _names(view)
    hidden = set(view["participation"]["hidden"])
    group_of = {}
    for i, cl in enumerate(clusters):
        for m in cl["members"]:
            group_of[m] = i
    cells, legend = {}, []
    for n in names:
        if n in hidden:
            cells[n] = {"cls": "map-hidden", "text": _("dold")}
        elif n in group_of:
            i = group_of[n]
            cells[n] = {"cls": f"map-g{i % len(COALITION_COLOURS)}", "text": str(i + 1),
                        "group": _("Grupp %(n)s", n=i + 1)}
        else:
            cells[n] = {"cls": "map-none", "text": "–"}
    for i, cl in enumerate(clusters):
        legend.append({"cls": f"map-g{i % len(COALITION_COLOURS)}",
                       "label": _("Grupp %(n)s", n=i + 1) + ": " +
                       (", ".join(cl["members"]) or "–")})
    legend += _legend_extra(cells, _("dold: färre än k deltagare"),
                            _no_own_figure(view["participation"].get("kind")))
    rows = [{"name": n, "text": cells[n].get("group", cells[n]["text"])} for n in names]
    return {"cells": cells, "legend": legend, "rows": rows}


def trim_legend(m: dict[str, Any] | None, names: list[str], *, scale: bool) -> None:
    """Nothing false on a map (issue 24): its legend names only what an area shows. A
    legend class no municipality is drawn in (e.g. "Grupp 1: Övriga kommuner" or "7–8" when
    every municipality is pooled) is dropped; a sequential ``scale`` keeps all its classes
    while any area uses one of them (the scale reads as a whole), none otherwise."""
    if not m:
        return
    used = {m["cells"][n]["cls"] for n in names if n in m["cells"]}
    keep_scale = scale and any(str(c).startswith("map-c") for c in used)
    m["legend"] = [e for e in m["legend"]
                   if e["cls"] in used or (keep_scale and str(e["cls"]).startswith("map-c"))]


def results_maps(view: dict[str, Any], criterion_id: str | None,
                 places: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every map of the results page and report (``criterion_id``: the weight map's;
    ``places``: the decision's investments and venues, :func:`kit.places.map_places`)."""
    names = _names(view)
    out: dict[str, Any] = {"geo": with_places(geometry(names), places),
                           "participation": participation_map(view["participation"])}
    trim_legend(out["participation"], names, scale=True)
    if not view.get("empty"):
        out["weight"] = weight_map(view, criterion_id)
        out["distance"] = distance_map(view)
        out["coalitions"] = coalition_map(view)
        trim_legend(out["weight"], names, scale=True)
        trim_legend(out["distance"], names, scale=True)
        trim_legend(out["coalitions"], names, scale=False)
    return out


def _placed_markers(geo: dict[str, Any], names: list[str], where: str,
                    located: dict[str, tuple[float, float, str | None]], n: int,
                    markers: list[dict[str, Any]], items: list[dict[str, Any]]
                    ) -> tuple[list[str], int]:
    """Markers at the investments' own points; returns the names still to place by
    municipality and the last number used."""
    rest = []
    for inv in names:
        xy = _project(geo, *located[inv][:2]) if inv in located else None
        if xy is None:
            rest.append(inv)
            continue
        n += 1
        markers.append({"x": xy[0], "y": xy[1], "n": n})
        items.append({"n": n, "name": inv, "where": located[inv][2] or where})
    return rest, n


def phase_maps(phase_labels: list[str], rows: list[dict[str, Any]],
               region_wide: list[list[str]], fmt,
               places: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """One small map per phase: each investment as a numbered marker at its own point (when
    it has one; else in its municipality), each municipality filled by that phase's money
    (one scale for all phases, so the maps compare), and the existing venues of ``places``.
    ``rows``: the planning page's spread rows ({name, cells, per_phase}); ``region_wide``:
    per phase, the investments without a host municipality (listed, or at their point).
    Plan data, not votes: no k rule applies."""
    if not rows:
        return None
    geo = with_places(geometry([r["name"] for r in rows]), places, alternatives=False)
    located = {a["name"]: (a["lon"], a["lat"], a.get("host"))
               for a in (places or {}).get("alternatives", [])}
    pos = {a["name"]: (a["x"], a["y"]) for a in geo["areas"]}
    top = max([v for r in rows for v in r["per_phase"]] + [0.0])
    n = 0
    out = []
    for p, label in enumerate(phase_labels):
        cells: dict[str, dict[str, Any]] = {}
        markers, items = [], []
        for r in rows:
            money = r["per_phase"][p]
            if money <= 0:
                cells[r["name"]] = {"cls": "map-zero", "text": ""}
            else:
                c = min(N_CLASSES - 1, int(money / top * N_CLASSES)) if top else 0
                cells[r["name"]] = {"cls": f"map-c{c}", "text": fmt(money)}
            names, n = _placed_markers(geo, r["cells"][p], r["name"], located, n, markers,
                                       items)
            if names and r["name"] in pos:
                x, y = pos[r["name"]]
                width = 24 * len(names)
                x0 = min(max(x - width / 2 + 12, 14.0), geo["width"] - width + 12 - 2)
                for j, inv in enumerate(names):
                    n += 1
                    markers.append({"x": round(x0 + 24 * j, 1), "y": round(max(y - 28, 14.0), 1),
                                    "n": n})
                    items.append({"n": n, "name": inv, "where": r["name"]})
        wide = region_wide[p] if p < len(region_wide) else []
        wide, n = _placed_markers(geo, wide, _("hela delregionen"), located, n, markers, items)
        step = top / N_CLASSES if top else 1.0
        legend = [{"cls": "map-zero", "label": _("ingen investering")}] + [
            {"cls": f"map-c{c}", "label": f"{fmt(c * step)}–{fmt((c + 1) * step)} MSEK"}
            for c in range(N_CLASSES)]
        out.append({"label": label, "cells": cells, "markers": markers, "items": items,
                    "legend": legend, "region_wide": wide,
                    "rows": [{"name": r["name"],
                              "text": (", ".join(r["cells"][p]) + " – " if r["cells"][p]
                                       else "") + fmt(r["per_phase"][p]) + " MSEK"}
                             for r in rows]})
    return {"geo": geo, "phases": out}


def regret_map(names: list[str], regrets: dict[str, float], hi: float,
               fmt_pct) -> dict[str, Any]:
    """How far a plan falls below each municipality's own best plan (issue 27): one hue,
    one scale from 0 to ``hi`` (the largest regret over every plan shown, so maps of several
    plans compare). ``regrets``: published groups only; a municipality without a figure of
    its own (no votes, or pooled into "Övriga kommuner") is left blank."""
    geo = geometry(names)
    values: dict[str, float | None] = {n: regrets.get(n) for n in names}
    m = _sequential(values, {}, fmt_pct, lambda a, b: f"{fmt_pct(a)}–{fmt_pct(b)}", 0.0,
                    max(hi, 1e-9))
    m["legend"] = m["legend"] + _legend_extra(m["cells"], "", _no_own_figure())
    m["rows"] = [{"name": n, "text": fmt_pct(regrets[n]) if n in regrets else "–"}
                 for n in names]
    return {"geo": geo, "m": m}
