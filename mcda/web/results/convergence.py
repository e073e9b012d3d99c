"""Convergence over a decision's Delphi rounds: S*, Kendall's W and the per-criterion SD per
round, for the region and (k-pooled) per municipality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from mcda.core import region
from mcda.store import analysis_input
from mcda.store import rounds as store_rounds
from mcda.web.kit.db import get_db
from mcda.web.kit.scope import phase_links, resolve_phase, round_scope
from mcda.web.present.analysis_view import group_name, options_label, scope_view


class _Series:
    """Named series over the rounds, padded with None where a round has no value."""

    def __init__(self) -> None:
        self.data: dict[str, list[float | None]] = {}
        self.order: list[str] = []
        self.n = 0

    def add(self, name: str, value: float | None) -> None:
        if name not in self.data:
            self.data[name] = [None] * self.n
            self.order.append(name)
        self.data[name].append(value)

    def close_round(self) -> None:
        self.n += 1
        for series in self.data.values():
            if len(series) < self.n:
                series.append(None)


def _round_label(rnd: Mapping[str, Any], phase: Mapping[str, Any] | None) -> str:
    if phase is not None:
        return _("Omgång %(n)s (%(phase)s)", n=rnd["number"], phase=phase["name"])
    return _("Omgång %(n)s", n=rnd["number"])


def context(decision: dict[str, Any]) -> dict[str, Any]:
    """S*, W and per-criterion SD per round, region and (k-suppressed) per municipality.
    Rounds with per-phase weights contribute the chosen phase's votes (labelled so)."""
    rounds = store_rounds.list_rounds(get_db(), decision["id"])
    phases, phase = resolve_phase(decision["id"], any(r.get("phase_weights") for r in rounds))
    opts = analysis_input.parse_options({"smaa": False})
    labels: list[str] = []
    s_star: list[float | None] = []
    w: list[float | None] = []
    crit_sd, by_group, group_sd = _Series(), _Series(), _Series()
    for rnd in rounds:
        rnd_phase = phase if rnd.get("phase_weights") else None
        labels.append(_round_label(rnd, rnd_phase))
        scope = round_scope(rnd, opts, rnd_phase)
        view = scope_view(scope)
        cons = None if scope.analysis is None or view["empty"] else view["consensus"]
        s_star.append(cons["s_star"] if cons else None)
        w.append(cons["kendall_w"] if cons else None)
        if cons:
            for c in cons["criteria"]:
                crit_sd.add(c["name"], c["sd"])
            for row in cons["by_group"]:
                by_group.add(row["group"], row["s_star"])
            votes = [(group_name(v.group), v.weights) for v in scope.analysis.model.votes]
            for g, sd in region.within_group_sd(votes, view["visible_groups"]).items():
                group_sd.add(g, sd)
        for series in (crit_sd, by_group, group_sd):
            series.close_round()
    return {
        "decision": decision, "rounds": rounds, "labels": labels,
        "region": [{"name": "S*", "values": s_star}, {"name": "Kendalls W", "values": w}],
        "crit_sd": [{"name": n, "values": crit_sd.data[n]} for n in crit_sd.order],
        "by_group": [{"name": g, "values": v} for g, v in sorted(by_group.data.items())],
        "group_sd": [{"name": g, "values": v} for g, v in sorted(group_sd.data.items())],
        "options_label": options_label(opts, has_scores=False),
        "phase": phase,
        "phase_links": phase_links(phases, phase, ".convergence", decision_id=decision["id"]),
    }
