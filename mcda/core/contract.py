"""The analysis contract: the input and output of :func:`mcda.core.analysis.analyze` as typed
pydantic models (``docs/analysis-format.md``; JSON Schema in ``docs/analysis-*.schema.json``).

Why models: one declaration gives the defaults (in one place), refuses unknown fields and
wrong types, and publishes the JSON Schema researchers and other programs validate against.
The semantic rules (ids that must match, a matrix per criterion, prerequisites that must be
earlier and acyclic) are model validators. Every failure becomes one
:class:`~mcda.core.errors.MCDAInputError` naming the field path (``votes[3].values.kostnad``)
and the value, in Swedish and English.

:func:`validate_input` returns the normalised :class:`Problem` that ``analyze`` computes on.
The JSON reader (:func:`loads`) and the wording of pydantic's errors live in
:mod:`mcda.core.contract_io`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from . import ranking, summary
from .constants import (
    AHP_PRIORITIES,
    BETWEEN_RULES,
    MAX_ALTERNATIVES,
    MAX_CRITERIA,
    MAX_PHASES,
    MAX_SAMPLES,
    MAX_SCENARIOS,
    MAX_TOP_K,
    MAX_VOTES,
    POINTS_TOTAL,
    RANK_WEIGHTS,
    VOTE_METHODS,
    WEIGHT_MODES,
    WITHIN_RULES,
)
from .contract_io import BigInteger, loads, translate
from .contract_io import custom_error as _custom
from .elicitation import RANDOM_INDEX
from .errors import MCDAInputError

__all__ = [
    "AnalysisInput",
    "AnalysisOutput",
    "Problem",
    "json_schemas",
    "loads",
    "validate_input",
    "validate_phasing",
]

# --------------------------------------------------------------------------- scalar types


def _check_text(s: str) -> str:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _custom("mcda_text", "{field} innehåller ett ogiltigt tecken (ensamt surrogat "
                      "\\ud800–\\udfff); skriv om texten.", "{field} contains an invalid "
                      "character (a lone surrogate \\ud800–\\udfff); retype the text.") from None
    return s


def _ident(x: Any) -> Any:
    if type(x) is int:
        if abs(x) >= 10**300:
            raise _custom("mcda_id", "{field} är ett för långt tal för ett id.",
                          "{field} is too long a number for an id.")
        return str(x)
    if not isinstance(x, str) or isinstance(x, BigInteger) or not x.strip():
        raise _custom("mcda_id", "{field} måste vara en icke-tom text (id).",
                      "{field} must be a non-empty text (id).")
    return _check_text(x)


Id = Annotated[str, BeforeValidator(_ident),
               WithJsonSchema({"type": ["string", "integer"], "minLength": 1})]
"""An id: non-empty text; integers are accepted and turned into text."""
Text = Annotated[str, Field(strict=True), AfterValidator(_check_text)]
Float = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite JSON number (not a boolean, not text); integers become floats."""
NonNegative = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Positive = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)]
Share = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=1)]
Unit = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1)]


def _positive_as_given(x: Any) -> Any:
    if isinstance(x, bool) or not isinstance(x, int | float) or (
            isinstance(x, float) and not math.isfinite(x)) or (
            isinstance(x, int) and abs(x) >= 10**300) or x <= 0:
        raise _custom("mcda_positive", "{field} måste vara ett tal större än 0.",
                      "{field} must be a number greater than 0.")
    return x


PositiveAsGiven = Annotated[Any, BeforeValidator(_positive_as_given),
                            WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]
"""A number > 0 kept as given (100 stays 100, so descriptions say "out of 100")."""


def _none_is_empty(x: Any) -> Any:
    return {} if x is None else x


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --------------------------------------------------------------------------- input models


class Criterion(_Model):
    id: Id
    name: Text | None = Field(None, description="Display name (default: the id).")
    direction: Literal["benefit", "cost"]


class Alternative(_Model):
    id: Id
    name: Text | None = None
    cost: NonNegative | None = Field(None, description="Phasing: cost ≥ 0 (MSEK).")
    host: Id | None = Field(None, description="Phasing: host municipality, null = regional.")
    earliest_phase: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Phasing: 1-based phase number; default 1.")
    requires: list[Id] | None = Field(
        None, description="Phasing: alternatives that must be done in a strictly earlier phase.")


class Population(_Model):
    population: Positive | None = None
    name: Text | None = None


