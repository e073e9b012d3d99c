"""The analysis' growth phases and scenarios: the ``phasing`` and ``scenarios`` parts of the
result object (``docs/analysis-format.md``, "Growth phases"; ``docs/phasing.md``).

Why a module of its own: these steps plan investments over phases on top of the rankings that
:func:`mcda.core.analysis.analyze` computes first; they are called from there only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .. import (
    aggregation,
    model,
    phasing,
    ranking,
    scenarios,
)
from ..constants import MODEL_METHOD
from ..contract import Problem
from ..errors import MCDAInputError
from . import regret
from .shared import by_id, group_vector, resolve_method, smaa_draw

# --------------------------------------------------------------------------- growth phases


def _phasing_scorer(p: Problem, region: np.ndarray, kwargs: dict[str, dict], skipped: list,
                    smaa_method: str | None) -> tuple[str, dict]:
    """The ranking method whose scores become plan values.

    ``smaa`` uses the SMAA method actually run; a method the input named explicitly raises if
    it cannot take the scores, a default one falls back to TOPSIS (reported in
    ``meta.skipped_methods``), as for SMAA and the sensitivity analysis.
    """
    vm = p.options["phasing"]["value_method"]
    if vm == "model":  # the decision's model (issue 23: everything values with it)
        vm = p.options["model"]
    if vm in MODEL_METHOD:
        return model.resolve(vm, p.options)
    if vm == "smaa":
        mth = smaa_method or "topsis"  # SMAA itself fell back to TOPSIS or found no method
        if mth in MODEL_METHOD:
            return model.resolve(mth, p.options)
        return mth, kwargs.get(mth) or ranking.method_kwargs(mth, p.options)
    found = resolve_method(p, "phasing", vm, "phasing.value_method" in p.explicit, region,
                           kwargs, skipped)
    assert found is not None  # TOPSIS takes any finite scores
    return found


def _plannable(p: Problem) -> tuple[list[int], list[dict]]:
    """Indices of alternatives the plan can schedule, and why the others are left out.

    Without a cost an investment cannot be budgeted; one that requires such an investment
    (directly or through a chain) could never start either.
    """
    inv = p.investments
    ok = [i for i in range(len(p.alternatives)) if inv[i]["cost"] is not None]
    reason = {i: "no_cost" for i in range(len(p.alternatives)) if inv[i]["cost"] is None}
    changed = True
    while changed:
        changed = False
        for i in list(ok):
            if any(k in reason for k in inv[i]["requires"]):
                ok.remove(i)
                reason[i] = "requires_unplanned"
                changed = True
    return ok, [{"alternative": p.alternatives[i], "name": p.alternative_names[i],
                 "reason": reason[i]} for i in sorted(reason)]


@dataclass
class _Plannable:
    """What both the phasing plan and the scenarios plan over: the schedulable investments
    (``idx`` into the alternatives) with their ids, names, hosts, earliest phases and
    prerequisites (positions in ``idx``), and the municipalities the spread is counted over."""

    idx: list[int]
    ids: list[str]
    names: list[str]
    costs: list[float]
    hosts: list[str | None]
    earliest: list[int]
    pre: list[tuple[int, int]]
    munis: list[str]
    pops: dict[str, float | None]
    not_planned: list[dict]

    @property
    def position(self) -> dict[str, int]:
        return {a: k for k, a in enumerate(self.ids)}


def _plannable_inputs(p: Problem) -> _Plannable:
    idx, not_planned = _plannable(p)
    pos = {i: k for k, i in enumerate(idx)}
    inv = [p.investments[i] for i in idx]
    hosts = [x["host"] for x in inv]
    if p.municipalities is not None:
        munis = list(p.municipalities)
        pops: dict[str, float | None] = dict(p.municipalities)
    else:
        munis = list(p.groups) + [h for h in dict.fromkeys(hosts) if h and h not in p.groups]
        pops = {m: p.populations.get(m) for m in munis}
    return _Plannable(
        idx=idx, ids=[p.alternatives[i] for i in idx],
        names=[p.alternative_names[i] for i in idx], costs=[float(x["cost"]) for x in inv],
        hosts=hosts, earliest=[x["earliest_phase"] or 1 for x in inv],
        pre=[(pos[i], pos[k]) for i in idx for k in p.investments[i]["requires"]],
        munis=munis, pops=pops, not_planned=not_planned)


def _plan_dict(plan: Any, ids: list[str]) -> dict:
    pd = plan.to_dict()
    pd.pop("solve_time_s", None)  # not reproducible; the output must be
    pd["assignment"] = dict(zip(ids, plan.assignment, strict=True))
    return pd


def _phasing_scores(p: Problem, scorer: str, kw: dict, W: np.ndarray, sizes: list[int],
                    rankings: dict, kwargs: dict[str, dict], region: np.ndarray,
                    gw: np.ndarray) -> np.ndarray:
    """The scores that become plan values: SMAA's mean score, the ranking's, or a new run."""
    if p.options["phasing"]["value_method"] == "smaa":
        base, index = smaa_draw(p, W, sizes, gw)
        samples = base if index is None else base[index]
        return ranking.score_batch(scorer, p.matrix, samples, p.types, **kw).mean(axis=0)
    if scorer in rankings and kw == kwargs.get(scorer):
        return np.array([rankings[scorer]["scores"][a] for a in p.alternatives], dtype=float)
    return np.asarray(ranking.run(scorer, p.matrix, region, p.types, **kw)["scores"])


def _paths(p: Problem, c: _Plannable, values: np.ndarray, gw: np.ndarray, scorer: str,
           kw: dict, hib: bool, budgets: list, rules: dict) -> tuple[Any, dict[str, Any]]:
    """The regional plan and each wanted group's own plan beside it (``phasing.plan_paths``)."""
    o = p.options["phasing"]
    gs = ranking.score_batch(scorer, p.matrix, gw, p.types, **kw)
    wanted = p.groups if o["paths"] is True else o["paths"]
    group_values = {g: phasing.values_from_scores(gs[k][c.idx], hib)
                    for k, g in enumerate(p.groups) if g in wanted}
    cmp = phasing.plan_paths(values, group_values, c.costs, c.hosts, c.earliest, c.pre,
                             budgets, rules, o["discount"], c.names, top_k=o["top_k"])
    paths_out: dict[str, Any] = {}
    if cmp.regional.feasible:
        for g, own in cmp.by_group.items():
            top = [{"alternative": c.ids[r["index"]], "rank": r["rank"],
                    "own_phase": r["own_phase"], "regional_phase": r["regional_phase"],
                    "status": r["status"]} for r in cmp.top[g]]
            paths_out[g] = {
                "assignment": dict(zip(c.ids, own.assignment, strict=True)),
                "total_value": own.total_value,
                "top": top,
                "deferred": [t["alternative"] for t in top if t["status"] == "deferred"],
                "dropped": [t["alternative"] for t in top if t["status"] == "dropped"],
            }
    return cmp.regional, paths_out


