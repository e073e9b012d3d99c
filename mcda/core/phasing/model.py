"""Growth phases: the mixed-integer program and :func:`plan`.

The exact model (variables, objective, constraints) is described in :mod:`mcda.core.phasing`.
:class:`PhaseModel` builds the sparse constraints once and solves them for many objectives;
its infeasibility explanations live in :mod:`mcda.core.phasing.explain`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import csr_array

from ..errors import check_finite, fmt
from .explain import Explanations
from .input import (
    MAX_EXACT_ROUNDS,
    MIP_REL_GAP,
    TIME_LIMIT_S,
    Infeasibility,
    PhasePlan,
    PlanProblem,
    _err,
    _validate,
    phase_weights,
)
from .solver import exact, exact_sum, fits, milp

Row = tuple[dict[int, float], float, float]  # coefficients, lower, upper
Block = tuple[str, str, str, list[Row]]  # kind, Swedish, English, rows


# --------------------------------------------------------------------------- the model


class PhaseModel(Explanations):
    """The constraint structure of one planning problem, built once and solved many times.

    Only the objective changes between :meth:`solve` calls (group values, SMAA samples), so
    the sparse constraint matrix, bounds and integrality are prepared once.
    """

    def __init__(self, *problem: Any, **fields: Any) -> None:
        """``problem``: a :class:`PlanProblem`, or its fields positionally or by name."""
        pp = PlanProblem.of(*problem, **fields)
        costs, hosts = pp.costs, pp.hosts
        n = len(costs)
        d = check_finite("discount", float(pp.discount))
        if d < 0:
            raise _err(
                "discount",
                float(d),
                "Bonusen för tidig etapp kan inte vara negativ.",
                "The early-phase bonus cannot be negative.",
            )
        _, c, b, earliest, pre, r, label = _validate(
            [0.0] * n, costs, hosts, pp.earliest_phase, pp.prerequisites, pp.budgets, pp.rules,
            pp.names,
        )
        self.n, self.P = n, b.size
        self.costs, self.budgets, self.earliest = c, b, earliest
        self.hosts = list(hosts)
        self.prerequisites = pre
        self.rules = r
        self.labels = label
        self.discount = float(d)
        self.weights = phase_weights(self.P, self.discount)
        hosted = {m for m in self.hosts if m is not None}
        self.exempt = [m for m in r.municipalities if m not in hosted]
        self._build()

    # variable index of x[i, p]; y[i] (selected at all) follows the n·P x-variables
    def _ix(self, i: int, p: int) -> int:
        return i * self.P + p

    def _iy(self, i: int) -> int:
        return self.n * self.P + i

    def _build(self) -> None:
        n, P = self.n, self.P
        self.nvar = n * P + n
        r = self.rules
        # Co-financed part of each cost comes from the pools, the rest from the phase budget.
        pooled = np.zeros(n)
        for pool in r.pools:
            pooled += pool.shares
        self.net_costs = self.costs * np.clip(1.0 - pooled, 0.0, 1.0)
        self.pool_costs = [pool.shares * self.costs for pool in r.pools]
        self.pinned_in = {pin.item: int(pin.phase) for pin in r.pins if pin.kind == "in"}
        # earliest phase for placement (earliest phase and "not before" pins, 1-based)
        self.lowest = self.earliest.copy()
        for pin in r.pins:
            if pin.kind == "not_before":
                self.lowest[pin.item] = max(self.lowest[pin.item], int(pin.phase))
        upper = np.ones(self.nvar)
        for i in range(n):
            upper[self._ix(i, 0): self._ix(i, 0) + min(max(int(self.earliest[i]) - 1, 0), P)] = 0.0
            if self.earliest[i] > P:
                upper[self._iy(i)] = 0.0
        self.bounds = Bounds(np.zeros(self.nvar), upper)
        self.integrality = np.ones(self.nvar)
        self._once_rows = []
        for i in range(n):  # y_i = Σ_p x[i,p]: at most once
            row = {self._ix(i, p): 1.0 for p in range(P)}
            row[self._iy(i)] = -1.0
            self._once_rows.append((row, 0.0, 0.0))
        self._cuts: list[tuple[str, Row]] = []
        self._context = self._context_rules()
        self._forcing, self._forcing_muni = self._forcing_rules()
        self._min_one_rows = self._min_one_rows_for(r.min_one_by_phase)
        self._set_budget_rows()

    def _set_budget_rows(self) -> None:
        """Rows that depend on the phase budgets, and the assembled model."""
        n, P = self.n, self.P
        rows = list(self._once_rows)
        for p in range(P):  # budget (the part not paid by pools)
            rows.append(
                ({self._ix(i, p): float(self.net_costs[i]) for i in range(n)},
                 -np.inf, self.budgets[p])
            )
        # Implied surrogate knapsack on y: lets HiGHS branch on "which set" before "which
        # phase" (measured: several times faster on the 40×3 benchmark).
        rows.append(
            ({self._iy(i): float(self.net_costs[i]) for i in range(n)}, -np.inf,
             self.budgets.sum())
        )
        self._base_rows = rows
        self._assemble_main()

    def main_rows(self) -> list[Row]:
        """Every row of the full model (budgets, rules, demands, exactness cuts), for solves
        that add their own rows and columns (:mod:`mcda.core.phasing.conflict`)."""
        return (self._base_rows + [row for c in self._context for row in c[3]]
                + [(f[3], 1.0, np.inf) for f in self._forcing] + [row for _, row in self._cuts])

    def _assemble_main(self) -> None:
        self._constraints = self._assemble(self.main_rows())

    def with_budgets(self, budgets: Sequence[float]) -> PhaseModel:
        """The same model with other phase budgets (the frontier's levels): the rules are
        checked and built once; only the budget rows change. Exactness cuts on phase
        budgets are dropped (they held for the old budgets); the others stay valid."""
        b = check_finite("budgets", list(budgets), ndim=1)
        if b.size != self.P or np.any(b < 0):
            raise _err("budgets", list(budgets),
                       f"Ange {self.P} budgetar, var och en 0 eller mer.",
                       f"Give {self.P} budgets, each 0 or more.")
        other = copy.copy(self)
        other.budgets = b
        other._cuts = [c for c in self._cuts if c[0] != "budget"]
        other._set_budget_rows()
        return other

    def _context_rules(self) -> list[Block]:
        """Rule blocks that an explanation may drop ("context" rules)."""
        r, P = self.rules, self.P
        ctx: list[Block] = []
        pre_rows = []
        for i, j in self.prerequisites:  # x[i,p] - Σ_{q<p} x[j,q] ≤ 0
            for p in range(P):
                row = {self._ix(i, p): 1.0}
                for q in range(p):
                    row[self._ix(j, q)] = -1.0
                pre_rows.append((row, -np.inf, 0.0))
        if pre_rows:
            ctx.append(("prerequisites", "förutsättningarna", "the prerequisites", pre_rows))
        self._share_rows = self._max_share_rows(r.max_share)
        self._block_of: dict[str, int] = {}  # "share", "pool<k>" → index into the context
        if self._share_rows:
            self._block_of["share"] = len(ctx)
            pct = f"{r.max_share * 100:.0f} %"
            ctx.append(("max_share", f"högst {pct} av planens kostnad per kommun",
                        f"at most {pct} of the plan's cost per municipality", self._share_rows))
        for k, (pool, pc) in enumerate(zip(r.pools, self.pool_costs, strict=True)):
            prow = []
            for p in range(P):
                row = {self._ix(i, p): float(pc[i]) for i in range(self.n) if pool.shares[i] > 0}
                if row:
                    prow.append((row, -np.inf, float(pool.budgets[p])))
            if prow:
                self._block_of[f"pool{k}"] = len(ctx)
                b = "/".join(fmt(float(x)) for x in pool.budgets)
                ctx.append(("pool", f"finansieringskällan {pool.name} (budget per etapp {b})",
                            f"the funding pool {pool.name} (budget per phase {b})", prow))
        for g in r.groups:
            if g.kind == "at_most_one":
                items = ", ".join(self.labels[i] for i in g.items)
                ctx.append(("at_most_one", f"högst en av {g.name} ({items})",
                            f"at most one of {g.name} ({items})",
                            [({self._iy(i): 1.0 for i in g.items}, -np.inf, 1.0)]))
        ctx.extend(self._pin_context())
        return ctx

    def _pin_context(self) -> list[Block]:
        out = []
        for pin in self.rules.pins:
            nm = self.labels[pin.item]
            if pin.kind == "never":
                out.append(("never", f"{nm} aldrig med", f"{nm} never in the plan",
                            [({self._iy(pin.item): 1.0}, -np.inf, 0.0)]))
            elif pin.kind == "not_before" and pin.phase > 1:
                out.append(("not_before", f"{nm} inte före etapp {pin.phase}",
                            f"{nm} not before phase {pin.phase}",
                            [({self._ix(pin.item, q): 1.0 for q in range(pin.phase - 1)},
                              -np.inf, 0.0)]))
        return out

    def _forcing_rules(self) -> tuple[list[tuple[str, str, str, dict[int, float]]],
                                      list[str | None]]:
        """Rules that demand something (relaxed by the elastic solve), with their
        municipality (None when no single one is concerned)."""
        r = self.rules
        forcing: list[tuple[str, str, str, dict[int, float]]] = []
        munis: list[str | None] = []
        by = r.min_one_by_phase
        if by is not None:
            members = [m for m in r.municipalities if m not in self.exempt]
            for m, row in zip(members, self._min_one_rows_for(by), strict=True):
                forcing.append(("min_one_by_phase",
                                f"minst en investering i {m} senast etapp {by}",
                                f"at least one investment in {m} by phase {by}", row[0]))
                munis.append(m)
        for pin in r.pins:
            if pin.kind == "in":
                nm = self.labels[pin.item]
                forcing.append(("pin", f"{nm} låst till etapp {pin.phase}",
                                f"{nm} pinned to phase {pin.phase}",
                                {self._ix(pin.item, pin.phase - 1): 1.0}))
                munis.append(self.hosts[pin.item])
        for g in r.groups:
            if g.kind == "at_least_one":
                items = ", ".join(self.labels[i] for i in g.items)
                forcing.append(("at_least_one", f"minst en av {g.name} ({items})",
                                f"at least one of {g.name} ({items})",
                                {self._iy(i): 1.0 for i in g.items}))
                munis.append(None)
        return forcing, munis

    def _max_share_rows(self, share: float | None) -> list[Row]:
        if share is None:
            return []
        rows = []
        for m in self.rules.municipalities:
            if not any(self.hosts[i] == m for i in range(self.n)):
                continue
            row: dict[int, float] = {}
            for i in range(self.n):
                coef = float(self.costs[i]) * ((self.hosts[i] == m) - share)
                if coef:
                    row[self._iy(i)] = coef
            rows.append((row, -np.inf, 0.0))
        return rows

    def _min_one_rows_for(self, by: int | None) -> list[Row]:
        if by is None:
            return []
        rows = []
        for m in self.rules.municipalities:
            if m in self.exempt:
                continue
            row = {
                self._ix(i, p): 1.0
                for i in range(self.n)
                if self.hosts[i] == m
                for p in range(by)
            }
            rows.append((row, 1.0, np.inf))
        return rows

    def _assemble(
        self, rows: list[Row], extra_cols: int = 0
    ) -> LinearConstraint | None:
        if not rows:
            return None
        data, ri, ci = [], [], []
        for r, (row, _, _) in enumerate(rows):
            for col, val in row.items():
                ri.append(r)
                ci.append(col)
                data.append(val)
        shape = (len(rows), self.nvar + extra_cols)
        A = csr_array((data, (ri, ci)), shape=shape)
        lb = np.array([lo for _, lo, _ in rows])
        ub = np.array([hi for _, _, hi in rows])
        return LinearConstraint(A, lb, ub)

    def objective(self, values: np.ndarray) -> np.ndarray:
        """The minimisation vector for ``values`` (milp minimises, so negated).

        A vector (n): ``v·w_p`` split as ``v`` on y (the value) plus ``v·(w_p − 1)`` on x
        (the early bonus). A matrix (n × P, per-phase values): ``V[i,p]·w_p`` split as its
        row minimum on y plus the rest on x (equivalent, since y = Σ_p x; keeping most of
        the value on y keeps the surrogate knapsack on y informative).
        """
        v = np.asarray(values, dtype=float)
        if v.ndim == 2:
            wv = v * self.weights[None, :]
            base = wv.min(axis=1)
            return -np.concatenate([(wv - base[:, None]).ravel(), base])
        bonus = (v[:, None] * (self.weights[None, :] - 1.0)).ravel()
        return -np.concatenate([bonus, v])

    def value_matrix(self, values: np.ndarray) -> np.ndarray:
        """Values as n × P (a vector is the same value in every phase)."""
        v = np.asarray(values, dtype=float)
        return v if v.ndim == 2 else np.repeat(v[:, None], self.P, axis=1)

    def solve_raw(
        self,
        values: np.ndarray,
        mip_rel_gap: float = MIP_REL_GAP,
        time_limit: float = TIME_LIMIT_S,
    ) -> tuple[str, np.ndarray | None, float]:
        """One MILP solve: (status, x matrix n×P or None, objective). Hot path for SMAA.

        The solver accepts a plan that breaks a budget within its feasibility tolerance
        (1e-6 on a sum of costs); such a plan is cut off exactly and the model solved again
        (:meth:`_exact_cuts`), so a plan never spends more than a budget in exact arithmetic.
        """
        obj_vec = self.objective(values)
        options = {"mip_rel_gap": mip_rel_gap, "time_limit": time_limit}
        if self._cuts:
            options["presolve"] = False
        for _ in range(MAX_EXACT_ROUNDS):
            res = milp(
                obj_vec,
                constraints=self._constraints,
                integrality=self.integrality,
                bounds=self.bounds,
                options=options,
            )
            if res.x is None:
                return ("infeasible" if res.status == 2 else "error"), None, float("nan")
            x = np.rint(res.x[: self.n * self.P]).reshape(self.n, self.P)
            cuts = self._exact_cuts(x)
            if not cuts:
                break
            self._cuts.extend(cuts)
            self._assemble_main()
            # HiGHS' presolve, working within its tolerance, was seen to return a worse plan
            # as "optimal" once a budget lies a hair below a sum of costs (a 10.25 plan lost
            # to 9.75); such models are solved again without it.
            options["presolve"] = False
        else:  # pragma: no cover - each round cuts off one plan; never seen past 3
            return "error", None, float("nan")
        status = "optimal" if res.status == 0 else "time_limit"
        x = self.shift_earlier(x, np.asarray(values, dtype=float))
        obj = float((self.value_matrix(values) * self.weights[None, :] * x).sum())
        return status, x, obj

    def _exact_cuts(self, x: np.ndarray, keep: list[int] | None = None,
                    ) -> list[tuple[str, Row]]:
        """Cuts that remove plan ``x`` if it breaks a budget, a pool or the share cap in
        exact arithmetic (each cut removes only plans that break the same rule: costs are
        non-negative, so any plan with the same set in that phase spends at least as much).
        ``keep``: only the rule blocks an explanation keeps (-1 = the phase budgets)."""
        def kept(block: str | int) -> bool:
            if keep is None:
                return True
            return (block if isinstance(block, int) else self._block_of.get(block)) in keep

        cuts = []
        for p in range(self.P):
            members = [int(i) for i in np.flatnonzero(x[:, p] > 0.5)]
            if kept(-1) and not fits(self.net_costs[members], self.budgets[p]):
                cuts.append(("budget", self._set_cut(members, p)))
            for k, (pool, pc) in enumerate(zip(self.rules.pools, self.pool_costs,
                                               strict=True)):
                if kept(f"pool{k}") and not fits(pc[members], pool.budgets[p]):
                    cuts.append(("pool", self._set_cut(members, p)))
        share = self.rules.max_share
        if share is not None and kept("share"):
            cuts.extend(self._share_cut(x, share))
        return cuts

    def _share_cut(self, x: np.ndarray, share: float) -> list[tuple[str, Row]]:
        sel = [int(i) for i in np.flatnonzero(x.sum(axis=1) > 0.5)]
        total = exact_sum(self.costs[sel])
        for m in self.rules.municipalities:
            own = exact_sum(self.costs[[i for i in sel if self.hosts[i] == m]])
            if own > exact(share) * total:
                row = {self._iy(i): -1.0 for i in range(self.n)}
                row.update({self._iy(i): 1.0 for i in sel})
                return [("share", (row, -np.inf, float(len(sel) - 1)))]
        return []

    def _set_cut(self, members: list[int], p: int) -> Row:
        """Not all of ``members`` in phase ``p`` together."""
        return ({self._ix(i, p): 1.0 for i in members}, -np.inf, float(len(members) - 1))

    def from_pool(
        self, pool: list[np.ndarray], values: np.ndarray, gap: float
    ) -> np.ndarray | None:
        """The best pool plan if the LP relaxation proves it within ``gap`` of optimal."""
        c = self.objective(values)
        vals = -(np.asarray(pool) @ c)
        best = int(np.argmax(vals))
        lp = milp(c, constraints=self._constraints, bounds=self.bounds)
        if lp.x is None:
            return None
        bound = -float(lp.fun)
        if vals[best] < bound - gap * abs(bound):
            return None
        x = pool[best][: self.n * self.P].reshape(self.n, self.P)
        return self.shift_earlier(x, np.asarray(values, dtype=float))

    def shift_earlier(self, x: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Tie-break: move planned investments to the earliest phase with room.

        In order of value (highest first), each investment moves to the earliest phase that
        respects its earliest phase, its prerequisites (still strictly earlier) and that
        phase's budget. The set of investments, hence the value and the spread rules (reached
        "by phase N" only gets easier; shares are unchanged), stays the same. With a positive
        discount an optimal plan admits no such move for positive values, so this only
        matters for ``discount = 0``, where the solver's phase choice among equal plans is
        otherwise arbitrary.
        """
        x = x.copy()
        vm = self.value_matrix(values) * self.weights[None, :]
        per_phase = np.asarray(values).ndim == 2
        if per_phase:
            values = vm.max(axis=1)
        phase = [int(np.argmax(r)) if r.max() > 0.5 else -1 for r in x]
        net = [exact(c) for c in self.net_costs]
        spend = [sum((net[i] for i in range(self.n) if x[i, p] > 0.5), Fraction(0))
                 for p in range(self.P)]
        budgets = [exact(b) for b in self.budgets]
        pool_cost = [[exact(c) for c in pc] for pc in self.pool_costs]
        pool_budgets = [[exact(b) for b in pool.budgets] for pool in self.rules.pools]
        pool_spend = [[sum((pc[i] for i in range(self.n) if x[i, p] > 0.5), Fraction(0))
                       for p in range(self.P)] for pc in pool_cost]
        req: dict[int, list[int]] = {}
        for i, j in self.prerequisites:
            req.setdefault(i, []).append(j)
        order = sorted(range(self.n), key=lambda i: (-values[i], i))
        moved = True
        while moved:
            moved = False
            for i in order:
                p = phase[i]
                if p <= 0 or i in self.pinned_in:
                    continue
                after_req = max((phase[j] + 1 for j in req.get(i, [])), default=0)
                lo = max(self.lowest[i] - 1, after_req)
                for q in range(lo, p):
                    # per-phase values: only a move that loses no value is a tie-break
                    if per_phase and vm[i, q] < vm[i, p] - 1e-12 * max(1.0, abs(vm[i, p])):
                        continue
                    if spend[q] + net[i] > budgets[q]:
                        continue
                    if any(ps[q] + pc[i] > pb[q]
                           for ps, pc, pb in zip(pool_spend, pool_cost, pool_budgets,
                                                 strict=True)):
                        continue
                    spend[q] += net[i]
                    spend[p] -= net[i]
                    for ps, pc in zip(pool_spend, pool_cost, strict=True):
                        ps[q] += pc[i]
                        ps[p] -= pc[i]
                    x[i, p], x[i, q] = 0.0, 1.0
                    phase[i] = q
                    moved = True
                    break
        return x

    def check_values(self, values: Any) -> np.ndarray:
        """``values`` as a vector (n) or a per-phase matrix (n × P), checked."""
        v = check_finite("values", values if isinstance(values, np.ndarray) else list(values))
        if v.ndim == 2 and v.shape == (self.n, self.P):
            return v
        if v.ndim != 1 or v.size != self.n:
            raise _err(
                "values",
                list(v.shape),
                f"values måste ha {self.n} element, eller vara en tabell med {self.n} rader "
                f"(investeringar) och {self.P} kolumner (etapper) (fick formen {list(v.shape)}).",
                f"values must have {self.n} elements, or be a table of {self.n} rows "
                f"(investments) × {self.P} columns (phases) (got shape {list(v.shape)}).",
            )
        return v

    def solve(self, values: Sequence[float] | np.ndarray) -> PhasePlan:
        """Solve for ``values`` (a vector, or n × P per-phase values: the value of
        investment i if placed in phase p); an infeasible model gets an
        :class:`Infeasibility`."""
        v = self.check_values(values)
        t0 = time.perf_counter()
        pre = self._precheck()
        if pre is not None:
            return self._infeasible_plan(pre, time.perf_counter() - t0)
        status, x, obj = self.solve_raw(v)
        if x is None:
            why = self._explain()
            return self._infeasible_plan(why, time.perf_counter() - t0)
        assignment = assignment_from_x(x)
        spend = [float(exact_sum(self.net_costs[x[:, p] > 0.5])) for p in range(self.P)]
        pool_spend = {
            pool.name: [float(exact_sum(pc[x[:, p] > 0.5])) for p in range(self.P)]
            for pool, pc in zip(self.rules.pools, self.pool_costs, strict=True)
        }
        vm = self.value_matrix(v)
        total = float(sum(vm[i, a - 1] for i, a in enumerate(assignment) if a is not None))
        return PhasePlan(
            assignment=assignment,
            objective=obj,
            total_value=total,
            spend=spend,
            budgets=[float(b) for b in self.budgets],
            status=status,
            solve_time_s=time.perf_counter() - t0,
            exempt=list(self.exempt),
            discount=self.discount,
            pool_spend=pool_spend,
        )

    def _infeasible_plan(self, why: Infeasibility, dt: float) -> PhasePlan:
        return PhasePlan(
            assignment=[None] * self.n,
            objective=0.0,
            total_value=0.0,
            spend=[0.0] * self.P,
            budgets=[float(b) for b in self.budgets],
            status="infeasible",
            solve_time_s=dt,
            exempt=list(self.exempt),
            infeasibility=why,
            discount=self.discount,
        )

    # ------------------------------------------------------------------ explanations


def assignment_from_x(x: np.ndarray) -> list[int | None]:
    """Phase (1-based) per investment from the binary n×P matrix."""
    out: list[int | None] = []
    for row in x:
        hits = np.flatnonzero(row > 0.5)
        out.append(int(hits[0]) + 1 if hits.size else None)
    return out


# --------------------------------------------------------------------------- public API


def plan(
    values: Sequence[float] | Sequence[Sequence[float]] | np.ndarray,
    *problem: Any,
    **fields: Any,
) -> PhasePlan:
    """The value-maximising phasing plan (see the module docstring for the exact model).

    ``values`` is a vector (value of investment i, the same in every phase) or a matrix
    n × P (value of investment i if placed in phase p, e.g. ranked with each phase's own
    weights); the objective is then ``Σ V[i,p] · w_p · x[i,p]``.
    ``problem`` is a :class:`PlanProblem` or its fields (costs, hosts, earliest_phase,
    prerequisites, budgets, rules, discount, names), positionally or by name.
    ``prerequisites`` are index pairs ``(i, j)``: investment i requires j in a strictly
    earlier phase. ``names`` only improve messages. Bad input raises :class:`MCDAInputError`;
    rules that cannot all hold give ``status="infeasible"`` with ``infeasibility`` set.
    """
    model = PhaseModel(*problem, **fields)
    return model.solve(model.check_values(values))
