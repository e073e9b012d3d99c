"""The results page's sections from the typed analysis output: goal conflicts, the roles,
rankings and their agreement, SMAA, sensitivity, the verdict and the criteria's
contributions. Each takes parts of ``contract.AnalysisOutput`` (and names), returns plain
values, and reads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from mcda.core import disclosure
from mcda.core.errors import MCDAInputError
from mcda.web.present import analysis_text
from mcda.web.present.labels import RANKING_METHOD_LABELS as METHOD_LABELS
from mcda.web.present.labels import ROLES
from mcda.web.present.numbers import finite as _num

if TYPE_CHECKING:
    from mcda.core.contract import AnalysisOutput

Names = Mapping[str, str]
Rename = Callable[[str], str]
ROLE_ORDER = ("fortroendevald", "tjansteperson", "forskare", "annan", disclosure.ROLE_POOL)



def computed(part: Any) -> Any:
    """The part, or None when the analysis did not compute it (``contract.Empty``: ``{}``)."""
    return part if part is not None and part.model_fields_set else None


def role_label(role: str) -> str:
    """A role group's name in the reader's language (the pool: "Övriga roller")."""
    if role == disclosure.ROLE_POOL:
        return _("Övriga roller")
    return str(ROLES.get(role, role))


def by_role_view(by_role: Any, crits: Sequence[tuple[str, str, str]]) -> dict[str, Any] | None:
    """Weights and disputed criteria per stakeholder role (the analysis' ``by_role``, already
    pooled under k by ``core.disclosure.role_plan``): None when no vote has a role."""
    if by_role is None or not by_role.groups:
        return None
    cname = {cid: name for cid, name, _d in crits}
    rows = [{"label": role_label(r), "n": by_role.groups[r].n,
             "weights": [_num(by_role.groups[r].weights.get(c)) for c, _n, _d in crits]}
            for r in ROLE_ORDER if r in by_role.groups]
    disputed = [{
        "criterion": cname.get(str(d.criterion), d.name),
        "between_share": _num(d.between_share),
        "high": [(role_label(x.group), _num(x.mean)) for x in d.high],
        "low": [(role_label(x.group), _num(x.mean)) for x in d.low],
    } for d in by_role.disputed]
    return {"cols": [n for _c, n, _d in crits], "rows": rows, "without": by_role.without,
            "disputed": disputed}


def conflicts_view(conf: Any, cname: Names, aname: Names, group: Rename) -> dict[str, Any]:
    """Trade-offs, disputed criteria (who stands where), coalitions, similarity and
    polarising alternatives, with the pool named in the reader's language."""
    tradeoffs = []
    for t in conf.tradeoffs:
        a, b = (cname.get(str(x), str(x)) for x in t.criteria[:2])
        tradeoffs.append({"a": a, "b": b, "r": _num(t.r), "p": _num(t.p_adjusted)})
    disputed = [{
        "criterion": cname.get(d.criterion, d.criterion),
        "between_share": _num(d.between_share), "p": _num(d.p), "mean": _num(d.mean),
        "high": [(group(x.group), _num(x.mean)) for x in d.high],
        "low": [(group(x.group), _num(x.mean)) for x in d.low],
        "hidden": 0,
    } for d in conf.disputed]
    coal = conf.coalitions
    sim = conf.similarity
    return {
        "tradeoffs": tradeoffs,
        "disputed": disputed,
        "coalitions": {
            "clusters": [{"members": [group(g) for g in members], "hidden": 0}
                         for members in coal.clusters],
            "k": coal.k, "rule": getattr(coal, "rule", None),
            "silhouette": _num(coal.silhouette),
            "strength": analysis_text.core_label("strength", coal.strength.model_dump()),
        },
        "similarity": {"groups": [group(g) for g in sim.groups],
                       "values": [[_num(x) for x in row] for row in sim.matrix]},
        "polarising": [{
            "alternative": aname.get(p.alternative, p.alternative),
            "range": _num(p.range), "sd": _num(p.sd),
            "best": group(p.best_group), "worst": group(p.worst_group),
        } for p in conf.polarising],
    }


