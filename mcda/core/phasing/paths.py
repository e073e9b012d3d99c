"""Growth phases beyond one plan: the regional plan against each municipality's own
(:func:`plan_paths`), how stable the plan is under SMAA samples (:func:`plan_stability`),
and how it spreads over the municipalities (:func:`spread`, :func:`gini`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..constants import DEFAULT_TOP_K
from ..errors import check_finite, fmt
from .input import (
    STABILITY_GAP,
    STABILITY_TIME_LIMIT_S,
    TIME_LIMIT_S,
    Infeasibility,
    PhasePlan,
    _err,
    values_from_scores,
)
from .model import PhaseModel, assignment_from_x


@dataclass
class PathComparison:
    """The regional plan next to each municipality's own plan (Vägval)."""

    regional: PhasePlan
    by_group: dict[str, PhasePlan]
    # group → [{"index", "rank", "own_phase", "regional_phase", "status"}]; status is one of
    # "same", "earlier", "deferred", "dropped", "in_neither"
    top: dict[str, list[dict[str, Any]]]


def plan_paths(
    regional_values: Sequence[float],
    group_values: Mapping[str, Sequence[float]],
    *problem: Any,
    top_k: int = DEFAULT_TOP_K,
    **fields: Any,
) -> PathComparison:
    """Plan under each group's own values and compare its top-k investments with the region.

    A group's top-k are its k highest-valued investments (its own values, ties by index).
    "deferred": the regional plan puts it in a later phase than the group's own plan;
    "dropped": in the group's own plan but not in the regional plan; "earlier"/"same" as said;
    "in_neither": neither plan includes it. Same budgets and rules for every plan
    (``problem``: a :class:`PlanProblem` or its fields, as for :func:`plan`).
    """
    model = PhaseModel(*problem, **fields)
    regional = model.solve(regional_values)
    by_group: dict[str, PhasePlan] = {}
    top: dict[str, list[dict[str, Any]]] = {}
    for g, vals in group_values.items():
        own = model.solve(vals)
        by_group[g] = own
        v = np.asarray(vals, dtype=float)
        if v.ndim == 2:  # per-phase values: an investment's best phase value ranks it
            v = v.max(axis=1)
        order = sorted(range(model.n), key=lambda i: (-v[i], i))[: max(top_k, 0)]
        rows = []
        for rank, i in enumerate(order, start=1):
            o, r = own.assignment[i], regional.assignment[i]
            if o is None and r is None:
                status = "in_neither"
            elif r is None:
                status = "dropped"
            elif o is None or r < o:
                status = "earlier"
            elif r > o:
                status = "deferred"
            else:
                status = "same"
            rows.append(
                {"index": i, "rank": rank, "own_phase": o, "regional_phase": r, "status": status}
            )
        top[g] = rows
    return PathComparison(regional=regional, by_group=by_group, top=top)


@dataclass
class Stability:
    """How often each investment lands in each phase over sampled values."""

    samples: int
    # frequency[i][p] for p = 0..P-1 is the share of samples with investment i in phase p+1;
    # frequency[i][P] the share with i left out of the plan.
    frequency: list[list[float]]
    modal_phase: list[int | None]
    status: str
    total_time_s: float
    distinct_plans: int
    infeasibility: Infeasibility | None = None
    mip_rel_gap: float = 0.0
    not_proven: int = 0  # samples stopped by the per-sample time limit before the gap closed
    from_pool: int = 0  # samples answered by an earlier plan certified by the LP bound


