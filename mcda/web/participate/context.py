"""The participant feature's store access: the one context a tablet request loads, the data
its pages add (revealed results, the previous round, the alternatives) and the vote it saves.

Everything a participant's request needs comes from here in a few statements (a test counts
them: at most four per request), as plain records; view models turn them into rows. The
region's weights come from the facilitator's cached analysis when it is at hand, otherwise
from ``core.region`` on the stored votes: a tablet request never runs the whole analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from mcda.core import disclosure, region
from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import participants as store_parts
from mcda.store import phases as store_phases
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import votes as store_votes
from mcda.store.numbers import parse_int
from mcda.web.present.labels import phase_label


@dataclass
class RoundContext:
    """Round, participant, criteria and their latest vote for one request; per-phase rounds
    add the phases, the phase asked for and the participant's latest vote per phase."""

    db: Database
    rnd: dict[str, Any]
    part: dict[str, Any]
    criteria: list[dict[str, Any]]
    latest: dict[str, Any] | None
    latest_rev: int
    phases: list[dict[str, Any]] = field(default_factory=list)
    phase: dict[str, Any] | None = None
    phase_error: bool = False
    phase_votes: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def phase_id(self) -> int | None:
        return self.phase["id"] if self.phase else None

    def template_vars(self) -> dict[str, Any]:
        """The context as the templates have always received it (``**ctx``)."""
        return dict(vars(self))


def load(db: Database, round_id: int, token: str | None, *, etapp: str,
         is_post: bool) -> RoundContext | None:
    """The participant context, or None when this browser has not joined the round (the view
    then redirects to the join page: no hint whether the round exists).

    Two statements for round, criteria, participant and latest vote: under a room of tablets
    each statement costs a GIL round trip."""
    rnd, crits = store_rounds.get_round_with_criteria(db, round_id)
    part, latest = (
        store_parts.get_participant_with_latest(db, round_id, token) if rnd and token
        else (None, None)
    )
    if part is None:
        return None
    ctx = RoundContext(db=db, rnd=rnd, part=part, criteria=crits, latest=latest,
                       latest_rev=latest["revision"] if latest else 0)
    if rnd.get("phase_weights"):
        resolve_phase(ctx, etapp, is_post=is_post)
    elif etapp:
        ctx.phase_error = True  # a normal round has no phases: refuse, never ignore
    return ctx


def resolve_phase(ctx: RoundContext, etapp: str, *, is_post: bool) -> None:
    """Per-phase rounds: which phase this request is about (``etapp`` in the form or the
    query), the participant's latest vote per phase, and ``latest`` = that phase's vote.

    Without a phase the first phase not yet saved is shown; an unknown phase sets
    ``phase_error`` (GET answers 404, a POST 422 with nothing stored)."""
    phases = store_phases.list_phases(ctx.db, ctx.rnd["decision_id"])
    votes_by_phase = store_votes.latest_vote_by_phase(ctx.db, ctx.part["id"])
    for ph in phases:
        ph["label"] = phase_label(ph)
        ph["saved"] = ph["id"] in votes_by_phase
    raw = etapp.strip()
    phase = None
    if raw:
        wanted = parse_int(raw)
        phase = next((ph for ph in phases if ph["id"] == wanted), None)
        ctx.phase_error = phase is None
    elif is_post or not phases:
        ctx.phase_error = True
    if phase is None and phases:
        phase = next((ph for ph in phases if not ph["saved"]), phases[0])
    ctx.phases, ctx.phase, ctx.phase_votes = phases, phase, votes_by_phase
    ctx.latest = votes_by_phase.get(phase["id"]) if phase else None


def reload_latest(ctx: RoundContext, stored: Mapping[str, Any], *, etapp: str) -> None:
    """After a save: the stored row becomes the latest (read back only when the store did not
    return it), and a per-phase round's phases are resolved again."""
    if "vote" in stored:  # the stored row is the latest: no need to read it back
        part = ctx.part
        ctx.latest = {**stored["vote"], "municipality_id": part["municipality_id"],
                      "municipality": part["municipality"], "role": part["role"]}
    else:
        ctx.latest = store_votes.latest_vote(ctx.db, ctx.part["id"])
    ctx.latest_rev = ctx.latest["revision"] if ctx.latest else 0
    if ctx.rnd.get("phase_weights"):
        resolve_phase(ctx, etapp, is_post=True)