def rankings_view(m: AnalysisOutput, alts: Sequence[tuple[str, str]],
                  group: Rename) -> dict[str, Any]:
    """Every method's ranks and scores per alternative (compromise order), the methods'
    agreement, and each published group's compromise ranking."""
    rankings = m.rankings
    methods = list(rankings)
    comp = computed(m.compromise)
    comp_ranks = comp.ranks if comp else {}
    rows = [{"id": aid, "name": name,
             "ranks": [rankings[k].ranks.get(aid) for k in methods],
             "scores": [_num(rankings[k].scores.get(aid)) for k in methods],
             "compromise": comp_ranks.get(aid)} for aid, name in alts]
    rows.sort(key=lambda r: (r["compromise"] if r["compromise"] is not None else 1e9, r["name"]))
    # each row's place under the decision's model (issue 23; the results page lists the rows
    # in that order, ``model_rows``); the exports keep their own column order
    verdict = computed(m.verdict) if m.verdict is not None else None
    model_rank = {o.id: o.rank for o in getattr(verdict, "order", None) or []}
    model_score = {o.id: _num(o.score) for o in getattr(verdict, "order", None) or []}
    for r in rows:
        r["model"] = model_rank.get(r["id"])
        r["model_score"] = model_score.get(r["id"])
    order = {o.id: i for i, o in enumerate(getattr(verdict, "order", None) or [])}
    model_rows = sorted(rows, key=lambda r: order.get(r["id"], len(order)))
    agr = computed(m.agreement)
    agreement = None
    if agr is not None and agr.methods:
        ms = agr.methods

        def square(mat: Mapping[str, Mapping[str, float]]) -> list[list[float | None]]:
            return [[_num((mat.get(a) or {}).get(b)) for b in ms] for a in ms]

        agreement = {"methods": [METHOD_LABELS.get(k, k) for k in ms],
                     "rw": square(agr.rw), "ws": square(agr.ws)}
    by_group = sorted(({"group": group(g), "ranks": entry.compromise.ranks}
                       for g, entry in m.by_group_rankings.items()), key=lambda r: r["group"])
    return {
        "methods": methods, "has_model": bool(model_rank), "model_rows": model_rows,
        "method_labels": [METHOD_LABELS.get(k, k) for k in methods],
        "method_marks": [_model_mark(k, verdict) for k in methods],
        "higher_is_better": [bool(rankings[k].higher_is_better) for k in methods],
        "rows": rows, "agreement": agreement, "by_group": by_group,
    }


def _model_mark(method: str, verdict: Any) -> str | None:
    """How a method's column relates to the decision's model: ``"model"`` (it is the model),
    ``"family"`` (the model's method with other settings: plain WSM beside the additive value
    model, not counted among the other methods) or None."""
    if verdict is None:
        return None
    if method == verdict.model.id:
        return "model"
    return "family" if method == verdict.method else None


