"""Who gains, who loses, and the value–conflict frontier (issue 27; ``docs/phasing.md``).

Why: a board asks which plan all municipalities can live with, not only which plan the
region values most. After Fasth, Bohman, Larsson, Ekenberg and Danielson (2020), conflict is
treated as a resource: the region's value is maximised subject to a bound on it.

* A plan's value for group g is ``V_g(x) = Σ V_g[i,p] · x[i,p]`` (its own weights, the same
  value scale as the plan); its **own best** ``B_g`` is the largest ``V_g`` any plan reaches
  under the same budgets and rules, solved exactly; its **regret** is
  ``(B_g − V_g(x)) / B_g`` (a share of its own best; 0 when ``B_g ≤ 0``: nothing to lose).
* Its **gain over doing nothing** is ``Σ (V_g[i,p] − r_g[p]) · x[i,p]``, with ``r_g`` the
  do-nothing reference's value (:mod:`mcda.core.reference`); the plan beats doing nothing for
  g when the gain is positive (MAMCA-SIS / CAR keep gains and losses apart this way).
* **Frontier.** Once every ``B_g`` is known, "regret ≤ b" is the linear row
  ``V_g(x) / B_g + t ≥ 1`` with ``t ≤ b``, so the bound sits in the same MILP as the plan.
  Measure ``max_regret``: the largest regret of any group; measure ``count_over``: the number
  of groups whose regret exceeds a threshold θ, with binary ``z_g`` and the tight big-M row
  ``V_g(x) / B_g + M_g · z_g ≥ 1 − θ``, ``M_g = 1 − θ − L_g / B_g`` (``L_g`` the least value
  any plan can have for g: the sum of its negative values), ``Σ z_g ≤ K``.
  Each level is solved in two exact steps: the largest regional value under the bound, then
  the least conflict among plans with that value, so no point is dominated in
  (value, conflict). Levels run from what the region prefers (no bound) to the least conflict
  that is feasible (solved first).

Values and regrets are undiscounted (the early-phase bonus is a tie-break of one plan, not a
part of anyone's value).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds

from . import fastset
from .input import MAX_EXACT_ROUNDS, MIP_REL_GAP, TIME_LIMIT_S, Infeasibility, PlanProblem
from .model import PhaseModel, assignment_from_x
from .solver import milp

__all__ = ["MEASURES", "ConflictFrontier", "ConflictModel", "FrontierPoint", "GroupRegret"]

MEASURES = ("max_regret", "count_over")
DEFAULT_LEVELS = 10
DEFAULT_THRESHOLD_PCT = 10.0
_TOL = 1e-7  # relative: HiGHS' feasibility tolerance is 1e-6 on rows scaled to 1

Progress = Callable[[int, int], None]


@dataclass
class GroupRegret:
    """One group's view of one plan, under its own weights."""

    group: str
    value: float  # the plan's value for the group
    best: float  # the group's own best plan's value (same budgets and rules)
    regret_pct: float  # (best − value) / best · 100; 0 when best ≤ 0
    gain: float | None = None  # value over doing nothing (None without a reference)
    beats_nothing: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class FrontierPoint:
    """One level of the value–conflict frontier: the plan optimal for its bound."""

    level: int  # 1 = what the region prefers … last = the least conflict that is feasible
    bound: float | None  # the bound solved under (% or a count); None: no bound
    value: float  # the region's value
    conflict: float  # the measure's value for this plan (% or a count)
    max_regret_pct: float
    over_threshold: int
    assignment: list[int | None]
    regrets: list[GroupRegret]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class ConflictFrontier:
    """Plans Pareto-efficient in (the region's value, conflict)."""

    measure: str
    threshold_pct: float
    status: str  # "optimal", "infeasible" or "time_limit" (a solve stopped before proof)
    points: list[FrontierPoint] = field(default_factory=list)
    best: dict[str, float] = field(default_factory=dict)
    infeasibility: Infeasibility | None = None
    solves: int = 0
    time_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class ConflictModel:
    """One planning problem with each group's values: own bests, regrets, the frontier.

    ``group_values``: group → a vector (n) or a per-phase matrix (n × P) on the plan's value
    scale; ``reference``: group → the do-nothing value (a number, or one per phase).
    """

    def __init__(self, *problem: Any, group_values: Mapping[str, Any],
                 reference: Mapping[str, Any] | None = None, **fields: Any) -> None:
        pp = PlanProblem.of(*problem, **fields)
        self.model = PhaseModel(dataclasses.replace(pp, discount=0.0))
        m = self.model
        self.groups = list(group_values)
        self.raw = {g: m.check_values(np.asarray(v, dtype=float)) for g, v in group_values.items()}
        self.V = {g: m.value_matrix(v) for g, v in self.raw.items()}
        self.ref: dict[str, np.ndarray] | None = None
        if reference is not None:
            self.ref = {g: np.broadcast_to(np.asarray(reference[g], dtype=float), (m.P,)).copy()
                        for g in self.groups}
        self.solves = 0
        self._best: dict[str, float] | None = None
        self.status = "optimal"

    # ------------------------------------------------------------------ evaluation

    def plan_value(self, values: np.ndarray, assignment: list[int | None]) -> float:
        """``Σ V[i, a_i]`` over the planned investments."""
        vm = self.model.value_matrix(values)
        return float(sum(vm[i, a - 1] for i, a in enumerate(assignment) if a is not None))

    def own_best(self, progress: Progress | None = None, total: int = 0) -> dict[str, float]:
        """Each group's own best value under the same budgets and rules (exact)."""
        if self._best is None:
            best: dict[str, float] = {}
            for k, g in enumerate(self.groups):
                c = self.model.objective(self.raw[g])
                out = self._solve(c, ([], 0, np.zeros(0)), np.zeros(0), [])
                if out is None:
                    raise _Infeasible
                best[g] = float((self.V[g] * out[0]).sum())
                if progress is not None:
                    progress(k + 1, total or len(self.groups))
            self._best = best
        return self._best

    def regrets(self, assignment: list[int | None]) -> list[GroupRegret]:
        """Every group's value, own best, regret and gain over doing nothing for a plan."""
        best = self.own_best()
        out = []
        for g in self.groups:
            v = self.plan_value(self.V[g], assignment)
            b = best[g]
            regret = 100.0 * (b - v) / b if b > 0 else 0.0
            if abs(b - v) <= 1e-12 * max(1.0, abs(b)):  # the same plan value, summed apart
                regret = 0.0
            gain = beats = None
            if self.ref is not None:
                r = self.ref[g]
                gain = float(sum(self.V[g][i, a - 1] - r[a - 1]
                                 for i, a in enumerate(assignment) if a is not None))
                beats = bool(gain > 1e-9 * max(1.0, abs(v)))
            out.append(GroupRegret(g, v, b, max(regret, 0.0), gain, beats))
        return out

    @staticmethod
    def conflict_of(regrets: list[GroupRegret], measure: str, threshold_pct: float) -> float:
        """The measure's value: the largest regret (%) or the number of groups over θ."""
        if measure == "count_over":
            return float(sum(r.regret_pct > threshold_pct + 1e-6 for r in regrets))
        return max((r.regret_pct for r in regrets), default=0.0)

    # ------------------------------------------------------------------ solving

    def _value_row(self, values: np.ndarray, scale: float = 1.0) -> dict[int, float]:
        m = self.model
        v = np.asarray(values, dtype=float)
        if v.ndim == 1:
            return {m._iy(i): float(v[i]) / scale for i in range(m.n) if v[i]}
        return {m._ix(i, p): float(v[i, p]) / scale
                for i in range(m.n) for p in range(m.P) if v[i, p]}

    def _regret_rows(self, measure: str, theta: float) -> tuple[list, int, np.ndarray]:
        """Rows tying the extra columns to the regrets; (rows, extra columns, integrality)."""
        m, best = self.model, self.own_best()
        active = [g for g in self.groups if best[g] > 0]
        rows = []
        if measure == "max_regret":
            for g in active:
                row = self._value_row(self.raw[g], best[g])
                row[m.nvar] = 1.0
                rows.append((row, 1.0, np.inf))
            return rows, 1, np.zeros(1)
        for k, g in enumerate(active):
            low = float(np.minimum(self.V[g].min(axis=1), 0.0).sum())
            row = self._value_row(self.raw[g], best[g])
            row[m.nvar + k] = (1.0 - theta) - low / best[g]
            rows.append((row, 1.0 - theta, np.inf))
        return rows, len(active), np.ones(len(active))

    def _solve(self, c: np.ndarray, extra: tuple[list, int, np.ndarray],
               extra_ub: np.ndarray, rows: list) -> tuple[np.ndarray, np.ndarray] | None:
        """One exact MILP over x, y and the extra columns; (x as n × P, extra values) or
        None if infeasible. Tries the set relaxation first (:mod:`.fastset`)."""
        m = self.model
        if not np.any(c[: m.n * m.P]):
            x = fastset.solve(m, c, extra, extra_ub, rows)
            self.solves += fastset.last_solves(m)
            if x is not None:
                return x, np.zeros(extra[1])
        return self._solve_full(c, extra, extra_ub, rows)

    def _solve_full(self, c: np.ndarray, extra: tuple[list, int, np.ndarray],
                    extra_ub: np.ndarray, rows: list) -> tuple[np.ndarray, np.ndarray] | None:
        """One exact MILP over x, y and the extra columns (exactness cuts as in
        :meth:`PhaseModel.solve_raw`)."""
        m = self.model
        base_rows, k, integ = extra
        options: dict[str, Any] = {"mip_rel_gap": MIP_REL_GAP, "time_limit": TIME_LIMIT_S}
        if m._cuts:
            options["presolve"] = False
        bounds = Bounds(np.concatenate([m.bounds.lb, np.zeros(k)]),
                        np.concatenate([m.bounds.ub, extra_ub]))
        integrality = np.concatenate([m.integrality, integ])
        for _ in range(MAX_EXACT_ROUNDS):
            cons = m._assemble(m.main_rows() + base_rows + rows, extra_cols=k)
            res = milp(c, constraints=cons, integrality=integrality, bounds=bounds,
                       options=options)
            self.solves += 1
            if res.x is None:
                return None
            if res.status != 0:
                self.status = "time_limit"
            x = np.rint(res.x[: m.n * m.P]).reshape(m.n, m.P)
            cuts = m._exact_cuts(x)
            if not cuts:
                return x, res.x[m.nvar:]
            m._cuts.extend(cuts)
            m._assemble_main()
            options["presolve"] = False
        return None  # pragma: no cover - each round cuts off one plan; never seen past 3

    def _shifted(self, x: np.ndarray, regional: np.ndarray) -> list[int | None]:
        """The tie-break of :meth:`PhaseModel.shift_earlier`, kept only where it moves no
        group's value (per-phase values can make a phase matter to a group)."""
        sx = self.model.shift_earlier(x, regional)
        if all(abs(float((self.V[g] * (sx - x)).sum())) <= 1e-12 for g in self.groups):
            return assignment_from_x(sx)
        return assignment_from_x(x)

    def _point(self, level: int, bound: float | None, x: np.ndarray, regional: np.ndarray,
               measure: str, theta_pct: float) -> FrontierPoint:
        a = self._shifted(x, regional)
        regs = self.regrets(a)
        return FrontierPoint(
            level=level, bound=bound, value=self.plan_value(regional, a),
            conflict=self.conflict_of(regs, measure, theta_pct),
            max_regret_pct=self.conflict_of(regs, "max_regret", theta_pct),
            over_threshold=int(self.conflict_of(regs, "count_over", theta_pct)),
            assignment=a, regrets=regs)

    def _level(self, regional: np.ndarray, measure: str, theta: float,
               bound: float | None) -> np.ndarray | None:
        """The plan optimal for ``bound``: the most regional value, then the least
        conflict among plans with that value (so it is not dominated)."""
        m = self.model
        extra = self._regret_rows(measure, theta)
        k = extra[1]
        c1 = np.concatenate([m.objective(regional), np.zeros(k)])
        if measure == "max_regret":
            ub = np.full(k, np.inf if bound is None else bound / 100.0 + 1e-9)
            rows: list = []
        else:
            ub = np.ones(k)
            rows = [] if bound is None else [({m.nvar + j: 1.0 for j in range(k)}, -np.inf,
                                               float(bound))]
        first = self._solve(c1, extra, ub, rows)
        if first is None:
            return None
        x1 = first[0]
        v1 = float((m.value_matrix(regional) * x1).sum())
        keep = self._value_row(regional)
        rows2 = [*rows, (keep, v1 - _TOL * max(1.0, abs(v1)), np.inf)]
        c2 = np.concatenate([np.zeros(m.nvar), np.ones(k)])
        second = self._solve(c2, extra, ub, rows2)
        return x1 if second is None else second[0]

    def least_conflict(self, measure: str, threshold_pct: float) -> np.ndarray | None:
        """A plan with the least conflict any plan under the rules can have."""
        m = self.model
        extra = self._regret_rows(measure, threshold_pct / 100.0)
        k = extra[1]
        c = np.concatenate([np.zeros(m.nvar), np.ones(k)])
        ub = np.full(k, np.inf) if measure == "max_regret" else np.ones(k)
        out = self._solve(c, extra, ub, [])
        return None if out is None else out[0]

    def frontier(self, regional_values: Any, measure: str = "max_regret",
                 threshold_pct: float = DEFAULT_THRESHOLD_PCT, levels: int = DEFAULT_LEVELS,
                 progress: Progress | None = None) -> ConflictFrontier:
        """``levels`` plans from what the region prefers to the least conflict feasible.

        Bounds are evenly spaced between the two ends (whole counts for ``count_over``,
        so fewer levels when fewer counts lie between). A level whose bound the previous
        (looser) level's plan already meets reuses that plan: it is optimal for the looser
        bound, hence for this one. ``progress(done, total)`` is called after each step.
        """
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}")
        t0 = time.perf_counter()
        theta = threshold_pct / 100.0
        regional = self.model.check_values(np.asarray(regional_values, dtype=float))
        total = len(self.groups) + 2 + levels
        out = ConflictFrontier(measure=measure, threshold_pct=float(threshold_pct),
                               status="optimal")
        step = [0]

        def tick() -> None:
            step[0] += 1
            if progress is not None:
                progress(min(step[0], total), total)

        plan0 = self.model.solve(regional)
        if not plan0.feasible:
            out.status, out.infeasibility = "infeasible", plan0.infeasibility
            return out
        self.own_best(progress, total)
        step[0] = len(self.groups)
        out.best = dict(self.own_best())
        x0 = self._level(regional, measure, theta, None)
        tick()
        xl = self.least_conflict(measure, threshold_pct)
        tick()
        assert x0 is not None and xl is not None  # the model is feasible
        points = [self._point(1, None, x0, regional, measure, threshold_pct)]
        hi = points[0].conflict
        lo = self.conflict_of(self.regrets(assignment_from_x(xl)), measure, threshold_pct)
        for k, b in enumerate(_bounds(hi, lo, levels, measure)[1:], start=2):
            prev = points[-1]
            if prev.conflict <= b + 1e-9:
                pt = dataclasses.replace(prev, level=k, bound=b)
            else:
                x = self._level(regional, measure, theta, b)
                assert x is not None  # b ≥ the least conflict: feasible
                pt = self._point(k, b, x, regional, measure, threshold_pct)
            points.append(pt)
            tick()
        out.points = points
        out.status = self.status
        out.solves = self.solves
        out.time_s = time.perf_counter() - t0
        if progress is not None:
            progress(total, total)
        return out


class _Infeasible(Exception):
    """The rules admit no plan at all (own bests cannot be solved)."""


def _bounds(hi: float, lo: float, levels: int, measure: str) -> list[float | None]:
    """The levels' bounds: None (no bound) first, evenly spaced down to ``lo``."""
    levels = max(int(levels), 2)
    if measure == "count_over":
        ks = sorted({int(round(v)) for v in np.linspace(hi, lo, levels)}, reverse=True)
        return [None, *[float(k) for k in ks[1:]]] if len(ks) > 1 else [None]
    if hi - lo <= 1e-9:
        return [None]
    return [None, *[float(v) for v in np.linspace(hi, lo, levels)[1:]]]