class Vote(_Model):
    participant: Id
    group: Id
    role: Id | None = Field(
        None, description="Optional stakeholder group (e.g. fortroendevald, tjansteperson): the "
        "second grouping beside the municipality (output by_role).")
    method: Literal[VOTE_METHODS]
    values: dict[str, Float] | None = None
    matrix: list[list[Float | None]] | None = Field(
        None, description="Pairwise: the comparison matrix; an unanswered pair is null in both "
        "cells (incomplete comparison, at least a connected set of n − 1 pairs).")
    revision: Any = None
    created: Any = None
    id: Any = None

    @model_validator(mode="after")
    def _values_or_matrix(self) -> Vote:
        if self.method == "pairwise":
            if self.matrix is None:
                raise _custom("mcda_vote", "{field} saknas: en röst med metoden pairwise "
                              "behöver en matris.", "{field} is missing: a pairwise vote needs "
                              "a matrix.", sub="matrix")
            if self.values is not None:
                raise _custom("mcda_vote", "{field} hör inte till en röst med metoden pairwise "
                              "(den har matrix); ta bort den.", "{field} does not belong to a "
                              "pairwise vote (it has matrix); remove it.", sub="values")
        else:
            if self.values is None:
                raise _custom("mcda_vote", "{field} saknas: en röst med metoden {method} "
                              "behöver values.", "{field} is missing: a {method} vote needs "
                              "values.", sub="values", method=self.method)
            if self.matrix is not None:
                raise _custom("mcda_vote", "{field} hör bara till röster med metoden pairwise; "
                              "ta bort den.", "{field} belongs only to pairwise votes; remove "
                              "it.", sub="matrix")
        return self


class SmaaOptions(_Model):
    samples: Annotated[int, Field(ge=1, le=MAX_SAMPLES)] = 10000
    seed: Annotated[int, Field(ge=0)] = 0
    weights: Literal[WEIGHT_MODES] = "empirical"
    method: Literal[ranking.METHODS] = "wsm"


class SensitivityOptions(_Model):
    method: Literal[ranking.METHODS] = "wsm"


class NormalizationOptions(_Model):
    topsis: Literal[ranking.NORMALIZATIONS] = ranking.DEFAULT_NORMALIZATION["topsis"]
    wsm: Literal[ranking.NORMALIZATIONS] = ranking.DEFAULT_NORMALIZATION["wsm"]
    wpm: Literal[ranking.NORMALIZATIONS] = ranking.DEFAULT_NORMALIZATION["wpm"]


def _non_negative_as_given(x: Any) -> Any:
    if isinstance(x, bool) or not isinstance(x, int | float) or (
            isinstance(x, float) and not math.isfinite(x)) or (
            isinstance(x, int) and abs(x) >= 10**300) or x < 0:
        raise _custom("mcda_threshold", "{field} måste vara ett icke-negativt tal.",
                      "{field} must be a non-negative number.")
    return x


Threshold = Annotated[Any, BeforeValidator(_non_negative_as_given),
                      WithJsonSchema({"type": "number", "minimum": 0})]


class PrometheeOptions(_Model):
    preference_function: Literal[ranking.PREFERENCE_FUNCTIONS] = "usual"
    p: list[Threshold] | None = Field(None, description="One preference threshold per criterion.")
    q: list[Threshold] | None = Field(None, description="One indifference threshold per "
                                      "criterion, each ≤ p.")


class PhasingRules(_Model):
    min_one_by_phase: Annotated[int, Field(ge=1)] | None = None
    max_share: Share | None = None


def _paths(x: Any) -> Any:
    if isinstance(x, bool):
        return x
    if isinstance(x, list):
        return [_ident(g) for g in x]
    raise _custom("mcda_paths", "{field} måste vara true, false eller en lista med grupper.",
                  "{field} must be true, false or a list of groups.")


class PhasingOptions(_Model):
    value_method: Literal[(*ranking.METHODS, "smaa")] = "wsm"
    rules: Annotated[PhasingRules, BeforeValidator(_none_is_empty)] = Field(
        default_factory=PhasingRules)
    paths: Annotated[Any, BeforeValidator(_paths), WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}]})] = False
    discount: Unit = 0.0
    top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K)] = 5


class ScenarioWeights(_Model):
    """Whose weights give the scenario's values."""

    source: Literal["region", "group", "coalition", "role", "manual"] = "region"
    between_groups: Literal[BETWEEN_RULES] | None = Field(
        None, description="region/coalition: the rule between groups (default: the options').")
    group: Id | None = Field(None, description="source 'group': the one group (municipality).")
    groups: list[Id] | None = Field(None, description="source 'coalition': its groups (≥ 2).")
    role: Id | None = Field(None, description="source 'role': the votes' role (votes[].role).")
    weights: dict[Id, NonNegative] | None = Field(
        None, description="source 'manual': weight per criterion (normalised to sum 1).")


class ScenarioCostChange(_Model):
    overall_pct: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-100)] = 0.0
    per_alternative: dict[Id, Annotated[float, Field(strict=True, allow_inf_nan=False,
                                                     ge=-100)]] = Field(default_factory=dict)


class ScenarioPool(_Model):
    name: Text
    budgets: list[NonNegative]
    shares: dict[Id, Unit] = Field(default_factory=dict,
                                   description="alternative → share of its cost from the pool")


class ScenarioPin(_Model):
    alternative: Id
    kind: Literal["in", "not_before", "never"]
    phase: Annotated[int, Field(ge=1)] | None = None


class ScenarioGroup(_Model):
    name: Text
    kind: Literal["at_most_one", "at_least_one"]
    alternatives: list[Id]


class ScenarioRules(_Model):
    min_one_by_phase: Annotated[int, Field(ge=1)] | None = None
    max_share: Share | None = None
    pools: list[ScenarioPool] = Field(default_factory=list)
    pins: list[ScenarioPin] = Field(default_factory=list)
    groups: list[ScenarioGroup] = Field(default_factory=list)