def smaa_view(smaa: Any, alts: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """Rank acceptability per alternative (SMAA-2), best first; over every method when the
    verdict's SMAA is given."""
    smaa = computed(smaa)
    if smaa is None:
        return None
    ra = smaa.rank_acceptability
    conf = getattr(smaa, "confidence", None) or {}
    rows = [{"label": name, "shares": [_num(b) or 0.0 for b in ra.get(aid, [])],
             "confidence": _num(conf.get(aid))} for aid, name in alts if aid in ra]
    rows.sort(key=lambda r: [-x for x in r["shares"]])
    over_methods = hasattr(smaa, "methods")
    methods = smaa.methods if over_methods else [smaa.method]
    return {"samples": smaa.samples, "rows": rows, "over_methods": over_methods,
            "methods": ", ".join(_method_name(k) for k in methods if k)}


def _method_name(k: str) -> str:
    """A method's label; the additive value model (a model, not a method) in words."""
    if k == "value":
        return _("Viktad summa av värden (additiv värdemodell)")
    return str(METHOD_LABELS.get(k, k))


def sensitivity_view(sens: Any, cname: Names, aname: Names) -> dict[str, Any] | None:
    """Per criterion the weight range that keeps the winner, and the rival beyond it."""
    sens = computed(sens)
    if sens is None:
        return None
    rows = [{
        "criterion": cname.get(k, k), "weight": _num(v.weight),
        "lower": _num(v.lo), "upper": _num(v.hi),
        "rival_lo": aname.get(str(v.rival_lo), v.rival_lo) if v.rival_lo is not None else None,
        "rival_hi": aname.get(str(v.rival_hi), v.rival_hi) if v.rival_hi is not None else None,
    } for k, v in sens.criteria.items()]
    return {"rows": rows, "top": aname.get(str(sens.top), sens.top),
            "method": METHOD_LABELS.get(sens.method, sens.method),
            "compromise": sens.method == "copeland"}


def contributions_view(data: Mapping[str, Any], m: AnalysisOutput,
                       crits: Sequence[tuple[str, str, str]],
                       alts: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """Per alternative, what each criterion adds to its score under the additive value model
    (weighted sum of min–max values) with the region's weights: the ranking chart's "why".

    Why this model and not the analysis' plain weighted sum: the chart must explain the
    decision's order (issue 23), so it uses the decision's model's normalisation and order
    when the model is a weighted sum; under another model it shows the additive value model
    in its own order (``is_model`` False, the caption says so). ``None`` when the scores
    cannot be summed."""
    from mcda.core import ranking as core_ranking
    from mcda.core.constants import MODEL_METHOD

    v = m.verdict
    is_model = v is not None and v.method == "wsm"
    kw = dict(v.method_options) if is_model else dict(MODEL_METHOD["value"][1])
    w = m.weights
    try:
        matrix = [[data["scores"][a][c] for c, _n, _d in crits] for a, _an in alts]
        contrib = core_ranking.wsm_contributions(
            matrix, [w[c] for c, _n, _d in crits],
            [1 if d == "benefit" else -1 for _c, _n, d in crits], **kw)
    except (MCDAInputError, KeyError, TypeError, ValueError):
        return None
    rows = [{"id": a, "label": name, "parts": [_num(x) or 0.0 for x in row], "total": sum(row)}
            for (a, name), row in zip(alts, contrib, strict=True)]
    if not rows:
        return None
    # against the average alternative: what lifts each one above it and what pulls it down
    means = [sum(r["parts"][j] for r in rows) / len(rows) for j in range(len(crits))]
    mean_total = sum(r["total"] for r in rows) / len(rows)
    for r in rows:
        r["dev"] = [p - mu for p, mu in zip(r["parts"], means, strict=True)]
        r["dev_total"] = r["total"] - mean_total
    place = {o.id: i for i, o in enumerate(v.order)} if is_model else {}
    rows.sort(key=lambda r: (place.get(r["id"], len(place)), -r["total"]))
    span = max(max(sum(d for d in r["dev"] if d > 0), -sum(d for d in r["dev"] if d < 0))
               for r in rows)
    return {"criteria": [n for _c, n, _d in crits], "rows": rows,
            "max": max(r["total"] for r in rows), "span": span, "is_model": is_model,
            "model": _model_name(v) if is_model else _("Viktad summa av värden (additiv "
                                                           "värdemodell)")}


def _model_name(v: Any) -> str:
    """The decision's model in plain words, in the page's language."""
    from flask_babel import get_locale

    return v.model.name_en if str(get_locale()) == "en" else v.model.name_sv


def verdict_plain(verdict: Any, alts: Sequence[tuple[str, str]],
                  cname: Names) -> dict[str, Any] | None:
    """The verdict as plain values for the main views (issue 23), from the analysis' typed
    ``verdict`` block (the decision's model): the order with each alternative's share of the
    room's weightings, the first and the runner-up, the smallest change of the region's
    weights that puts the runner-up first, how many of the other methods agree, and why place
    and share disagree when they do. ``verdict``: the typed block (``contract.Verdict``),
    so the results page and ``python -m mcda analyze --summary`` word it the same way."""
    v = computed(verdict) if verdict is not None else None
    if v is None or not getattr(v, "first", None):
        return None
    aname = dict(alts)
    flip, meth, leader = v.flip, v.methods, v.share_leader
    order = [{"id": o.id, "name": aname.get(o.id, o.id), "place": o.rank,
              "share": _num(v.shares.get(o.id))} for o in v.order]
    out = {
        "model_id": v.model.id, "model_sv": v.model.name_sv, "model_en": v.model.name_en,
        "first": aname.get(v.first, v.first),
        "runner_up": aname.get(v.runner_up, v.runner_up) if v.runner_up else None,
        "tied": [o["name"] for o in order if o["place"] == 1],
        "share_first": _num(v.share_first), "n_weightings": v.n_weightings,
        "methods_agree": meth.agree, "methods_of": meth.of,
        "explain": v.explain,
        "share_leader": None if leader is None else {
            "name": aname.get(leader, leader), "share": _num(v.shares.get(leader))},
        "flip": None if flip is None else {
            "criterion": cname.get(flip.criterion, flip.criterion),
            "points": _num(flip.points), "direction": flip.direction},
        "order": order,
    }
    out["inverted"] = _inverted(order)
    return out


def _inverted(order: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pairs where a lower place comes first under more weightings than a higher one (the
    "plats 3 · först i 3 %" then "plats 4 · först i 10 %" the issue found unexplained)."""
    out = []
    for i, hi in enumerate(order):
        for lo in order[i + 1:]:
            if (hi["share"] is not None and lo["share"] is not None
                    and lo["share"] > hi["share"] + 0.005):
                out.append({"higher": hi["name"], "lower": lo["name"]})
    return out


def plan_view(phasing: Mapping[str, Any] | None, aname: Names) -> dict[str, Any] | None:
    """The plan per phase from the analysis' ``phasing`` block (the decision has phases):
    per phase its name, period, budget, spend and the investments placed in it."""
    if not phasing or not phasing.get("plan") or not phasing.get("phases"):
        return None
    plan = phasing["plan"]
    assignment = plan.get("assignment") or {}
    values = phasing.get("values") or {}
    spend = plan.get("spend") or []
    phases = []
    for i, ph in enumerate(phasing["phases"], start=1):
        items = sorted((a for a, p in assignment.items() if p == i),
                       key=lambda a: -(_num(values.get(a)) or 0))
        phases.append({"name": ph.get("name"), "period": ph.get("period"),
                       "budget": ph.get("budget"),
                       "spend": spend[i - 1] if i - 1 < len(spend) else None,
                       "items": [aname.get(a, a) for a in items]})
    left = [aname.get(a, a) for a, p in assignment.items() if p is None]
    return {"phases": phases, "left_out": left, "status": plan.get("status")}