def plan_stability(
    value_samples: np.ndarray,
    *problem: Any,
    mip_rel_gap: float = STABILITY_GAP,
    time_limit_per_sample: float = STABILITY_TIME_LIMIT_S,
    **fields: Any,
) -> Stability:
    """Re-plan for every row of ``value_samples`` (S×n, e.g. SMAA-sampled weights' scores;
    or S×n×P with per-phase values, see :func:`plan`).

    The model is built once; only the objective changes. Feasibility does not depend on the
    objective, so it is checked once (an infeasible model returns the explanation, no samples).
    Each sample's plan is within ``mip_rel_gap`` of its optimum (default 1 %: proving
    exact optimality of a 40×3 multiple knapsack costs ~0.5 s per sample, and a frequency
    estimate does not need it), so the frequencies are those of near-optimal plans; plans
    found earlier are reused when the LP bound certifies them (:meth:`PhaseModel.from_pool`),
    which slightly favours plans already seen among near-equal ones. Samples cut by
    ``time_limit_per_sample`` are counted in ``not_proven``.
    """
    t0 = time.perf_counter()
    model = PhaseModel(*problem, **fields)
    vs = check_finite("value_samples", value_samples)
    if vs.ndim not in (2, 3) or vs.shape[1] != model.n or (
        vs.ndim == 3 and vs.shape[2] != model.P
    ):
        raise _err(
            "value_samples",
            list(vs.shape),
            f"value_samples måste ha formen S × {model.n} (eller S × {model.n} × {model.P} med "
            f"värden per etapp), fick {list(vs.shape)}.",
            f"value_samples must have shape S × {model.n} (or S × {model.n} × {model.P} with "
            f"per-phase values), got {list(vs.shape)}.",
        )
    P = model.P
    counts = np.zeros((model.n, P + 1))
    if vs.shape[0] == 0:
        return Stability(0, counts.tolist(), [None] * model.n, "optimal", 0.0, 0)
    first = model.solve(vs[0])
    if not first.feasible:
        return Stability(
            0, counts.tolist(), [None] * model.n, "infeasible",
            time.perf_counter() - t0, 0, first.infeasibility,
        )
    seen: set[tuple[int | None, ...]] = set()
    worst = "optimal"
    not_proven = 0
    # Pool of plans found so far (full variable vectors). A pool plan whose value is within
    # the gap of the sample's LP-relaxation bound is within the gap of the MILP optimum too,
    # so the MILP is skipped (measured: 3–9× fewer MILP solves over 1 000 samples).
    x0 = np.array([[1.0 if a == p + 1 else 0.0 for p in range(P)] for a in first.assignment])
    pool = [np.concatenate([x0.ravel(), x0.sum(axis=1)])]
    certified = 0
    for s in range(vs.shape[0]):
        if s == 0:
            assignment = first.assignment
        else:
            x = model.from_pool(pool, vs[s], mip_rel_gap)
            if x is not None:
                certified += 1
            else:
                status, x, _ = model.solve_raw(vs[s], mip_rel_gap, time_limit_per_sample)
                if x is None:  # no plan found in time: retry with the full time limit
                    status, x, _ = model.solve_raw(vs[s], mip_rel_gap, TIME_LIMIT_S)
                    not_proven += 1
                if x is None:  # pragma: no cover - feasibility does not depend on the objective
                    raise RuntimeError(f"solver failed on sample {s}: {status}")
                if status != "optimal":
                    worst = status
                    not_proven += 1
                pool.append(np.concatenate([x.ravel(), x.sum(axis=1)]))
            assignment = assignment_from_x(x)
        seen.add(tuple(assignment))
        for i, a in enumerate(assignment):
            counts[i, P if a is None else a - 1] += 1
    freq = counts / vs.shape[0]
    modal = [None if int(np.argmax(r)) == P else int(np.argmax(r)) + 1 for r in freq]
    return Stability(
        samples=int(vs.shape[0]),
        frequency=freq.tolist(),
        modal_phase=modal,
        status=worst,
        total_time_s=time.perf_counter() - t0,
        distinct_plans=len(seen),
        mip_rel_gap=mip_rel_gap,
        not_proven=not_proven,
        from_pool=certified,
    )


@dataclass
class Spread:
    """Where the money goes: per municipality and phase, reach and inequality."""

    municipalities: list[str]
    per_phase: dict[str, list[float]]  # municipality → cost per phase (absolute)
    per_capita: dict[str, list[float] | None]  # same per inhabitant; None if population unknown
    total: dict[str, float]
    total_per_capita: dict[str, float | None]
    reached_share: list[float]  # cumulative share of municipalities with ≥1 investment by phase p
    reached_by: dict[str, int | None]  # first phase in which the municipality gets an investment
    gini_per_capita: float | None  # over municipalities with known population, unweighted
    gini_cumulative: list[float | None]  # the same Gini using phases 1..p only
    regional: list[float]  # cost per phase of investments without a host municipality


def gini(x: Sequence[float]) -> float:
    """Gini coefficient ``Σ_i Σ_j |x_i − x_j| / (2 n² μ)``; 0 when everything is 0.

    Each municipality counts once (not weighted by population): "en kommun, en röst".
    """
    a = np.asarray(x, dtype=float)
    if a.size == 0:
        return 0.0
    mu = a.mean()
    if mu <= 0:
        return 0.0
    return float(np.abs(a[:, None] - a[None, :]).sum() / (2 * a.size**2 * mu))


