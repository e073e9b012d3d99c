"""The results page's and the report's context, and the one cache of rendered HTML: the
results sections, rendered once per analysis, page, language and query."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from flask import render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from mcda.store import analysis_input, records
from mcda.store import items as store_items
from mcda.web.kit.access import can_edit_decision
from mcda.web.kit.db import get_db
from mcda.web.kit.places import map_places
from mcda.web.kit.scope import round_scope
from mcda.web.present import maps
from mcda.web.present.analysis_view import scope_view
from mcda.web.present.labels import BETWEEN_LABELS, WITHIN_LABELS
from mcda.web.present.labels import RANKING_METHOD_LABELS as METHOD_LABELS


def can_edit(rnd: Mapping[str, Any]) -> bool:
    return can_edit_decision({"id": rnd["decision_id"], "owner_id": rnd["decision_owner_id"]})


def page_context(rnd: dict[str, Any], opts: dict[str, Any], error: str | None,
                 phase: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``results/round.html`` and ``results/report.html`` share."""
    scope = round_scope(rnd, opts, phase)
    view = scope_view(scope)
    if scope.analysis is None and error is None:
        error = scope.error
    map_args = {key: v for key, v in request.args.to_dict(flat=False).items()
                if key != "kriterium"}
    return {"rnd": rnd, "view": view, "opts": opts, "error": error, "phase": phase,
            "analysis": scope.analysis,
            "maps": maps.results_maps(view, request.args.get("kriterium"),
                                      map_places(rnd["decision_id"])),
            "map_url": url_for(request.endpoint, **(request.view_args or {})),
            "map_args": map_args,
            "analysis_error": scope.error, "methods_all": analysis_input.METHODS,
            "method_labels": METHOD_LABELS, "within_labels": WITHIN_LABELS,
            "between_labels": BETWEEN_LABELS, "record": records.get_record(get_db(), rnd["id"]),
            "counts": scope.counts, "appendix": request.endpoint == "results.report",
            "round_subtitle": round_subtitle(rnd),
            "missing_scores": missing_scores(rnd["decision_id"]) if view.get("empty") is False
            and not view.get("has_scores") else []}


def round_subtitle(rnd: Mapping[str, Any]) -> str | None:
    """The round's own title, unless it only repeats its number ("Omgång 1" after
    "omgång 1": the title the issue found doubled)."""
    title = (rnd.get("title") or "").strip()
    rest = title
    for word in ("omgång", "round"):
        head = f"{word} {rnd['number']}"
        if rest.casefold().startswith(head):
            rest = rest[len(head):]
    rest = rest.strip(" –-:,()")
    if rest.casefold() in _REPEATS:
        return None
    return title if rest == title.strip(" –-:,()") else rest


_REPEATS = {"", "exempel", "example"}  # the demo's "(exempel)" is shown as a label already


def missing_scores(decision_id: int) -> list[str]:
    """Each empty score as "alternative × criterion": the results say what keeps the
    ranking from being shown instead of dropping it silently."""
    db = get_db()
    crits = store_items.list_criteria(db, decision_id)
    alts = store_items.list_alternatives(db, decision_id)
    scores = store_items.get_scores(db, decision_id)
    return [f"{a['name']} × {c['name']}" for a in alts for c in crits
            if (a["id"], c["id"]) not in scores]


_SECTIONS: OrderedDict[tuple, tuple[Any, Markup]] = OrderedDict()
_SECTIONS_LOCK = threading.Lock()
SECTIONS_CACHE_MAX = 32


def sections_html(ctx: dict[str, Any]) -> Markup | None:
    """``results/_sections.html`` rendered once per analysis, page, language and query.

    Why: the sections (≈ 250 KB on the demo: heat maps, charts, maps, their tables) take most
    of a results page's time once the analysis is cached. The entry is tied to the cached
    analysis object itself, whose fingerprint covers votes, state, reveal, k, methods and
    decision edits; a new analysis (any change, or a cleared cache) renders afresh."""
    ra = ctx.get("analysis")
    if ra is None:
        return None
    key = (request.endpoint, ctx["rnd"]["id"], ra.fingerprint, str(get_locale()),
           request.query_string, bool(ctx.get("summary_on_top")))
    with _SECTIONS_LOCK:
        hit = _SECTIONS.get(key)
        if hit is not None and hit[0] is ra:
            _SECTIONS.move_to_end(key)
            return hit[1]
    html = Markup(render_template("results/_sections.html", **ctx))  # noqa: S704 - rendered
    with _SECTIONS_LOCK:
        _SECTIONS[key] = (ra, html)
        _SECTIONS.move_to_end(key)
        while len(_SECTIONS) > SECTIONS_CACHE_MAX:
            _SECTIONS.popitem(last=False)
    return html
