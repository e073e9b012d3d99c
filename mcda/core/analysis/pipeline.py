"""The analysis: one pure function from the analysis input object to the result object.

``analyze(data) -> dict`` is THE contract (``docs/analysis-format.md``): the web views, the
JSON export and ``python -m mcda analyze`` all call it, so a number shown in a workshop can be
reproduced later from the exported file. It validates everything first (the typed contract,
:mod:`mcda.core.contract`), is deterministic for the same input (SMAA is seeded) except for
the solver's time ``phasing.solve_ms``, and returns plain JSON-serialisable values (ids and
names, never indices; never NaN).
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
    elicitation,
    incomplete,
    model,
    ranking,
    sensitivity,
    smaa,
    summary,
)
from ..constants import DEFAULT_MODEL, MODEL_METHOD
from ..contract import Problem, validate_input
from ..disclosure import POOL
from ..errors import MCDAInputError
from . import regret, spread
from .describe import descriptions
from .plans import _phasing, _scenarios
from .shared import by_id as _by_id
from .shared import group_vector, resolve_method
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


def _elicit(p: Problem) -> list[tuple[Any, Any, Any]]:
    """(weights, AHP result or None, matrix) per vote, in vote order.

    Incomplete pairwise votes are checked in order with the rest (so the first bad vote is
    the one named) and then completed together: one stack per pattern of unanswered pairs,
    since a workshop's tablets ask the same pairs. Weights, CR and AIJ use the completion.
    """
    o = p.options
    got: list[Any] = []
    parsed: dict[int, incomplete.ParsedIncomplete] = {}
    for i, v in enumerate(p.votes):
        try:
            if v.method == "pairwise" and v.matrix is not None and np.isnan(v.matrix).any():
                parsed[i] = incomplete.parse_incomplete(v.matrix, labels=p.criteria)
                got.append(None)
                continue
            w, pr = elicitation.vote_weights(
                v.method, values=v.values, matrix=v.matrix, points_total=o["points_total"],
                rank_weights=o["rank_weights"], ahp_priority=o["ahp_priority"],
                random_index=o["random_index"])
        except MCDAInputError as exc:
            raise _vote_error(exc, i, v.participant, p.criteria) from exc
        got.append((w, pr, v.matrix))
    done = incomplete.complete_many(list(parsed.values()), priority=o["ahp_priority"],
                                    random_index=o["random_index"])
    for i, d in zip(parsed, done, strict=True):
        got[i] = (d.result.weights, d.result, d.matrix)
    return got


def _vote_weights(p: Problem) -> tuple[np.ndarray, list[dict], list[Any]]:
    rows, out, mats = [], [], []
    for v, (w, pr, matrix) in zip(p.votes, _elicit(p), strict=True):
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
            gws.append(group_vector(p, W, mats, idx, pooled=g == POOL))
        except MCDAInputError as exc:
            raise MCDAInputError(f"groups.{g}", exc.value,
                                 f"Gruppen {g}: {exc.message_sv}",
                                 f"Group {g}: {exc.message_en}") from exc
    return np.vstack(gws), sizes


def _region(p: Problem, gw: np.ndarray, sizes: list[int]) -> np.ndarray:
    rule = p.options["between_groups"]
    pops = [p.populations.get(g) for g in p.groups] if rule == "population" else None
    return aggregation.between_groups(gw, rule, sizes=sizes, populations=pops)


def _conflicts(p: Problem, W: np.ndarray, gw: np.ndarray, group_ranks: np.ndarray | None) -> dict:
    c = p.criteria
    ws, labels = spread.conflict_votes(p, W)  # a small pool's voters left out (A1)
    trade = []
    for d in conflicts.tradeoffs(ws, p.options["alpha"]) if len(ws) else []:
        trade.append({"criteria": [c[d["i"]], c[d["j"]]],
                      **{k: v for k, v in d.items() if k not in ("i", "j")}})
    disp = spread.disputed_part(p, ws, labels)
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
                    skipped: list) -> tuple[str, str, dict] | None:
    """``(model id, method, options)`` for SMAA or the sensitivity analysis: ``model`` is the
    decision's model, a model with fixed options (the value model) is resolved directly."""
    if mth == "model":
        mth = p.options["model"]
    if mth in MODEL_METHOD:
        return (mth, *model.resolve(mth, p.options))
    found = resolve_method(p, key, mth, key in p.explicit, w, kwargs, skipped)
    return None if found is None else (found[0], *found)