def _phasing(p: Problem, region: np.ndarray, gw: np.ndarray, W: np.ndarray, sizes: list[int],
             rankings: dict, kwargs: dict[str, dict], skipped: list,
             smaa_method: str | None) -> dict:
    """The phasing plan (``mcda.core.phasing``): which investment in which phase, the spread
    over the municipalities, and (optionally) each group's own plan. Infeasible rules are
    reported in ``infeasibility``, never raised."""
    if p.phases is None or p.matrix is None:
        return {}
    o = p.options["phasing"]
    scorer, kw = _phasing_scorer(p, region, kwargs, skipped, smaa_method)
    hib = ranking.HIGHER_IS_BETTER[scorer]
    scores = _phasing_scores(p, scorer, kw, W, sizes, rankings, kwargs, region, gw)
    c = _plannable_inputs(p)
    budgets = [ph["budget"] for ph in p.phases]
    rules = {"min_one_by_phase": o["rules"]["min_one_by_phase"],
             "max_share": o["rules"]["max_share"], "municipalities": c.munis}
    values = (phasing.values_from_scores(np.asarray(scores, dtype=float)[c.idx], hib)
              if c.idx else np.zeros(0))
    paths_out: dict[str, Any] | None = None
    if o["paths"] and c.idx:
        plan, paths_out = _paths(p, c, values, gw, scorer, kw, hib, budgets, rules)
    elif c.idx:
        plan = phasing.plan(values, c.costs, c.hosts, c.earliest, c.pre, budgets, rules,
                            o["discount"], c.names)
    else:  # nothing can be budgeted: the empty plan (milp needs at least one variable)
        plan = phasing.PhasePlan(assignment=[], objective=0.0, total_value=0.0,
                                 spend=[0.0] * len(budgets), budgets=list(budgets),
                                 status="optimal", solve_time_s=0.0, exempt=list(c.munis),
                                 discount=o["discount"])
    pd = _plan_dict(plan, c.ids)
    conflict_out = regret.conflict_part(
        p, c, plan, gw, scorer, kw, hib,
        (c.costs, c.hosts, c.earliest, c.pre, budgets, rules, o["discount"], c.names), values)
    spread_out = None
    if plan.feasible:
        spread_out = asdict(phasing.spread(plan.assignment, c.costs, c.hosts, c.munis, c.pops,
                                           len(budgets)))
    return {
        "method": {
            "value_method": o["value_method"],
            "model": p.options["model"],
            "scorer": scorer,
            "scorer_options": kw,
            "higher_is_better": hib,
            "solver": _SOLVER,
        },
        "options": o,
        "phases": [dict(ph, number=k) for k, ph in enumerate(p.phases, start=1)],
        "values": dict(zip(c.ids, values.tolist(), strict=True)),
        "plan": pd,
        "status": plan.status,
        "infeasibility": pd["infeasibility"],
        "spread": spread_out,
        "paths": paths_out,
        "conflict": conflict_out,
        "not_planned": c.not_planned,
        "municipalities": c.munis,
        "solve_ms": float(plan.solve_time_s) * 1000.0,
    }


