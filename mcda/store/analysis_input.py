"""Build the analysis input object (docs/analysis-format.md) for one round from the database.

The results views, the projector, the exports and the secretariat all read a round through
:func:`build_input`, so the JSON export and the page show numbers from the very same input.
Participants appear only as sequence numbers (1, 2, …) in the order they joined: the cookie
token (and its hash) never leaves the database.

The anonymity rule is applied here, once, for every reader: municipalities with fewer than
the round's k voters (and, by secondary suppression, the smallest others) are merged into one
group "Övriga kommuner" before the analysis (see :mod:`mcda.core.disclosure`).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from ..core import disclosure
from ..core.constants import BETWEEN_RULES, METHODS, POINTS_TOTAL, WITHIN_RULES
from ..core.errors import MCDAInputError
from . import decisions, items, municipalities, reference, rounds
from . import votes as votes_store

DEFAULT_METHODS = tuple(m for m in METHODS if m != "wpm")
"""The web app's default methods: every method but WPM (which refuses zero scores)."""
SMAA_SAMPLES = 2000
"""SMAA samples of a round's analysis in the web app (the CLI default is the contract's)."""

DEFAULT_OPTIONS: dict[str, Any] = {
    "within_group": "mean",
    "between_groups": "equal",
    "methods": list(DEFAULT_METHODS),
    "smaa": True,
}


def _err(field: str, value: object, sv: str, en: str) -> MCDAInputError:
    return MCDAInputError(field, value, sv, en)


def _rule(
    raw: Mapping[str, Any], keys: tuple[str, str], rules: Sequence[str], sv_what: str,
    en_what: str,
) -> Any:
    """The aggregation rule given under ``keys`` (short name first); None when absent."""
    short, long = keys
    value = raw.get(short, raw.get(long))
    if value in (None, ""):
        return None
    if value not in rules:
        raise _err(
            short,
            value,
            f"{sv_what} måste vara en av {', '.join(rules)} (fick {value!r}).",
            f"The {en_what} rule must be one of {', '.join(rules)}.",
        )
    return value