class Scenario(_Model):
    """A named what-if (``docs/phasing.md``, "Scenarios"): weights, method, budgets, costs,
    rules; the analysis plans it exactly and, with ``frontier``, at 10 budget levels."""

    id: Id
    name: Text
    weights: ScenarioWeights = Field(default_factory=ScenarioWeights)
    method: Literal[ranking.METHODS] = "wsm"
    budgets: list[NonNegative] | None = Field(
        None, description="Per phase; default the phases' budgets.")
    cost_change: ScenarioCostChange = Field(default_factory=ScenarioCostChange)
    rules: ScenarioRules = Field(default_factory=ScenarioRules)
    frontier: bool = False


class Options(_Model):
    """Every option with its default (the output's ``meta.options`` shows those used)."""

    within_group: Literal[WITHIN_RULES] = "mean"
    between_groups: Literal[BETWEEN_RULES] = "equal"
    rank_weights: Literal[RANK_WEIGHTS] = "roc"
    ahp_priority: Literal[AHP_PRIORITIES] = "eigenvector"
    random_index: Literal[tuple(RANDOM_INDEX)] = "saaty1980"
    points_total: PositiveAsGiven = POINTS_TOTAL
    methods: Annotated[list[Literal[ranking.METHODS]], Field(min_length=1)] = Field(
        default_factory=lambda: list(ranking.METHODS))
    vikor_v: Unit = 0.5
    smaa: SmaaOptions | None = Field(default_factory=SmaaOptions)
    sensitivity: SensitivityOptions | None = Field(default_factory=SensitivityOptions)
    normalization: NormalizationOptions = Field(default_factory=NormalizationOptions)
    promethee: Annotated[PrometheeOptions, BeforeValidator(_none_is_empty)] = Field(
        default_factory=PrometheeOptions)
    alpha: Share = 0.05
    disputed_threshold: Share = 0.3
    skip_unsuitable: bool | None = None
    phasing: PhasingOptions | None = Field(
        None, description="Used only when the input has phases; defaults as PhasingOptions.")


class Phase(_Model):
    id: Id
    name: Text | None = None
    period: Text | None = None
    budget: NonNegative


class AnalysisInput(_Model):
    """The analysis input object (``docs/analysis-format.md``)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Vägval analysis input")

    criteria: Annotated[list[Criterion], Field(min_length=2, max_length=MAX_CRITERIA)]
    alternatives: Annotated[list[Alternative], Field(min_length=1,
                                                     max_length=MAX_ALTERNATIVES)] | None = None
    scores: Annotated[dict[Id, dict[str, Float]],
                      Field(max_length=MAX_ALTERNATIVES)] | None = None
    groups: dict[Id, Population | None] | None = None
    votes: Annotated[list[Vote], Field(min_length=1, max_length=MAX_VOTES)]
    options: Options = Field(default_factory=Options)
    phases: Annotated[list[Phase], Field(max_length=MAX_PHASES)] | None = None
    municipalities: dict[Id, Population | None] | None = None
    scenarios: Annotated[list[Scenario], Field(max_length=MAX_SCENARIOS)] | None = None
    title: Any = None
    description: Any = None
    decision: Any = None
    round: Any = None
    meta: Any = None

    _problem: Problem | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _semantics(self) -> AnalysisInput:
        self._problem = _build_problem(self)
        return self


class PhasingInput(_Model):
    """Only the phasing part of an input (what :func:`validate_phasing` checks)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    alternatives: list[Alternative] | None = None
    phases: list[Phase] | None = None
    municipalities: dict[Id, Population | None] | None = None
    options: Annotated[dict[str, Any], BeforeValidator(_none_is_empty)] = Field(
        default_factory=dict)


# --------------------------------------------------------------------------- normalised form


@dataclass
class ProblemVote:
    participant: str
    group: str
    method: str
    values: np.ndarray | None
    matrix: np.ndarray | None
    role: str | None = None


@dataclass
class Problem:
    """The validated, normalised input (ids in input order; defaults filled in)."""

    criteria: list[str]
    criterion_names: list[str]
    types: np.ndarray
    alternatives: list[str]
    alternative_names: list[str]
    matrix: np.ndarray | None
    groups: list[str]
    populations: dict[str, float | None]
    votes: list[ProblemVote]
    options: dict[str, Any] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    """Option keys the input set itself (methods the user asked for must not be skipped)."""
    phases: list[dict[str, Any]] | None = None
    """Growth phases ``{id, name, period, budget}`` in order, or None (no phasing)."""
    investments: list[dict[str, Any]] = field(default_factory=list)
    """Per alternative (input order): ``{cost, host, earliest_phase, requires}`` with
    ``requires`` as alternative indices (phasing fields; cost/host/earliest may be None)."""
    municipalities: dict[str, float | None] | None = None
    """The region's municipalities for the phasing spread (name → population), if given."""
    scenarios: list[dict[str, Any]] | None = None
    """Scenarios (``Scenario.model_dump()``), references checked, or None."""


def _e(fld: str, value: Any, sv: str, en: str) -> MCDAInputError:
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    return MCDAInputError(fld, value, sv, en)


