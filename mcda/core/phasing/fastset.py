"""An exact shortcut for objectives that only care WHICH investments are planned.

Why: with values that do not depend on the phase, HiGHS bounds such a plan tightly within a
second but can take 10–20 s to find a plan that meets the bound (measured on the 40 × 4 ×
15 benchmark of ``bench/bench_conflict.py``: the phase budgets make it a packing problem).
So the problem is split in two exact steps:

1. the **set relaxation**: only the ``y`` (planned at all) variables, with every row that is
   stated on them (the share cap, groups, "never", the conflict rows) and rows implied by the
   others (total budget, each pool's total, "A requires B" ⇒ ``y_A ≤ y_B``, a pin "in" ⇒
   ``y = 1``, "a municipality by phase N" ⇒ one of its investments that may start by N).
   Every plan's set satisfies them, so its optimum bounds the real one from above;
2. a **packing check**: the full model with that set fixed (no objective). If the set fits
   the phases, the plan is optimal (it reaches the bound); otherwise ``None`` and the caller
   solves the full model.

Every plan still passes the exact money check of :meth:`PhaseModel._exact_cuts`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds

from .input import MIP_REL_GAP, TIME_LIMIT_S
from .model import PhaseModel
from .solver import milp

_SOLVES: dict[int, int] = {}
MAX_SETS = 8  # sets tried before the full model is solved instead
PACK_TIME_LIMIT_S = 10.0  # wall clock: generous, a loaded machine runs HiGHS slowly
GREEDY_TRIES = 24


def last_solves(model: PhaseModel) -> int:
    """How many MILPs the last :func:`solve` on ``model`` ran."""
    return _SOLVES.pop(id(model), 0)


def _set_rows(m: PhaseModel) -> list:
    """Rows on y (and extra columns) only: kept from the model, plus implied ones."""
    first_y = m.n * m.P
    rows = [r for r in m.main_rows() if all(col >= first_y for col in r[0])]
    rows += [({m._iy(i): 1.0, m._iy(j): -1.0}, -np.inf, 0.0) for i, j in m.prerequisites]
    for pool, pc in zip(m.rules.pools, m.pool_costs, strict=True):
        rows.append(({m._iy(i): float(pc[i]) for i in range(m.n) if pc[i] > 0}, -np.inf,
                     float(np.sum(pool.budgets))))
    for i in m.pinned_in:
        rows.append(({m._iy(i): 1.0}, 1.0, np.inf))
    by = m.rules.min_one_by_phase
    if by is not None:
        for mu in m.rules.municipalities:
            if mu in m.exempt:
                continue
            row = {m._iy(i): 1.0 for i in range(m.n)
                   if m.hosts[i] == mu and m.lowest[i] <= by}
            rows.append((row, 1.0, np.inf))
    return rows


def greedy_pack(m: PhaseModel, chosen: list[int], tries: int = GREEDY_TRIES,
                ) -> np.ndarray | None:
    """Phases for the investments ``chosen`` by first fit (earliest phase that respects the
    earliest phase, pins, prerequisites, the phase's budget and the pools), in prerequisite
    order, largest cost first, then in shuffled orders; None if no try meets every rule.
    A fast answer for most sets: the MILP packing check only runs when this fails."""
    req: dict[int, list[int]] = {}
    for i, j in m.prerequisites:
        req.setdefault(i, []).append(j)
    depth: dict[int, int] = {}

    def d(i: int) -> int:
        if i not in depth:
            depth[i] = 1 + max((d(j) for j in req.get(i, [])), default=-1)
        return depth[i]

    rng = np.random.default_rng(0)
    for t in range(tries):
        noise = rng.uniform(0.5, 1.5, m.n) if t else np.ones(m.n)
        order = sorted(chosen, key=lambda i: (d(i), -float(m.costs[i]) * noise[i]))
        x = _first_fit(m, order, req, backwards=t % 2 == 1)
        if x is not None and _demands_met(m, x) and not m._exact_cuts(x):
            return x
    return None


def _first_fit(m: PhaseModel, order: list[int], req: dict[int, list[int]],
               backwards: bool) -> np.ndarray | None:
    spend = np.zeros(m.P)
    pool_spend = [np.zeros(m.P) for _ in m.pool_costs]
    phase: dict[int, int] = {}
    x = np.zeros((m.n, m.P))
    for i in order:
        lo = max([int(m.lowest[i]) - 1, *(phase[j] + 1 for j in req.get(i, []))])
        cand = [m.pinned_in[i] - 1] if i in m.pinned_in else list(range(lo, m.P))
        if backwards and i not in m.pinned_in and m.hosts[i] is None:
            cand.reverse()  # regional investments last: keeps early room for the spread
        for p in cand:
            if p < lo or spend[p] + m.net_costs[i] > m.budgets[p] + 1e-9:
                continue
            if any(ps[p] + pc[i] > pool.budgets[p] + 1e-9
                   for ps, pc, pool in zip(pool_spend, m.pool_costs, m.rules.pools,
                                           strict=True)):
                continue
            spend[p] += m.net_costs[i]
            for ps, pc in zip(pool_spend, m.pool_costs, strict=True):
                ps[p] += pc[i]
            phase[i] = p
            x[i, p] = 1.0
            break
        else:
            return None
    return x


def _demands_met(m: PhaseModel, x: np.ndarray) -> bool:
    """Every municipality by phase N (the other demands are fixed by the set)."""
    by = m.rules.min_one_by_phase
    if by is None:
        return True
    early = x[:, :by].sum(axis=1) > 0.5
    return all(any(early[i] for i in range(m.n) if m.hosts[i] == mu)
               for mu in m.rules.municipalities if mu not in m.exempt)


def solve(m: PhaseModel, c: np.ndarray, extra: tuple[list, int, np.ndarray],
          extra_ub: np.ndarray, rows: list) -> np.ndarray | None:
    """The optimal x (n × P) if the set relaxation's optimal set can be phased, else None.

    ``c`` must be zero on every x column; ``extra`` and ``rows`` as in
    :meth:`mcda.core.phasing.conflict.ConflictModel._solve` (rows on x make this give up).
    """
    first_y = m.n * m.P
    base_rows, k, integ = extra
    if any(col < first_y for r in base_rows + rows for col in r[0]):
        return None
    _SOLVES[id(m)] = 0
    opts = {"mip_rel_gap": MIP_REL_GAP, "time_limit": TIME_LIMIT_S}
    ub = np.concatenate([m.bounds.ub, extra_ub])
    ub[:first_y] = 0.0
    lb = np.zeros(m.nvar + k)
    integrality = np.concatenate([m.integrality, integ])
    set_rows = _set_rows(m) + base_rows + rows
    full_rows = m.main_rows() + base_rows + rows
    for _ in range(MAX_SETS):
        res = milp(c, constraints=m._assemble(set_rows, extra_cols=k),
                   integrality=integrality, bounds=Bounds(lb, ub), options=opts)
        _SOLVES[id(m)] += 1
        if res.x is None or res.status != 0:
            return None
        y = np.rint(res.x[first_y: m.nvar])
        # a set phased once is phased again at once (keyed with the budgets: with_budgets
        # copies share this dict)
        chosen = (tuple(m.budgets), tuple(i for i in range(m.n) if y[i] > 0.5))
        cache = m.__dict__.setdefault("_packed", {})
        x = cache.get(chosen)
        if x is None:
            x = greedy_pack(m, list(chosen[1]))
        if x is not None:
            cache[chosen] = x
            return x
        lb2 = np.concatenate([m.bounds.lb, np.zeros(k)])
        ub2 = np.concatenate([m.bounds.ub, extra_ub])
        lb2[first_y: m.nvar] = y
        ub2[first_y: m.nvar] = y
        res2 = milp(np.zeros(m.nvar + k), constraints=m._assemble(full_rows, extra_cols=k),
                    integrality=integrality, bounds=Bounds(lb2, ub2),
                    options=dict(opts, time_limit=PACK_TIME_LIMIT_S))
        _SOLVES[id(m)] += 1
        if res2.x is not None:
            break
        if res2.status != 2:  # not proven unpackable (time limit): solve it all instead
            return None
        # this set cannot be phased: cut it off and take the next best set
        cut = {m._iy(i): (1.0 if y[i] > 0.5 else -1.0) for i in range(m.n)}
        set_rows = [*set_rows, (cut, -np.inf, float(len(chosen[1]) - 1))]
    else:
        return None
    x = np.rint(res2.x[:first_y]).reshape(m.n, m.P)
    if m._exact_cuts(x):
        return None
    cache[chosen] = x
    return x