def reload_round(ctx: RoundContext) -> None:
    ctx.rnd = store_rounds.get_round(ctx.db, ctx.rnd["id"])


def record_vote(ctx: RoundContext, method: str, *, revision: int, payload: dict[str, Any],
                weights: dict[str, float], cr: float | None, reason: str,
                with_row: bool) -> dict[str, Any]:
    """Store one revision (idempotent per revision). Raises RoundClosedError, StoreError."""
    return store_votes.record_vote(
        ctx.db, ctx.rnd["id"], ctx.part["id"], revision=revision, method=method,
        payload=payload, weights=weights, consistency_ratio=cr, phase_id=ctx.phase_id,
        reason=reason, with_row=with_row,
    )


# --- what the round page adds ------------------------------------------------------------------


def next_open_round(ctx: RoundContext) -> dict[str, Any] | None:
    """The open round of the same decision after this one (Delphi: where a closed round's
    device goes next), or None."""
    rnd = ctx.rnd
    later = [r for r in store_rounds.list_rounds(ctx.db, rnd["decision_id"])
             if r["number"] > rnd["number"] and r["state"] == "open"]
    return later[0] if later else None


def alternatives(ctx: RoundContext) -> tuple[list[dict[str, Any]], dict[Any, float], str]:
    """The alternatives as the facilitator lets participants see them (round setting
    ``show_alternatives``): ``(alternatives, scores, mode)``; nothing read for ``none``."""
    mode = ctx.rnd.get("show_alternatives") or "none"
    if mode == "none":
        return [], {}, mode
    alts = store_items.list_alternatives(ctx.db, ctx.rnd["decision_id"])
    if not alts or mode != "scores":
        return alts, {}, mode
    return alts, store_items.get_scores(ctx.db, ctx.rnd["decision_id"]), mode


@dataclass
class RegionView:
    """What a participant may see of one (phase of a) round's region: the voters, whether the
    region may be shown, and the weights with their spread when it may."""

    n_voters: int
    k: int
    visible: bool = False
    weights: dict[str, float] | None = None
    spread: dict[str, float] = field(default_factory=dict)
    verdict: Any = None  # the cached analysis' verdict under the decision's model, if at hand
    names: dict[str, str] = field(default_factory=dict)  # alternative id → name
    block: str | None = None  # why not visible (``core.disclosure.region_block``)
    kind: str = disclosure.ANONYMOUS
    others: int = 0  # voters other than this device
    named_only: bool = False  # the verdict's share leaves a small pool out (issue 24, A1)


def region_view(db: Database, rnd: Mapping[str, Any], criteria: Sequence[Mapping[str, Any]],
                *, viewer_voted: bool, phase_id: int | None = None) -> RegionView:
    """The rule of ``core.disclosure.region_block``: in an anonymous round the region only
    when it rests on at least 2k OTHER voters in at least two published municipalities; in a
    delegates round once anything is published. ``block`` says which part stops it. The
    room's figures come from ``analysis_cache.room_figures`` (computed once per fingerprint)."""
    k = int(rnd["anonymity_k"])
    kind = disclosure.clean_kind(rnd.get("kind"))
    room = analysis_cache.room_figures(db, rnd["id"], [c["id"] for c in criteria], k,
                                       phase_id=phase_id, kind=kind)
    out = RegionView(n_voters=len(room.votes), k=k, kind=kind,
                     others=len(room.votes) - (1 if viewer_voted else 0))
    out.block = disclosure.region_block(room.plan, viewer_voted)
    if out.block is None:
        out.visible = True
        out.weights, out.spread = room.weights, dict(room.spread)
        entry = room.analysis
        if entry is not None and entry.model is not None:
            out.verdict = getattr(entry.model, "verdict", None)
            out.named_only = bool(entry.model.consensus.left_out)
            out.names = {a["id"]: a["name"] for a in entry.input["alternatives"]}
    return out


