"""The value source of the phasing plan: ONE function, :func:`plan_values`, gives the value
of every investment (the regional WSM scores of the chosen round's analysis, and each
municipality's own WSM scores for the comparison), read from the one analysis cache; per-phase
rounds give an n × P matrix, one column per phase's own weights."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from mcda.core import disclosure, phasing
from mcda.core.analysis import analyze
from mcda.core.constants import DEFAULT_TOP_K
from mcda.core.errors import MCDAInputError
from mcda.store import analysis_cache, analysis_input
from mcda.store import items as store_items
from mcda.store import phases as store_phases
from mcda.web.kit.db import get_db
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import pick_round
from mcda.web.present.labels import phase_label

STABILITY_SAMPLES = 200
VALUE_METHOD = "wsm"


# --- the value source -------------------------------------------------------------------------


def plan_values(decision_id: int, round_id: int | None, alt_ids: list[int]) -> dict[str, Any]:
    """Values per investment for the plan, with a label naming their source and method.

    Regional WSM scores of the round's analysis (house default options) when the round has
    votes and a complete score matrix; otherwise every investment is worth 1 (the plan then
    maximises the number of investments) and the label says so. Municipalities with fewer
    voters than the round's anonymity threshold have no own values: the analysis pooled them
    into "Övriga kommuner" (core.disclosure).
    """
    rnd = pick_round(decision_id, round_id)
    out: dict[str, Any] = {
        "round": rnd,
        "regional": [1.0] * len(alt_ids),
        "groups": {},
        "label": _(
            "Värde: alla investeringar väger lika (1) – det finns ingen omgång med röster och "
            "fullständiga bedömningar. Planen maximerar då antalet investeringar."
        ),
        "samples": None,
        "error": None,
    }
    if rnd is None:
        return out
    if rnd.get("phase_weights"):
        return _per_phase_values(rnd, alt_ids, out)
    db = get_db()
    opts = analysis_input.parse_options(None)
    try:
        ra = analysis_cache.get_analysis(db, rnd["id"], opts)
    except MCDAInputError as exc:
        out["error"] = error_text(exc)
        return out
    scores = value_scores(ra.model)
    if scores is None:
        return out
    keys = [str(a) for a in alt_ids]
    out["regional"] = [float(scores[k]) for k in keys]
    # groups under k are already pooled into "Övriga kommuner" (core.disclosure)
    out["groups"].update(group_values(ra.model, keys))
    name = model_name(ra.model, str(get_locale() or "sv"))
    out["label"] = _(
        "Värde: enligt beslutsfrågans beslutsmodell, %(m)s, med regionens vikter från "
        "omgång %(n)s (inom kommun: medelvärde; mellan kommuner: lika vikt, en kommun – en "
        "röst), skalat 0–1 mellan sämsta och bästa alternativet. Kommunernas egna planer "
        "använder kommunens egna vikter.", m=name, n=rnd["number"]) if name else _(
        "Värde: WSM-poäng (viktad summa, summanormalisering) med regionens vikter från "
        "omgång %(n)s (inom kommun: medelvärde; mellan kommuner: lika vikt, en kommun – en "
        "röst). Kommunernas egna planer använder kommunens egna vikter.",
        n=rnd["number"],
    )
    out["input"] = ra.input
    out["output"] = ra.output  # for core.phasing's value samples (plan stability)
    out["phasing"] = ra.output.get("phasing")  # the plan itself: the page reads, never solves
    return out


def value_scores(model: Any) -> dict[str, float] | None:
    """The regional values in a (typed) analysis output, or None: the decision's model (the
    verdict's order, scaled 0–1 as the analysis' plan values are), else the WSM scores."""
    if model is None:
        return None
    v = getattr(model, "verdict", None)
    if v is not None and hasattr(v, "order") and v.order:
        ids = [o.id for o in v.order]
        scaled = phasing.values_from_scores([o.score for o in v.order], v.higher_is_better)
        return dict(zip(ids, (float(x) for x in scaled), strict=True))
    ranking = model.rankings.get(VALUE_METHOD)
    return ranking.scores if ranking is not None else None


def model_name(model: Any, lang: str) -> str | None:
    """The decision model's plain name in ``lang`` (None before the analysis has one)."""
    v = getattr(model, "verdict", None) if model is not None else None
    m = getattr(v, "model", None)
    if m is None:
        return None
    return str(m.name_en if lang == "en" else m.name_sv)