_SOLVER = "scipy.optimize.milp (HiGHS), proven optimal (relative gap 1e-9)"


# --------------------------------------------------------------------------- scenarios

_SOURCE_LABEL = {
    "region": ("regionens vikter ({rule})", "the region's weights ({rule})"),
    "group": ("{group}s egna vikter", "{group}'s own weights"),
    "coalition": ("koalitionen {groups} ({rule})", "the coalition {groups} ({rule})"),
    "role": ("vikterna för rollen {role}", "the weights of the role {role}"),
    "manual": ("vikter satta för hand", "weights set by hand"),
}
_RULE_LABEL = {
    "equal": ("en kommun – en röst", "one municipality, one vote"),
    "participants": ("efter antal deltagare", "by number of participants"),
    "population": ("efter folkmängd", "by population"),
}


def _scenario_weights(p: Problem, w: dict, gw: np.ndarray, sizes: list[int], W: np.ndarray,
                      mats: list[Any]) -> tuple[np.ndarray, dict[str, str]]:
    rule = w.get("between_groups") or p.options["between_groups"]
    rsv, ren = _RULE_LABEL[rule]
    src = w["source"]
    if src == "manual":
        v = np.array([float(w["weights"][c]) for c in p.criteria])
        vec = v / v.sum()
    elif src == "group":
        vec = gw[p.groups.index(w["group"])]
    elif src == "role":  # the role's votes, aggregated like a municipality's (by_role)
        rows = [i for i, v in enumerate(p.votes) if v.role == w["role"]]
        vec = group_vector(p, W, mats, rows)
    else:
        members = list(p.groups) if src == "region" else list(dict.fromkeys(w["groups"]))
        k = [p.groups.index(g) for g in members]
        pops = [p.populations.get(g) for g in members] if rule == "population" else None
        vec = aggregation.between_groups(gw[k], rule, sizes=[sizes[i] for i in k],
                                         populations=pops)
    sv, en = _SOURCE_LABEL[src]
    ctx = {"rule": rsv, "group": w.get("group") or "", "role": w.get("role") or "",
           "groups": ", ".join(w.get("groups") or [])}
    ctx_en = dict(ctx, rule=ren)
    return vec, {"sv": sv.format(**ctx), "en": en.format(**ctx_en)}


def _scenario_rules(r: dict, c: _Plannable) -> dict[str, Any]:
    """A scenario's rules in plan positions (investments that cannot be planned left out)."""
    plan_pos = c.position
    rules: dict[str, Any] = {
        "min_one_by_phase": r["min_one_by_phase"], "max_share": r["max_share"],
        "municipalities": c.munis,
        "pools": [{"name": pl["name"], "budgets": pl["budgets"],
                   "shares": {plan_pos[a]: v for a, v in pl["shares"].items()
                              if a in plan_pos}} for pl in r["pools"]],
        "pins": [{"item": plan_pos[pn["alternative"]], "kind": pn["kind"],
                  "phase": pn["phase"]} for pn in r["pins"] if pn["alternative"] in plan_pos],
        "groups": [{"name": g["name"], "kind": g["kind"],
                    "items": [plan_pos[a] for a in g["alternatives"] if a in plan_pos]}
                   for g in r["groups"]],
    }
    rules["groups"] = [g for g in rules["groups"]
                       if len(g["items"]) >= (2 if g["kind"] == "at_most_one" else 1)]
    return rules


