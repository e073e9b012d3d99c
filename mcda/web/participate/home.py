"""The round's hub for a participant: which method, what was saved, the round's state and,
once revealed, the region's weights next to the participant's own (per phase in a per-phase
round), the previous round and the alternatives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcda.web.participate import context, view_models


def _revealed(ctx: context.RoundContext) -> Any:
    if ctx.rnd["phase_weights"]:
        out = []
        for ph in ctx.phases:
            own = ctx.phase_votes.get(ph["id"])
            view = context.region_view(ctx.db, ctx.rnd, ctx.criteria,
                                       viewer_voted=own is not None, phase_id=ph["id"])
            out.append(view_models.revealed(ctx.criteria, view, own, label=ph["label"]))
        return out
    view = context.region_view(ctx.db, ctx.rnd, ctx.criteria,
                               viewer_voted=ctx.latest is not None)
    return view_models.revealed(ctx.criteria, view, ctx.latest)


def page(ctx: context.RoundContext, tokens: Sequence[str]) -> dict[str, Any]:
    """The template values of ``participate/round.html``."""
    rnd, crits = ctx.rnd, ctx.criteria
    saved_rows, phase_saved = None, []
    if rnd["phase_weights"]:
        votes = ctx.phase_votes
        phase_saved = [{**ph, "vote": votes[ph["id"]],
                        "rows": view_models.weights_rows(crits, votes[ph["id"]]["weights"])}
                       for ph in ctx.phases if ph["id"] in votes]
    elif ctx.latest:
        saved_rows = view_models.weights_rows(crits, ctx.latest["weights"])
    alts, scores, mode = context.alternatives(ctx)
    return dict(
        **ctx.template_vars(), **view_models.common(), saved_rows=saved_rows,
        phase_saved=phase_saved,
        # shown only for a closed round (store.rounds.set_revealed; issue 24, A2)
        results=_revealed(ctx) if rnd["results_revealed"] and rnd["state"] == "closed"
        else None,
        previous=view_models.previous_round(crits, context.previous_round(ctx, tokens),
                                            ctx.phase),
        next_round=context.next_open_round(ctx) if rnd["state"] == "closed" else None,
        alternatives=view_models.shown_alternatives(crits, alts, scores, mode),
    )


def goes_straight_to_vote(ctx: context.RoundContext) -> bool:
    """An open round with one method and nothing saved yet opens that method's form."""
    return (ctx.rnd["state"] == "open" and len(ctx.rnd["methods"]) == 1 and ctx.latest is None
            and not ctx.phase_votes)
