"""The analysis contract's input models: the object :func:`mcda.core.analysis.analyze` reads,
as typed pydantic models (``docs/analysis-format.md``; ``docs/analysis-input.schema.json``).

Why a module of its own: these are declarations (types, limits, defaults, unknown fields
refused); the cross-field rules that turn a valid model into the normalised
:class:`~mcda.core.contract.problem.Problem` live in :mod:`mcda.core.contract.problem`, and
the entry points in :mod:`mcda.core.contract`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from .. import ranking
from ..constants import (
    AHP_PRIORITIES,
    BETWEEN_RULES,
    DEFAULT_TOP_K,
    MAX_ALTERNATIVES,
    MAX_CRITERIA,
    MAX_JUDGEMENT,
    MAX_MAGNITUDE,
    MAX_PHASES,
    MAX_SAMPLES,
    MAX_SCENARIOS,
    MAX_SEED,
    MAX_TOP_K,
    MAX_VOTES,
    MODELS,
    POINTS_TOTAL,
    RANK_WEIGHTS,
    VOTE_METHODS,
    WEIGHT_MODES,
    WITHIN_RULES,
)
from ..elicitation import RANDOM_INDEX
from .jsonio import BigInteger
from .jsonio import custom_error as _custom

# --------------------------------------------------------------------------- scalar types


def _check_text(s: str) -> str:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _custom("mcda_text", "{field} innehåller ett ogiltigt tecken (ensamt surrogat "
                      "\\ud800–\\udfff); skriv om texten.", "{field} contains an invalid "
                      "character (a lone surrogate \\ud800–\\udfff); retype the text.") from None
    if "\x00" in s:  # a NUL cuts the text short in C libraries, SQLite tools and terminals
        raise _custom("mcda_text", "{field} innehåller ett NUL-tecken (\\u0000); ta bort det.",
                      "{field} contains a NUL character (\\u0000); remove it.")
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


def _in_range(x: float) -> float:
    if abs(x) > MAX_MAGNITUDE:
        raise _custom("mcda_magnitude", "{field} är för stort till beloppet (högst 10^15); "
                      "räkna om till en större enhet (t.ex. mnkr).", "{field} is too large in "
                      "magnitude (at most 10^15); rescale to a larger unit (e.g. MSEK).")
    return x


def _judgement(x: float | None) -> float | None:
    if x is not None and x > 0 and not 1 / MAX_JUDGEMENT <= x <= MAX_JUDGEMENT:
        raise _custom("mcda_judgement", "{field} måste ligga mellan 1/10^6 och 10^6 (en "
                      "parvis jämförelse; Saatys skala går till 9).", "{field} must lie "
                      "between 1/10^6 and 10^6 (a pairwise judgement; Saaty's scale ends at 9).")
    return x


Value = Annotated[float, Field(strict=True, allow_inf_nan=False), AfterValidator(_in_range),
                  WithJsonSchema({"type": "number", "minimum": -MAX_MAGNITUDE,
                                  "maximum": MAX_MAGNITUDE})]
"""A score or vote value: a finite number of magnitude at most :data:`MAX_MAGNITUDE`."""
Judgement = Annotated[Float | None, AfterValidator(_judgement)]
"""A pairwise matrix cell: null (unanswered) or a number; positive ones within 10^±6."""
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
    values: dict[str, Value] | None = None
    matrix: list[list[Judgement]] | None = Field(
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
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    weights: Literal[WEIGHT_MODES] = "empirical"
    method: Literal[("model", *MODELS)] = Field(
        "model", description="'model' = the decision's model (options.model).")


class SensitivityOptions(_Model):
    method: Literal[("model", *MODELS)] = Field(
        "model", description="'model' = the decision's model (options.model).")


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


class ConflictOptions(_Model):
    """Who gains, who loses, and the value–conflict frontier (``docs/phasing.md``)."""

    measure: Literal["max_regret", "count_over"] = Field(
        "max_regret", description="Conflict: the largest regret of any published group, or "
        "the number of groups whose regret exceeds threshold_pct.")
    threshold_pct: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0,
                                          le=100)] = 10.0
    levels: Annotated[int, Field(ge=6, le=10)] = 10
    table: bool = Field(True, description="The regional plan's regret table (one exact "
                        "solve per group; Vägval's web input turns it off while a round is "
                        "open, as for paths).")
    frontier: bool = Field(False, description="Also compute the value–conflict frontier "
                           "(seconds for 40 investments; the regret table alone is cheap).")


class PhasingOptions(_Model):
    value_method: Literal[("model", *MODELS, "smaa")] = Field(
        "model", description="Where plan values come from: 'model' = the decision's model "
        "(options.model), another model or method by id, or 'smaa' (mean score over the "
        "samples).")
    rules: Annotated[PhasingRules, BeforeValidator(_none_is_empty)] = Field(
        default_factory=PhasingRules)
    paths: Annotated[Any, BeforeValidator(_paths), WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}]})] = False
    discount: Unit = 0.0
    top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K)] = DEFAULT_TOP_K
    conflict: ConflictOptions = Field(default_factory=ConflictOptions)


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
    method: Literal[("model", *MODELS)] = Field(
        "model", description="The scenario's ranking: 'model' = the decision's model "
        "(options.model); every plan is also valued under that model (value_under_model).")
    budgets: list[NonNegative] | None = Field(
        None, description="Per phase; default the phases' budgets.")
    cost_change: ScenarioCostChange = Field(default_factory=ScenarioCostChange)
    rules: ScenarioRules = Field(default_factory=ScenarioRules)
    frontier: bool = False


class Options(_Model):
    """Every option with its default (the output's ``meta.options`` shows those used)."""

    model: Literal[MODELS] = Field(
        "value", description="The decision's ranking model: 'value' = the additive value model "
        "(weighted sum of value scores scaled 0–1 per criterion by min–max), or a method id. "
        "The verdict, the plan values and every scenario's baseline use it.")
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
    scores: Annotated[dict[Id, dict[str, Value]],
                      Field(max_length=MAX_ALTERNATIVES)] | None = None
    groups: dict[Id, Population | None] | None = None
    votes: Annotated[list[Vote], Field(min_length=1, max_length=MAX_VOTES)]
    options: Options = Field(default_factory=Options)
    phases: Annotated[list[Phase], Field(max_length=MAX_PHASES)] | None = None
    municipalities: dict[Id, Population | None] | None = None
    scenarios: Annotated[list[Scenario], Field(max_length=MAX_SCENARIOS)] | None = None
    reference: dict[Id, Value | None] | None = Field(
        None, description="The do-nothing reference ('Nuläge / gör ingenting'): a level per "
        "criterion id; a criterion left out (or null) takes its worst level among the "
        "alternatives. With phases the worst levels are used when this is absent.")
    title: Any = None
    description: Any = None
    decision: Any = None
    round: Any = None
    meta: Any = None


class PhasingInput(_Model):
    """Only the phasing part of an input (what :func:`validate_phasing` checks)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    alternatives: list[Alternative] | None = None
    phases: list[Phase] | None = None
    municipalities: dict[Id, Population | None] | None = None
    options: Annotated[dict[str, Any], BeforeValidator(_none_is_empty)] = Field(
        default_factory=dict)
