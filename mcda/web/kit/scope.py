"""One scope for ``?etapp=<phase id>``: the phase a page, export or projector is about.

Why one module: results, projector, report, exports, secretariat and convergence used to
read ``etapp`` with four different rules (404, a flag, a silent fallback). Showing one
phase's numbers under another phase's name misleads, so every reader now uses
:func:`resolve_phase`: no ``etapp`` → the first phase; an ``etapp`` that is not one of the
decision's phases (or any ``etapp`` where no round has per-phase weights) → 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, request

from mcda.store import phases as store_phases
from mcda.web.kit.db import get_db


def phase_label(phase: Mapping[str, Any]) -> str:
    """"Etapp 1 (2026–2028)": the phase's name with its period when it has one."""
    name = str(phase["name"])
    return f"{name} ({phase['period']})" if phase.get("period") else name


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


__all__ = ["decision_phases", "phase_label", "resolve_phase"]
