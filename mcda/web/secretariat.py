"""Blueprint `secretariat`: compare municipalities across rounds (read-only).

Everything here is GET: pick a decision and round(s) with a plain form, sort tables with a
query parameter (server-side, works without JavaScript). Figures come from the same cached
analysis as the facilitator's page and pass through the same anonymity rule.

A round with per-phase weights is compared one phase at a time (``etapp``, default the first
phase; an ``etapp`` that is not this decision's phase is a 404, see ``phase_scope``): its
ordinary votes are empty by design, so showing them would say "nobody voted".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from mcda.store import decisions as store_decisions
from mcda.store import rounds as store_rounds
from mcda.web.kit.access import login_required, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import parse_id
from mcda.web.kit.scope import resolve_phase
from mcda.web.results import request_options, round_view

bp = Blueprint("secretariat", __name__, url_prefix="/kansliet")

SORT_KEYS = {"kommun": "group", "avstand": "distance", "antal": "n", "sstar": "s_star"}


def _int(name: str) -> int | None:
    return parse_id(request.args.get(name, ""))


def _municipality_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    if view.get("empty"):
        return []
    s_by = {r["group"]: r["s_star"] for r in view["consensus"]["by_group"]}
    return [
        {"group": d["group"], "distance": d["distance"],
         "n": view["group_weights"]["n"].get(d["group"]), "s_star": s_by.get(d["group"])}
        for d in view["distance"]
    ]


@bp.get("/")
@login_required("secretariat")
def index():
    db = get_db()
    decisions = store_decisions.list_decisions(db)
    decision_id = _int("beslut")
    decision = rounds = rnd = other = view = other_view = phase = None
    phases: list[dict[str, Any]] = []
    error = None
    opts, opt_error = request_options()
    rows: list[dict[str, Any]] = []
    movement: list[dict[str, Any]] = []
    sort = request.args.get("sort", "avstand")
    if sort not in SORT_KEYS:
        sort = "avstand"
    desc = request.args.get("dir", "desc" if sort == "avstand" else "asc") == "desc"
    if decision_id is not None:
        decision = require_view(store_decisions.get_decision(db, decision_id))
        rounds = store_rounds.list_rounds(db, decision_id)
        by_id = {r["id"]: r for r in rounds}
        rnd = by_id.get(_int("omgang") or -1) or (rounds[-1] if rounds else None)
        other = by_id.get(_int("jamfor") or -1)
        # the form's phase belongs to the decision it was shown for (``etapp_beslut``):
        # after switching decision it is stale, not unknown, and is dropped
        stale = request.args.get("etapp_beslut", str(decision_id)) != str(decision_id)
        phases, phase = resolve_phase(decision_id, any(
            r is not None and r.get("phase_weights") for r in (rnd, other)),
            raw="" if stale else None)
        if rnd is not None:
            _ra, view, _counts, error = round_view(rnd, opts, phase)
            rows = _municipality_rows(view)
            key = SORT_KEYS[sort]
            rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0),
                      reverse=desc)
            if desc:  # keep missing values last either way
                rows.sort(key=lambda r: r[key] is None)
        if other is not None and rnd is not None and other["id"] != rnd["id"]:
            _ra, other_view, _counts, _e = round_view(other, opts, phase)
            movement = _movement(view, other_view)
    return render_template(
        "secretariat/index.html",
        decisions=decisions, decision=decision, rounds=rounds or [], rnd=rnd, other=other,
        view=view, other_view=other_view, rows=rows, movement=movement, sort=sort, desc=desc,
        phases=phases, phase=phase,
        phase_links=[
            {"label": p["label"], "current": phase is not None and p["id"] == phase["id"],
             "url": url_for(".index", **{**request.args.to_dict(), "etapp": p["id"]})}
            for p in phases
        ],
        plan_url=url_for("planning.plan_page", decision_id=decision["id"], round=rnd["id"])
        if phases and decision and rnd else None,
        error=opt_error or error, opts=opts,
        dist_items=[{"label": r["group"], "value": r["distance"]} for r in rows],
    )


def _movement(now: dict[str, Any] | None, before: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per municipality shown in both rounds: distance to the region then and now."""
    if not now or not before or now.get("empty") or before.get("empty"):
        return []
    prev = {d["group"]: d["distance"] for d in before["distance"]}
    out = []
    for d in now["distance"]:
        if d["group"] in prev:
            out.append({"group": d["group"], "before": prev[d["group"]], "now": d["distance"],
                        "change": d["distance"] - prev[d["group"]]})
    return out
