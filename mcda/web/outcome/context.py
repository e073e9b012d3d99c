"""The outcome pages' only store access: the decision's outcome, its rounds and the verdict
of the round the outcome is set beside.

The verdict is the analysis' one answer (``contract.Verdict`` under the decision's model,
default options), read through the round-scope step like every other page, so "Vad hände
sedan?" names the same first place as the results page, the report and the tablets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session

from mcda.core import disclosure
from mcda.core.contract import Verdict
from mcda.store import analysis_input, transaction
from mcda.store import decisions as store_decisions
from mcda.store import items as store_items
from mcda.store import outcomes as store_outcomes
from mcda.store import records as store_records
from mcda.store import rounds as store_rounds
from mcda.store import users as store_users
from mcda.web.kit import outcome_pass
from mcda.web.kit.access import current_user
from mcda.web.kit.db import get_db
from mcda.web.kit.scope import decision_phases, round_scope
from mcda.web.present import analysis_text
from mcda.web.present.analysis_sections import computed, verdict_plain


@dataclass
class RoundVerdict:
    """A round's verdict: the round, the first place(s) by alternative id, plain values."""

    rnd: dict[str, Any]
    first_ids: list[str]
    plain: dict[str, Any]
    #: whether participants may see it: the tablet's rule for regional figures
    #: (``core.disclosure.participant_may_see_region``: at least 2k others in two municipalities)
    public: bool = False


def _kept_verdict(round_id: int) -> tuple[Any, list[dict], list[dict], dict[str, int]] | None:
    """The verdict of the aggregated record kept when the round's votes were deleted
    (``store.records``): an outcome is often written after the retention purge. With the
    record's voters per published group (the pool counts as one)."""
    rec = store_records.get_record(get_db(), round_id)
    block = ((rec or {}).get("record") or {}).get("output", {}).get("verdict")
    if not block:
        return None
    record = rec["record"]  # type: ignore[index]
    counts = {g: int(v.get("n") or 0) for g, v in (record["output"].get("groups") or {}).items()}
    return Verdict.model_validate(block), record["alternatives"], record["criteria"], counts


def _public(rnd: dict[str, Any], counts: dict[str, int]) -> bool:
    """Participants see the verdict only where they were shown the results: a closed round
    whose results the facilitator showed them, under the tablet's rule for regional figures
    (as if the reader had voted, the stricter). Writing an outcome publishes nothing new."""
    if rnd.get("state") != "closed" or not rnd.get("results_revealed"):
        return False
    p = disclosure.plan(counts, int(rnd["anonymity_k"]), rnd.get("kind") or disclosure.ANONYMOUS)
    return disclosure.participant_may_see_region(p, True)


def verdict_of(rnd: dict[str, Any] | None) -> RoundVerdict | None:
    """The verdict of ``rnd`` under the default options (a round with per-phase weights:
    its first phase), else the one kept when its votes were deleted, or None when the round
    has no verdict (no votes, no scores)."""
    if rnd is None:
        return None
    phases = decision_phases(rnd["decision_id"]) if rnd.get("phase_weights") else []
    scope = round_scope(rnd, analysis_input.parse_options(None), phases[0] if phases else None)
    ra = scope.analysis
    model = ra.model if ra is not None else None
    v = computed(model.verdict) if model is not None else None
    if v is not None:
        found = (v, ra.input["alternatives"], ra.input["criteria"], scope.counts)
    else:
        found = _kept_verdict(rnd["id"])
    if found is None:
        return None
    v, alternatives, criteria, counts = found
    alts = [(a["id"], a.get("name") or a["id"]) for a in alternatives]
    cname = {c["id"]: c.get("name") or c["id"] for c in criteria}
    plain = verdict_plain(v, alts, cname)
    if plain is None:
        return None
    plain["lines"] = analysis_text.verdict_lines(plain)
    plain["model"] = analysis_text.model_name(plain)
    return RoundVerdict(rnd, [o.id for o in v.order if o.rank == 1], plain,
                        _public(rnd, counts))


def voted_rounds(decision_id: int) -> list[dict[str, Any]]:
    """The decision's rounds with votes, or with the record kept when their votes were
    deleted, by number (the rounds an outcome can be set beside)."""
    db = get_db()
    return [r for r in store_rounds.list_rounds(db, decision_id)
            if r.get("n_voters") or store_records.get_record(db, r["id"]) is not None]


def default_round(rounds: list[dict[str, Any]], outcome: dict[str, Any] | None
                  ) -> dict[str, Any] | None:
    """The outcome's round, else the latest closed round with votes, else the latest."""
    if outcome and outcome.get("round_id"):
        hit = next((r for r in rounds if r["id"] == outcome["round_id"]), None)
        if hit is not None:
            return hit
    closed = [r for r in rounds if r["state"] == "closed"]
    return (closed or rounds or [None])[-1]


def outcome(decision_id: int) -> dict[str, Any] | None:
    return store_outcomes.get_outcome(get_db(), decision_id)


def alternatives(decision_id: int) -> list[dict[str, Any]]:
    return store_items.list_alternatives(get_db(), decision_id)


def save(decision_id: int, data: dict[str, Any], verdict: RoundVerdict | None) -> None:
    """Store the outcome and its audit entry in one transaction (both or neither)."""
    db = get_db()
    user = current_user() or {}
    with transaction(db):
        store_outcomes.save_outcome(db, decision_id, data,
                                    verdict_first=verdict.first_ids if verdict else None,
                                    user_id=user.get("id"))
        store_users.audit(db, user.get("id"), "decision.outcome", f"decision:{decision_id}",
                          round_id=data.get("round_id"), chosen_id=data.get("chosen_id"))


def public_round(round_id: int) -> tuple[dict[str, Any] | None, bool]:
    """(the round, whether this browser may see its outcome page): it came with the join code
    or as the round's participant (``kit.outcome_pass``). Staff have their own pages (the
    facilitator's form, the secretariat's overview) and reach this one with the code too."""
    rnd = store_rounds.get_round(get_db(), round_id)
    if rnd is None:
        return None, False
    return rnd, outcome_pass.granted(session, round_id)


def overview() -> list[tuple[dict[str, Any], dict[str, Any] | None, RoundVerdict | None]]:
    """Every decision (newest first) with its outcome and, where one is written, the verdict
    beside it (a decision without an outcome costs no analysis)."""
    db = get_db()
    outcomes = store_outcomes.list_outcomes(db)
    out = []
    for d in store_decisions.list_decisions(db, include_archived=True):
        oc = outcomes.get(int(d["id"]))
        rnd = default_round(voted_rounds(d["id"]), oc)
        out.append((d, oc, verdict_of(rnd) if oc else None))
    return out