def group_values(model: Any, keys: list[str]) -> dict[str, list[float]]:
    """Each published group's own value-method scores, in ``keys`` order."""
    out = {}
    for g, entry in model.by_group_rankings.items():
        ranking = entry.rankings.get(VALUE_METHOD)
        if ranking is not None and ranking.scores:
            out[g] = [float(ranking.scores[k]) for k in keys]
    return out


# --- per-phase weights ---------------------------------------------------------------------------

TOP_PER_PHASE = DEFAULT_TOP_K


def _phase_analysis(db: Any, round_id: int, phase_id: int) -> dict[str, Any] | None:
    """The analysis of ONE phase's votes (house default options, SMAA off: only the
    rankings are needed) from the same cache as the results page, projector and exports
    (``analysis_cache.get_analysis``); None when nobody has weighted the phase."""
    ra = analysis_cache.get_analysis(db, round_id, {"smaa": False}, phase_id=phase_id)
    return {"input": ra.input, "output": ra.output, "model": ra.model} if ra.input["votes"] \
        else None


def _per_phase_values(
    rnd: dict[str, Any], alt_ids: list[int], out: dict[str, Any]
) -> dict[str, Any]:
    """Per-phase round: values as an n × P matrix, column p = WSM scores under phase p's
    regional weights; municipalities' own matrices the same way (hidden below k in any
    phase). A phase without votes borrows the mean of the phases that have them (said in
    the label); with no votes at all every value is 1 as for a round without votes."""
    db = get_db()
    phases = store_phases.list_phases(db, rnd["decision_id"])
    keys = [str(a) for a in alt_ids]
    names = {a["id"]: a["name"] for a in store_items.list_alternatives(db, rnd["decision_id"])}
    cols: list[list[float] | None] = []
    group_cols: list[dict[str, list[float]] | None] = []
    ranking = []
    analyses: list[dict[str, Any] | None] = []
    for ph in phases:
        try:
            ra = _phase_analysis(db, rnd["id"], ph["id"])
        except MCDAInputError as exc:
            out["error"] = error_text(exc)
            return out
        model = ra["model"] if ra else None
        scores = value_scores(model)
        analyses.append(ra if scores else None)
        label = phase_label(ph)
        n_voters = len(model.votes) if model is not None else 0
        if not scores:
            cols.append(None)
            group_cols.append(None)
            ranking.append({"label": label, "n_voters": n_voters, "top": None})
            continue
        cols.append([float(scores[k]) for k in keys])
        group_cols.append(group_values(model, keys))  # groups under k: pooled already
        order = sorted(scores, key=lambda a: -float(scores[a]))
        ranking.append({
            "label": label,
            "n_voters": n_voters,
            "top": [
                {"rank": r, "name": names.get(int(a), a), "score": float(scores[a])}
                for r, a in enumerate(order[:TOP_PER_PHASE], start=1)
            ],
        })
    out["per_phase"] = ranking
    have = [c for c in cols if c is not None]
    if not have:
        return out
    filler = [sum(col[i] for col in have) / len(have) for i in range(len(keys))]
    missing = [ph["name"] for ph, c in zip(phases, cols, strict=True) if c is None]
    out["regional"] = [
        [(c if c is not None else filler)[i] for c in cols] for i in range(len(keys))
    ]
    present = [gc for gc in group_cols if gc is not None]
    common = set.intersection(*(set(gc) for gc in present)) if present else set()
    for g in sorted(common):
        gcols = [gc[g] if gc is not None else None for gc in group_cols]
        gfill = [sum(c[i] for c in gcols if c) / len(present) for i in range(len(keys))]
        out["groups"][g] = [
            [(c if c is not None else gfill)[i] for c in gcols] for i in range(len(keys))
        ]
    out["label"] = _(
        "Värde: enligt beslutsfrågans beslutsmodell med varje etapps egna vikter "
        "från omgång %(n)s: en investering är värd olika mycket beroende på i vilken etapp "
        "den hamnar (inom kommun: medelvärde; mellan kommuner: lika vikt, en kommun – en "
        "röst). Kommunernas egna planer använder kommunens egna vikter per etapp (WSM).",
        n=rnd["number"],
    )
    if missing:
        out["label"] += " " + _(
            "Ingen har viktat %(phases)s; där används medelvärdet av de andra etapperna.",
            phases=", ".join(missing),
        )
    out["per_phase_round"] = True
    out["phase_analyses"] = analyses
    return out