def _unique(fld: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise _e(f"{fld}[{i}].id", ident, f"id {ident!r} förekommer två gånger i {fld}.",
                     f"id {ident!r} occurs twice in {fld}.")
        seen.add(ident)


def _build_problem(d: AnalysisInput) -> Problem:
    crits = [c.id for c in d.criteria]
    _unique("criteria", crits)
    crit_names = [c.name or c.id for c in d.criteria]
    types_ = np.array([1 if c.direction == "benefit" else -1 for c in d.criteria])
    crit_set = set(crits)

    alt_items = d.alternatives or []
    alts = [a.id for a in alt_items]
    _unique("alternatives", alts)
    alt_names = [a.name or a.id for a in alt_items]
    matrix = None
    if d.scores is not None:
        if d.alternatives is None:
            alts = list(d.scores)
            alt_names = list(alts)
        matrix = _score_matrix(d.scores, alts, crits, crit_set)

    populations: dict[str, float | None] = {}
    declared: list[str] = []
    for g, spec in (d.groups or {}).items():
        populations[g] = None if spec is None else spec.population
        declared.append(g)

    votes, order = _votes(d.votes, crits, crit_set, declared, populations)
    options, explicit = _options(d.options, order, populations, len(crits))

    phases = None
    if d.phases:
        _unique("phases", [p.id for p in d.phases])
        phases = [{"id": p.id, "name": p.name or p.id, "period": p.period or "",
                   "budget": p.budget} for p in d.phases]
    munis = _municipalities(d.municipalities)
    investments = _investments(alt_items, alts, alt_names, munis)
    if phases is not None or d.options.phasing is not None:
        ph = d.options.phasing or PhasingOptions()
        options["phasing"] = _phasing_options(ph, len(phases or []) or 1,
                                              options["smaa"] is not None, order)
    roles = [v.role for v in votes if getattr(v, "role", None) is not None]
    scenarios = _scenarios(d.scenarios, phases, alts, crits, order, matrix is not None, roles)
    return Problem(crits, crit_names, types_, alts, alt_names, matrix, order, populations,
                   votes, options, explicit, phases, investments, munis, scenarios)


def _scenarios(items: list[Scenario] | None, phases: list[dict[str, Any]] | None,
               alts: list[str], crits: list[str], groups: list[str],
               has_scores: bool, roles: list[str]) -> list[dict[str, Any]] | None:
    """Scenario references: phases and scores exist, every id named is known."""
    if items is None:
        return None
    if items and (not phases or not has_scores):
        raise _e("scenarios", len(items), "Scenarier kräver etapper (phases) och bedömningar "
                 "(scores).", "Scenarios need phases and scores.")
    alt_set, n_ph = set(alts), len(phases or [])
    _unique("scenarios", [sc.id for sc in items])

    def alt(fld: str, a: str) -> None:
        if a not in alt_set:
            raise _e(fld, a, f"{fld}: alternativet {a} finns inte.",
                     f"{fld}: the alternative {a} does not exist.")

    def group(fld: str, g: str) -> None:
        if g not in groups:
            raise _e(fld, g, f"{fld}: gruppen {g} har inga röster.",
                     f"{fld}: the group {g} has no votes.")

    out = []
    for k, sc in enumerate(items):
        f = f"scenarios[{k}]"
        w = sc.weights
        if w.source == "group":
            if w.group is None:
                raise _e(f"{f}.weights.group", None, "Välj gruppen vars vikter gäller.",
                         "Choose the group whose weights apply.")
            group(f"{f}.weights.group", w.group)
        if w.source == "role" and (w.role is None or w.role not in roles):
            raise _e(f"{f}.weights.role", w.role, f"{f}.weights.role: ingen röst har rollen "
                     f"{w.role}.", f"{f}.weights.role: no vote has the role {w.role}.")
        if w.source == "coalition":
            if not w.groups or len(set(w.groups)) < 2:
                raise _e(f"{f}.weights.groups", w.groups, "En koalition behöver minst två "
                         "grupper.", "A coalition needs at least two groups.")
            for j, g in enumerate(w.groups):
                group(f"{f}.weights.groups[{j}]", g)
        if w.source == "manual":
            ws = w.weights or {}
            for c in crits:
                if c not in ws:
                    raise _e(f"{f}.weights.weights.{c}", None, f"Vikten för kriteriet {c} "
                             "saknas.", f"The weight of criterion {c} is missing.")
            for c in ws:
                if c not in crits:
                    raise _e(f"{f}.weights.weights.{c}", c, f"Kriteriet {c} finns inte.",
                             f"The criterion {c} does not exist.")
            if sum(ws.values()) <= 0:
                raise _e(f"{f}.weights.weights", 0, "Minst en vikt måste vara större än 0.",
                         "At least one weight must be above 0.")
        if sc.budgets is not None and len(sc.budgets) != n_ph:
            raise _e(f"{f}.budgets", len(sc.budgets), f"Ange en budget per etapp ({n_ph}).",
                     f"Give one budget per phase ({n_ph}).")
        for a in sc.cost_change.per_alternative:
            alt(f"{f}.cost_change.per_alternative.{a}", a)
        r = sc.rules
        if r.min_one_by_phase is not None and r.min_one_by_phase > n_ph:
            raise _e(f"{f}.rules.min_one_by_phase", r.min_one_by_phase,
                     f"Välj en etapp mellan 1 och {n_ph}.", f"Choose a phase from 1 to {n_ph}.")
        for j, pool in enumerate(r.pools):
            if len(pool.budgets) != n_ph:
                raise _e(f"{f}.rules.pools[{j}].budgets", len(pool.budgets),
                         f"Finansieringskällan {pool.name} behöver en budget per etapp ({n_ph}).",
                         f"The funding pool {pool.name} needs one budget per phase ({n_ph}).")
            for a in pool.shares:
                alt(f"{f}.rules.pools[{j}].shares.{a}", a)
        for j, pin in enumerate(r.pins):
            alt(f"{f}.rules.pins[{j}].alternative", pin.alternative)
            if pin.kind != "never" and (pin.phase is None or pin.phase > n_ph):
                raise _e(f"{f}.rules.pins[{j}].phase", pin.phase,
                         f"Välj en etapp mellan 1 och {n_ph}.", f"Choose a phase from 1 to {n_ph}.")
        for j, g in enumerate(r.groups):
            for m, a in enumerate(g.alternatives):
                alt(f"{f}.rules.groups[{j}].alternatives[{m}]", a)
        out.append(sc.model_dump())
    return out


def _score_matrix(scores: dict[str, dict[str, float]], alts: list[str], crits: list[str],
                  crit_set: set[str]) -> np.ndarray:
    alt_set = set(alts)
    for a in scores:
        if a not in alt_set:
            raise _e(f"scores.{a}", a,
                     f"scores innehåller alternativet {a}, som inte finns i alternatives.",
                     f"scores has alternative {a}, which is not in alternatives.")
    matrix = np.empty((len(alts), len(crits)))
    for i, a in enumerate(alts):
        if a not in scores:
            raise _e(f"scores.{a}", None, f"Bedömningar saknas för alternativet {a}.",
                     f"Scores are missing for alternative {a}.")
        row = scores[a]
        for c in row:
            if c not in crit_set:
                raise _e(f"scores.{a}.{c}", c,
                         f"scores.{a} har kriteriet {c}, som inte finns i criteria.",
                         f"scores.{a} has criterion {c}, which is not in criteria.")
        for j, c in enumerate(crits):
            if c not in row:
                raise _e(f"scores.{a}.{c}", None, f"Bedömningen av {a} på kriteriet {c} saknas.",
                         f"The score of {a} on criterion {c} is missing.")
            matrix[i, j] = row[c]
    if len(alts) < 2:
        raise _e("alternatives", len(alts), "Minst två alternativ behövs för en rangordning.",
                 "At least two alternatives are needed for a ranking.")
    return matrix


def _votes(items: list[Vote], crits: list[str], crit_set: set[str], declared: list[str],
           populations: dict[str, float | None]) -> tuple[list[ProblemVote], list[str]]:
    n = len(crits)
    votes: list[ProblemVote] = []
    seen_p: set[str] = set()
    order = list(declared)
    known = set(order)
    for i, v in enumerate(items):
        f = f"votes[{i}]"
        if v.participant in seen_p:
            raise _e(f"{f}.participant", v.participant,
                     f"Deltagaren {v.participant} har två röster; skicka bara den senaste.",
                     f"Participant {v.participant} has two votes; send only the latest.")
        seen_p.add(v.participant)
        grp = v.group
        if declared and grp not in populations:
            raise _e(f"{f}.group", grp, f"Röst nr {i + 1} hör till gruppen {grp}, som inte "
                     "finns i groups.", f"Vote {i + 1} belongs to group {grp}, which is not in "
                     "groups.")
        if grp not in known:
            order.append(grp)
            known.add(grp)
            populations.setdefault(grp, None)
        values = matrix = None
        if v.matrix is not None:
            if len(v.matrix) != n:
                raise _e(f"{f}.matrix", len(v.matrix),
                         f"Matrisen i röst nr {i + 1} måste ha {n} rader (en per kriterium).",
                         f"The matrix of vote {i + 1} must have {n} rows (one per criterion).")
            for r, row in enumerate(v.matrix):
                if len(row) != n:
                    raise _e(f"{f}.matrix[{r}]", len(row),
                             f"Rad {r + 1} i matrisen i röst nr {i + 1} måste ha {n} värden.",
                             f"Row {r + 1} of the matrix of vote {i + 1} must have {n} values.")
            matrix = np.array([[np.nan if x is None else x for x in row] for row in v.matrix],
                              dtype=float)
        else:
            vals = v.values or {}
            if len(vals) != n or any(c not in crit_set for c in vals):
                for c in vals:
                    if c not in crit_set:
                        raise _e(f"{f}.values.{c}", c,
                                 f"Röst nr {i + 1} har ett värde för kriteriet {c}, som inte "
                                 "finns.", f"Vote {i + 1} has a value for criterion {c}, which "
                                 "does not exist.")
                for c in crits:
                    if c not in vals:
                        raise _e(f"{f}.values.{c}", None,
                                 f"Röst nr {i + 1} saknar värde för kriteriet {c}.",
                                 f"Vote {i + 1} has no value for criterion {c}.")
            values = np.array([vals[c] for c in crits], dtype=float)
        votes.append(ProblemVote(v.participant, grp, v.method, values, matrix, v.role))
    used = {v.group for v in votes}
    for g in order:
        if g not in used:
            raise _e(f"groups.{g}", g, f"Gruppen {g} har inga röster; ta bort den eller vänta "
                     "på röster.", f"Group {g} has no votes; remove it or wait for votes.")
    return votes, order


def _options(o: Options, groups: list[str], populations: dict[str, float | None],
             n_crit: int) -> tuple[dict[str, Any], set[str]]:
    """The options as ``meta.options`` shows them, and the keys the input set itself."""
    if len(set(o.methods)) != len(o.methods):
        raise _e("options.methods", o.methods, "options.methods innehåller en metod två gånger.",
                 "options.methods lists a method twice.")
    pr = o.promethee
    for key in ("p", "q"):
        val = getattr(pr, key)
        if val is not None and len(val) != n_crit:
            raise _e(f"options.promethee.{key}", len(val),
                     f"options.promethee.{key} måste ha ett tal per kriterium ({n_crit}), inte "
                     f"{len(val)}.", f"options.promethee.{key} needs one number per criterion "
                     f"({n_crit}), not {len(val)}.")
    if pr.p is not None and pr.q is not None:
        for j, (p, q) in enumerate(zip(pr.p, pr.q, strict=True)):
            if q > p:
                raise _e(f"options.promethee.q[{j}]", q,
                         f"Indifferensgränsen q ({q:g}) får inte vara större än "
                         f"preferensgränsen p ({p:g}) för kriterium nr {j + 1}.",
                         f"The indifference threshold q ({q:g}) must not exceed the "
                         f"preference threshold p ({p:g}) for criterion {j + 1}.")
    if o.between_groups == "population":
        for g in groups:
            if populations.get(g) is None:
                raise _e(f"groups.{g}.population", None,
                         f"Regeln population kräver folkmängd för varje grupp; {g} saknar den.",
                         f"The population rule needs a population for every group; {g} has "
                         "none.")
    out = {
        "within_group": o.within_group,
        "between_groups": o.between_groups,
        "rank_weights": o.rank_weights,
        "ahp_priority": o.ahp_priority,
        "random_index": o.random_index,
        "points_total": o.points_total,
        "methods": list(o.methods),
        "vikor_v": o.vikor_v,
        "alpha": o.alpha,
        "disputed_threshold": o.disputed_threshold,
        "skip_unsuitable": o.skip_unsuitable,
        "smaa": None if o.smaa is None else o.smaa.model_dump(),
        "sensitivity": None if o.sensitivity is None else o.sensitivity.model_dump(),
        "normalization": o.normalization.model_dump(),
        "promethee": pr.model_dump(),
    }
    explicit = set(o.model_fields_set)
    if o.phasing is not None and "value_method" in o.phasing.model_fields_set:
        explicit.add("phasing.value_method")
    fallbacks = {"methods", "smaa", "sensitivity", "phasing.value_method"}
    if o.skip_unsuitable is True:
        explicit -= fallbacks
    elif o.skip_unsuitable is False:
        explicit |= fallbacks
    return out, explicit


def _municipalities(raw: dict[str, Population | None] | None) -> dict[str, float | None] | None:
    if raw is None:
        return None
    return {m: None if spec is None else spec.population for m, spec in raw.items()}


def _investments(items: list[Alternative], alts: list[str], names: list[str],
                 municipalities: Mapping[str, float | None] | None) -> list[dict[str, Any]]:
    """Phasing fields of each alternative: host known, prerequisites known, earlier, acyclic."""
    from .rules import check_prerequisites

    index = {a: k for k, a in enumerate(alts)}
    out: list[dict[str, Any]] = []
    for i in range(len(alts)):
        item = items[i] if i < len(items) else Alternative(id=alts[i])
        f = f"alternatives[{i}]"
        if item.host is not None and municipalities is not None \
                and item.host not in municipalities:
            raise _e(f"{f}.host", item.host,
                     f"{names[i]} har en okänd kommun ({item.host}); den finns inte i "
                     "municipalities.",
                     f"{names[i]} has an unknown municipality ({item.host}); it is not in "
                     "municipalities.")
        reqs: list[int] = []
        for j, rid in enumerate(item.requires or []):
            if rid not in index:
                raise _e(f"{f}.requires[{j}]", rid,
                         f"{names[i]} kräver {rid}, som inte finns i alternatives.",
                         f"{names[i]} requires {rid}, which is not in alternatives.")
            if index[rid] not in reqs:
                reqs.append(index[rid])
        out.append({"cost": item.cost, "host": item.host, "earliest_phase": item.earliest_phase,
                    "requires": reqs})
    pairs = [(i, k) for i, inv in enumerate(out) for k in inv["requires"]]
    where = [(i, j) for i, inv in enumerate(out) for j in range(len(inv["requires"]))]
    check_prerequisites(names, [inv["earliest_phase"] for inv in out], pairs,
                        field=lambda k: "alternatives[{}].requires[{}]".format(*where[k]),
                        cycle_field=lambda nodes: f"alternatives[{nodes[0]}].requires")
    return out


def _phasing_options(o: PhasingOptions, n_phases: int, smaa_on: bool,
                     groups: list[str] | None = None) -> dict[str, Any]:
    if o.value_method == "smaa" and not smaa_on:
        raise _e("options.phasing.value_method", "smaa",
                 "value_method smaa kräver SMAA; sätt options.smaa eller välj en metod.",
                 "value_method smaa needs SMAA; set options.smaa or choose a method.")
    n1 = o.rules.min_one_by_phase
    if n1 is not None and n1 > n_phases:
        raise _e("options.phasing.rules.min_one_by_phase", n1,
                 f"Regeln 'minst en investering per kommun senast etapp N' kräver ett heltal N "
                 f"mellan 1 och {n_phases}.",
                 f"The rule 'at least one investment per municipality by phase N' needs an "
                 f"integer N between 1 and {n_phases}.")
    if isinstance(o.paths, list) and groups is not None:
        for i, g in enumerate(o.paths):
            if g not in groups:
                raise _e(f"options.phasing.paths[{i}]", g,
                         f"options.phasing.paths nämner gruppen {g}, som inte har några röster.",
                         f"options.phasing.paths names group {g}, which has no votes.")
    return {"value_method": o.value_method,
            "rules": {"min_one_by_phase": n1, "max_share": o.rules.max_share},
            "paths": o.paths, "discount": o.discount, "top_k": o.top_k}


# --------------------------------------------------------------------------- entry points


def validate_input(data: Any) -> Problem:
    """Check the analysis input object and return it normalised (defaults filled in).

    Raises :class:`MCDAInputError` naming the first bad field.
    """
    try:
        model = AnalysisInput.model_validate(data)
    except ValidationError as exc:
        raise translate(exc, AnalysisInput) from None
    except UnicodeEncodeError:  # a lone surrogate in a key (loads() names where)
        raise _e("input", None, "Indata innehåller ett ogiltigt tecken (ensamt surrogat) i "
                 "en nyckel.", "The input contains an invalid character (a lone surrogate) "
                 "in a key.") from None
    assert model._problem is not None
    return model._problem


def validate_phasing(data: Any) -> None:
    """Check only the phasing part of an input (``phases``, ``municipalities``, the
    alternatives' phasing fields, ``options.phasing``); raises :class:`MCDAInputError`.

    For builders that want to leave out a broken phasing part rather than lose the whole
    analysis (the store's input builder does this).
    """
    try:
        d = PhasingInput.model_validate(data)
        raw = d.options.get("phasing")
        ph = None if raw is None else PhasingOptions.model_validate(raw)
    except ValidationError as exc:
        raise translate(exc, PhasingInput) from None
    items = d.alternatives or []
    alts = [a.id for a in items]
    _unique("alternatives", alts)
    if d.phases:
        _unique("phases", [p.id for p in d.phases])
    munis = _municipalities(d.municipalities)
    _investments(items, alts, [a.name or a.id for a in items], munis)
    if d.phases or ph is not None:
        _phasing_options(ph or PhasingOptions(), len(d.phases or []) or 1, True)


# --------------------------------------------------------------------------- output models


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(_Out):
    """``{}``: a part the analysis did not compute (no scores, SMAA off, …)."""


class Labels(_Out):
    sv: str
    en: str


class InconsistentPair(_Out):
    criteria: list[str]
    deviation: float


class VoteResult(_Out):
    participant: str
    group: str
    method: Literal[VOTE_METHODS]
    weights: dict[str, float]
    consistency_ratio: float | None
    lambda_max: float | None
    inconsistent_pairs: list[InconsistentPair]


class GroupResult(_Out):
    n: int
    weights: dict[str, float]
    population: float | None


class CriterionStats(_Out):
    model_config = ConfigDict(extra="allow")
    mean: float
    median: float
    sd: float
    iqr: float
    between_share: float | None
    between_p: float | None


class Consensus(_Out):
    s_star: float | None
    s_star_label: Labels
    s_star_by_group: dict[str, float | None]
    kendall_w: float | None
    kendall_w_p: float | None
    criteria: dict[str, CriterionStats]


class Tradeoff(_Out):
    criteria: list[str]
    r: float
    p: float
    p_adjusted: float
    null_r: float
    k: int


class GroupMean(_Out):
    group: str
    mean: float


class Disputed(_Out):
    criterion: str
    name: str
    between_share: float
    p: float | None
    mean: float
    high: list[GroupMean]
    low: list[GroupMean]


class Coalitions(_Out):
    model_config = ConfigDict(extra="allow")
    k: int
    clusters: list[list[str]]
    labels: dict[str, int]
    silhouette: float | None
    silhouette_by_k: dict[str, float | None]
    strength: Labels


class Similarity(_Out):
    groups: list[str]
    matrix: list[list[float]]
    measure: str


class Polarising(_Out):
    alternative: str
    name: str
    range: int
    sd: float
    best_group: str
    worst_group: str
    best_rank: int
    worst_rank: int
    ranks: dict[str, int]


class Conflicts(_Out):
    tradeoffs: list[Tradeoff]
    disputed: list[Disputed]
    coalitions: Coalitions
    similarity: Similarity
    polarising: list[Polarising]


class Ranking(_Out):
    scores: dict[str, float]
    ranks: dict[str, int]
    higher_is_better: bool


class Agreement(_Out):
    methods: list[str]
    rw: dict[str, dict[str, float]]
    ws: dict[str, dict[str, float]]
    with_compromise: dict[str, dict[str, float]]


class Compromise(_Out):
    method: Literal["copeland"]
    methods: list[str]
    scores: dict[str, float]
    mean_rank: dict[str, float]
    ranks: dict[str, int]


class GroupCompromise(_Out):
    method: Literal["copeland"]
    ranks: dict[str, int]
    scores: dict[str, float]


class GroupRankings(_Out):
    rankings: dict[str, Ranking]
    compromise: GroupCompromise


class Smaa(_Out):
    samples: int
    seed: int
    weights: Literal[WEIGHT_MODES]
    method: Literal[ranking.METHODS]
    rank_acceptability: dict[str, list[float]]
    central_weights: dict[str, dict[str, float] | None]
    confidence: dict[str, float | None]
    holistic: dict[str, float]


class CriterionSensitivity(_Out):
    weight: float
    lo: float
    hi: float
    rival_lo: str | None
    rival_hi: str | None


class Sensitivity(_Out):
    method: Literal[ranking.METHODS]
    top: str
    tied_top: bool
    criteria: dict[str, CriterionSensitivity]


class VerdictSmaa(_Out):
    samples: int
    seed: int
    weights: Literal[WEIGHT_MODES]
    methods: list[str]
    first: dict[str, float]
    rank_acceptability: dict[str, list[float]]
    first_by_method: dict[str, dict[str, float]]


class SmallestChange(_Out):
    criterion: str
    direction: Literal["up", "down"]
    weight: float
    to: float
    delta: float
    rival: str


class VerdictSensitivity(_Out):
    method: Literal["copeland"]
    methods: list[str]
    top: str
    tied_top: bool
    criteria: dict[str, CriterionSensitivity]
    smallest_change: SmallestChange | None


class Verdict(_Out):
    top: list[str]
    finding: Literal["clear", "likely", "close", "tie"]
    depends_on: list[Literal["method", "weights"]]
    contenders: list[str]
    methods: list[str]
    first_by_method: dict[str, list[str]]
    methods_agree: int
    smaa: VerdictSmaa | None
    sensitivity: VerdictSensitivity


class SummaryItem(_Out):
    """One plain statement (``mcda.core.summary``): the web app words it in sv or en."""

    kind: Literal[summary.KINDS]
    params: dict[str, Any]
    anchor: str
    basis: str


class SkippedMethod(_Out):
    method: str
    field: str
    value: Any
    message_sv: str
    message_en: str
    fallback: str | None = None


class MetaCriterion(_Out):
    id: str
    name: str
    direction: Literal["benefit", "cost"]


class MetaAlternative(_Out):
    id: str
    name: str


class Meta(_Out):
    format_version: Literal[1]
    methods: list[str]
    skipped_methods: list[SkippedMethod]
    options: dict[str, Any]
    versions: dict[str, str]
    criteria: list[MetaCriterion]
    alternatives: list[MetaAlternative]
    groups: list[str]
    descriptions: dict[str, str]


class RoleGroup(_Out):
    n: int
    weights: dict[str, float]
    s_star: float


class ByRole(_Out):
    """The second grouping: stakeholder roles across all municipalities (votes with a role)."""

    groups: dict[str, RoleGroup]
    without: int = Field(description="Votes without a role (not in any role group).")
    between_share: dict[str, float]
    disputed: list[Disputed]


class AnalysisOutput(_Out):
    """The analysis result object (``docs/analysis-format.md``, "Output object")."""

    model_config = ConfigDict(extra="forbid", title="Vägval analysis output")

    format_version: Literal[1]
    votes: list[VoteResult]
    groups: dict[str, GroupResult]
    weights: dict[str, float]
    consensus: Consensus
    conflicts: Conflicts
    rankings: dict[str, Ranking]
    agreement: Agreement | Empty
    compromise: Compromise | Empty
    by_group_rankings: dict[str, GroupRankings]
    smaa: Smaa | Empty
    sensitivity: Sensitivity | Empty
    by_role: ByRole | None = None
    verdict: Verdict | Empty
    phasing: dict[str, Any] | None = Field(
        None, description="Only with phases: see 'Growth phases' in docs/analysis-format.md.")
    scenarios: dict[str, Any] | None = Field(
        None, description="Only with input scenarios: see 'Scenarios' in docs/phasing.md.")
    meta: Meta
    summary: list[SummaryItem]


def json_schemas() -> dict[str, dict[str, Any]]:
    """The published JSON Schemas (``docs/analysis-input.schema.json`` and the output's)."""
    return {
        "analysis-input.schema.json": AnalysisInput.model_json_schema(),
        "analysis-output.schema.json": AnalysisOutput.model_json_schema(mode="serialization"),
    }