def parse_options(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate web/JSON options into the canonical short form used for caching and labels.

    Accepts ``within``/``within_group``, ``between``/``between_groups``, ``methods`` (list or
    comma-separated string) and ``smaa`` (bool or "on"/"off"/"1"/"0"). Raises
    :class:`MCDAInputError` with a Swedish message naming the field on anything else.
    """
    raw = dict(raw or {})
    out = dict(DEFAULT_OPTIONS)
    out["methods"] = list(DEFAULT_METHODS)
    within = _rule(
        raw, ("within", "within_group"), WITHIN_RULES, "Regeln inom kommun", "within-municipality"
    )
    if within is not None:
        out["within_group"] = within
    between = _rule(
        raw, ("between", "between_groups"), BETWEEN_RULES, "Regeln mellan kommuner",
        "between-municipality",
    )
    if between is not None:
        out["between_groups"] = between
    methods = raw.get("methods")
    if methods is not None:
        if isinstance(methods, str):
            methods = [m for m in methods.split(",") if m]
        methods = [str(m) for m in methods]
        unknown = [m for m in methods if m not in METHODS]
        if unknown:
            raise _err(
                "methods",
                unknown[0],
                f"Okänd rangordningsmetod {unknown[0]!r}. Välj bland {', '.join(METHODS)}.",
                f"Unknown ranking method {unknown[0]!r}.",
            )
        if not methods:
            raise _err(
                "methods",
                methods,
                "Välj minst en rangordningsmetod.",
                "Choose at least one ranking method.",
            )
        out["methods"] = [m for m in METHODS if m in methods]
    smaa = raw.get("smaa")
    if smaa is not None:
        if isinstance(smaa, bool):
            out["smaa"] = smaa
        elif str(smaa).lower() in ("on", "1", "true", "ja"):
            out["smaa"] = True
        elif str(smaa).lower() in ("off", "0", "false", "nej", ""):
            out["smaa"] = False
        else:
            raise _err(
                "smaa",
                smaa,
                f"SMAA måste vara på eller av (fick {smaa!r}).",
                "SMAA must be on or off.",
            )
    return out


def options_key(options: Mapping[str, Any]) -> str:
    """Canonical JSON of parsed options (cache key, ETag part)."""
    return json.dumps(options, sort_keys=True, separators=(",", ":"))


@contextlib.contextmanager
def _read_snapshot(db: Database) -> Iterator[None]:
    """One consistent WAL read snapshot across several SELECTs (deferred, read-only)."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def get_round(db: Database, round_id: int) -> dict[str, Any] | None:
    """The round with its decision's title/owner/demo flag (see ``store.rounds.get_round``)."""
    return rounds.get_round(db, round_id)


def fingerprint(db: Database, round_id: int) -> str:
    """Cheap change marker (one indexed query): cache key and the projector's ETag."""
    return votes_store.round_fingerprint(db, round_id)


def latest_votes(
    db: Database, round_id: int, phase_id: int | None = None
) -> list[dict[str, Any]]:
    """Counting votes, each with ``seq``: the participant's sequence number (1, 2, …).

    Sequence numbers count the round's voters in join order (participant id), so they are
    stable while a round runs and never expose the token. ``phase_id``: that phase's votes
    in a round with per-phase weights (None: the round's normal votes).
    """
    out = sorted(
        votes_store.latest_votes(db, round_id, phase_id), key=lambda v: v["participant_id"]
    )
    for i, v in enumerate(out, start=1):
        v["seq"] = i
    return out


def _decision_parts(db: Database, decision_id: int) -> tuple[list, list, dict]:
    return (
        items.list_criteria(db, decision_id),
        items.list_alternatives(db, decision_id),
        items.get_scores(db, decision_id),
    )


def _vote_entry(vote: dict[str, Any], crit_ids: list[str]) -> dict[str, Any]:
    """Translate a stored payload into the analysis format's vote (criteria order respected).

    A payload that no longer matches the decision's criteria (a criterion added after the vote)
    falls back to the stored weights as a direct rating, with 0 for the missing criterion.
    """
    method = vote["method"]
    payload = vote["payload"] or {}
    entry: dict[str, Any] = {
        "participant": vote["seq"],
        "group": vote["municipality"],
        "method": method,
    }
    if vote.get("role"):
        entry["role"] = vote["role"]
    wanted = set(crit_ids)
    if method == "pairwise":
        order = [str(c) for c in payload.get("criteria", [])]
        matrix = payload.get("matrix")
        if set(order) == wanted and matrix and len(order) == len(crit_ids):
            pos = [order.index(c) for c in crit_ids]
            entry["matrix"] = [[matrix[i][j] for j in pos] for i in pos]
            return entry
    else:
        key = "ranks" if method == "ranking" else "values"
        values = {str(k): v for k, v in (payload.get(key) or {}).items()}
        if set(values) == wanted:
            total = sum(float(v) for v in values.values())
            if method == "points" and not math.isclose(total, POINTS_TOTAL, abs_tol=1e-9):
                entry["method"] = "direct"  # normalised points are a direct rating
            entry["values"] = {c: values[c] for c in crit_ids}
            return entry
    weights = {str(k): float(v) for k, v in (vote["weights"] or {}).items()}
    entry["method"] = "direct"
    entry["values"] = {c: weights.get(c, 0.0) for c in crit_ids}
    if sum(entry["values"].values()) <= 0:
        entry["values"] = {c: 1.0 for c in crit_ids}
    return entry


def build_input(
    db: Database,
    round_id: int,
    options: Mapping[str, Any] | None = None,
    phase_id: int | None = None,
    *,
    with_scenarios: bool = False,
) -> dict[str, Any]:
    """The analysis input object for ``round_id`` (raises LookupError for an unknown round).

    ``with_scenarios``: add the decision's scenarios (``store.scenarios``) as the input's
    ``scenarios`` section (the planning scenario pages and their JSON download); off by
    default, since each scenario is one or more exact solves.

    ``phase_id``: the votes for that phase of a round with per-phase weights (the planning
    page analyses each phase with its own weights); None gives the round's normal votes.

    ``options`` are the web options (see :func:`parse_options`); invalid ones raise
    :class:`MCDAInputError` with a Swedish message. Scores are included only when the score
    matrix is complete, since rankings need every cell.
    """
    opts = parse_options(options)
    with _read_snapshot(db):
        rnd = get_round(db, round_id)
        if rnd is None:
            raise LookupError(round_id)
        crits, alts, scores = _decision_parts(db, rnd["decision_id"])
        votes = latest_votes(db, round_id, phase_id)
        munis = {m["name"]: m for m in municipalities.list_municipalities(db)}
        plan_in = _planning_input(db, rnd["decision_id"])
        model = decisions.decision_model(db, rnd["decision_id"])["id"]
        computed = _computed_criteria(db, rnd["decision_id"])
        ref_levels = reference.get_levels(db, rnd["decision_id"])
    crit_ids = [str(c["id"]) for c in crits]
    data: dict[str, Any] = {
        "criteria": [
            {"id": str(c["id"]), "name": c["name"], "direction": c["direction"]} for c in crits
        ],
        "votes": [_vote_entry(v, crit_ids) for v in votes],
    }
    if alts:
        data["alternatives"] = [{"id": str(a["id"]), "name": a["name"]} for a in alts]
        complete = all((a["id"], c["id"]) in scores for a in alts for c in crits)
        if complete and crits:
            data["scores"] = {
                str(a["id"]): {str(c["id"]): scores[(a["id"], c["id"])] for c in crits}
                for a in alts
            }
    group_names = sorted({v["municipality"] for v in votes})
    groups: dict[str, dict[str, Any]] = {}
    for name in group_names:
        pop = munis.get(name, {}).get("population")
        groups[name] = {"population": pop} if pop is not None else {}
    data["groups"] = groups
    # The anonymity rule (core.disclosure): municipalities under k are merged into one pool
    # BEFORE anything is computed, so no published figure can tell them apart.
    # A delegates round (issue 24) pools nothing: each municipality is published by name.
    data = disclosure.pool_input(data, disclosure.plan_for_votes(
        data["votes"], rnd["anonymity_k"], kind=disclosure.clean_kind(rnd.get("kind"))))
    # The second grouping, roles, under the same rule (after the municipality pool), and only
    # when every municipality × role cell has 0 or at least k voters (intersection rule).
    data["votes"] = disclosure.pool_roles(
        data["votes"], disclosure.role_plan(data["votes"], rnd["anonymity_k"]))
    if not disclosure.roles_publishable(data["votes"], rnd["anonymity_k"]):
        for v in data["votes"]:
            v.pop("role", None)
    for i, v in enumerate(data["votes"], start=1):
        v["participant"] = i  # published voters first; the pool's never show their join order
    _check_rules(opts, data)
    data["options"] = _core_options(opts, round_id, has_scores="scores" in data)
    data["options"]["model"] = model  # the decision's model ranks and values everything
    if ref_levels and "scores" in data:  # the do-nothing reference (issue 27)
        data["reference"] = {str(c): v for c, v in ref_levels.items()}
    if phase_id is None:  # one phase's votes alone do not make the round's phasing plan
        _add_phasing(data, alts, plan_in, closed=rnd.get("state") == "closed")
        if with_scenarios:
            _add_scenarios(db, data, rnd, votes)
    if computed:  # how the computed scores were made (issue 28), kept with the analysis
        data.setdefault("meta", {})["computed_criteria"] = computed
    return data


def _computed_criteria(db: Database, decision_id: int) -> dict[str, Any]:
    """``{criterion id: {kind, method, bands, layer, computed_at, alternatives…}}`` of the
    criteria whose scores Vägval computed (store.reach)."""
    from . import reach as reach_store

    return {str(cid): {"kind": c["kind"], **c["provenance"]}
            for cid, c in reach_store.computed(db, decision_id).items()}


def _add_scenarios(db: Database, data: dict[str, Any], rnd: dict[str, Any],
                   votes: list[dict[str, Any]]) -> None:
    """Add the decision's scenarios; one that needs the weights of a municipality with
    fewer than k voters (or hidden to protect one) is left out with the reason in
    ``meta.scenarios_skipped``, as the results hide such a municipality's figures."""
    from . import scenarios as scenarios_store

    if "phases" not in data or "scores" not in data:
        return
    counts: dict[str, int] = {}
    for v in votes:
        counts[v["municipality"]] = counts.get(v["municipality"], 0) + 1
    hidden_a, hidden_b = suppressed_groups(counts, int(rnd["anonymity_k"]),
                                           disclosure.clean_kind(rnd.get("kind")))
    hidden = hidden_a | hidden_b
    keep, skipped = [], []
    for sc in scenarios_store.analysis_scenarios(db, rnd["decision_id"]):
        w = sc["weights"]
        need = [w["group"]] if w["source"] == "group" else (
            list(w["groups"] or []) if w["source"] == "coalition" else [])
        missing = [g for g in need if g not in counts]
        if w["source"] == "role":
            if not any(v.get("role") == w["role"] for v in data["votes"]):
                # The role's weights are not published (none voted with it, or under k).
                raw = any(v.get("role") == w["role"] for v in votes)
                skipped.append({"id": sc["id"], "name": sc["name"],
                                "reason": "role_below_k" if raw else "no_roles"})
            else:
                keep.append(sc)
        elif missing:
            skipped.append({"id": sc["id"], "name": sc["name"], "reason": "no_votes",
                            "groups": missing})
        elif any(g in hidden for g in need):
            skipped.append({"id": sc["id"], "name": sc["name"], "reason": "below_k"})
        else:
            keep.append(sc)
    if keep:
        data["scenarios"] = keep
    if skipped:
        data.setdefault("meta", {})["scenarios_skipped"] = skipped


# --- growth phases ---------------------------------------------------------------------------


def _planning_input(db: Database, decision_id: int) -> dict[str, Any] | None:
    """The decision's phases and planning rules (``store.phases``), or None without phases."""
    from . import phases as phases_store

    try:
        pi = phases_store.planning_input(db, decision_id)
    except Exception as exc:  # pragma: no cover - table missing in a half-migrated database
        if "no such table" in str(exc):
            return None
        raise
    return pi if pi["phases"] else None


def _add_phasing(
    data: dict[str, Any], alts: list[dict[str, Any]], pi: dict[str, Any] | None,
    *, closed: bool = True,
) -> None:
    """Add ``phases``, ``municipalities``, the alternatives' phasing fields and
    ``options.phasing`` (the decision's planning rules) when the decision has phases.

    A phasing part the analysis would reject (e.g. a prerequisite whose earliest phase was
    changed afterwards) is left out, with the reason in ``meta.phasing_error``, so the
    rankings of the round stay available.
    """
    if pi is None or "alternatives" not in data:
        return
    from ..core.contract import validate_phasing

    requires: dict[int, list[str]] = {}
    for p in pi["prerequisite_names"]:
        requires.setdefault(p["alternative_id"], []).append(str(p["requires_id"]))
    entries = []
    for a in alts:
        e = {"id": str(a["id"]), "name": a["name"]}
        if a.get("cost") is not None:
            e["cost"] = float(a["cost"])
        e["host"] = a.get("municipality")
        if a.get("earliest_phase") is not None:
            e["earliest_phase"] = int(a["earliest_phase"])
        if requires.get(a["id"]):
            e["requires"] = requires[a["id"]]
        entries.append(e)
    settings = pi["settings"]
    n1 = settings.get("min_one_by_phase")
    extra = {
        "alternatives": entries,
        "phases": [
            {"id": str(p["id"]), "name": p["name"], "period": p["period"] or "",
             "budget": float(p["budget"])}
            for p in pi["phases"]
        ],
        "municipalities": {
            m: ({"population": pop} if pop else {}) for m, pop in pi["populations"].items()
        },
        "options": {"phasing": {
            "value_method": "model",
            "rules": {
                "min_one_by_phase": n1 if n1 and n1 <= len(pi["phases"]) else None,
                "max_share": settings.get("max_share"),
            },
            # Plans under the groups' own weights only for the (≤ 3) municipalities the
            # facilitator compares on the planning page, and only once the round is closed:
            # every own plan is one more exact solve (up to ~0.6 s for 40 investments), and
            # an open round's analysis reruns on every new vote.
            "paths": [g for g in settings.get("compare_groups") or [] if g in data["groups"]]
            if closed else [],
            "discount": float(settings.get("discount") or 0.0),
            # Who gains, who loses (issue 27): one exact solve per group, so, like paths,
            # only once the round is closed (the planning page's frontier asks for it).
            "conflict": {"table": closed},
        }},
    }
    try:
        validate_phasing(extra)
    except MCDAInputError as exc:
        data.setdefault("meta", {})["phasing_error"] = exc.to_dict()
        return
    data["alternatives"] = entries
    data["phases"] = extra["phases"]
    data["municipalities"] = extra["municipalities"]
    data["options"]["phasing"] = extra["options"]["phasing"]


def _check_rules(opts: dict[str, Any], data: dict[str, Any]) -> None:
    if opts["within_group"] == "aij":
        for v in data["votes"]:
            if v["method"] != "pairwise":
                raise _err(
                    "within",
                    "aij",
                    "Regeln AIJ kräver att alla deltagare har viktat med parvisa jämförelser "
                    f"(deltagare {v['participant']} i {v['group']} använde {v['method']}). "
                    "Välj medelvärde, geometriskt medelvärde eller median.",
                    "AIJ needs every vote to be pairwise.",
                )
    if opts["between_groups"] == "population":
        missing = [g for g, info in data["groups"].items() if info.get("population") is None]
        if missing:
            raise _err(
                "between",
                "population",
                f"Befolkningstal saknas för {', '.join(missing)}. Välj en annan regel mellan "
                "kommuner eller lägg in befolkningstalen.",
                f"Population missing for {', '.join(missing)}.",
            )


def _core_options(opts: dict[str, Any], round_id: int, *, has_scores: bool) -> dict[str, Any]:
    core: dict[str, Any] = {
        "within_group": opts["within_group"],
        "between_groups": opts["between_groups"],
        "methods": list(opts["methods"]),
        # A method that cannot take these scores (e.g. a zero under sum normalisation) is
        # skipped and reported in meta.skipped_methods instead of failing the whole page.
        "skip_unsuitable": True,
    }
    if opts["smaa"] and has_scores:
        from ..core.contract import SmaaOptions  # the contract's defaults, only fewer samples

        core["smaa"] = SmaaOptions(samples=SMAA_SAMPLES, seed=int(round_id)).model_dump()
    else:
        core["smaa"] = None
    return core


# --- anonymity -------------------------------------------------------------------------------


def suppressed_groups(counts: Mapping[str, int], k: int,
                      kind: str = disclosure.ANONYMOUS) -> tuple[set[str], set[str]]:
    """Groups whose figures must not be shown: ``(primary, secondary)``; the rule lives in
    :mod:`mcda.core.disclosure` (kept here for the callers that import it from the store)."""
    return disclosure.suppressed_groups(counts, k, kind)
