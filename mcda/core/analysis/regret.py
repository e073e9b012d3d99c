"""The analysis' do-nothing reference, who gains and who loses, and the value–conflict
frontier: the ``reference`` part, ``phasing.conflict`` and each scenario's ``regrets``
(``docs/analysis-format.md``; ``docs/phasing.md``, "Vinnare och förlorare").

Why a module of its own: these steps sit on top of the plan (:mod:`.plans`) and the groups'
weights; the groups are the published ones (the input is pooled before the analysis, so a
group under k appears only inside "Övriga kommuner").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import model, phasing, ranking
from .. import reference as ref
from ..contract import Problem
from ..phasing.conflict import ConflictModel

_METHOD_SV = ("Regret = hur långt planen ligger under kommunens egen bästa plan med samma "
              "budgetar och regler, i procent av den (egna vikter; exakt blandad "
              "heltalsoptimering, HiGHS). Nuläget värderas med samma modell.")
_METHOD_EN = ("Regret = how far the plan falls below the municipality's own best plan under "
              "the same budgets and rules, in % of it (own weights; exact mixed-integer "
              "optimisation, HiGHS). The do-nothing reference is valued with the same model.")


def levels(p: Problem) -> tuple[np.ndarray, list[bool]]:
    """The reference's levels (worst where none was entered) and which were entered."""
    assert p.matrix is not None
    return ref.resolve_levels(p.matrix, p.types, p.reference)


def reference_part(p: Problem, gw: np.ndarray, region: np.ndarray) -> dict[str, Any]:
    """Per alternative and published group: better than doing nothing under its weights?"""
    if p.matrix is None or (p.reference is None and p.phases is None):
        return {}
    lv, given = levels(p)
    mth, kw = model.resolve(p.options["model"], p.options)
    rs = ref.reference_scores(mth, kw, p.matrix, p.types, np.vstack([region[None, :], gw]), lv)
    better = rs.better()

    def row(k: int) -> dict[str, Any]:
        return {"score": float(rs.reference[k]),
                "better": [a for a, b in zip(p.alternatives, better[k], strict=True) if b],
                "not_better": [a for a, b in zip(p.alternatives, better[k], strict=True)
                               if not b]}

    return {
        "levels": dict(zip(p.criteria, (float(x) for x in lv), strict=True)),
        "entered": [c for c, g in zip(p.criteria, given, strict=True) if g],
        "model": model.describe(p.options["model"]),
        "region": row(0),
        "groups": {g: row(k + 1) for k, g in enumerate(p.groups)},
    }


def group_values(p: Problem, idx: list[int], gw: np.ndarray, scorer: str, kw: dict,
                 hib: bool) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Each published group's plan values and its do-nothing value on the same scale."""
    assert p.matrix is not None
    gs = ranking.score_batch(scorer, p.matrix, gw, p.types, **kw)
    lv, _ = levels(p)
    rs = ref.reference_scores(scorer, kw, p.matrix, p.types, gw, lv)
    values = {g: phasing.values_from_scores(gs[k][idx], hib) for k, g in enumerate(p.groups)}
    nothing = {g: ref.reference_value(float(rs.reference[k]), gs[k][idx], hib)
               for k, g in enumerate(p.groups)}
    return values, nothing


def _rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in rows]


def conflict_part(p: Problem, c: Any, plan: Any, gw: np.ndarray, scorer: str, kw: dict,
                  hib: bool, problem: tuple, regional: np.ndarray) -> dict[str, Any] | None:
    """The regional plan's regret table and (when asked) the value–conflict frontier."""
    if not c.idx or not plan.feasible or not p.groups:
        return None
    o = p.options["phasing"]["conflict"]
    if not o["table"] and not o["frontier"]:
        return None
    values, nothing = group_values(p, c.idx, gw, scorer, kw, hib)
    cm = ConflictModel(*problem, group_values=values, reference=nothing)
    out: dict[str, Any] = {
        "method": {"sv": _METHOD_SV, "en": _METHOD_EN,
                   "reference": "Fasth, Bohman, Larsson, Ekenberg & Danielson (2020), "
                                "Group Decision and Negotiation"},
        "options": dict(o),
        "best": dict(cm.own_best()),
        "nothing": nothing,
        "plan": _rows(cm.regrets(plan.assignment)),
        "frontier": None,
    }
    if o["frontier"]:
        fr = cm.frontier(regional, measure=o["measure"], threshold_pct=o["threshold_pct"],
                         levels=o["levels"])
        out["frontier"] = {
            "status": fr.status,
            "measure": fr.measure,
            "threshold_pct": fr.threshold_pct,
            "points": [{**pt.to_dict(),
                        "assignment": dict(zip(c.ids, pt.assignment, strict=True)),
                        "regrets": _rows(pt.regrets)} for pt in fr.points],
            "infeasibility": None if fr.infeasibility is None else {
                "rule": fr.infeasibility.rule, "message_sv": fr.infeasibility.message_sv,
                "message_en": fr.infeasibility.message_en},
        }
    return out


def scenario_regrets(p: Problem, c: Any, gw: np.ndarray, problem: tuple,
                     assignment: list[int | None]) -> list[dict[str, Any]]:
    """A scenario's plan seen by each published group (the decision's model, the group's
    own weights; own best under the scenario's costs, budgets and rules)."""
    if not c.idx or not p.groups:
        return []
    mth, kw = model.resolve(p.options["model"], p.options)
    values, nothing = group_values(p, c.idx, gw, mth, kw, ranking.HIGHER_IS_BETTER[mth])
    return _rows(ConflictModel(*problem, group_values=values, reference=nothing)
                 .regrets(assignment))
