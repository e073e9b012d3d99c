"""Growth phases (etapper): which investment goes in which phase, and how it spreads.

The plan is an exact mixed-integer program solved with ``scipy.optimize.milp`` (HiGHS).
Binary ``x[i, p]`` = investment ``i`` is carried out in phase ``p`` (0-based inside the
code, 1-based in every message and in :class:`PhasePlan.assignment`).

Objective (maximise): ``Σ_i Σ_p value_i · (1 + discount · (P − p) / (P − 1)) · x[i, p]``.
With ``discount = 0`` (the default) this is the total consensus value of the plan. A
positive discount (e.g. 0.05) is a bonus of at most 5 % for the first phase falling linearly
to 0 for the last: it trades a little total value for getting good investments early, and
makes the MILP several times slower (measured in ``bench/bench_phasing.py``). After the
exact solve, planned investments are moved to the earliest phase with room
(:meth:`PhaseModel.shift_earlier`): this never changes which investments are planned, only
breaks ties in the phase choice, which the solver would otherwise make arbitrarily.

Constraints:

* each investment at most once: ``Σ_p x[i, p] ≤ 1``;
* budget per phase: ``Σ_i cost_i · x[i, p] ≤ budget_p`` (unspent money is NOT carried over);
* earliest phase: ``x[i, p] = 0`` for ``p < earliest_i``;
* prerequisites ``(i, j)`` = "i requires j": j must be in a STRICTLY earlier phase than i,
  ``x[i, p] ≤ Σ_{q < p} x[j, q]`` for every phase p (so i cannot be in phase 1, and if j is
  left out of the plan, i is too);
* ``min_one_by_phase = N``: every municipality that hosts at least one investment gets at
  least one investment in phases 1..N. Municipalities that host no investment at all are
  exempt (nothing could be given to them) and are listed in ``PhasePlan.exempt``;
* ``max_share = S``: no municipality's planned cost exceeds S × the total planned cost
  (share of the plan, not of the budget). Investments without a host municipality (regional
  ones, host ``None``) count in the total but belong to nobody.

The empty plan satisfies every constraint except ``min_one_by_phase``, so an infeasible
model always involves that rule; :func:`plan` explains which municipalities cannot be
reached by which phase (and whether ``max_share`` is what blocks them).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from .errors import MCDAInputError, check_finite, fmt
from .rules import check_cost, check_earliest_phase, check_prerequisites

__all__ = [
    "DEFAULT_DISCOUNT",
    "Infeasibility",
    "PathComparison",
    "PhaseModel",
    "PhasePlan",
    "Spread",
    "Stability",
    "phase_weights",
    "plan",
    "plan_paths",
    "plan_stability",
    "spread",
    "values_from_scores",
]

DEFAULT_DISCOUNT = 0.0
# Solve to proven optimality (HiGHS' default relative gap 1e-4 could stop 0.01 % short).
MIP_REL_GAP = 1e-9
TIME_LIMIT_S = 30.0
STABILITY_GAP = 1e-2
STABILITY_TIME_LIMIT_S = 0.5


@dataclass
class Infeasibility:
    """Why no plan satisfies the rules: which rule, which phase, which municipalities."""

    # the kinds involved joined by "+": "min_one_by_phase", "max_share", "pin", "pool",
    # "at_most_one", "at_least_one", "never", "not_before", "prerequisites"
    rule: str
    phase: int  # 1-based phase of the rule (0 when no single phase is concerned)
    municipalities: list[str]
    message_sv: str
    message_en: str
    details: list[dict[str, Any]] = field(default_factory=list)
    # every rule named in the message: {"kind", "sv", "en"}
    rules: list[dict[str, str]] = field(default_factory=list)

    def message(self, lang: str = "en") -> str:
        return self.message_sv if str(lang).lower().startswith("sv") else self.message_en


@dataclass
class PhasePlan:
    """A solved (or unsolvable) phasing plan.

    ``assignment[i]`` is the 1-based phase of investment ``i`` or ``None`` (not in the plan).
    ``status`` is ``"optimal"``, ``"infeasible"`` or ``"time_limit"`` (best plan found).
    """

    assignment: list[int | None]
    objective: float
    total_value: float
    spend: list[float]
    budgets: list[float]
    status: str
    solve_time_s: float
    exempt: list[str] = field(default_factory=list)
    infeasibility: Infeasibility | None = None
    discount: float = DEFAULT_DISCOUNT
    # funding pool → its spend per phase; ``spend`` is then the part paid from ``budgets``
    pool_spend: dict[str, list[float]] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "time_limit")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Pool:
    """A funding pool (co-financing): ``shares[i]`` of investment i's cost comes from it,
    within the pool's own ``budgets`` per phase."""

    name: str
    budgets: np.ndarray
    shares: np.ndarray


@dataclass
class Pin:
    """Timing pin of one investment: ``kind`` is "in" (exactly phase ``phase``),
    "not_before" (phase ``phase`` or later, or left out) or "never"."""

    item: int
    kind: str
    phase: int | None


@dataclass
class Group:
    """``kind`` "at_most_one" (one concert hall: Skövde *or* Lidköping) or "at_least_one"."""

    name: str
    kind: str
    items: list[int]


@dataclass
class _Rules:
    min_one_by_phase: int | None
    max_share: float | None
    municipalities: list[str]
    pools: list[Pool] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


def phase_weights(n_phases: int, discount: float) -> np.ndarray:
    """Objective multiplier per phase: ``1 + discount`` for phase 1 falling to 1 for the last."""
    if n_phases <= 1:
        return np.ones(max(n_phases, 0))
    return 1.0 + discount * (n_phases - 1 - np.arange(n_phases)) / (n_phases - 1)