def spread(
    assignment: Sequence[int | None],
    costs: Sequence[float],
    hosts: Sequence[str | None],
    municipalities: Sequence[str],
    populations: Mapping[str, float | None] | None,
    n_phases: int,
) -> Spread:
    """Spread indicators of a plan.

    ``reached_share[p]`` = share of ALL ``municipalities`` with at least one investment in
    phases 1..p+1. Gini is over municipalities with a known positive population, of cumulative
    investment per inhabitant, each municipality weighted equally.
    """
    c = check_finite("costs", list(costs), ndim=1)
    munis = list(municipalities)
    per = {m: [0.0] * n_phases for m in munis}
    regional = [0.0] * n_phases
    for i, a in enumerate(assignment):
        if a is None:
            continue
        if not 1 <= a <= n_phases:
            raise _err(
                f"assignment[{i}]",
                a,
                f"Etapp {a} finns inte (1–{n_phases}).",
                f"Phase {a} does not exist (1–{n_phases}).",
            )
        h = hosts[i]
        if h is None:
            regional[a - 1] += float(c[i])
        elif h not in per:
            raise _err(
                f"hosts[{i}]", h, f"Okänd kommun {fmt(h)}.", f"Unknown municipality {fmt(h)}."
            )
        else:
            per[h][a - 1] += float(c[i])
    pops = dict(populations or {})
    per_capita: dict[str, list[float] | None] = {}
    for m in munis:
        pop = pops.get(m)
        per_capita[m] = [x / pop for x in per[m]] if pop and pop > 0 else None
    reached_by: dict[str, int | None] = {}
    for m in munis:
        first = next((p + 1 for p in range(n_phases) if per[m][p] > 0), None)
        if first is None:  # zero-cost investments still count as reaching the municipality
            phases = [a for i, a in enumerate(assignment) if a is not None and hosts[i] == m]
            first = min(phases) if phases else None
        reached_by[m] = first
    k = max(len(munis), 1)
    reached_share = [
        sum(1 for m in munis if reached_by[m] is not None and reached_by[m] <= p + 1) / k
        for p in range(n_phases)
    ]
    known = [m for m in munis if per_capita[m] is not None]
    gini_cum: list[float | None] = []
    for p in range(n_phases):
        if known:
            gini_cum.append(gini([sum(per_capita[m][: p + 1]) for m in known]))  # type: ignore[index]
        else:
            gini_cum.append(None)
    return Spread(
        municipalities=munis,
        per_phase=per,
        per_capita=per_capita,
        total={m: float(sum(per[m])) for m in munis},
        total_per_capita={
            m: (float(sum(per_capita[m])) if per_capita[m] is not None else None)  # type: ignore[arg-type]
            for m in munis
        },
        reached_share=reached_share,
        reached_by=reached_by,
        gini_per_capita=gini_cum[-1] if gini_cum else None,
        gini_cumulative=gini_cum,
        regional=regional,
    )


def wsm_value_samples(
    matrix: np.ndarray,
    types: Sequence[int],
    n_samples: int,
    seed: int,
    weights: np.ndarray | None = None,
    groups: Sequence[int] | None = None,
    method: str = "wsm",
    method_options: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Scores of ``method`` (S × m; WSM with sum normalisation unless told otherwise) under
    SMAA-sampled weights, as plan values.

    With participants' ``weights`` (rows) and their ``groups`` (index per row) the weights are
    resampled stratified by municipality (each municipality an equal share of the samples,
    as in the analysis' empirical SMAA); without votes, uniformly on the simplex. Seeded.
    """
    from .. import ranking, smaa  # lazy: ranking imports pymcdm (~1 s)

    m = check_finite("matrix", matrix, ndim=2)
    t = np.asarray(types, dtype=int)
    if weights is not None and groups is not None and len(weights):
        base, idx = smaa.draw(
            "empirical", n_samples, seed, m.shape[1], weights=np.asarray(weights), groups=groups
        )
    else:
        base, idx = smaa.draw("uniform", n_samples, seed, m.shape[1])
    W = base if idx is None else base[idx]
    return ranking.score_batch(method, m, W, t, **dict(method_options or {}))


def analysis_value_samples(
    data: Mapping[str, Any] | None,
    res: Mapping[str, Any] | None,
    alt_ids: Sequence[str],
    n_samples: int,
    seed: int,
) -> np.ndarray | None:
    """SMAA-sampled values (S × len(alt_ids)) of one analysis under its phasing scorer (the
    decision's model unless the input chose another), for the plan's stability.

    ``data`` and ``res`` are an analysis input and output object; participants' weights are
    resampled per municipality (:func:`wsm_value_samples`). None when the input has no scores.
    """
    if not data or not res or "scores" not in data:
        return None
    crit = [c["id"] for c in data["criteria"]]
    types = [1 if c["direction"] == "benefit" else -1 for c in data["criteria"]]
    all_alts = [a["id"] for a in data["alternatives"]]
    matrix = np.array([[data["scores"][a][c] for c in crit] for a in all_alts], dtype=float)
    groups = sorted({v["group"] for v in res["votes"]})
    W = np.array([[v["weights"][c] for c in crit] for v in res["votes"]], dtype=float)
    gidx = [groups.index(v["group"]) for v in res["votes"]]
    scorer = ((res.get("phasing") or {}).get("method") or {})
    samples = wsm_value_samples(matrix, types, n_samples, seed, W, gidx,
                                scorer.get("scorer") or "wsm", scorer.get("scorer_options"))
    hib = scorer.get("higher_is_better", True)
    if not hib or samples.min() < 0:  # as the plan values: mapped onto [0.01, 1] per sample
        samples = np.array([values_from_scores(row, hib) for row in samples])
    cols = [all_alts.index(str(a)) for a in alt_ids]
    return samples[:, cols]


def stack_phase_samples(cols: Sequence[np.ndarray | None]) -> np.ndarray | None:
    """Per-phase samples (each S × n, or None for a phase without votes) as S × n × P.

    A phase without votes takes the mean of the sampled phases, as the plan values do; None
    when no phase has samples.
    """
    have = [c for c in cols if c is not None]
    if not have:
        return None
    filler = sum(have) / len(have)
    return np.stack([c if c is not None else filler for c in cols], axis=2)
