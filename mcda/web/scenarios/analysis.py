"""The one analysis of the scenario pages: the chosen round's analysis input with the
decision's scenarios added (``analysis_input.build_input(with_scenarios=True)``) and
:func:`mcda.core.analysis.analyze`, exactly what the CLI computes, from the app's one analysis
cache (``store.analysis_cache``, keyed also by the scenarios' assumptions)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache
from mcda.store import scenarios as store
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import pick_round


def run(decision: dict[str, Any], round_id: int | None) -> dict[str, Any]:
    """The round's analysis with the decision's scenarios: ``{round, input, output, error}``.

    The output is the analysis as computed (not scrubbed: the scenarios' plans and the JSON
    download are those ``python -m mcda analyze`` gives for the input)."""
    db = get_db()
    rnd = pick_round(decision["id"], round_id)
    out: dict[str, Any] = {"round": rnd, "input": None, "output": None, "error": None}
    if rnd is None:
        return out
    try:
        ra = analysis_cache.get_analysis(db, rnd["id"], {"smaa": False},
                                         scenarios=store.analysis_scenarios(db, decision["id"]))
    except MCDAInputError as exc:
        out["error"] = error_text(exc)
        return out
    if not ra.input["votes"]:
        out["error"] = _("Omgången har inga röster än.")
        return out
    out["input"], out["output"] = ra.input, ra.full_output
    return out


def results(ana: dict[str, Any]) -> dict[str, dict[str, Any]]:
    res = ((ana.get("output") or {}).get("scenarios") or {}).get("results") or []
    return {r["id"]: r for r in res}


def skipped(ana: dict[str, Any]) -> dict[str, str]:
    reasons = {
        "no_votes": _("Kommunen har inga röster i omgången."),
        "below_k": _("För få röstande i kommunen för att visa dess vikter (anonymitetsregeln k)."),
        "no_roles": _("Ingen i omgången har angett den rollen; välj en annan viktkälla."),
        "role_below_k": _("För få röstande med rollen för att visa dess vikter "
                          "(anonymitetsregeln k)."),
    }
    meta = (ana.get("input") or {}).get("meta") or {}
    return {s["id"]: reasons.get(s["reason"], s["reason"])
            for s in meta.get("scenarios_skipped") or []}