def values_from_scores(scores: Sequence[float], higher_is_better: bool = True) -> np.ndarray:
    """Turn a method's scores into non-negative plan values.

    Non-negative "higher is better" scores (WSM, TOPSIS closeness, COPRAS) are used as they
    are, so their ratios keep their meaning. Other scores (VIKOR Q, PROMETHEE net flow) are
    mapped affinely onto [0.01, 1] with the best at 1: only their order and spacing carry
    meaning, and the small floor keeps the worst investment worth planning when money is left.
    """
    s = check_finite("scores", list(scores), ndim=1)
    if higher_is_better and (s.size == 0 or s.min() >= 0):
        return s.copy()
    if not higher_is_better:
        s = -s
    lo, hi = float(s.min()), float(s.max())
    if hi - lo <= 1e-12:
        return np.ones_like(s)
    return 0.01 + 0.99 * (s - lo) / (hi - lo)


# --------------------------------------------------------------------------- validation


def _err(field_: str, value: object, sv: str, en: str) -> MCDAInputError:
    return MCDAInputError(field_, value, sv, en)


def _validate(
    values: Sequence[float],
    costs: Sequence[float],
    hosts: Sequence[str | None],
    earliest_phase: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    budgets: Sequence[float],
    rules: Mapping[str, Any] | None,
    names: Sequence[str] | None,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]], _Rules, list[str]
]:
    v = check_finite("values", list(values), ndim=1)
    n = v.size
    c = check_finite("costs", list(costs), ndim=1)
    b = check_finite("budgets", list(budgets), ndim=1)
    label = list(names) if names is not None else [f"#{i + 1}" for i in range(n)]
    if c.size != n or len(hosts) != n or len(earliest_phase) != n or len(label) != n:
        raise _err(
            "costs",
            c.size,
            f"values, costs, hosts och earliest_phase måste ha lika många element ({n}).",
            f"values, costs, hosts and earliest_phase must have the same length ({n}).",
        )
    for i in np.flatnonzero(c < 0):
        check_cost(f"costs[{i}]", label[i], float(c[i]))
    if b.size == 0:
        raise _err("budgets", [], "Ange minst en etapp.", "Define at least one phase.")
    for p in np.flatnonzero(b < 0):
        raise _err(
            f"budgets[{p}]",
            float(b[p]),
            f"Budgeten för etapp {p + 1} är negativ ({fmt(float(b[p]))}); ange 0 eller mer.",
            f"The budget of phase {p + 1} is negative ({fmt(float(b[p]))}); enter 0 or more.",
        )
    n_phases = b.size
    earliest = np.ones(n, dtype=int)
    for i, e in enumerate(earliest_phase):
        e = int(e) if isinstance(e, np.integer) else e
        earliest[i] = check_earliest_phase(f"earliest_phase[{i}]", label[i], e) or 1

    rules = dict(rules or {})
    unknown_keys = set(rules) - {
        "min_one_by_phase", "max_share", "municipalities", "pools", "pins", "groups"
    }
    if unknown_keys:
        key = sorted(unknown_keys)[0]
        raise _err(
            f"rules.{key}", rules[key], f"Okänd regel {key!r}.", f"Unknown rule {key!r}."
        )
    munis = rules.get("municipalities")
    if munis is None:
        munis = sorted({h for h in hosts if h is not None})
    munis = list(munis)
    known = set(munis)
    for i, h in enumerate(hosts):
        if h is not None and h not in known:
            raise _err(
                f"hosts[{i}]",
                h,
                f"{label[i]} har en okänd kommun ({fmt(h)}); välj en av regionens kommuner.",
                f"{label[i]} has an unknown municipality ({fmt(h)}); choose one of the region's.",
            )
    n1 = rules.get("min_one_by_phase")
    if n1 is not None and (
        isinstance(n1, bool) or not isinstance(n1, int | np.integer) or not 1 <= n1 <= n_phases
    ):
        raise _err(
            "rules.min_one_by_phase",
            n1,
            f"Regeln 'minst en investering per kommun senast etapp N' kräver ett N mellan 1 och "
            f"{n_phases} (fick {fmt(n1)}).",
            f"The rule 'at least one investment per municipality by phase N' needs N between 1 "
            f"and {n_phases} (got {fmt(n1)}).",
        )
    share = rules.get("max_share")
    if share is not None:
        ok = isinstance(share, int | float | np.number) and not isinstance(share, bool)
        if not ok or not np.isfinite(share) or not 0 < float(share) <= 1:
            raise _err(
                "rules.max_share",
                share,
                f"Största andel per kommun måste vara ett tal större än 0 och högst 1 "
                f"(fick {fmt(share)}).",
                f"The maximum share per municipality must be above 0 and at most 1 "
                f"(got {fmt(share)}).",
            )
        share = float(share)

    pre: list[tuple[int, int]] = []
    for k, pair in enumerate(prerequisites):
        try:
            i, j = (int(pair[0]), int(pair[1]))
        except (TypeError, ValueError, IndexError) as exc:
            raise _err(
                f"prerequisites[{k}]",
                pair,
                f"Förutsättning {k + 1} måste vara ett par (investering, kräver).",
                f"Prerequisite {k + 1} must be a pair (investment, requires).",
            ) from exc
        if not (0 <= i < n and 0 <= j < n):
            raise _err(
                f"prerequisites[{k}]",
                pair,
                f"Förutsättning {k + 1} pekar på en investering som inte finns ({pair}).",
                f"Prerequisite {k + 1} refers to an investment that does not exist ({pair}).",
            )
        pre.append((i, j))
    check_prerequisites(label, [int(e) for e in earliest], pre,
                        field=lambda k: f"prerequisites[{k}]",
                        cycle_field=lambda _nodes: "prerequisites")
    pools = _validate_pools(rules.get("pools") or [], n, n_phases, label)
    pins = _validate_pins(rules.get("pins") or [], n, n_phases, label)
    groups = _validate_groups(rules.get("groups") or [], n, label)
    return (
        v, c, b, earliest, sorted(set(pre)),
        _Rules(n1, share, munis, pools, pins, groups), label,
    )


