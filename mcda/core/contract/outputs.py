"""The analysis contract's output: the result object of :func:`mcda.core.analysis.analyze` as
typed pydantic models (``docs/analysis-format.md``, "Output object"; JSON Schema in
``docs/analysis-output.schema.json``).

Why a module of its own: the input side (:mod:`mcda.core.contract`) holds the validation rules
and the normalised :class:`~mcda.core.contract.Problem`; the output side is only declarations,
read by tests, views and the schema generator. Extra fields are refused so the documented
shape and what ``analyze`` emits cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import ranking, summary
from ..constants import MODELS, VOTE_METHODS, WEIGHT_MODES

__all__ = ["AnalysisOutput", "Empty"]

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
    left_out: list[str] = Field(default_factory=list, description="Groups whose voters' own "
                                "weightings no statistic over participants uses (a pool of "
                                "fewer than ten voters; docs/methods.md, 'Small pools').")


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
    method: Literal[MODELS] = Field(description="The model ranked in every sample.")
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
    method: Literal[MODELS]
    top: str
    tied_top: bool
    criteria: dict[str, CriterionSensitivity]


class ModelName(_Out):
    """A ranking model with its plain names (main views never show an acronym)."""

    id: Literal[MODELS]
    name_sv: str
    name_en: str


class OrderEntry(_Out):
    id: str
    score: float
    rank: int


class Flip(_Out):
    """The smallest change of one criterion's weight (the others keep their proportions)
    that puts the runner-up first (ties the leader)."""

    criterion: str
    direction: Literal["up", "down"]
    points: float = Field(description="The change in percentage points (100 × |to − weight|).")
    weight: float = Field(description="The region's weight now (0–1).")
    to: float = Field(description="The weight at which the runner-up comes first (0–1).")


class VerdictMethods(_Out):
    """What the other methods (``options.methods`` except the model) say of ``first``."""

    agree: int = Field(description="How many of the other methods also put first first.")
    of: int = Field(description="How many other methods were run.")
    ids: list[str] = Field(description="The methods that agree.")
    first_by_method: dict[str, list[str]]


class Verdict(_Out):
    """The verdict under the decision's model (docs/methods.md, "The decision's model and
    the verdict")."""

    model: ModelName
    method: Literal[ranking.METHODS] = Field(description="The ranking method computing it.")
    method_options: dict[str, Any]
    higher_is_better: bool
    order: list[OrderEntry] = Field(description="Every alternative, best first: the ranking "
                                    "shown on every surface.")
    first: str
    runner_up: str | None
    share_first: float | None = Field(ge=0, le=1, description="Share of the room's weightings "
                                      "(every vote's weights once; a pool of fewer than ten "
                                      "voters not counted) under which first comes first (ties "
                                      "count); None when no weighting is left to count.")
    shares: dict[str, float] = Field(description="The same share for every alternative.")
    share_leader: str = Field(description="The alternative first under most weightings.")
    n_weightings: int
    flip: Flip | None
    methods: VerdictMethods
    explain: Literal["tie", "other_first_more_often"] | None = Field(
        description="Why place and share point to different alternatives: 'tie' (first place "
        "shared), 'other_first_more_often' (share_leader is first under more weightings).")


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
    s_star: float | None = Field(description="None under ten voters (a spread of few values "
                                 "is theirs).")


class ByRole(_Out):
    """The second grouping: stakeholder roles across all municipalities (votes with a role)."""

    groups: dict[str, RoleGroup]
    without: int = Field(description="Votes without a role (not in any role group).")
    between_share: dict[str, float]
    disputed: list[Disputed]


class ReferenceRow(_Out):
    score: float = Field(description="The do-nothing reference's score under these weights "
                         "(the decision's model).")
    better: list[str] = Field(description="Alternatives strictly better than doing nothing.")
    not_better: list[str]


class Reference(_Out):
    """The do-nothing reference ("Nuläge / gör ingenting", docs/phasing.md)."""

    levels: dict[str, float] = Field(description="Level per criterion (worst among the "
                                     "alternatives unless entered).")
    entered: list[str] = Field(description="Criteria whose level was entered.")
    model: ModelName
    region: ReferenceRow
    groups: dict[str, ReferenceRow] = Field(description="Published groups only (a group "
                                            "under k is inside the pooled group).")


class GroupRegret(_Out):
    """One published group's view of a plan (``phasing.conflict``, scenarios' ``regrets``)."""

    group: str
    value: float = Field(description="The plan's value under the group's own weights.")
    best: float = Field(description="The group's own best plan's value, same budgets and "
                        "rules (exact).")
    regret_pct: float = Field(description="(best − value) / best · 100; 0 when best ≤ 0.")
    gain: float | None = Field(description="Value over doing nothing: Σ (value − reference).")
    beats_nothing: bool | None


class ConflictPoint(_Out):
    level: int
    bound: float | None
    value: float
    conflict: float
    max_regret_pct: float
    over_threshold: int
    assignment: dict[str, int | None]
    regrets: list[GroupRegret]


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
    reference: Reference | Empty | None = Field(
        None, description="With phases or an input reference: which alternatives beat doing "
        "nothing, per published group.")
    meta: Meta
    summary: list[SummaryItem]
