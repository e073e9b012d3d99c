"""The analysis' ``meta.descriptions``: which method and options produced each part of the
result, in words (``docs/analysis-format.md``).

Why a module of its own: every number shown must say what produced it; these sentences are
built from the options alone, so they live apart from the computation.
"""

from __future__ import annotations

from .. import ranking
from ..constants import MIN_QUANTILE_VALUES, MODEL_METHOD, MODEL_NAMES
from ..contract import Problem
from ..disclosure import MIN_SPREAD_VALUES, POOL
from .shared import pool_is_small


def descriptions(p: Problem) -> dict[str, str]:
    """One sentence per result part naming the method, its options and its source."""
    o = p.options

    def _m(x: str) -> str:
        return o["model"] if x == "model" else x

    d = {
        "votes.weights": f"Weights per vote: direct rating normalised; points out of "
        f"{o['points_total']}; ranking → {o['rank_weights'].upper()} surrogate weights; pairwise "
        f"→ AHP {o['ahp_priority']} priority, consistency ratio with random index "
        f"{o['random_index']}.",
        "groups.weights": f"Within each group: {o['within_group']} of the participants' weights"
        + (f" (the mean in groups of fewer than {MIN_QUANTILE_VALUES} voters: a median of fewer "
           "values is one person's answer)." if o["within_group"] == "median" else "."),
        "weights": f"Region: {o['between_groups']} weighting of the groups' weights.",
        "consensus.s_star": "Goepel (2018) AHP consensus S*, M = 9, over all participants "
        f"(per group only from {MIN_SPREAD_VALUES} voters).",
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
        "conflicts.polarising": "Range of each alternative's rank under the decision's model "
        f"({o['model']}) over the groups' weights.",
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
        d["smaa"] = (f"SMAA-2 (Lahdelma & Salminen 2001) with {_m(s['method'])}: {s['samples']} "
                     f"weight samples ({s['weights']}"
                     + (", participants resampled stratified by group" if s["weights"] ==
                        "empirical" else ", uniform on the simplex")
                     + f"), seed {s['seed']}; ties share the better rank; confidence factor is "
                     "0/1 because the scores are exact.")
    mname = MODEL_NAMES[o["model"]][1]
    mth, kw = MODEL_METHOD.get(o["model"], (o["model"], {}))
    how = (f"{mth} with {kw['normalization']} normalisation" if kw else mth)
    d["verdict"] = (f"The decision's model: {mname} ({how}) under the region's weights. "
                    "share_first: the share of the participants' weightings (each vote's "
                    "weights once) under which first comes first, ties included. flip: the "
                    "smallest change of one criterion's weight (the others rescaled "
                    "proportionally) at which the runner-up reaches first place"
                    + (" (exact, the model is linear in the weights)" if mth == "wsm" else
                       " (grid of 201 points refined to 1e-9)")
                    + ". methods: how many of the other methods (options.methods) also put "
                    "first first.")
    if pool_is_small(p):  # issue 24, A1 (docs/methods.md, "Small pools")
        d["pool"] = (f"'{POOL}' has fewer than {MIN_SPREAD_VALUES} voters: its weights are "
                     "their arithmetic mean under every within-group rule; S*, Kendall's W, "
                     "SD, IQR, median, the between-group share, trade-offs, disputed criteria "
                     "and the verdict's shares leave its voters out; SMAA and plan-value "
                     "samples take it at its combined weights.")
    d["summary"] = ("Plain statements (kind, params, anchor, basis) computed from this result by "
                    "mcda.core.summary.summarize; nothing hidden.")
    if o["sensitivity"]:
        d["sensitivity"] = (f"One-way sensitivity with {_m(o['sensitivity']['method'])}: "
                            "interval of each criterion's weight (others rescaled "
                            "proportionally) in which the current top alternative stays first.")
    if o.get("phasing"):
        ph = o["phasing"]
        value = ("the expected score over the SMAA weight samples (options.smaa) of the SMAA "
                 "method" if ph["value_method"] == "smaa" else
                 f"the {ph['value_method'] if ph['value_method'] != 'model' else o['model']} "
                 "score under the region's weights")
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