def _item(raw: Any, n: int, where: str, label: Sequence[str]) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | np.integer | str):
        raise _err(where, raw, f"{where}: okänd investering {fmt(raw)}.",
                   f"{where}: unknown investment {fmt(raw)}.")
    try:
        i = int(raw)
    except ValueError:
        raise _err(where, raw, f"{where}: okänd investering {fmt(raw)}.",
                   f"{where}: unknown investment {fmt(raw)}.") from None
    if not 0 <= i < n:
        raise _err(where, raw, f"{where}: investeringen {fmt(raw)} finns inte.",
                   f"{where}: investment {fmt(raw)} does not exist.")
    return i


def _validate_pools(raw: Sequence[Any], n: int, P: int, label: Sequence[str]) -> list[Pool]:
    """Pools: ``{"name", "budgets": [per phase], "shares": {item: fraction of its cost}}``."""
    pools: list[Pool] = []
    seen: set[str] = set()
    total = np.zeros(n)
    for k, pool in enumerate(raw):
        where = f"rules.pools[{k}]"
        name = str((pool or {}).get("name") or "").strip() if isinstance(pool, Mapping) else ""
        if not name:
            raise _err(f"{where}.name", pool, f"Finansieringskälla {k + 1} saknar namn.",
                       f"Funding pool {k + 1} has no name.")
        if name in seen:
            raise _err(f"{where}.name", name, f"Finansieringskällan {name} finns två gånger.",
                       f"The funding pool {name} appears twice.")
        seen.add(name)
        try:
            b = np.asarray([float(x) for x in pool.get("budgets") or []], dtype=float)
        except (TypeError, ValueError):
            b = np.array([np.nan])
        if b.size != P or not np.all(np.isfinite(b)) or np.any(b < 0):
            raise _err(f"{where}.budgets", pool.get("budgets"),
                       f"Finansieringskällan {name} behöver en budget ≥ 0 för var och en av de "
                       f"{P} etapperna.",
                       f"The funding pool {name} needs a budget ≥ 0 for each of the {P} phases.")
        shares = np.zeros(n)
        items = pool.get("shares") or {}
        pairs = items.items() if isinstance(items, Mapping) else items
        for key, frac in pairs:
            i = _item(key, n, f"{where}.shares", label)
            ok = isinstance(frac, int | float | np.number) and not isinstance(frac, bool)
            if not ok or not np.isfinite(frac) or not 0 <= float(frac) <= 1:
                raise _err(f"{where}.shares", frac,
                           f"Andelen av {label[i]}s kostnad från {name} måste vara mellan 0 och "
                           f"1 (fick {fmt(frac)}).",
                           f"The share of {label[i]}'s cost from {name} must be between 0 and 1 "
                           f"(got {fmt(frac)}).")
            shares[i] = float(frac)
        total += shares
        pools.append(Pool(name, b, shares))
    for i in np.flatnonzero(total > 1 + 1e-9):
        raise _err("rules.pools", label[i],
                   f"Finansieringskällorna betalar tillsammans mer än hela kostnaden för "
                   f"{label[i]} ({fmt(float(total[i]) * 100)} %).",
                   f"The funding pools together pay more than the whole cost of {label[i]} "
                   f"({fmt(float(total[i]) * 100)} %).")
    return pools


PIN_KINDS = ("in", "not_before", "never")
GROUP_KINDS = ("at_most_one", "at_least_one")


def _validate_pins(raw: Sequence[Any], n: int, P: int, label: Sequence[str]) -> list[Pin]:
    """Pins: ``{"item", "kind": "in" | "not_before" | "never", "phase"}``; one per item."""
    pins: list[Pin] = []
    seen: set[int] = set()
    for k, pin in enumerate(raw):
        where = f"rules.pins[{k}]"
        if not isinstance(pin, Mapping):
            raise _err(where, pin, f"Låsning {k + 1} är ogiltig.", f"Pin {k + 1} is invalid.")
        i = _item(pin.get("item"), n, f"{where}.item", label)
        kind = pin.get("kind")
        if kind not in PIN_KINDS:
            raise _err(f"{where}.kind", kind,
                       f"Okänd låsning {fmt(kind)} för {label[i]}; välj 'i etapp', 'inte före "
                       f"etapp' eller 'aldrig'.",
                       f"Unknown pin {fmt(kind)} for {label[i]}; choose in, not_before or never.")
        if i in seen:
            raise _err(f"{where}.item", label[i], f"{label[i]} har redan en låsning.",
                       f"{label[i]} is already pinned.")
        seen.add(i)
        ph = pin.get("phase")
        if kind == "never":
            ph = None
        elif isinstance(ph, bool) or not isinstance(ph, int | np.integer) or not 1 <= ph <= P:
            raise _err(f"{where}.phase", ph,
                       f"Låsningen av {label[i]} behöver en etapp mellan 1 och {P} "
                       f"(fick {fmt(ph)}).",
                       f"The pin of {label[i]} needs a phase between 1 and {P} (got {fmt(ph)}).")
        pins.append(Pin(i, str(kind), None if ph is None else int(ph)))
    return pins


