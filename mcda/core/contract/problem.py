"""The analysis contract's semantic rules and normalised form.

A valid :class:`~mcda.core.contract.inputs.AnalysisInput` can still be wrong across fields (a vote
for an unknown group, a matrix per criterion missing, a prerequisite in a later phase, a
scenario naming an unknown alternative). :func:`build_problem` checks those, each written once
with a Swedish and English message naming the field path, and returns the :class:`Problem`
that ``analyze`` computes on (ids in input order, defaults filled in).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..constants import MODEL_METHOD
from ..errors import MCDAInputError, json_literal
from .inputs import (
    Alternative,
    AnalysisInput,
    Options,
    PhasingOptions,
    Population,
    Scenario,
    Vote,
)

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
    reference: list[float | None] | None = None
    """The do-nothing levels per criterion (None: the worst level), or None: not asked
    for (phases imply the worst levels)."""


def _e(fld: str, value: Any, sv: str, en: str) -> MCDAInputError:
    if isinstance(value, float) and not math.isfinite(value):
        value = json_literal(value)
    return MCDAInputError(fld, value, sv, en)


def _unique(fld: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            first = f"{fld}[{seen[ident]}].id"
            sv = en = ""
            if ident.lstrip("-").isdigit():
                sv = (f"; ett id som är ett tal läses som text, så {ident} och \"{ident}\" är "
                      "samma id")
                en = (f"; an id given as a number is read as text, so {ident} and \"{ident}\" "
                      "are the same id")
            raise _e(f"{fld}[{i}].id", ident,
                     f"id {ident!r} förekommer två gånger i {fld} (även {first}{sv}).",
                     f"id {ident!r} occurs twice in {fld} (also {first}{en}).")
        seen[ident] = i


def build_problem(d: AnalysisInput) -> Problem:
    """Check the cross-field rules of a valid input model and return it normalised."""
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
    scenarios = _scenarios(d.scenarios, phases, alts, crits, order, matrix is not None, roles,
                           alt_names, investments)
    reference = None
    if d.reference is not None:
        for cid in d.reference:
            if cid not in crit_set:
                raise _e(f"reference.{cid}", cid,
                         f"reference nämner kriteriet {cid}, som inte finns.",
                         f"reference names criterion {cid}, which does not exist.")
        reference = [d.reference.get(c) for c in crits]
    return Problem(crits, crit_names, types_, alts, alt_names, matrix, order, populations,
                   votes, options, explicit, phases, investments, munis, scenarios, reference)


def _scenarios(items: list[Scenario] | None, phases: list[dict[str, Any]] | None,
               alts: list[str], crits: list[str], groups: list[str],
               has_scores: bool, roles: list[str],
               alt_names: list[str] | None = None,
               investments: list[dict[str, Any]] | None = None) -> list[dict[str, Any]] | None:
    """Scenario references: phases and scores exist; each scenario through the one scenario
    checker (:func:`mcda.core.phasing.spec.check_scenario`, the same the store uses)."""
    from ..constants import MODELS
    from ..phasing.spec import SpecContext, check_scenario, plannable

    if items is None:
        return None
    if items and (not phases or not has_scores):
        raise _e("scenarios", len(items), "Scenarier kräver etapper (phases) och bedömningar "
                 "(scores).", "Scenarios need phases and scores.")
    _unique("scenarios", [sc.id for sc in items])
    inv = investments or []
    never = plannable([x["cost"] for x in inv], [x["requires"] for x in inv])
    ctx = SpecContext(
        n_phases=len(phases or []),
        alternatives=dict(zip(alts, alt_names or alts, strict=True)),
        criteria={c: c for c in crits},
        methods=("model", *MODELS),
        unplannable={alts[i]: why for i, why in never.items()},
        groups=groups,
        roles=roles,
    )
    out = []
    for k, sc in enumerate(items):
        check_scenario(sc.model_dump(), ctx, where=f"scenarios[{k}].")
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
            matrix = _vote_matrix(v.matrix, i, n)
        else:
            values = _vote_values(v.values or {}, i, crits, crit_set)
        votes.append(ProblemVote(v.participant, grp, v.method, values, matrix, v.role))
    used = {v.group for v in votes}
    for g in order:
        if g not in used:
            raise _e(f"groups.{g}", g, f"Gruppen {g} har inga röster; ta bort den eller vänta "
                     "på röster.", f"Group {g} has no votes; remove it or wait for votes.")
    return votes, order


def _vote_matrix(rows: list[list[float | None]], i: int, n: int) -> np.ndarray:
    """A pairwise vote's matrix, n × n, with NaN for an unanswered (null) cell."""
    f = f"votes[{i}]"
    if len(rows) != n:
        raise _e(f"{f}.matrix", len(rows),
                 f"Matrisen i röst nr {i + 1} måste ha {n} rader (en per kriterium).",
                 f"The matrix of vote {i + 1} must have {n} rows (one per criterion).")
    for r, row in enumerate(rows):
        if len(row) != n:
            raise _e(f"{f}.matrix[{r}]", len(row),
                     f"Rad {r + 1} i matrisen i röst nr {i + 1} måste ha {n} värden.",
                     f"Row {r + 1} of the matrix of vote {i + 1} must have {n} values.")
    return np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float)


def _vote_values(vals: Mapping[str, float], i: int, crits: list[str],
                 crit_set: set[str]) -> np.ndarray:
    """A vote's values in criterion order: one for every criterion, none for another."""
    f = f"votes[{i}]"
    for c in vals:
        if c not in crit_set:
            raise _e(f"{f}.values.{c}", c,
                     f"Röst nr {i + 1} har ett värde för kriteriet {c}, som inte finns.",
                     f"Vote {i + 1} has a value for criterion {c}, which does not exist.")
    for c in crits:
        if c not in vals:
            raise _e(f"{f}.values.{c}", None, f"Röst nr {i + 1} saknar värde för kriteriet {c}.",
                     f"Vote {i + 1} has no value for criterion {c}.")
    return np.array([vals[c] for c in crits], dtype=float)


def _options(o: Options, groups: list[str], populations: dict[str, float | None],
             n_crit: int) -> tuple[dict[str, Any], set[str]]:
    """The options as ``meta.options`` shows them, and the keys the input set itself."""
    if len(set(o.methods)) != len(o.methods):
        raise _e("options.methods", o.methods, "options.methods innehåller en metod två gånger.",
                 "options.methods lists a method twice.")
    if o.smaa is not None and "method" in o.smaa.model_fields_set and (
            o.smaa.method not in (*o.methods, *MODEL_METHOD, "model")) and (
            o.skip_unsuitable is not True):
        # (skip_unsuitable: the web app's own defaults, which may run SMAA with WSM beside
        # the methods a facilitator picked)
        listed = ", ".join(o.methods)
        raise _e("options.smaa.method", o.smaa.method,
                 f"options.smaa.method {o.smaa.method} finns inte bland options.methods "
                 f"({listed}); lägg till den där eller välj en av dem.",
                 f"options.smaa.method {o.smaa.method} is not among options.methods "
                 f"({listed}); add it there or choose one of them.")
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
        "model": o.model,
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
    fallbacks = {"methods", "smaa", "sensitivity", "phasing.value_method", "model"}
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
    from ..rules import check_prerequisites

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
            "paths": o.paths, "discount": o.discount, "top_k": o.top_k,
            "conflict": o.conflict.model_dump()}