def _smaa(p: Problem, W: np.ndarray, gw: np.ndarray, sizes: list[int],
          kwargs: dict[str, dict], skipped: list) -> dict:
    o = p.options["smaa"]
    if o is None:
        return {}
    found = _resolve_method(p, "smaa", o["method"], np.full(len(p.criteria), 1 / len(p.criteria)),
                            kwargs, skipped)
    if found is None:
        return {}
    mid, mth, kw = found
    base, index = _smaa_draw(p, W, sizes, gw)
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
        "method": mid,
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
    mid, mth, kw = found
    res = sensitivity.one_way(p.matrix, w, p.types, mth, kw)

    def alt(i: int | None) -> str | None:
        return None if i is None else p.alternatives[i]

    return {
        "method": mid,
        "top": p.alternatives[res["top"]],
        "tied_top": res["tied_top"],
        "criteria": {
            p.criteria[j]: {"weight": d["weight"], "lo": d["lo"], "hi": d["hi"],
                            "rival_lo": alt(d["rival_lo"]), "rival_hi": alt(d["rival_hi"])}
            for j, d in enumerate(res["criteria"])
        },
    }


def _model_ranking(p: Problem, region: np.ndarray, skipped: list) -> tuple[str, dict, dict]:
    """The decision model's method, its options and its ranking under the region's weights.

    A model that cannot take these scores (e.g. the weighted product with a zero score)
    raises when the input set it explicitly; otherwise (the web app) the additive value model,
    which takes any finite scores, stands in, reported in ``meta.skipped_methods`` and in
    ``meta.options.model`` so plans and scenarios use the same stand-in."""
    mth, kw = model.resolve(p.options["model"], p.options)
    try:
        res = ranking.run(mth, p.matrix, region, p.types, alternatives=p.alternatives,
                          criteria=p.criteria, **kw)
    except MCDAInputError as exc:
        if "model" in p.explicit or p.options["model"] == DEFAULT_MODEL:
            raise
        skipped.append({"method": f"model:{p.options['model']}", "fallback": DEFAULT_MODEL,
                        **exc.to_dict()})
        p.options["model"] = DEFAULT_MODEL
        return _model_ranking(p, region, skipped)
    return mth, kw, res


def _verdict(p: Problem, region: np.ndarray, W: np.ndarray, mth: str, kw: dict, res: dict,
             ranks: dict[str, np.ndarray]) -> dict:
    """The verdict under the decision's model (docs/methods.md, "The decision's model and
    the verdict"): its order, the share of the room's weightings that put ``first`` first,
    the smallest change of the region's weights that puts the runner-up first, and how many
    other methods agree."""
    alts = p.alternatives
    scores = np.asarray(res["scores"], dtype=float)
    r = np.asarray(res["ranks"])
    hib = res["higher_is_better"]
    idx = sorted(range(len(alts)), key=lambda i: (int(r[i]), -scores[i] if hib else scores[i], i))
    first = idx[0]
    runner = idx[1] if len(idx) > 1 else None
    # every published weighting once (exact; ties share first place, as in SMAA); a small
    # pool's voters are not counted (their shares would be equations on them; issue 24, A1)
    rows = spread.verdict_rows(p)
    acc = (smaa.smaa(p.matrix, p.types, W[rows], mth, kw)["rank_acceptability"][:, 0]
           if rows else None)
    shares = _by_id(alts, acc) if acc is not None else {}
    leader = first if acc is None else max(range(len(alts)),
                                           key=lambda i: (acc[i], -int(r[i]), -i))
    flip = None
    if runner is not None and r[runner] > 1:
        f = model.flip(p.matrix, region, p.types, mth, kw, runner)
        if f is not None:
            flip = {"criterion": p.criteria[f["criterion"]], "direction": f["direction"],
                    "points": f["points"], "weight": f["weight"], "to": f["to"]}
    own = p.options["model"]
    # the model's own method (plain WSM under the additive value model) is the same model
    # family, not a second opinion: it neither agrees nor disagrees
    others = {m: rk for m, rk in ranks.items() if m not in (own, mth)}
    first_by_method = {m: [alts[i] for i in np.flatnonzero(np.asarray(rk) == 1)]
                       for m, rk in others.items()}
    agree = [m for m, f in first_by_method.items() if alts[first] in f]
    if runner is not None and r[runner] == 1:
        explain = "tie"
    elif acc is not None and acc[leader] > acc[first] + 1e-12:
        explain = "other_first_more_often"
    else:
        explain = None
    return {
        "model": model.describe(own),
        "method": mth,
        "method_options": kw,
        "higher_is_better": hib,
        "order": [{"id": alts[i], "score": float(scores[i]), "rank": int(r[i])} for i in idx],
        "first": alts[first],
        "runner_up": None if runner is None else alts[runner],
        "share_first": None if acc is None else float(acc[first]),
        "shares": shares,
        "share_leader": alts[leader],
        "n_weightings": len(rows),
        "flip": flip,
        "methods": {"agree": len(agree), "of": len(others), "ids": agree,
                    "first_by_method": first_by_method},
        "explain": explain,
    }