def _validate_groups(raw: Sequence[Any], n: int, label: Sequence[str]) -> list[Group]:
    """Groups: ``{"name", "kind": "at_most_one" | "at_least_one", "items": [...]}``."""
    groups: list[Group] = []
    for k, g in enumerate(raw):
        where = f"rules.groups[{k}]"
        if not isinstance(g, Mapping):
            raise _err(where, g, f"Grupp {k + 1} är ogiltig.", f"Group {k + 1} is invalid.")
        name = str(g.get("name") or "").strip() or f"{k + 1}"
        kind = g.get("kind")
        if kind not in GROUP_KINDS:
            raise _err(f"{where}.kind", kind,
                       f"Okänd gruppregel {fmt(kind)} för {name}; välj 'högst en av' eller "
                       f"'minst en av'.",
                       f"Unknown group rule {fmt(kind)} for {name}; choose at_most_one or "
                       f"at_least_one.")
        items = sorted({_item(x, n, f"{where}.items", label) for x in (g.get("items") or [])})
        if len(items) < (2 if kind == "at_most_one" else 1):
            raise _err(f"{where}.items", g.get("items"),
                       f"Gruppen {name} behöver minst {2 if kind == 'at_most_one' else 1} "
                       f"investeringar.",
                       f"The group {name} needs at least {2 if kind == 'at_most_one' else 1} "
                       f"investments.")
        groups.append(Group(name, str(kind), items))
    return groups


# --------------------------------------------------------------------------- the model