def _scenario_plan(p: Problem, sc: dict, c: _Plannable, values: np.ndarray,
                   entry: dict[str, Any], gw: np.ndarray) -> None:
    """Plan one scenario (and its frontier when asked) into ``entry``."""
    cc = sc["cost_change"]
    costs = scenarios.scaled_costs(c.costs, float(cc["overall_pct"]),
                                   [float(cc["per_alternative"].get(a, 0.0)) for a in c.ids])
    entry["costs"] = dict(zip(c.ids, costs, strict=True))
    budgets = list(sc["budgets"]) if sc["budgets"] is not None else [
        ph["budget"] for ph in p.phases or []]
    entry["budgets"] = budgets
    rules = _scenario_rules(sc["rules"], c)
    args = (costs, c.hosts, c.earliest, c.pre, budgets, rules, 0.0, c.names)
    if c.idx:
        plan = phasing.plan(values, *args)
    else:
        plan = phasing.PhasePlan([], 0.0, 0.0, [0.0] * len(budgets), list(budgets),
                                 "optimal", 0.0)
    entry["plan"] = _plan_dict(plan, c.ids)
    entry["status"] = plan.status
    if plan.feasible:
        sp = phasing.spread(plan.assignment, costs, c.hosts, c.munis, c.pops, len(budgets))
        entry["money"] = {"per_phase": sp.per_phase, "regional": sp.regional,
                          "total": sp.total, "reached_share": sp.reached_share}
        entry["regrets"] = regret.scenario_regrets(p, c, gw, args, plan.assignment)
    if sc["frontier"] and c.idx:
        fr = scenarios.frontier(values, *args[:5], rules, 0.0, c.names)
        for row in fr:
            row["assignment"] = dict(zip(c.ids, row["assignment"], strict=True))
            row["entered"] = [c.ids[i] for i in row["entered"]]
            row["left"] = [c.ids[i] for i in row["left"]]
        entry["frontier"] = fr


def _model_values(p: Problem, region: np.ndarray, c: _Plannable) -> np.ndarray:
    """Plan values under the decision's model with the region's weights: the one scale every
    scenario's plan is valued on, whatever model ranked it (``value_under_model``)."""
    mth, kw = model.resolve(p.options["model"], p.options)
    s = np.asarray(ranking.run(mth, p.matrix, region, p.types, **kw)["scores"], dtype=float)
    return (phasing.values_from_scores(s[c.idx], ranking.HIGHER_IS_BETTER[mth])
            if c.idx else np.zeros(0))


def _scenarios(p: Problem, gw: np.ndarray, sizes: list[int], W: np.ndarray,
               mats: list[Any], region: np.ndarray) -> dict:
    """Each input scenario planned exactly (and its budget frontier when asked), then all of
    them lined up against the first (``mcda.core.scenarios``). A scenario whose method cannot
    take the scores, or whose rules cannot hold, reports that and never stops the others."""
    if not p.scenarios or p.phases is None or p.matrix is None:
        return {}
    c = _plannable_inputs(p)
    model_values = _model_values(p, region, c)
    results = []
    for sc in p.scenarios:
        vec, wlabel = _scenario_weights(p, sc["weights"], gw, sizes, W, mats)
        method = p.options["model"] if sc["method"] == "model" else sc["method"]
        entry: dict[str, Any] = {
            "id": sc["id"], "name": sc["name"], "input": sc,
            "weights": by_id(p.criteria, vec), "weights_label": wlabel, "method": method,
        }
        results.append(entry)
        mth, kw = model.resolve(method, p.options)
        try:
            res = ranking.run(mth, p.matrix, vec, p.types, alternatives=p.alternatives,
                              criteria=p.criteria, **kw)
        except MCDAInputError as exc:
            entry["error"] = exc.to_dict()
            continue
        scores = np.asarray(res["scores"], dtype=float)
        entry["scores"] = by_id(p.alternatives, scores)
        entry["ranks"] = by_id(p.alternatives, np.asarray(res["ranks"]))
        values = (phasing.values_from_scores(scores[c.idx], ranking.HIGHER_IS_BETTER[mth])
                  if c.idx else np.zeros(0))
        entry["values"] = dict(zip(c.ids, values.tolist(), strict=True))
        _scenario_plan(p, sc, c, values, entry, gw)
        if "money" in entry:  # a feasible plan
            a = entry["plan"]["assignment"]
            entry["value_under_model"] = float(sum(model_values[k] for k, x in enumerate(c.ids)
                                                   if a.get(x) is not None))
    solved = [{"id": e["id"], "assignment": e["plan"]["assignment"], "ranks": e["ranks"]}
              for e in results if "plan" in e]
    return {
        "method": {
            "solver": _SOLVER,
            "model": model.describe(p.options["model"]),
            "frontier_levels": list(scenarios.FRONTIER_LEVELS),
        },
        "results": results,
        "comparison": scenarios.compare(solved, c.ids),
        "municipalities": c.munis,
    }
