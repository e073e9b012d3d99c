"""The projector: the revealed results as a sequence of views the facilitator steps through,
and the polled live part (ETag per analysis, phase, language and view)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache, analysis_input
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text
from mcda.web.kit.places import map_places
from mcda.web.kit.scope import round_counts, round_scope
from mcda.web.present import maps
from mcda.web.present.analysis_view import empty_view, scope_view
from mcda.web.present.qr import qr_svg
from mcda.web.results.page import missing_scores

PROJECTOR_OPTIONS = {"smaa": False}
"""While results are hidden the projector shows consensus only: no SMAA, cheap per poll."""

PROJECTOR_VIEWS: tuple[tuple[str, Any], ...] = (
    ("sammanfattning", _l("Vad kommer först?")),
    ("vikter", _l("Vikter")),
    ("konflikter", _l("Målkonflikter")),
    ("karta", _l("Karta")),
    ("rangordning", _l("Rangordning")),
)
"""The revealed results as a sequence the facilitator steps through (``?vy=``)."""


def view_key() -> str:
    """The requested view (``?vy=``); an unknown one is the first (a stale bookmark)."""
    raw = request.args.get("vy", "")
    return raw if raw in dict(PROJECTOR_VIEWS) else PROJECTOR_VIEWS[0][0]


def options(rnd: Mapping[str, Any]) -> dict[str, Any] | None:
    """Revealed: the results page's default options, so the projector says what the page
    and the report say (SMAA over every method included); hidden: consensus only."""
    return None if rnd["results_revealed"] else PROJECTOR_OPTIONS


def live(rnd: dict[str, Any], phase: dict[str, Any] | None
         ) -> tuple[analysis_cache.RoundAnalysis | None, MCDAInputError | None, str]:
    """The live analysis (reused while only votes arrive), a failure to show instead, and the
    ETag: the phase and the view are part of the tag (every phase of a round shares the
    round's fingerprint, and each view renders different content from the same analysis)."""
    phase_id = phase["id"] if phase else None
    db = get_db()
    fp = analysis_input.fingerprint(db, rnd["id"])
    opts = options(rnd)
    failure, ra = None, None
    try:
        ra = analysis_cache.live_analysis(
            db, rnd["id"], opts, fingerprint=fp, phase_id=phase_id,
            max_age_s=current_app.config["PROJECTOR_LIVE_MAX_AGE_S"])
        fp = ra.fingerprint
    except MCDAInputError as exc:
        failure = exc  # shown as the error state, not analysed a second time
    phase_part = f"|etapp={phase_id}" if phase_id is not None else ""
    key = analysis_input.options_key(analysis_input.parse_options(opts))
    etag = hashlib.sha256(
        f"{fp}|{key}|{get_locale()}{phase_part}|vy={view_key()}".encode()
    ).hexdigest()[:32]
    return ra, failure, etag


def steps(rnd: Mapping[str, Any], view: Mapping[str, Any], current: str,
          phase: Mapping[str, Any] | None, has_map: bool,
          missing: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The revealed views available for this round (no map without borders), each with its
    URL and whether it is the one shown. The ranking view stays when scores are missing: it
    names them instead of disappearing (issue 23)."""
    out = []
    for key, label in PROJECTOR_VIEWS:
        if key == "rangordning" and not (view.get("has_scores") and view.get("rankings")
                                         or missing):
            continue
        if key == "karta" and not has_map:
            continue
        out.append({"key": key, "label": str(label), "current": key == current,
                    "url": url_for(".projector", round_id=rnd["id"], vy=key,
                                   etapp=phase["id"] if phase else None)})
    if out and not any(s["current"] for s in out):
        out[0]["current"] = True
    return out


def context(rnd: dict[str, Any], analysis: Any = None, phase: dict[str, Any] | None = None,
            failure: MCDAInputError | None = None) -> dict[str, Any]:
    """The projector page's (and its live part's) template values."""
    opts = analysis_input.parse_options(options(rnd))
    if failure is not None:  # the live poll already tried: show the error, do not re-analyse
        view = empty_view(round_counts(rnd, phase), int(rnd["anonymity_k"]), opts, phase,
                          rnd.get("kind") or "anonymous")
        error = error_text(failure)
    else:
        scope = round_scope(rnd, opts, phase, analysis=analysis)
        view, error = scope_view(scope), scope.error
    ctx: dict[str, Any] = {"rnd": rnd, "view": view, "error": error, "phase": phase,
                           "join_url": url_for("participate.join", _external=True),
                           "steps": [], "step": None, "qr": None}
    if rnd["state"] == "open":
        ctx["qr"] = qr_svg(url_for("participate.join", kod=rnd["join_code"], _external=True),
                           _("QR-kod till deltagarsidan för kod %(code)s",
                             code=rnd["join_code_display"]))
    if rnd["results_revealed"] and not view["empty"]:
        ctx.update(_stepper(rnd, view, phase))
    return ctx


def _stepper(rnd: Mapping[str, Any], view: Mapping[str, Any],
             phase: Mapping[str, Any] | None) -> dict[str, Any]:
    rmaps = maps.results_maps(view, None, map_places(rnd["decision_id"]))
    has_map = bool(rmaps.get("geo", {}).get("areas") and rmaps.get("coalitions"))
    missing = (missing_scores(rnd["decision_id"])
               if not view.get("has_scores") and view.get("alternatives") else [])
    seq = steps(rnd, view, view_key(), phase, has_map, missing)
    i = next(n for n, s in enumerate(seq) if s["current"])
    return {"steps": seq, "step": seq[i]["key"], "maps": rmaps, "missing_scores": missing,
            "prev_step": seq[i - 1] if i > 0 else None,
            "next_step": seq[i + 1] if i + 1 < len(seq) else None, "step_no": i + 1}