class PhaseModel:
    """The constraint structure of one planning problem, built once and solved many times.

    Only the objective changes between :meth:`solve` calls (group values, SMAA samples), so
    the sparse constraint matrix, bounds and integrality are prepared once.
    """

    def __init__(
        self,
        costs: Sequence[float],
        hosts: Sequence[str | None],
        earliest_phase: Sequence[int | None],
        prerequisites: Sequence[tuple[int, int]],
        budgets: Sequence[float],
        rules: Mapping[str, Any] | None = None,
        discount: float = DEFAULT_DISCOUNT,
        names: Sequence[str] | None = None,
    ) -> None:
        n = len(costs)
        d = check_finite("discount", float(discount))
        if d < 0:
            raise _err(
                "discount",
                float(d),
                "Bonusen för tidig etapp kan inte vara negativ.",
                "The early-phase bonus cannot be negative.",
            )
        _, c, b, earliest, pre, r, label = _validate(
            [0.0] * n, costs, hosts, earliest_phase, prerequisites, budgets, rules, names
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
        self.pinned_in = {pin.item: int(pin.phase) for pin in r.pins if pin.kind == "in"}
        # earliest phase for placement (earliest phase and "not before" pins, 1-based)
        self.lowest = self.earliest.copy()
        for pin in r.pins:
            if pin.kind == "not_before":
                self.lowest[pin.item] = max(self.lowest[pin.item], int(pin.phase))
        upper = np.ones(self.nvar)
        for i in range(n):
            for p in range(P):
                if p + 1 < self.earliest[i]:
                    upper[self._ix(i, p)] = 0.0
            if self.earliest[i] > P:
                upper[self._iy(i)] = 0.0
        self.bounds = Bounds(np.zeros(self.nvar), upper)
        self.integrality = np.ones(self.nvar)
        rows: list[tuple[dict[int, float], float, float]] = []
        for i in range(n):  # y_i = Σ_p x[i,p]: at most once
            row = {self._ix(i, p): 1.0 for p in range(P)}
            row[self._iy(i)] = -1.0
            rows.append((row, 0.0, 0.0))
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
        # Rule blocks that an explanation may drop one at a time ("context" rules) ...
        ctx: list[tuple[str, str, str, list[tuple[dict[int, float], float, float]]]] = []
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
        if self._share_rows:
            pct = f"{r.max_share * 100:.0f} %"
            ctx.append(("max_share", f"högst {pct} av planens kostnad per kommun",
                        f"at most {pct} of the plan's cost per municipality", self._share_rows))
        for pool in r.pools:
            prow = []
            for p in range(P):
                row = {self._ix(i, p): float(pool.shares[i] * self.costs[i])
                       for i in range(n) if pool.shares[i] > 0}
                if row:
                    prow.append((row, -np.inf, float(pool.budgets[p])))
            if prow:
                b = "/".join(fmt(float(x)) for x in pool.budgets)
                ctx.append(("pool", f"finansieringskällan {pool.name} (budget per etapp {b})",
                            f"the funding pool {pool.name} (budget per phase {b})", prow))
        for g in r.groups:
            if g.kind == "at_most_one":
                items = ", ".join(self.labels[i] for i in g.items)
                ctx.append(("at_most_one", f"högst en av {g.name} ({items})",
                            f"at most one of {g.name} ({items})",
                            [({self._iy(i): 1.0 for i in g.items}, -np.inf, 1.0)]))
        for pin in r.pins:
            nm = self.labels[pin.item]
            if pin.kind == "never":
                ctx.append(("never", f"{nm} aldrig med", f"{nm} never in the plan",
                            [({self._iy(pin.item): 1.0}, -np.inf, 0.0)]))
            elif pin.kind == "not_before" and pin.phase > 1:
                ctx.append(("not_before", f"{nm} inte före etapp {pin.phase}",
                            f"{nm} not before phase {pin.phase}",
                            [({self._ix(pin.item, q): 1.0 for q in range(pin.phase - 1)},
                              -np.inf, 0.0)]))
        self._context = ctx
        # ... and rules that demand something ("forcing" rules, relaxed by the elastic solve).
        forcing: list[tuple[str, str, str, dict[int, float]]] = []
        self._forcing_muni: list[str | None] = []
        by = r.min_one_by_phase
        if by is not None:
            for m, row in zip(
                [m for m in r.municipalities if m not in self.exempt],
                self._min_one_rows_for(by), strict=True,
            ):
                forcing.append(("min_one_by_phase",
                                f"minst en investering i {m} senast etapp {by}",
                                f"at least one investment in {m} by phase {by}", row[0]))
                self._forcing_muni.append(m)
        for pin in r.pins:
            if pin.kind == "in":
                nm = self.labels[pin.item]
                forcing.append(("pin", f"{nm} låst till etapp {pin.phase}",
                                f"{nm} pinned to phase {pin.phase}",
                                {self._ix(pin.item, pin.phase - 1): 1.0}))
                self._forcing_muni.append(self.hosts[pin.item])
        for g in r.groups:
            if g.kind == "at_least_one":
                items = ", ".join(self.labels[i] for i in g.items)
                forcing.append(("at_least_one", f"minst en av {g.name} ({items})",
                                f"at least one of {g.name} ({items})",
                                {self._iy(i): 1.0 for i in g.items}))
                self._forcing_muni.append(None)
        self._forcing = forcing
        self._min_one_rows = self._min_one_rows_for(by)
        self._constraints = self._assemble(
            rows + [row for c in ctx for row in c[3]] + [(f[3], 1.0, np.inf) for f in forcing]
        )

    def _max_share_rows(self, share: float | None) -> list[tuple[dict[int, float], float, float]]:
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

    def _min_one_rows_for(self, by: int | None) -> list[tuple[dict[int, float], float, float]]:
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
        self, rows: list[tuple[dict[int, float], float, float]], extra_cols: int = 0
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
        """One MILP solve: (status, x matrix n×P or None, objective). Hot path for SMAA."""
        res = milp(
            self.objective(values),
            constraints=self._constraints,
            integrality=self.integrality,
            bounds=self.bounds,
            options={"mip_rel_gap": mip_rel_gap, "time_limit": time_limit},
        )
        if res.x is None:
            return ("infeasible" if res.status == 2 else "error"), None, float("nan")
        x = np.rint(res.x[: self.n * self.P]).reshape(self.n, self.P)
        status = "optimal" if res.status == 0 else "time_limit"
        x = self.shift_earlier(x, np.asarray(values, dtype=float))
        obj = float((self.value_matrix(values) * self.weights[None, :] * x).sum())
        return status, x, obj

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
        net = self.net_costs
        spend = net @ x
        pool_cost = [pool.shares * self.costs for pool in self.rules.pools]
        pool_spend = [pc @ x for pc in pool_cost]
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
                    if spend[q] + net[i] > self.budgets[q] + 1e-9:
                        continue
                    if any(
                        ps[q] + pc[i] > pool.budgets[q] + 1e-9
                        for ps, pc, pool in zip(pool_spend, pool_cost, self.rules.pools,
                                                strict=True)
                    ):
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
        spend = [float(self.net_costs @ x[:, p]) for p in range(self.P)]
        pool_spend = {
            pool.name: [float((pool.shares * self.costs) @ x[:, p]) for p in range(self.P)]
            for pool in self.rules.pools
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

    def _effective_earliest(self) -> np.ndarray:
        """Earliest phase after prerequisites and pins (P + 1 = never possible)."""
        eff = np.minimum(self.lowest.copy(), self.P + 1)
        for pin in self.rules.pins:
            if pin.kind == "never":
                eff[pin.item] = self.P + 1
        changed = True
        while changed:  # acyclic graph: converges in ≤ n rounds
            changed = False
            for i, j in self.prerequisites:
                if eff[i] < min(eff[j] + 1, self.P + 1):
                    eff[i] = min(eff[j] + 1, self.P + 1)
                    changed = True
        return eff

    def _precheck_pins_groups(self) -> Infeasibility | None:
        """Single pins and "at least one" groups that cannot hold on their own."""
        eff = self._effective_earliest()
        P = self.P
        for pin in self.rules.pins:
            if pin.kind != "in":
                continue
            i, p = pin.item, int(pin.phase)
            nm = self.labels[i]
            host = [self.hosts[i]] if self.hosts[i] else []
            rule = {"kind": "pin", "sv": f"{nm} låst till etapp {p}",
                    "en": f"{nm} pinned to phase {p}"}
            if eff[i] > p:
                if eff[i] > P:
                    why_sv = ("kan inte komma med alls (den eller en förutsättning är låst till "
                              "'aldrig', eller dess tidigaste etapp ligger efter sista etappen)")
                    why_en = ("cannot be in the plan at all (it or a prerequisite is pinned "
                              "'never', or its earliest phase is after the last phase)")
                else:
                    why_sv = (f"kan tidigast genomföras i etapp {eff[i]} (tidigaste etapp, "
                              "'inte före' eller förutsättningar)")
                    why_en = (f"cannot start before phase {eff[i]} (earliest phase, 'not "
                              "before' or prerequisites)")
                return Infeasibility(
                    "pin", p, host,
                    f"{nm} är låst till etapp {p} men {why_sv}. Ändra låsningen eller "
                    "förutsättningarna.",
                    f"{nm} is pinned to phase {p} but {why_en}. Change the pin or the "
                    "prerequisites.",
                    [{"item": nm, "earliest": int(eff[i])}], [rule],
                )
            if self.net_costs[i] > self.budgets[p - 1] + 1e-9:
                return Infeasibility(
                    "pin", p, host,
                    f"{nm} är låst till etapp {p} men kostar {fmt(float(self.net_costs[i]))} "
                    f"ur etappbudgeten, mer än etappens budget {fmt(float(self.budgets[p - 1]))}."
                    " Höj budgeten eller ändra låsningen.",
                    f"{nm} is pinned to phase {p} but costs {fmt(float(self.net_costs[i]))} "
                    f"from the phase budget, more than the phase's budget "
                    f"{fmt(float(self.budgets[p - 1]))}. Raise the budget or change the pin.",
                    [{"item": nm, "cost": float(self.net_costs[i])}], [rule],
                )
            for pool in self.rules.pools:
                part = float(pool.shares[i] * self.costs[i])
                if part > pool.budgets[p - 1] + 1e-9:
                    return Infeasibility(
                        "pin+pool", p, host,
                        f"{nm} är låst till etapp {p} men finansieringskällan {pool.name} ska "
                        f"betala {fmt(part)} och har bara {fmt(float(pool.budgets[p - 1]))} i "
                        f"etapp {p}. Höj källans budget, minska dess andel eller ändra låsningen.",
                        f"{nm} is pinned to phase {p} but the funding pool {pool.name} must pay "
                        f"{fmt(part)} and has only {fmt(float(pool.budgets[p - 1]))} in phase "
                        f"{p}. Raise the pool's budget, lower its share or change the pin.",
                        [{"item": nm, "pool": pool.name, "part": part}],
                        [rule, {"kind": "pool", "sv": f"finansieringskällan {pool.name}",
                                "en": f"the funding pool {pool.name}"}],
                    )
        for g in self.rules.groups:
            if g.kind == "at_least_one" and all(eff[i] > P for i in g.items):
                items = ", ".join(self.labels[i] for i in g.items)
                return Infeasibility(
                    "at_least_one", 0, [],
                    f"Regeln 'minst en av {g.name}' kan inte uppfyllas: ingen av {items} kan "
                    "komma med (låst till 'aldrig', eller en förutsättning eller tidigaste "
                    "etapp hindrar). Ändra låsningarna eller gruppen.",
                    f"The rule 'at least one of {g.name}' cannot be met: none of {items} can "
                    "be in the plan (pinned 'never', or a prerequisite or earliest phase "
                    "prevents it). Change the pins or the group.",
                    [{"group": g.name, "items": [self.labels[i] for i in g.items]}],
                    [{"kind": "at_least_one", "sv": f"minst en av {g.name} ({items})",
                      "en": f"at least one of {g.name} ({items})"}],
                )
        return None

    def _precheck(self) -> Infeasibility | None:
        """Cheap necessary conditions: pins and groups on their own, then each municipality
        has one investment that fits by phase N."""
        early = self._precheck_pins_groups()
        if early is not None:
            return early
        by = self.rules.min_one_by_phase
        if by is None:
            return None
        eff = self._effective_earliest()
        blocked, details = [], []
        for m in self.rules.municipalities:
            if m in self.exempt:
                continue
            items = [i for i in range(self.n) if self.hosts[i] == m]
            fits = [
                i
                for i in items
                if eff[i] <= by
                and any(self.net_costs[i] <= self.budgets[p] for p in range(eff[i] - 1, by))
            ]
            if not fits:
                cheapest = min(items, key=lambda i: (eff[i] > by, self.net_costs[i]))
                blocked.append(m)
                details.append(
                    {
                        "municipality": m,
                        "cheapest": self.labels[cheapest],
                        "cost": float(self.net_costs[cheapest]),
                        "earliest": int(eff[cheapest]),
                        "largest_budget": float(self.budgets[:by].max()),
                    }
                )
        if not blocked:
            return None
        parts_sv, parts_en = [], []
        for d in details:
            if d["earliest"] > self.P:
                parts_sv.append(f"{d['municipality']}: ingen investering kan komma med")
                parts_en.append(f"{d['municipality']}: no investment can be in the plan")
            elif d["earliest"] > by:
                parts_sv.append(
                    f"{d['municipality']}: ingen investering kan göras före etapp {d['earliest']}"
                )
                parts_en.append(
                    f"{d['municipality']}: no investment can start before phase {d['earliest']}"
                )
            else:
                parts_sv.append(
                    f"{d['municipality']}: billigaste investeringen {d['cheapest']} kostar "
                    f"{fmt(d['cost'])}, mer än största etappbudgeten {fmt(d['largest_budget'])}"
                )
                parts_en.append(
                    f"{d['municipality']}: the cheapest investment {d['cheapest']} costs "
                    f"{fmt(d['cost'])}, more than the largest phase budget "
                    f"{fmt(d['largest_budget'])}"
                )
        return Infeasibility(
            rule="min_one_by_phase",
            phase=by,
            municipalities=blocked,
            message_sv=(
                f"Regeln 'minst en investering per kommun senast etapp {by}' kan inte uppfyllas. "
                + "; ".join(parts_sv)
                + ". Höj budgeten, ändra tidigaste etapp eller välj en senare etapp i regeln."
            ),
            message_en=(
                f"The rule 'at least one investment per municipality by phase {by}' cannot be "
                "met. "
                + "; ".join(parts_en)
                + ". Raise the budget, change the earliest phase or choose a later phase."
            ),
            details=details,
            rules=[{"kind": "min_one_by_phase",
                    "sv": f"minst en investering per kommun senast etapp {by}",
                    "en": f"at least one investment per municipality by phase {by}"}],
        )

    def _explain(self) -> Infeasibility:
        """Elastic re-solve: which demands (municipality by phase N, pins "in", "at least one"
        groups) cannot all be met, and which other rules block them (each dropped in turn)."""
        unmet = self._elastic(drop=())
        if not unmet:  # pragma: no cover - the model was infeasible, so something is unmet
            unmet = list(range(len(self._forcing)))
        if {self._forcing[f][0] for f in unmet} == {"min_one_by_phase"}:
            share_k = [k for k, c in enumerate(self._context) if c[0] == "max_share"]
            everything = list(range(len(self._forcing)))
            others = [k for k in range(len(self._context)) if k not in share_k]
            if not any(self._feasible(everything, (k,)) for k in others):
                share_blocks = bool(share_k) and self._feasible(everything, tuple(share_k))
                return self._explain_min_one(unmet, share_blocks)
        # A minimal set of demands that cannot hold together (deletion filter) ...
        conflict = list(range(len(self._forcing)))
        for f in list(conflict):
            trial = [g for g in conflict if g != f]
            if not self._feasible(trial, ()):
                conflict = trial
        unmet = conflict
        # ... and the other rules without which they would hold.
        blockers = [k for k in range(len(self._context)) if self._feasible(unmet, (k,))]
        named = [self._forcing[f] for f in unmet] + [self._context[k] for k in blockers]
        rules = [{"kind": r[0], "sv": r[1], "en": r[2]} for r in named]
        kinds = list(dict.fromkeys(r["kind"] for r in rules))
        demands_sv = "; ".join(self._forcing[f][1] for f in unmet)
        demands_en = "; ".join(self._forcing[f][2] for f in unmet)
        budgets = "/".join(fmt(float(b)) for b in self.budgets)
        if blockers:
            tail_sv = ("Det som hindrar, utöver etappbudgetarna: "
                       + "; ".join(self._context[k][1] for k in blockers)
                       + ". Ändra eller ta bort någon av dessa regler, eller höj budgeten.")
            tail_en = ("What blocks it, besides the phase budgets: "
                       + "; ".join(self._context[k][2] for k in blockers)
                       + ". Change or drop one of these rules, or raise the budget.")
        else:
            tail_sv = (f"Etappbudgetarna ({budgets}) räcker inte till allt detta samtidigt. Höj "
                       "budgeten eller lätta på kraven.")
            tail_en = (f"The phase budgets ({budgets}) do not cover all of this at once. Raise "
                       "the budget or relax the demands.")
        munis = sorted({m for f in unmet if (m := self._forcing_muni[f]) is not None})
        phases = [pin.phase for pin in self.rules.pins if pin.kind == "in"]
        phase = int(self.rules.min_one_by_phase or (min(phases) if phases else 0))
        return Infeasibility(
            rule="+".join(kinds),
            phase=phase,
            municipalities=munis,
            message_sv=f"Reglerna kan inte uppfyllas samtidigt: {demands_sv}. {tail_sv}",
            message_en=f"The rules cannot all be met: {demands_en}. {tail_en}",
            details=[{"kind": r["kind"], "rule": r["en"]} for r in rules],
            rules=rules,
        )

    def _explain_min_one(self, unmet: list[int], share_blocks: bool) -> Infeasibility:
        """Only "every municipality by phase N" is unmet (and maybe max share is why)."""
        by = int(self.rules.min_one_by_phase or 1)
        members = [m for m in self.rules.municipalities if m not in self.exempt]
        share_k = [k for k, c in enumerate(self._context) if c[0] == "max_share"]
        if share_blocks:
            munis = [members[f] for f in unmet]
        else:
            munis = [members[f] for f in self._elastic(drop=tuple(share_k))] or [
                members[f] for f in unmet
            ]
        names = ", ".join(munis)
        cum = float(self.budgets[:by].sum())
        rule_min = {"kind": "min_one_by_phase",
                    "sv": f"minst en investering per kommun senast etapp {by}",
                    "en": f"at least one investment per municipality by phase {by}"}
        if share_blocks:
            pct = f"{self.rules.max_share * 100:.0f} %"
            return Infeasibility(
                rule="min_one_by_phase+max_share",
                phase=by,
                municipalities=munis,
                message_sv=(
                    f"Reglerna 'minst en investering per kommun senast etapp {by}' och 'ingen "
                    f"kommun över {pct} av planens kostnad' går inte att förena: då når planen "
                    f"inte {names}. Höj andelen, välj en senare etapp i regeln eller ta bort "
                    "en av reglerna."
                ),
                message_en=(
                    f"The rules 'at least one investment per municipality by phase {by}' and "
                    f"'no municipality above {pct} of the plan's cost' conflict: the plan then "
                    f"cannot reach {names}. Raise the share, choose a later phase or drop one rule."
                ),
                details=[{"municipality": m} for m in munis],
                rules=[rule_min, {"kind": "max_share", "sv": self._context[share_k[0]][1],
                                  "en": self._context[share_k[0]][2]}],
            )
        return Infeasibility(
            rule="min_one_by_phase",
            phase=by,
            municipalities=munis,
            message_sv=(
                f"Regeln 'minst en investering per kommun senast etapp {by}' kan inte uppfyllas: "
                f"budgeten i etapp 1–{by} (sammanlagt {fmt(cum)}) räcker inte till en investering "
                f"i varje kommun samtidigt; minst {len(munis)} blir utan ({names}). Höj "
                "budgeten eller välj en senare etapp i regeln."
            ),
            message_en=(
                f"The rule 'at least one investment per municipality by phase {by}' cannot be "
                f"met: the budget of phases 1–{by} (together {fmt(cum)}) does not cover one "
                f"investment in every municipality at once; at least {len(munis)} go without "
                f"({names}). Raise the budget or choose a later phase for the rule."
            ),
            details=[{"municipality": m} for m in munis],
            rules=[rule_min],
        )

    def _rows_without(self, drop: tuple[int, ...]) -> list[tuple[dict[int, float], float, float]]:
        return list(self._base_rows) + [
            row for k, c in enumerate(self._context) if k not in drop for row in c[3]
        ]

    def _elastic(self, drop: tuple[int, ...]) -> list[int]:
        """Minimise the number of unmet demands (forcing rules), without context rules
        ``drop``; returns the indices of the unmet ones."""
        k = len(self._forcing)
        nx = self.nvar
        rows = self._rows_without(drop)
        for s, f in enumerate(self._forcing):
            r = dict(f[3])
            r[nx + s] = 1.0  # slack: Σ x + s ≥ 1
            rows.append((r, 1.0, np.inf))
        cons = self._assemble(rows, extra_cols=k)
        c = np.concatenate([np.zeros(nx), np.ones(k)])
        lb = np.concatenate([self.bounds.lb, np.zeros(k)])
        ub = np.concatenate([self.bounds.ub, np.ones(k)])
        res = milp(
            c,
            constraints=cons,
            integrality=np.ones(nx + k),
            bounds=Bounds(lb, ub),
            options={"time_limit": TIME_LIMIT_S},
        )
        if res.x is None:  # cannot happen (all slacks = 1, empty plan is feasible)
            return list(range(k))
        slack = np.rint(res.x[nx:])
        return [f for f, sl in enumerate(slack) if sl > 0.5]

    def _feasible(self, forcing: list[int], drop: tuple[int, ...]) -> bool:
        """Do the demands ``forcing`` hold once the context rules ``drop`` are dropped?"""
        rows = self._rows_without(drop) + [(self._forcing[f][3], 1.0, np.inf) for f in forcing]
        res = milp(
            np.zeros(self.nvar),
            constraints=self._assemble(rows),
            integrality=self.integrality,
            bounds=self.bounds,
            options={"time_limit": 5.0},
        )
        return res.x is not None


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
    costs: Sequence[float],
    hosts: Sequence[str | None],
    earliest_phase: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    budgets: Sequence[float],
    rules: Mapping[str, Any] | None = None,
    discount: float = DEFAULT_DISCOUNT,
    names: Sequence[str] | None = None,
) -> PhasePlan:
    """The value-maximising phasing plan (see the module docstring for the exact model).

    ``values`` is a vector (value of investment i, the same in every phase) or a matrix
    n × P (value of investment i if placed in phase p, e.g. ranked with each phase's own
    weights); the objective is then ``Σ V[i,p] · w_p · x[i,p]``.
    ``prerequisites`` are index pairs ``(i, j)``: investment i requires j in a strictly
    earlier phase. ``names`` only improve messages. Bad input raises :class:`MCDAInputError`;
    rules that cannot all hold give ``status="infeasible"`` with ``infeasibility`` set.
    """
    model = PhaseModel(costs, hosts, earliest_phase, prerequisites, budgets, rules, discount, names)
    return model.solve(model.check_values(values))


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
    costs: Sequence[float],
    hosts: Sequence[str | None],
    earliest_phase: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    budgets: Sequence[float],
    rules: Mapping[str, Any] | None = None,
    discount: float = DEFAULT_DISCOUNT,
    names: Sequence[str] | None = None,
    top_k: int = 5,
) -> PathComparison:
    """Plan under each group's own values and compare its top-k investments with the region.

    A group's top-k are its k highest-valued investments (its own values, ties by index).
    "deferred": the regional plan puts it in a later phase than the group's own plan;
    "dropped": in the group's own plan but not in the regional plan; "earlier"/"same" as said;
    "in_neither": neither plan includes it. Same budgets and rules for every plan.
    """
    model = PhaseModel(costs, hosts, earliest_phase, prerequisites, budgets, rules, discount, names)
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
    costs: Sequence[float],
    hosts: Sequence[str | None],
    earliest_phase: Sequence[int | None],
    prerequisites: Sequence[tuple[int, int]],
    budgets: Sequence[float],
    rules: Mapping[str, Any] | None = None,
    discount: float = DEFAULT_DISCOUNT,
    names: Sequence[str] | None = None,
    mip_rel_gap: float = STABILITY_GAP,
    time_limit_per_sample: float = STABILITY_TIME_LIMIT_S,
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
    model = PhaseModel(costs, hosts, earliest_phase, prerequisites, budgets, rules, discount, names)
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
) -> np.ndarray:
    """WSM scores (S × m, sum normalisation) under SMAA-sampled weights, as plan values.

    With participants' ``weights`` (rows) and their ``groups`` (index per row) the weights are
    resampled stratified by municipality (each municipality an equal share of the samples,
    as in the analysis' empirical SMAA); without votes, uniformly on the simplex. Seeded.
    """
    from . import ranking, smaa  # lazy: ranking imports pymcdm (~1 s)

    m = check_finite("matrix", matrix, ndim=2)
    t = np.asarray(types, dtype=int)
    if weights is not None and groups is not None and len(weights):
        base, idx = smaa.draw(
            "empirical", n_samples, seed, m.shape[1], weights=np.asarray(weights), groups=groups
        )
    else:
        base, idx = smaa.draw("uniform", n_samples, seed, m.shape[1])
    W = base if idx is None else base[idx]
    return ranking.score_batch("wsm", m, W, t)