# --------------------------------------------------------------------------- entry point


def _agreement(p: Problem, ranks: dict[str, np.ndarray]) -> tuple[dict, dict, np.ndarray]:
    """Rank agreement between the methods and the Copeland compromise over them."""
    ag = ranking.agreement(ranks)
    agreement = {
        "methods": ag["methods"],
        "rw": {a: dict(zip(ag["methods"], row, strict=True))
               for a, row in zip(ag["methods"], ag["rw"], strict=True)},
        "ws": {a: dict(zip(ag["methods"], row, strict=True))
               for a, row in zip(ag["methods"], ag["ws"], strict=True)},
    }
    cop = ranking.copeland(ranks)
    compromise = {"method": "copeland", "methods": list(ranks),
                  "scores": _by_id(p.alternatives, cop["scores"]),
                  "mean_rank": _by_id(p.alternatives, cop["mean_rank"]),
                  "ranks": _by_id(p.alternatives, cop["ranks"])}
    fr = ranking.fractional_ranks(cop["ranks"])
    agreement["with_compromise"] = {
        m: {"rw": ranking.weighted_spearman(fr, ranking.fractional_ranks(r)),
            "ws": ranking.ws_coefficient(fr, ranking.fractional_ranks(r))}
        for m, r in ranks.items()}
    return agreement, compromise, cop["ranks"]


def _meta(p: Problem, methods: list[str], skipped: list[dict]) -> dict:
    global _VERSIONS
    if _VERSIONS is None:
        _VERSIONS = _versions()
    return {
        "format_version": FORMAT_VERSION,
        "methods": methods,
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


def analyze(data: dict) -> dict:
    """The full analysis of one round: see ``docs/analysis-format.md`` for both objects.

    Raises :class:`MCDAInputError` (naming field and value) for any malformed input.
    """
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
        "consensus": spread.consensus_part(p, W, gw),
    }
    if any(v.role is not None for v in p.votes):
        out["by_role"] = spread.by_key(p, W, mats, [v.role for v in p.votes])
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
            agreement, compromise, _cop = _agreement(p, ranks)
            by_group, _group_cop = _group_rankings(p, gw, kwargs)
        model_method, model_kw, model_res = _model_ranking(p, region, skipped)
        # polarising alternatives: each group's ranking under the decision's model
        group_ranks = ranking.rank_rows(
            ranking.score_batch(model_method, p.matrix, gw, p.types, **model_kw),
            model_res["higher_is_better"])
        verdict = _verdict(p, region, W, model_method, model_kw, model_res,
                           {m: r["ranks"] for m, r in results.items()})
        smaa_out = _smaa(p, W, gw, sizes, kwargs, skipped)
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
    if p.matrix is not None and (p.reference is not None or p.phases is not None):
        out["reference"] = regret.reference_part(p, gw, region)
    if p.scenarios:
        out["scenarios"] = _scenarios(p, gw, sizes, W, mats, region)
    out["meta"] = _meta(p, list(rankings), skipped)
    out["summary"] = summary.summarize(
        out, all_groups=list(p.municipalities) if p.municipalities else None)
    return _jsonable(out)
