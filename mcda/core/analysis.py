"""The analysis: one pure function from the analysis input object to the result object.

``analyze(data) -> dict`` is THE contract (``docs/analysis-format.md``): the web views, the
JSON export and ``python -m mcda analyze`` all call it, so a number shown in a workshop can be
reproduced later from the exported file. It validates everything first (the typed contract,
:mod:`mcda.core.contract`), is deterministic for the same input (SMAA is seeded), and returns
plain JSON-serialisable values (ids and names, never indices; never NaN).
"""

from __future__ import annotations

import platform
import re
from dataclasses import asdict
from importlib import metadata
from typing import Any

import numpy as np

from . import (
    aggregation,
    conflicts,
    consensus,
    elicitation,
    incomplete,
    phasing,
    ranking,
    scenarios,
    sensitivity,
    smaa,
    summary,
)
from .contract import Problem, validate_input
from .errors import MCDAInputError

__all__ = ["analyze", "FORMAT_VERSION"]

FORMAT_VERSION = 1


# --------------------------------------------------------------------------- helpers


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("vagval", "pymcdm", "numpy", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


_VERSIONS: dict[str, str] | None = None


def _jsonable(x: Any) -> Any:
    """Plain Python values (dict/list/str/int/float/bool/None); no float may be NaN or inf.

    Hot path (tens of thousands of values for a large workshop): exact type checks first.
    """
    t = type(x)
    if t is float:
        if x - x != 0.0:  # NaN or ±inf
            raise AssertionError("non-finite number in the analysis result")
        return x
    if t is dict:
        return {k if type(k) is str else str(k): _jsonable(v) for k, v in x.items()}
    if t is list or t is tuple:
        return [_jsonable(v) for v in x]
    if t is str or t is int or t is bool or x is None:
        return x
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return _jsonable(float(x))
    if isinstance(x, int):
        return int(x)
    if isinstance(x, dict):
        return _jsonable(dict(x))
    raise TypeError(f"not JSON-serialisable: {type(x).__name__}")


def _vote_error(exc: MCDAInputError, i: int, participant: str, crits: list[str]) -> MCDAInputError:
    """Re-raise an elicitation error with the vote's position and criterion ids.

    The elicitation functions see plain vectors and name positions (``values[2]``); here the
    position becomes the criterion id, in the field and in the message.
    """

    def crit_field(m: re.Match) -> str:
        k = int(m.group(2))
        return f"values.{crits[k]}" if k < len(crits) else m.group(0)

    def crit_text(m: re.Match) -> str:
        k = int(m.group(2))
        return crits[k] if k < len(crits) else m.group(0)

    pattern = r"\b(values|ranks)\[(\d+)\]"
    fld = re.sub("^" + pattern[2:], crit_field, exc.field)
    return MCDAInputError(
        f"votes[{i}].{fld}",
        exc.value,
        f"Röst nr {i + 1} (deltagare {participant}): {re.sub(pattern, crit_text, exc.message_sv)}",
        f"Vote {i + 1} (participant {participant}): {re.sub(pattern, crit_text, exc.message_en)}",
    )


def _by_id(ids: list[str], values: Any) -> dict[str, Any]:
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return dict(zip(ids, vals, strict=True))


# --------------------------------------------------------------------------- steps


def _vote_weights(p: Problem) -> tuple[np.ndarray, list[dict], list[Any]]:
    o = p.options
    rows, out, mats = [], [], []
    for i, v in enumerate(p.votes):
        matrix = v.matrix
        try:
            if v.method == "pairwise" and matrix is not None and np.isnan(matrix).any():
                # Incomplete comparison: weights, CR and AIJ use the optimal completion.
                done = incomplete.complete_pairwise(
                    matrix, priority=o["ahp_priority"], random_index=o["random_index"],
                    labels=p.criteria)
                w, pr, matrix = done.result.weights, done.result, done.matrix
            else:
                w, pr = elicitation.vote_weights(
                    v.method, values=v.values, matrix=matrix, points_total=o["points_total"],
                    rank_weights=o["rank_weights"], ahp_priority=o["ahp_priority"],
                    random_index=o["random_index"])
        except MCDAInputError as exc:
            raise _vote_error(exc, i, v.participant, p.criteria) from exc
        rows.append(np.asarray(w, dtype=float))
        mats.append(None if pr is None else matrix)
        out.append({
            "participant": v.participant,
            "group": v.group,
            "method": v.method,
            "weights": _by_id(p.criteria, w),
            "consistency_ratio": None if pr is None else pr.cr,
            "lambda_max": None if pr is None else pr.lambda_max,
            "inconsistent_pairs": [] if pr is None else [
                {"criteria": [p.criteria[a], p.criteria[b]], "deviation": d}
                for a, b, d in pr.inconsistent],
        })
    return np.vstack(rows), out, mats


def _group_weights(p: Problem, W: np.ndarray, mats: list[Any]) -> tuple[np.ndarray, list[int]]:
    labels = np.array([v.group for v in p.votes], dtype=object)
    gws, sizes = [], []
    for g in p.groups:
        idx = np.flatnonzero(labels == g)
        sizes.append(int(idx.size))
        try:
            gws.append(aggregation.within_group(
                W[idx], p.options["within_group"],
                matrices=[mats[i] for i in idx] if p.options["within_group"] == "aij" else None,
                ahp_priority=p.options["ahp_priority"]))
        except MCDAInputError as exc:
            raise MCDAInputError(f"groups.{g}", exc.value,
                                 f"Gruppen {g}: {exc.message_sv}",
                                 f"Group {g}: {exc.message_en}") from exc
    return np.vstack(gws), sizes


def _by_key(p: Problem, W: np.ndarray, mats: list[Any], labels: list[str | None]) -> dict:
    """Weights, consensus and disputed criteria for any grouping of the votes the caller names.

    ``labels`` gives each vote's key (``None``: not in any group, e.g. no role given). Groups
    are aggregated with the same within-group rule as the municipalities, so a role's weights
    read like a municipality's; ``disputed`` uses the same between-group share (η²) test.
    """
    keys = [k for k in dict.fromkeys(labels) if k is not None]
    idx = [i for i, k in enumerate(labels) if k is not None]
    groups: dict[str, dict] = {}
    for key in keys:
        rows = [i for i in idx if labels[i] == key]
        gw = aggregation.within_group(
            W[rows], p.options["within_group"],
            matrices=[mats[i] for i in rows] if p.options["within_group"] == "aij" else None,
            ahp_priority=p.options["ahp_priority"])
        groups[key] = {"n": len(rows), "weights": _by_id(p.criteria, gw),
                       "s_star": consensus.s_star(W[rows])}
    disputed, shares = [], {}
    if len(keys) >= 2:
        sub = W[idx]
        sub_labels = [labels[i] for i in idx]
        stats = consensus.criterion_stats(sub, sub_labels)
        shares = {p.criteria[d["index"]]: d["between_share"] for d in stats}
        name = dict(zip(p.criteria, p.criterion_names, strict=True))
        for d in conflicts.disputed(sub, sub_labels, p.options["disputed_threshold"]):
            c = p.criteria[d["criterion"]]
            disputed.append({
                "criterion": c, "name": name[c], "between_share": d["between_share"],
                "p": d["p"], "mean": d["mean"],
                "high": [{"group": g, "mean": m} for g, m in d["high"]],
                "low": [{"group": g, "mean": m} for g, m in d["low"]],
            })
    return {"groups": groups, "without": len(labels) - len(idx),
            "between_share": shares, "disputed": disputed}


def _region(p: Problem, gw: np.ndarray, sizes: list[int]) -> np.ndarray:
    rule = p.options["between_groups"]
    pops = [p.populations.get(g) for g in p.groups] if rule == "population" else None
    return aggregation.between_groups(gw, rule, sizes=sizes, populations=pops)


def _consensus(p: Problem, W: np.ndarray) -> dict:
    labels = [v.group for v in p.votes]
    s = consensus.s_star(W)
    by_group = {}
    for g in p.groups:
        rows = W[[i for i, x in enumerate(labels) if x == g]]
        by_group[g] = consensus.s_star(rows)
    kw, kp = consensus.kendall_w(W)
    stats = consensus.criterion_stats(W, labels)
    sv, en = consensus.s_star_label(s)
    return {
        "s_star": s,
        "s_star_label": {"sv": sv, "en": en},
        "s_star_by_group": by_group,
        "kendall_w": kw,
        "kendall_w_p": kp,
        "criteria": {p.criteria[d["index"]]: {k: v for k, v in d.items() if k != "index"}
                     for d in stats},
    }


def _conflicts(p: Problem, W: np.ndarray, gw: np.ndarray, group_ranks: np.ndarray | None) -> dict:
    labels = [v.group for v in p.votes]
    c = p.criteria
    name = dict(zip(p.criteria, p.criterion_names, strict=True))
    trade = []
    for d in conflicts.tradeoffs(W, p.options["alpha"]):
        trade.append({"criteria": [c[d["i"]], c[d["j"]]],
                      **{k: v for k, v in d.items() if k not in ("i", "j")}})
    disp = []
    for d in conflicts.disputed(W, labels, p.options["disputed_threshold"]):
        disp.append({
            "criterion": c[d["criterion"]],
            "name": name[c[d["criterion"]]],
            "between_share": d["between_share"],
            "p": d["p"],
            "mean": d["mean"],
            "high": [{"group": g, "mean": m} for g, m in d["high"]],
            "low": [{"group": g, "mean": m} for g, m in d["low"]],
        })
    coal = conflicts.coalitions(gw, p.groups)
    coal = {**coal, "strength": {"sv": coal["strength"][0], "en": coal["strength"][1]},
            "labels": _by_id(p.groups, coal["labels"]),
            "silhouette_by_k": {str(k): v for k, v in coal["silhouette_by_k"].items()}}
    sim = conflicts.similarity(gw)
    pol = []
    if group_ranks is not None:
        for d in conflicts.polarising(group_ranks):
            a = p.alternatives[d["alternative"]]
            pol.append({
                "alternative": a,
                "name": p.alternative_names[d["alternative"]],
                "range": d["range"], "sd": d["sd"],
                "best_group": p.groups[d["best_group"]],
                "worst_group": p.groups[d["worst_group"]],
                "best_rank": d["best_rank"], "worst_rank": d["worst_rank"],
                "ranks": _by_id(p.groups, group_ranks[:, d["alternative"]].astype(int)),
            })
    return {
        "tradeoffs": trade,
        "disputed": disp,
        "coalitions": coal,
        "similarity": {"groups": list(p.groups), "matrix": sim,
                       "measure": "1 - Jensen-Shannon distance (base 2)"},
        "polarising": pol,
    }


def _usable_methods(p: Problem, w: np.ndarray) -> tuple[dict[str, dict], dict[str, dict], list]:
    """Run every requested method on the region's weights.

    Methods taken from the defaults that cannot take these scores (e.g. wpm with a zero
    score) are skipped and reported; a method the input asked for explicitly raises instead.
    """
    results, kwargs, skipped = {}, {}, []
    for mth in p.options["methods"]:
        kw = ranking.method_kwargs(mth, p.options)
        try:
            results[mth] = ranking.run(mth, p.matrix, w, p.types, alternatives=p.alternatives,
                                       criteria=p.criteria, **kw)
        except MCDAInputError as exc:
            if "methods" in p.explicit:
                raise
            skipped.append({"method": mth, **exc.to_dict()})
            continue
        kwargs[mth] = kw
    return results, kwargs, skipped


def _ranking_json(p: Problem, res: dict) -> dict:
    return {"scores": _by_id(p.alternatives, res["scores"]),
            "ranks": _by_id(p.alternatives, res["ranks"]),
            "higher_is_better": res["higher_is_better"]}


def _group_rankings(p: Problem, gw: np.ndarray, kwargs: dict[str, dict]) -> tuple[dict, np.ndarray]:
    """Every method under every group's weights (vectorised kernels) and a Copeland per group."""
    per_method = {}
    for mth, kw in kwargs.items():
        s = ranking.score_batch(mth, p.matrix, gw, p.types, **kw)
        per_method[mth] = (s, ranking.rank_rows(s, ranking.HIGHER_IS_BETTER[mth]))
    out = {}
    comp_ranks = np.zeros((len(p.groups), len(p.alternatives)), dtype=int)
    for gi, g in enumerate(p.groups):
        ranks = {mth: r[gi] for mth, (s, r) in per_method.items()}
        cop = ranking.copeland(ranks)
        comp_ranks[gi] = cop["ranks"]
        out[g] = {
            "rankings": {mth: {"scores": _by_id(p.alternatives, s[gi]),
                               "ranks": _by_id(p.alternatives, r[gi]),
                               "higher_is_better": ranking.HIGHER_IS_BETTER[mth]}
                         for mth, (s, r) in per_method.items()},
            "compromise": {"method": "copeland",
                           "ranks": _by_id(p.alternatives, cop["ranks"]),
                           "scores": _by_id(p.alternatives, cop["scores"])},
        }
    return out, comp_ranks


def _resolve_method(p: Problem, key: str, mth: str, w: np.ndarray, kwargs: dict[str, dict],
                    skipped: list) -> tuple[str, dict] | None:
    """The method for SMAA/sensitivity. If the default cannot take these scores, fall back to
    TOPSIS (takes any finite scores) and report it; a method set explicitly raises instead."""
    candidates = [mth] if key in p.explicit else [mth, "topsis"]
    for cand in candidates:
        if cand in kwargs:
            return cand, kwargs[cand]
        kw = ranking.method_kwargs(cand, p.options)
        try:
            ranking.run(cand, p.matrix, w, p.types, alternatives=p.alternatives,
                        criteria=p.criteria, **kw)
        except MCDAInputError as exc:
            if key in p.explicit:
                raise
            skipped.append({"method": f"{key}:{cand}", "fallback": "topsis", **exc.to_dict()})
            continue
        return cand, kw
    return None


def _smaa_draw(p: Problem, W: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, Any]:
    """The SMAA weight samples ``(base, index)`` of ``options.smaa`` (seeded, reproducible)."""
    o = p.options["smaa"]
    group_idx = {g: k for k, g in enumerate(p.groups)}
    rule = p.options["between_groups"]
    if rule == "participants":
        shares = sizes
    elif rule == "population":
        shares = [p.populations[g] for g in p.groups]
    else:
        shares = None
    return smaa.draw(o["weights"], o["samples"], o["seed"], len(p.criteria),
                     weights=W, groups=[group_idx[v.group] for v in p.votes],
                     group_shares=shares)


def _smaa(p: Problem, W: np.ndarray, sizes: list[int], kwargs: dict[str, dict],
          skipped: list) -> dict:
    o = p.options["smaa"]
    if o is None:
        return {}
    found = _resolve_method(p, "smaa", o["method"], np.full(len(p.criteria), 1 / len(p.criteria)),
                            kwargs, skipped)
    if found is None:
        return {}
    mth, kw = found
    base, index = _smaa_draw(p, W, sizes)
    res = smaa.smaa(p.matrix, p.types, base, mth, kw, index=index)
    cw = {}
    conf = {}
    for i, a in enumerate(p.alternatives):
        row = res["central_weights"][i]
        cw[a] = None if np.isnan(row).any() else _by_id(p.criteria, row)
        conf[a] = None if np.isnan(res["confidence"][i]) else float(res["confidence"][i])
    return {
        "samples": res["samples"],
        "seed": o["seed"],
        "weights": o["weights"],
        "method": mth,
        "rank_acceptability": _by_id(p.alternatives, res["rank_acceptability"]),
        "central_weights": cw,
        "confidence": conf,
        "holistic": _by_id(p.alternatives, res["holistic"]),
    }


def _sensitivity(p: Problem, w: np.ndarray, kwargs: dict[str, dict], skipped: list) -> dict:
    o = p.options["sensitivity"]
    if o is None:
        return {}
    found = _resolve_method(p, "sensitivity", o["method"], w, kwargs, skipped)
    if found is None:
        return {}
    mth, kw = found
    res = sensitivity.one_way(p.matrix, w, p.types, mth, kw)

    def alt(i: int | None) -> str | None:
        return None if i is None else p.alternatives[i]

    return {
        "method": mth,
        "top": p.alternatives[res["top"]],
        "tied_top": res["tied_top"],
        "criteria": {
            p.criteria[j]: {"weight": d["weight"], "lo": d["lo"], "hi": d["hi"],
                            "rival_lo": alt(d["rival_lo"]), "rival_hi": alt(d["rival_hi"])}
            for j, d in enumerate(res["criteria"])
        },
    }


CONTENDER_SHARE = 0.15
"""An alternative first in at least this share of the SMAA samples is a contender."""
METHOD_CONTENDER_SHARE = 0.05
"""An alternative first under one method counts as a contender only if first this often."""
CLEAR_SHARE = 0.75
LIKELY_SHARE = 0.5


def _verdict(p: Problem, region: np.ndarray, W: np.ndarray, sizes: list[int],
             ranks: dict[str, np.ndarray], comp_ranks: np.ndarray,
             kwargs: dict[str, dict]) -> dict:
    """One headline finding about the alternatives, reconciling the compromise ranking,
    SMAA over the participants' weights and the methods in use, and the compromise's
    sensitivity (all about the same top alternative). See docs/methods.md, "Utslaget"."""
    alts = p.alternatives
    methods = {m: kwargs[m] for m in ranks if m in kwargs}
    top = [alts[i] for i in np.flatnonzero(comp_ranks == 1)]
    first_by_method = {m: [alts[i] for i in np.flatnonzero(np.asarray(r) == 1)]
                       for m, r in ranks.items()}
    agree = sum(1 for f in first_by_method.values() if top[0] in f)
    smaa_out = None
    o = p.options["smaa"]
    if o is not None and methods:
        base, index = _smaa_draw(p, W, sizes)
        res = smaa.smaa_methods(p.matrix, p.types, base, methods, index=index)
        smaa_out = {
            "samples": res["samples"], "seed": o["seed"], "weights": o["weights"],
            "methods": res["methods"],
            "first": _by_id(alts, res["first"]),
            "rank_acceptability": _by_id(alts, res["rank_acceptability"]),
            "first_by_method": {m: _by_id(alts, v) for m, v in res["first_by_method"].items()},
        }
    sens = sensitivity.one_way_compromise(p.matrix, region, p.types, methods)
    change = sensitivity.smallest_change(sens["criteria"])

    def alt(i: int | None) -> str | None:
        return None if i is None else alts[i]

    sens_out = {
        "method": "copeland", "methods": sens["methods"], "top": alts[sens["top"]],
        "tied_top": sens["tied_top"],
        "criteria": {p.criteria[j]: {"weight": d["weight"], "lo": d["lo"], "hi": d["hi"],
                                     "rival_lo": alt(d["rival_lo"]),
                                     "rival_hi": alt(d["rival_hi"])}
                     for j, d in enumerate(sens["criteria"])},
        "smallest_change": None if change is None else {
            "criterion": p.criteria[change["criterion"]], "direction": change["direction"],
            "weight": change["weight"], "to": change["to"], "delta": change["delta"],
            "rival": alts[change["rival"]]},
    }
    order = {a: int(r) for a, r in zip(alts, comp_ranks, strict=True)}
    share = smaa_out["first"] if smaa_out else {}
    # contenders: first in the compromise, often first in the samples, or first under some
    # method with the region's weights (unless the samples almost never put it first)
    cont = set(top) | {a for a, v in share.items() if v >= CONTENDER_SHARE}
    cont |= {a for f in first_by_method.values() for a in f
             if not smaa_out or share.get(a, 0.0) >= METHOD_CONTENDER_SHARE}
    contenders = sorted(cont, key=lambda a: (-share.get(a, 0.0), order[a], a))
    depends = []
    if len({a for f in first_by_method.values() for a in f} | set(top)) > 1:
        depends.append("method")
    top_share = share.get(top[0]) if smaa_out else None
    if top_share is not None and top_share < LIKELY_SHARE:
        depends.append("weights")
    if len(top) > 1:
        finding = "tie"
    elif not depends and (top_share is None or top_share >= CLEAR_SHARE):
        finding = "clear"
    elif not depends:
        finding = "likely"
    else:
        finding = "close"
    return {
        "top": top,
        "finding": finding,
        "depends_on": depends,
        "contenders": contenders,
        "methods": list(ranks),
        "first_by_method": first_by_method,
        "methods_agree": agree,
        "smaa": smaa_out,
        "sensitivity": sens_out,
    }


def _descriptions(p: Problem) -> dict[str, str]:
    o = p.options
    d = {
        "votes.weights": f"Weights per vote: direct rating normalised; points out of "
        f"{o['points_total']}; ranking → {o['rank_weights'].upper()} surrogate weights; pairwise "
        f"→ AHP {o['ahp_priority']} priority, consistency ratio with random index "
        f"{o['random_index']}.",
        "groups.weights": f"Within each group: {o['within_group']} of the participants' weights.",
        "weights": f"Region: {o['between_groups']} weighting of the groups' weights.",
        "consensus.s_star": "Goepel (2018) AHP consensus S*, M = 9, over all participants.",
        "consensus.kendall_w": "Kendall's W with tie correction; raters = participants, objects "
        "= criteria; chi-square p-value.",
        "consensus.criteria": "Per criterion over participants: mean, SD (ddof 1), IQR and the "
        "between-group share of variance (eta squared).",
        "conflicts.tradeoffs": f"Criterion pairs whose weights are more negatively correlated "
        "than the Dirichlet closure null ρ₀ = −√(mᵢmⱼ/((1−mᵢ)(1−mⱼ))) from the mean weights "
        "(−1/(n−1) when equal): one-sided Fisher z, Benjamini–Hochberg at "
        f"{o['alpha']}.",
        "conflicts.disputed": f"Criteria with between-group share ≥ {o['disputed_threshold']}.",
        "conflicts.coalitions": "Average-linkage clustering of group weights on Jensen–Shannon "
        "distance; k by maximum mean silhouette.",
        "conflicts.polarising": "Range of each alternative's Copeland compromise rank over the "
        "groups' weights.",
        "agreement": "Weighted Spearman r_w (Pinto da Costa & Soares 2005) and WS coefficient "
        "(Sałabun & Urbaniak 2020, row method = reference) between methods' rankings.",
        "compromise": "Copeland over the methods' rankings (pairwise majority wins − losses), "
        "ties broken by mean rank.",
        "by_group_rankings": "Every method under each group's weights.",
    }
    for m in o["methods"]:
        d[f"rankings.{m}"] = ranking.METHOD_DESCRIPTIONS[m] + (
            f", v = {o['vikor_v']}" if m == "vikor" else "") + (
            f", {o['normalization'][m]} normalisation" if m in o["normalization"] else "") + (
            f", preference function {o['promethee']['preference_function']}"
            if m == "promethee_ii" else "")
    if o["smaa"]:
        s = o["smaa"]
        d["smaa"] = (f"SMAA-2 (Lahdelma & Salminen 2001) with {s['method']}: {s['samples']} "
                     f"weight samples ({s['weights']}"
                     + (", participants resampled stratified by group" if s["weights"] ==
                        "empirical" else ", uniform on the simplex")
                     + f"), seed {s['seed']}; ties share the better rank; confidence factor is "
                     "0/1 because the scores are exact.")
    d["verdict"] = ("The headline finding: the Copeland compromise's first place; how often each "
                    "alternative is first in the compromise (and under each method alone) when "
                    "the weights are the SMAA samples (options.smaa) and every method in use "
                    "ranks them; one-way sensitivity of the compromise's first place (others "
                    "rescaled proportionally, grid of 201 points refined to 1e-9). Finding: clear "
                    f"(all methods agree, first in ≥ {CLEAR_SHARE:.0%} of samples), likely "
                    f"(≥ {LIKELY_SHARE:.0%}), close (depends on method or weights), tie.")
    d["summary"] = ("Plain statements (kind, params, anchor, basis) computed from this result by "
                    "mcda.core.summary.summarize; nothing hidden.")
    if o["sensitivity"]:
        d["sensitivity"] = (f"One-way sensitivity with {o['sensitivity']['method']}: interval of "
                            "each criterion's weight (others rescaled proportionally) in which "
                            "the current top alternative stays first.")
    if o.get("phasing"):
        ph = o["phasing"]
        value = ("the expected score over the SMAA weight samples (options.smaa) of the SMAA "
                 "method" if ph["value_method"] == "smaa" else
                 f"the {ph['value_method']} score under the region's weights")
        r = ph["rules"]
        d["phasing"] = (
            f"Phasing plan: exact mixed-integer program (scipy milp/HiGHS) maximising the sum of "
            f"plan values = {value} (scores mapped onto [0.01, 1] when they can be negative or "
            "lower is better), within each phase's budget (no carry-over), earliest phases and "
            "prerequisites (strictly earlier phase); rules: at least one investment per "
            f"municipality by phase {r['min_one_by_phase'] or '–'}, maximum share "
            f"{r['max_share'] if r['max_share'] is not None else '–'} of the plan's cost; "
            f"early-phase bonus {ph['discount']}. Spread: Gini of cumulative investment per "
            "inhabitant, each municipality counted once."
            + (" Paths: the same model under each group's own weights"
               + ("" if ph["paths"] is True else f" ({', '.join(ph['paths'])})") + ", top "
               f"{ph['top_k']} investments compared." if ph["paths"] else ""))
    return d


# --------------------------------------------------------------------------- growth phases


def _phasing_scorer(p: Problem, region: np.ndarray, kwargs: dict[str, dict], skipped: list,
                    smaa_method: str | None) -> tuple[str, dict]:
    """The ranking method whose scores become plan values.

    ``smaa`` uses the SMAA method actually run; a method the input named explicitly raises if
    it cannot take the scores, a default one falls back to TOPSIS (reported in
    ``meta.skipped_methods``), as for SMAA and the sensitivity analysis.
    """
    vm = p.options["phasing"]["value_method"]
    if vm == "smaa":
        mth = smaa_method or "topsis"  # SMAA itself fell back to TOPSIS or found no method
        return mth, kwargs.get(mth) or ranking.method_kwargs(mth, p.options)
    explicit = "phasing.value_method" in p.explicit
    for cand in ([vm] if explicit else [vm, "topsis"]):
        if cand in kwargs:
            return cand, kwargs[cand]
        kw = ranking.method_kwargs(cand, p.options)
        try:
            ranking.run(cand, p.matrix, region, p.types, alternatives=p.alternatives,
                        criteria=p.criteria, **kw)
        except MCDAInputError as exc:
            if explicit:
                raise
            skipped.append({"method": f"phasing:{cand}", "fallback": "topsis", **exc.to_dict()})
            continue
        return cand, kw
    raise AssertionError("TOPSIS takes any finite scores")  # pragma: no cover


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
    if o["value_method"] == "smaa":
        base, index = _smaa_draw(p, W, sizes)
        samples = base if index is None else base[index]
        scores = ranking.score_batch(scorer, p.matrix, samples, p.types, **kw).mean(axis=0)
    elif scorer in rankings:
        scores = np.array([rankings[scorer]["scores"][a] for a in p.alternatives], dtype=float)
    else:
        scores = ranking.run(scorer, p.matrix, region, p.types, **kw)["scores"]
    idx, not_planned = _plannable(p)
    pos = {i: k for k, i in enumerate(idx)}
    ids = [p.alternatives[i] for i in idx]
    names = [p.alternative_names[i] for i in idx]
    inv = [p.investments[i] for i in idx]
    costs = [float(x["cost"]) for x in inv]
    hosts = [x["host"] for x in inv]
    earliest = [x["earliest_phase"] or 1 for x in inv]
    pre = [(pos[i], pos[k]) for i in idx for k in p.investments[i]["requires"]]
    budgets = [ph["budget"] for ph in p.phases]
    if p.municipalities is not None:
        munis = list(p.municipalities)
        pops: dict[str, float | None] = dict(p.municipalities)
    else:
        munis = list(p.groups) + [h for h in dict.fromkeys(hosts) if h and h not in p.groups]
        pops = {m: p.populations.get(m) for m in munis}
    rules = {"min_one_by_phase": o["rules"]["min_one_by_phase"],
             "max_share": o["rules"]["max_share"], "municipalities": munis}
    values = (phasing.values_from_scores(np.asarray(scores, dtype=float)[idx], hib)
              if idx else np.zeros(0))
    paths_out: dict[str, Any] | None = None
    if o["paths"] and idx:
        gs = ranking.score_batch(scorer, p.matrix, gw, p.types, **kw)
        wanted = p.groups if o["paths"] is True else o["paths"]
        group_values = {g: phasing.values_from_scores(gs[k][idx], hib)
                        for k, g in enumerate(p.groups) if g in wanted}
        cmp = phasing.plan_paths(values, group_values, costs, hosts, earliest, pre, budgets,
                                 rules, o["discount"], names, top_k=o["top_k"])
        plan = cmp.regional
        paths_out = {}
        if plan.feasible:
            for g, own in cmp.by_group.items():
                top = [{"alternative": ids[r["index"]], "rank": r["rank"],
                        "own_phase": r["own_phase"], "regional_phase": r["regional_phase"],
                        "status": r["status"]} for r in cmp.top[g]]
                paths_out[g] = {
                    "assignment": dict(zip(ids, own.assignment, strict=True)),
                    "total_value": own.total_value,
                    "top": top,
                    "deferred": [t["alternative"] for t in top if t["status"] == "deferred"],
                    "dropped": [t["alternative"] for t in top if t["status"] == "dropped"],
                }
    elif idx:
        plan = phasing.plan(values, costs, hosts, earliest, pre, budgets, rules,
                            o["discount"], names)
    else:  # nothing can be budgeted: the empty plan (milp needs at least one variable)
        plan = phasing.PhasePlan(assignment=[], objective=0.0, total_value=0.0,
                                 spend=[0.0] * len(budgets), budgets=list(budgets),
                                 status="optimal", solve_time_s=0.0, exempt=list(munis),
                                 discount=o["discount"])
    pd = plan.to_dict()
    pd.pop("solve_time_s", None)  # not reproducible; the output must be
    pd["assignment"] = dict(zip(ids, plan.assignment, strict=True))
    spread_out = None
    if plan.feasible:
        sp = phasing.spread(plan.assignment, costs, hosts, munis, pops, len(budgets))
        spread_out = asdict(sp)
    return {
        "method": {
            "value_method": o["value_method"],
            "scorer": scorer,
            "higher_is_better": hib,
            "solver": "scipy.optimize.milp (HiGHS), proven optimal (relative gap 1e-9)",
        },
        "options": o,
        "phases": [dict(ph, number=k) for k, ph in enumerate(p.phases, start=1)],
        "values": dict(zip(ids, values.tolist(), strict=True)),
        "plan": pd,
        "status": plan.status,
        "infeasibility": pd["infeasibility"],
        "spread": spread_out,
        "paths": paths_out,
        "not_planned": not_planned,
        "municipalities": munis,
    }


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
        vec = aggregation.within_group(
            W[rows], p.options["within_group"],
            matrices=[mats[i] for i in rows] if p.options["within_group"] == "aij" else None,
            ahp_priority=p.options["ahp_priority"])
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


def _scenarios(p: Problem, gw: np.ndarray, sizes: list[int], W: np.ndarray,
               mats: list[Any]) -> dict:
    """Each input scenario planned exactly (and its budget frontier when asked), then all of
    them lined up against the first (``mcda.core.scenarios``). A scenario whose method cannot
    take the scores, or whose rules cannot hold, reports that and never stops the others."""
    if not p.scenarios or p.phases is None or p.matrix is None:
        return {}
    idx, _ = _plannable(p)
    pos = {i: k for k, i in enumerate(idx)}
    ids = [p.alternatives[i] for i in idx]
    names = [p.alternative_names[i] for i in idx]
    inv = [p.investments[i] for i in idx]
    hosts = [x["host"] for x in inv]
    earliest = [x["earliest_phase"] or 1 for x in inv]
    pre = [(pos[i], pos[k]) for i in idx for k in p.investments[i]["requires"]]
    if p.municipalities is not None:
        munis = list(p.municipalities)
        pops: dict[str, float | None] = dict(p.municipalities)
    else:
        munis = list(p.groups) + [h for h in dict.fromkeys(hosts) if h and h not in p.groups]
        pops = {m: p.populations.get(m) for m in munis}
    plan_pos = {p.alternatives[i]: k for k, i in enumerate(idx)}
    results = []
    for sc in p.scenarios:
        vec, wlabel = _scenario_weights(p, sc["weights"], gw, sizes, W, mats)
        method = sc["method"]
        entry: dict[str, Any] = {
            "id": sc["id"], "name": sc["name"], "input": sc,
            "weights": _by_id(p.criteria, vec), "weights_label": wlabel, "method": method,
        }
        try:
            res = ranking.run(method, p.matrix, vec, p.types, alternatives=p.alternatives,
                              criteria=p.criteria, **ranking.method_kwargs(method, p.options))
        except MCDAInputError as exc:
            entry["error"] = exc.to_dict()
            results.append(entry)
            continue
        hib = ranking.HIGHER_IS_BETTER[method]
        scores = np.asarray(res["scores"], dtype=float)
        entry["scores"] = _by_id(p.alternatives, scores)
        entry["ranks"] = _by_id(p.alternatives, np.asarray(res["ranks"]))
        values = phasing.values_from_scores(scores[idx], hib) if idx else np.zeros(0)
        entry["values"] = dict(zip(ids, values.tolist(), strict=True))
        cc = sc["cost_change"]
        costs = scenarios.scaled_costs(
            [float(x["cost"]) for x in inv], float(cc["overall_pct"]),
            [float(cc["per_alternative"].get(a, 0.0)) for a in ids])
        entry["costs"] = dict(zip(ids, costs, strict=True))
        budgets = list(sc["budgets"]) if sc["budgets"] is not None else [
            ph["budget"] for ph in p.phases]
        entry["budgets"] = budgets
        r = sc["rules"]
        rules: dict[str, Any] = {
            "min_one_by_phase": r["min_one_by_phase"], "max_share": r["max_share"],
            "municipalities": munis,
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
        args = (costs, hosts, earliest, pre, budgets, rules, 0.0, names)
        if idx:
            plan = phasing.plan(values, *args)
        else:
            plan = phasing.PhasePlan([], 0.0, 0.0, [0.0] * len(budgets), list(budgets),
                                     "optimal", 0.0)
        pd = plan.to_dict()
        pd.pop("solve_time_s", None)
        pd["assignment"] = dict(zip(ids, plan.assignment, strict=True))
        entry["plan"] = pd
        entry["status"] = plan.status
        if plan.feasible:
            sp = phasing.spread(plan.assignment, costs, hosts, munis, pops, len(budgets))
            entry["money"] = {"per_phase": sp.per_phase, "regional": sp.regional,
                              "total": sp.total, "reached_share": sp.reached_share}
        if sc["frontier"] and idx:
            fr = scenarios.frontier(values, *args[:5], rules, 0.0, names)
            for row in fr:
                row["assignment"] = dict(zip(ids, row["assignment"], strict=True))
                row["entered"] = [ids[i] for i in row["entered"]]
                row["left"] = [ids[i] for i in row["left"]]
            entry["frontier"] = fr
        results.append(entry)
    solved = [{"id": e["id"], "assignment": e["plan"]["assignment"], "ranks": e["ranks"]}
              for e in results if "plan" in e]
    return {
        "method": {
            "solver": "scipy.optimize.milp (HiGHS), proven optimal (relative gap 1e-9)",
            "frontier_levels": list(scenarios.FRONTIER_LEVELS),
        },
        "results": results,
        "comparison": scenarios.compare(solved, ids),
        "municipalities": munis,
    }


# --------------------------------------------------------------------------- entry point


def analyze(data: dict) -> dict:
    """The full analysis of one round: see ``docs/analysis-format.md`` for both objects.

    Raises :class:`MCDAInputError` (naming field and value) for any malformed input.
    """
    global _VERSIONS
    p = validate_input(data)
    W, votes_out, mats = _vote_weights(p)
    gw, sizes = _group_weights(p, W, mats)
    region = _region(p, gw, sizes)
    out: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "votes": votes_out,
        "groups": {g: {"n": sizes[k], "weights": _by_id(p.criteria, gw[k]),
                       "population": p.populations.get(g)} for k, g in enumerate(p.groups)},
        "weights": _by_id(p.criteria, region),
        "consensus": _consensus(p, W),
    }
    if any(v.role is not None for v in p.votes):
        out["by_role"] = _by_key(p, W, mats, [v.role for v in p.votes])
    skipped: list[dict] = []
    group_ranks = None
    rankings: dict = {}
    agreement: dict = {}
    compromise: dict = {}
    by_group: dict = {}
    smaa_out: dict = {}
    sens_out: dict = {}
    phasing_out: dict = {}
    verdict: dict = {}
    if p.matrix is not None:
        results, kwargs, skipped = _usable_methods(p, region)
        rankings = {m: _ranking_json(p, r) for m, r in results.items()}
        if results:
            ranks = {m: r["ranks"] for m, r in results.items()}
            ag = ranking.agreement(ranks)
            agreement = {
                "methods": ag["methods"],
                "rw": {a: dict(zip(ag["methods"], row, strict=True))
                       for a, row in zip(ag["methods"], ag["rw"], strict=True)},
                "ws": {a: dict(zip(ag["methods"], row, strict=True))
                       for a, row in zip(ag["methods"], ag["ws"], strict=True)},
            }
            cop = ranking.copeland(ranks)
            compromise = {"method": "copeland", "methods": list(results),
                          "scores": _by_id(p.alternatives, cop["scores"]),
                          "mean_rank": _by_id(p.alternatives, cop["mean_rank"]),
                          "ranks": _by_id(p.alternatives, cop["ranks"])}
            fr = ranking.fractional_ranks(cop["ranks"])
            agreement["with_compromise"] = {
                m: {"rw": ranking.weighted_spearman(fr, ranking.fractional_ranks(r)),
                    "ws": ranking.ws_coefficient(fr, ranking.fractional_ranks(r))}
                for m, r in ranks.items()}
            by_group, group_ranks = _group_rankings(p, gw, kwargs)
            verdict = _verdict(p, region, W, sizes, ranks, cop["ranks"], kwargs)
        smaa_out = _smaa(p, W, sizes, kwargs, skipped)
        sens_out = _sensitivity(p, region, kwargs, skipped)
        phasing_out = _phasing(p, region, gw, W, sizes, rankings, kwargs, skipped,
                               smaa_out.get("method"))
    out["conflicts"] = _conflicts(p, W, gw, group_ranks)
    out["rankings"] = rankings
    out["agreement"] = agreement
    out["compromise"] = compromise
    out["by_group_rankings"] = by_group
    out["smaa"] = smaa_out
    out["sensitivity"] = sens_out
    out["verdict"] = verdict
    if p.phases is not None:
        out["phasing"] = phasing_out
    if p.scenarios:
        out["scenarios"] = _scenarios(p, gw, sizes, W, mats)
    if _VERSIONS is None:
        _VERSIONS = _versions()
    out["meta"] = {
        "format_version": FORMAT_VERSION,
        "methods": list(rankings),
        "skipped_methods": skipped,
        "options": p.options,
        "versions": dict(_VERSIONS),
        "criteria": [{"id": c, "name": n, "direction": "benefit" if t == 1 else "cost"}
                     for c, n, t in zip(p.criteria, p.criterion_names, p.types, strict=True)],
        "alternatives": [{"id": a, "name": n}
                         for a, n in zip(p.alternatives, p.alternative_names, strict=True)],
        "groups": list(p.groups),
        "descriptions": _descriptions(p),
    }
    out["summary"] = summary.summarize(
        out, all_groups=list(p.municipalities) if p.municipalities else None)
    return _jsonable(out)
