"""The secretariat's comparison: the chosen decision, round, comparison round and phase, and
the municipality rows and movements built from the two rounds' views.

A round with per-phase weights is compared one phase at a time (``etapp``, default the first
phase; an ``etapp`` that is not this decision's phase is a 404, see ``kit.scope``): its
ordinary votes are empty by design, so showing them would say "nobody voted".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from mcda.store import decisions as store_decisions
from mcda.store import rounds as store_rounds
from mcda.web.kit.access import require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import parse_id
from mcda.web.kit.scope import request_options, resolve_phase, round_scope
from mcda.web.present.analysis_view import scope_view

SORT_KEYS = {"kommun": "group", "avstand": "distance", "antal": "n", "sstar": "s_star"}


def _int(name: str) -> int | None:
    return parse_id(request.args.get(name, ""))


def municipality_rows(view: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Per published municipality: distance to the region, voters and S*."""
    if not view or view.get("empty"):
        return []
    s_by = {r["group"]: r["s_star"] for r in view["consensus"]["by_group"]}
    hidden = view["consensus"].get("hidden")  # why an S* is missing (under ten voters)
    return [{"group": d["group"], "distance": d["distance"],
             "n": view["group_weights"]["n"].get(d["group"]), "s_star": s_by.get(d["group"]),
             "s_star_note": hidden if s_by.get(d["group"]) is None else None}
            for d in view["distance"]]


def sort_rows(rows: list[dict[str, Any]], sort: str, desc: bool) -> None:
    """Sort by ``sort``; missing values last either way."""
    key = SORT_KEYS[sort]
    rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0), reverse=desc)
    if desc:
        rows.sort(key=lambda r: r[key] is None)


def movement(now: Mapping[str, Any] | None,
             before: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Per municipality shown in both rounds: distance to the region then and now."""
    if not now or not before or now.get("empty") or before.get("empty"):
        return []
    prev = {d["group"]: d["distance"] for d in before["distance"]}
    return [{"group": d["group"], "before": prev[d["group"]], "now": d["distance"],
             "change": d["distance"] - prev[d["group"]]}
            for d in now["distance"] if d["group"] in prev]


def sorting() -> tuple[str, bool]:
    sort = request.args.get("sort", "avstand")
    if sort not in SORT_KEYS:
        sort = "avstand"
    return sort, request.args.get("dir", "desc" if sort == "avstand" else "asc") == "desc"


def context() -> dict[str, Any]:
    """The page's template values for the query string's choices."""
    db = get_db()
    opts, opt_error = request_options()
    sort, desc = sorting()
    ctx: dict[str, Any] = {
        "decisions": store_decisions.list_decisions(db), "decision": None, "rounds": [],
        "rnd": None, "other": None, "view": None, "other_view": None, "rows": [],
        "movement": [], "sort": sort, "desc": desc, "phases": [], "phase": None,
        "phase_links": [], "plan_url": None, "error": opt_error, "opts": opts,
    }
    decision_id = _int("beslut")
    if decision_id is None:  # issue 23: open on the latest round with votes, not a bare picker
        decision_id = latest_voted_decision(ctx["decisions"])
    if decision_id is not None:
        ctx.update(_chosen(decision_id, opts, sort, desc))
        ctx["error"] = opt_error or ctx.pop("scope_error")
    ctx["dist_items"] = [{"label": r["group"], "value": r["distance"]} for r in ctx["rows"]]
    return ctx


def latest_voted_decision(decisions: list[dict[str, Any]]) -> int | None:
    """The decision holding the newest round (highest id) that has votes, or None: the page
    then opens on that round (``_chosen`` picks a decision's latest voted round by itself)."""
    db = get_db()
    best: tuple[int, int] | None = None
    for d in decisions:
        voted = [r["id"] for r in store_rounds.list_rounds(db, d["id"]) if r.get("n_voters")]
        if voted and (best is None or max(voted) > best[0]):
            best = (max(voted), d["id"])
    return None if best is None else best[1]


def _chosen(decision_id: int, opts: dict[str, Any], sort: str, desc: bool) -> dict[str, Any]:
    db = get_db()
    decision = require_view(store_decisions.get_decision(db, decision_id))
    rounds = store_rounds.list_rounds(db, decision_id)
    by_id = {r["id"]: r for r in rounds}
    # issue 23: without a choice, the latest round with votes (a new empty round has none)
    voted = [r for r in rounds if r.get("n_voters")]
    rnd = by_id.get(_int("omgang") or -1) or (voted or rounds or [None])[-1]
    other = by_id.get(_int("jamfor") or -1)
    # the form's phase belongs to the decision it was shown for (``etapp_beslut``):
    # after switching decision it is stale, not unknown, and is dropped
    stale = request.args.get("etapp_beslut", str(decision_id)) != str(decision_id)
    phases, phase = resolve_phase(decision_id, any(
        r is not None and r.get("phase_weights") for r in (rnd, other)),
        raw="" if stale else None)
    out: dict[str, Any] = {"decision": decision, "rounds": rounds, "rnd": rnd, "other": other,
                           "phases": phases, "phase": phase, "scope_error": None,
                           "phase_links": [
                               {"label": p["label"],
                                "current": phase is not None and p["id"] == phase["id"],
                                "url": url_for(".index",
                                               **{**request.args.to_dict(), "etapp": p["id"]})}
                               for p in phases]}
    if phases and rnd:
        out["plan_url"] = url_for("planning.plan_page", decision_id=decision["id"],
                                  round=rnd["id"])
    if rnd is None:
        return out
    scope = round_scope(rnd, opts, phase)
    out["view"], out["scope_error"] = scope_view(scope), scope.error
    out["rows"] = municipality_rows(out["view"])
    sort_rows(out["rows"], sort, desc)
    if other is not None and other["id"] != rnd["id"]:
        out["other_view"] = scope_view(round_scope(other, opts, phase))
        out["movement"] = movement(out["view"], out["other_view"])
    return out
