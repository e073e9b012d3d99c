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
from importlib import metadata
from typing import Any

import numpy as np

from .. import (
    aggregation,
    conflicts,
    consensus,
    elicitation,
    incomplete,
    ranking,
    sensitivity,
    smaa,
    summary,
)
from ..constants import CLEAR_SHARE, CONTENDER_SHARE, LIKELY_SHARE, METHOD_CONTENDER_SHARE
from ..contract import Problem, validate_input
from ..errors import MCDAInputError
from .describe import descriptions
from .plans import _phasing, _scenarios
from .shared import by_id as _by_id
from .shared import group_vector
from .shared import smaa_draw as _smaa_draw

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
            gws.append(group_vector(p, W, mats, idx))
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
        gw = group_vector(p, W, mats, rows)
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
        "descriptions": descriptions(p),
    }
    out["summary"] = summary.summarize(
        out, all_groups=list(p.municipalities) if p.municipalities else None)
    return _jsonable(out)