def sample_source(output: dict[str, Any] | None) -> dict[str, Any] | None:
    """The published output the value samples draw from: the published voters' own
    weightings, and the pool ("Övriga kommuner") only as its combined weights, one row for
    all its voters. Samples never reuse a pooled voter's own vector (issue 24, A1), and the
    pool keeps its share of the samples (one municipality, one voice)."""
    if not output:
        return output
    votes = [v for v in output.get("votes") or [] if v.get("group") != disclosure.POOL]
    pool = (output.get("groups") or {}).get(disclosure.POOL)
    if pool:
        votes.append({"group": disclosure.POOL, "weights": dict(pool["weights"])})
    return {**output, "votes": votes}


def value_samples(values: dict[str, Any], alt_ids: list[int], n: int) -> Any:
    """SMAA-sampled WSM values (published participants resampled per municipality, the pool
    at its combined weights: :func:`sample_source`) for the stability.

    Per-phase rounds: S × n × P, each phase sampled from its own votes (seed per phase); a
    phase without votes takes the mean of the sampled phases, as the plan values do.
    """
    ids = [str(a) for a in alt_ids]
    if values.get("per_phase_round"):
        return phasing.stack_phase_samples([
            phasing.analysis_value_samples(ra["input"], sample_source(ra["output"]), ids, n,
                                           int(values["round"]["id"]) * 97 + k)
            if ra else None
            for k, ra in enumerate(values.get("phase_analyses") or [])
        ])
    return phasing.analysis_value_samples(
        values.get("input"), sample_source(values.get("output")), ids, n,
        int(values["round"]["id"]) if values.get("round") else 0,
    )


# --- the value–conflict frontier (issue 27) ---------------------------------------------------


def conflict_frontier(decision_id: int, round_id: int | None,
                      conflict: dict[str, Any]) -> dict[str, Any] | None:
    """The analysis' ``phasing.conflict`` with the frontier computed under ``conflict``
    (``options.phasing.conflict``), from the round's cached input (already pooled under k).

    The round's own analysis stays cached without the frontier (it costs seconds); this
    re-runs the analysis with SMAA and the sensitivity analysis off, which the frontier does
    not need. None: no round with votes and scores, or no phasing part (per-phase rounds
    plan on the page and have none)."""
    rnd = pick_round(decision_id, round_id)
    if rnd is None or rnd.get("phase_weights"):
        return None
    ra = analysis_cache.get_analysis(get_db(), rnd["id"], analysis_input.parse_options(None))
    data = copy.deepcopy(ra.input)
    ph = (data.get("options") or {}).get("phasing")
    if not data.get("phases") or not data.get("scores") or not ph:
        return None
    data["options"]["smaa"] = None
    data["options"]["sensitivity"] = None
    ph["paths"] = False
    ph["conflict"] = dict(conflict, frontier=True)
    out = analyze(data)
    return (out.get("phasing") or {}).get("conflict")
