"""The round scope: which round, phase and options a page is about, and the one step
"round (+ phase, + options) → cached analysis → view inputs" every results page, projector,
report, export, secretariat table and convergence chart goes through.

One scope for ``?etapp=<phase id>``: the phase a page, export or projector is about.

Why one module: results, projector, report, exports, secretariat and convergence used to
read ``etapp`` with four different rules (404, a flag, a silent fallback). Showing one
phase's numbers under another phase's name misleads, so every reader now uses
:func:`resolve_phase`: no ``etapp`` → the first phase; an ``etapp`` that is not one of the
decision's phases (or any ``etapp`` where no round has per-phase weights) → 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, request, url_for

from mcda.core import disclosure
from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache, analysis_input
from mcda.store import decisions as store_decisions
from mcda.store import phases as store_phases
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import votes as store_votes
from mcda.web.kit.access import require_edit, require_view
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text
from mcda.web.present.labels import phase_label


def decision_phases(decision_id: int) -> list[dict[str, Any]]:
    """The decision's phases in order, each with its ``label``."""
    phases = [dict(p) for p in store_phases.list_phases(get_db(), decision_id)]
    for p in phases:
        p["label"] = phase_label(p)
    return phases


def resolve_phase(
    decision_id: int, has_phases: bool, *, raw: str | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(the decision's phases, the phase asked for with ``?etapp=``; default the first).

    ``has_phases`` says whether the rounds on the page have per-phase weights; without them
    any ``etapp`` is a 404, as is an ``etapp`` that is not one of this decision's phases.
    ``raw`` replaces the query's ``etapp`` (the secretariat drops a stale form value).
    """
    raw = (request.args.get("etapp", "") if raw is None else raw).strip()
    if not has_phases:
        if raw:
            abort(404)
        return [], None
    phases = decision_phases(decision_id)
    if not raw:
        return phases, (phases[0] if phases else None)
    chosen = next((p for p in phases if str(p["id"]) == raw), None)
    if chosen is None:
        abort(404)
    return phases, chosen


def load_round(round_id: int, *, edit: bool = False) -> dict[str, Any]:
    """The round, or 404 (unknown or foreign); ``edit`` also 403s the secretariat."""
    rnd = store_rounds.get_round(get_db(), round_id)
    if rnd is None:
        abort(404)
    decision = {"id": rnd["decision_id"], "owner_id": rnd["decision_owner_id"]}
    (require_edit if edit else require_view)(decision)
    return rnd


def request_options() -> tuple[dict[str, Any], str | None]:
    """Options from the query string; invalid ones → defaults plus a Swedish message."""
    args = request.args
    raw: dict[str, Any] = {}
    for key in ("within", "between", "smaa"):
        if args.get(key):
            raw[key] = args[key]
    if args.get("o") or args.getlist("methods"):
        raw["methods"] = args.getlist("methods")
    try:
        return analysis_input.parse_options(raw), None
    except MCDAInputError as exc:
        return analysis_input.parse_options(None), error_text(exc)


def select_phase(rnd: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(the round's phases, the phase asked for with ``?etapp=``): see :func:`resolve_phase`
    (only a round with per-phase weights has phases; unknown → 404)."""
    return resolve_phase(rnd["decision_id"], bool(rnd.get("phase_weights")))


def phase_links(phases: list[dict[str, Any]], phase: Mapping[str, Any] | None, endpoint: str,
                **values: Any) -> list[dict[str, Any]]:
    """One link per phase to ``endpoint``, keeping the other query arguments."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "etapp"}
    return [{"label": p["label"], "current": phase is not None and p["id"] == phase["id"],
             "url": url_for(endpoint, **values, **args, etapp=p["id"])} for p in phases]


def round_counts(rnd: Mapping[str, Any], phase: Mapping[str, Any] | None) -> dict[str, int]:
    """Voters per municipality: of the phase when one is chosen (its figures' k rule)."""
    if phase is not None:
        return store_votes.participation_in_phase(get_db(), rnd["id"], phase["id"])
    return store_votes.participation(get_db(), rnd["id"])


def published_reasons(rnd: Mapping[str, Any], counts: Mapping[str, int]) -> list[str]:
    """The round's shown "Varför?" reasons as the report and exports may publish them
    (``core.disclosure.publishable_reasons``: texts only, none under k)."""
    return disclosure.publishable_reasons(
        store_reasons.shown_reason_texts(get_db(), rnd["id"]),
        disclosure.plan(counts, int(rnd["anonymity_k"]), disclosure.clean_kind(rnd.get("kind"))))


def round_analysis(round_id: int, opts: Mapping[str, Any], phase_id: int | None = None
                   ) -> tuple[analysis_cache.RoundAnalysis | None, str | None]:
    """(analysis, error message) for the round (or one phase's votes of a round with
    per-phase weights); the error is Swedish and names the field."""
    try:
        return analysis_cache.get_analysis(get_db(), round_id, opts, phase_id=phase_id), None
    except MCDAInputError as exc:
        return None, error_text(exc)


@dataclass
class Scope:
    """A round (or one phase of it) analysed under options: the cached analysis (None on bad
    input, with ``error``), the participation counts the k rule reads, and k."""

    rnd: dict[str, Any]
    phase: dict[str, Any] | None
    opts: dict[str, Any]
    analysis: analysis_cache.RoundAnalysis | None
    counts: dict[str, int]
    error: str | None

    @property
    def k(self) -> int:
        return int(self.rnd["anonymity_k"])

    @property
    def kind(self) -> str:
        """The kind of round (``core.disclosure``): anonymous or delegates."""
        return disclosure.clean_kind(self.rnd.get("kind"))


def round_scope(rnd: dict[str, Any], opts: dict[str, Any], phase: dict[str, Any] | None = None,
                *, analysis: analysis_cache.RoundAnalysis | None = None) -> Scope:
    """The one "round (+ phase, + options) → cached analysis → view inputs" step. ``phase`` is
    ignored on a normal round; ``analysis``: the caller already has it (the live projector)."""
    phase = phase if rnd.get("phase_weights") else None
    counts = round_counts(rnd, phase)
    if analysis is not None:
        return Scope(rnd, phase, opts, analysis, counts, None)
    ra, error = round_analysis(rnd["id"], opts, phase["id"] if phase else None)
    return Scope(rnd, phase, opts, ra, counts, error)


def load_decision(decision_id: int, *, edit: bool = False) -> dict[str, Any]:
    """The decision, or 404/403 (``edit`` also refuses the secretariat)."""
    decision = store_decisions.get_decision(get_db(), decision_id)
    (require_edit if edit else require_view)(decision)
    return decision  # type: ignore[return-value]


def pick_round(decision_id: int, round_id: int | None) -> dict[str, Any] | None:
    """The round a planning or scenario page is about: ``round_id`` (404 when it is not this
    decision's), else the latest round with votes, else None."""
    rounds = store_rounds.list_rounds(get_db(), decision_id)
    if round_id is not None:
        for r in rounds:
            if r["id"] == round_id:
                return r
        abort(404)
    voted = [r for r in rounds if r.get("n_voters")]
    return voted[-1] if voted else None