def region_weights(
    db: Database, rnd: Mapping[str, Any], criteria: Sequence[Mapping[str, Any]],
    votes: Sequence[Mapping[str, Any]], *, phase_id: int | None = None, entry: Any = False,
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """Region weights and per-criterion SD: the facilitator's cached analysis (default
    options) when it is at hand and covers every criterion, else ``core.region`` applied to
    the votes under the same pooling. Never runs the analysis. ``entry``: the cache entry
    when the caller already looked it up."""
    if entry is False:
        entry = analysis_cache.cached(db, rnd["id"], None, phase_id=phase_id)
    model = entry.model if entry else None
    weights = {str(k): float(v) for k, v in model.weights.items()} if model else {}
    if weights and all(str(c["id"]) in weights for c in criteria):
        stats = model.consensus.criteria  # type: ignore[union-attr]
        return weights, {str(k): float(v.sd) for k, v in stats.items() if v.sd is not None}
    return region.region_weights(votes, [c["id"] for c in criteria], int(rnd["anonymity_k"]),
                                 disclosure.clean_kind(rnd.get("kind")))


@dataclass
class PreviousRound:
    """The latest earlier revealed round: its votes, reasons, region and this device's own
    weights there (empty when it did not vote)."""

    rnd: dict[str, Any]
    votes: list[dict[str, Any]]
    reasons: list[str]
    visible: bool
    region: dict[str, float] | None = None
    own: dict[str, float] = field(default_factory=dict)
    block: str | None = None  # why not visible: "voters" or "groups" (region_block)
    #: per criterion id, the weights' chart quantiles over ``votes`` (computed once per round)
    quantiles: dict[str, list[float]] | None = None
    #: (round id, fingerprint, phase) of the figures: the chart's view model is kept per key
    room_key: tuple[Any, ...] | None = None


def previous_round(ctx: RoundContext, tokens: Sequence[str]) -> PreviousRound | None:
    """"Förra omgången": the latest EARLIER round of the decision whose results were revealed.
    Only regional figures, nothing below that round's k; in a per-phase round the earlier
    round's votes for the same phase (phases belong to the decision)."""
    db, rnd = ctx.db, ctx.rnd
    earlier = [r for r in store_rounds.list_rounds(db, rnd["decision_id"])
               if r["number"] < rnd["number"] and r["results_revealed"]]
    if not earlier or not ctx.criteria:
        return None
    prev = earlier[-1]
    if prev["phase_weights"] and ctx.phase is None:
        return None
    phase_id = ctx.phase_id if prev["phase_weights"] else None
    room = analysis_cache.room_figures(db, prev["id"], [c["id"] for c in ctx.criteria],
                                       int(prev["anonymity_k"]), phase_id=phase_id,
                                       kind=disclosure.clean_kind(prev.get("kind")))
    votes, plan = room.votes, room.plan
    part = _participant_in(db, prev["id"], tokens)
    # quartiles of fewer than 10 values are individual weightings; and the region on the
    # same broad base as the revealed results (core.disclosure)
    reasons = disclosure.publishable_reasons(store_reasons.shown_reason_texts(db, prev["id"]),
                                             plan)
    block = disclosure.region_block(plan, part is not None)
    if not disclosure.may_show_spread(len(votes)) or block == "none":
        block = "voters"
    visible = block is None
    out = PreviousRound(rnd=prev, votes=votes, reasons=reasons, visible=visible, block=block,
                        quantiles=room.quantiles,
                        room_key=(prev["id"], room.fingerprint, phase_id))
    if visible:
        out.region = room.weights
        out.own = _own_weights(db, prev, part, phase_id) if out.region is not None else {}
    return out


def _participant_in(db: Database, round_id: int, tokens: Sequence[str]) -> dict[str, Any] | None:
    for tok in tokens:
        part = store_parts.get_participant(db, round_id, tok)
        if part is not None:
            return part
    return None


def _own_weights(db: Database, prev: Mapping[str, Any], part: Mapping[str, Any] | None,
                 phase_id: int | None) -> dict[str, float]:
    if part is None:
        return {}
    if prev["phase_weights"]:
        v = store_votes.latest_vote_by_phase(db, part["id"]).get(phase_id)
    else:
        v = store_votes.latest_vote(db, part["id"])
        v = v if v and v.get("phase_id") is None else None
    return {str(k): float(w) for k, w in (v["weights"] if v else {}).items()}
