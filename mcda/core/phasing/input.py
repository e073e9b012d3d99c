"""Growth phases: the plan's result types, constants and input checks.

Why a module of its own: :mod:`mcda.core.phasing.model` (the MILP),
:mod:`mcda.core.phasing.explain` (why no plan exists) and :mod:`mcda.core.phasing.paths`
(paths, stability, spread) all build on these; the checks name the field and value in Swedish
and English, once. The model itself is described in :mod:`mcda.core.phasing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import MCDAInputError, check_finite, fmt
from ..rules import check_cost, check_earliest_phase, check_prerequisites

DEFAULT_DISCOUNT = 0.0
# Solve to proven optimality (HiGHS' default relative gap 1e-4 could stop 0.01 % short).
MIP_REL_GAP = 1e-9
TIME_LIMIT_S = 30.0
STABILITY_GAP = 1e-2
STABILITY_TIME_LIMIT_S = 0.5
# Exactness re-solves: each cuts off one plan that overruns a budget within the solver's
# tolerance; never seen past 3.
MAX_EXACT_ROUNDS = 50


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


@dataclass(frozen=True)
class PlanProblem:
    """What a plan is made under: the investments' costs, hosts, earliest phases and
    prerequisites, the phase budgets, the rules, the early-phase discount and the names.

    Why one class: :func:`~mcda.core.phasing.plan`, :func:`~mcda.core.phasing.plan_paths`,
    :func:`~mcda.core.phasing.plan_stability`, :func:`mcda.core.scenarios.frontier` and
    :class:`~mcda.core.phasing.PhaseModel` take the same givens; they accept a
    ``PlanProblem`` or its fields (positionally or by name) through :meth:`of`.
    """

    costs: Sequence[float]
    hosts: Sequence[str | None]
    earliest_phase: Sequence[int | None]
    prerequisites: Sequence[tuple[int, int]]
    budgets: Sequence[float]
    rules: Mapping[str, Any] | None = None
    discount: float = DEFAULT_DISCOUNT
    names: Sequence[str] | None = None

    @classmethod
    def of(cls, *args: Any, **kwargs: Any) -> PlanProblem:
        """A given ``PlanProblem`` as it is, else one built from the fields."""
        if len(args) == 1 and not kwargs and isinstance(args[0], PlanProblem):
            return args[0]
        return cls(*args, **kwargs)


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
    munis, n1, share = _validate_spread(rules, hosts, label, n_phases)

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


def _validate_spread(rules: dict[str, Any], hosts: Sequence[str | None], label: Sequence[str],
                     n_phases: int) -> tuple[list[str], int | None, float | None]:
    """The rule keys, the municipalities, "every municipality by phase N" and the share cap."""
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

    return munis, n1, share


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
        check_pool_name(where, k, name, seen, pool)
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
    check_pool_totals("rules.pools", ((label[i], label[i], float(x)) for i, x in enumerate(total)))
    return pools


def check_pool_name(where: str, k: int, name: str, seen: set[str], value: object) -> None:
    """Pool ``k`` needs a name, and no two pools the same one (``seen`` grows).

    One check, with one wording, for the analysis input and the scenario spec."""
    if not name:
        raise _err(f"{where}.name", value, f"Finansieringskälla {k + 1} saknar namn.",
                   f"Funding pool {k + 1} has no name.")
    if name in seen:
        raise _err(f"{where}.name", name, f"Finansieringskällan ”{name}” finns två gånger.",
                   f"The funding pool “{name}” appears twice.")
    seen.add(name)


def check_pool_totals(where: str, totals: Iterable[tuple[object, str, float]]) -> None:
    """The pools together pay at most an investment's whole cost; ``totals`` holds
    (value named in the error, investment name, summed share) per investment."""
    for value, name, x in totals:
        if x > 1 + 1e-9:
            raise _err(where, value,
                       f"Finansieringskällorna betalar tillsammans mer än hela kostnaden för "
                       f"”{name}” ({fmt(x * 100)} %).",
                       f"The funding pools together pay more than the whole cost of “{name}” "
                       f"({fmt(x * 100)} %).")


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
