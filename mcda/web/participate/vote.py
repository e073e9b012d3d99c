"""The vote form's flow: render it (full page or htmx panel), and save a posted vote after
the checks (round open, revision, phase, reason, the one-time CR prompt).

The form state and its rules are in ``state.py``, the rows in ``view_models.py``; the store
is reached through ``context.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from mcda.store import votes as store_votes
from mcda.store.errors import StoreError
from mcda.store.rounds import RoundClosedError
from mcda.web.kit import fragments, htmx
from mcda.web.kit.i18n import error_text
from mcda.web.participate import context, view_models
from mcda.web.participate import forms as pf
from mcda.web.participate.state import VoteState, from_form, initial_state


def _not_saved() -> str:
    return _("Viktningen sparades inte. Rätta felen och försök igen.")


def render(ctx: context.RoundContext, method: str, state: VoteState, *, tokens: Sequence[str],
           reason_text: str, status: int = 200, status_message: str = "",
           saved: dict[str, Any] | None = None, notice: str | None = None) -> Response:
    """The vote page (or, for htmx, the panel plus the status region out of band)."""
    previous = None
    if not htmx.is_htmx():
        previous = view_models.previous_round(
            ctx.criteria, context.previous_round(ctx, tokens), ctx.phase)
    page = view_models.vote_page(
        method, state, ctx.criteria, latest_rev=ctx.latest_rev, saved=saved,
        is_open=ctx.rnd["state"] == "open", reason_text=reason_text)
    return htmx.render(
        "participate/vote.html", "participate/_vote_panel_htmx.html", status=status,
        **ctx.template_vars(), **page, previous=previous, status_message=status_message,
        notice=notice, lang=str(get_locale()), reason_max=store_votes.MAX_REASON_CHARS,
        direct_form_body=direct_form_body)


def direct_form_body(*, criteria: Sequence[Mapping[str, Any]], shown: Mapping[int, str],
                     weight_rows: Sequence[Mapping[str, Any]] | None, focus_id: str | None,
                     preview_url: str, direct_max: int) -> Markup:
    """The slider form's rows (without errors): rendered once per criteria, focus and
    language, with each participant's values and percentages filled in."""
    fill: list[Any] = []

    def hole(value: Any) -> str:
        fill.append(value)
        return fragments.hole(len(fill) - 1)

    rows = None if weight_rows is None else [
        {"id": r["id"], "pct": hole(r["pct"]), "pct_text": hole(r["pct_text"])}
        for r in weight_rows]
    return fragments.partial_filled(
        "participate/_form_direct.html", fill, criteria=criteria,
        shown={cid: hole(v) for cid, v in shown.items()}, weight_rows=rows,
        errors={"fields": {}}, focus_id=focus_id, preview_url=preview_url,
        direct_max=direct_max)


def show(ctx: context.RoundContext, method: str, sparad: str | None, *,
         tokens: Sequence[str]) -> Response:
    """GET: the participant's latest vote of this method, "saved" when just stored."""
    latest, saved, message = ctx.latest, None, ""
    if latest and sparad == str(latest["revision"]):
        saved = view_models.saved_view(ctx.criteria, latest)
        message = view_models.saved_message(latest["revision"], ctx.phase)
    return render(ctx, method, initial_state(method, ctx.criteria, latest), tokens=tokens,
                  reason_text=(latest or {}).get("reason") or "", saved=saved,
                  status_message=message)


def closed(ctx: context.RoundContext, method: str, state: VoteState, *,
           tokens: Sequence[str], reason_text: str) -> Response:
    """A submit to a round that is not open: 409, nothing stored, the values kept on screen."""
    msg = (_("Omgången har inte öppnats än. Din viktning sparades inte.")
           if ctx.rnd["state"] == "draft"
           else _("Omgången är stängd. Din viktning sparades inte."))
    state.errors = pf.FormErrors(general=[msg])
    return render(ctx, method, state, tokens=tokens, reason_text=reason_text, status=409,
                  status_message=msg)


def _check(ctx: context.RoundContext, state: VoteState,
           form: Mapping[str, str]) -> tuple[bool, int | None, str | None]:
    """Whether the vote may be stored, its revision and the cleaned reason (errors on
    ``state`` when not)."""
    revision, rev_error = pf.parse_revision(form.get("revision"), ctx.latest_rev)
    if rev_error:
        state.errors.add(None, rev_error)
    if ctx.phase_error:
        state.errors.add(None, _("Etappen finns inte i den här omgången. Välj en etapp i "
                                 "listan och spara igen."))
    if not state.errors and state.weights is None:
        state.errors.add(None, _("Viktningen är ofullständig. Kontrollera formuläret."))
    if state.errors:
        return False, revision, None
    try:
        return True, revision, store_votes.clean_reason(form.get("varfor", ""))
    except StoreError as exc:
        state.errors.add(None, error_text(exc))
        return False, revision, None


def _ask_cr(state: VoteState) -> bool:
    """Asked once: the form comes back with the flagged pairs and kk-sedd=1, so the next save
    stores the vote as it is (the facilitator sees it among the high-CR votes)."""
    result = state.result
    if not result or result["cr"] <= pf.CR_LIMIT or getattr(state, "cr_seen", False):
        return False
    state.cr_seen = True  # type: ignore[attr-defined]
    pairs = ", ".join(f"{f['a']} – {f['b']}" for f in result["flagged"]) or "–"
    if result.get("pulls"):
        state.errors.add(None, _(
            "Dina svar hänger inte riktigt ihop. %(pulls)s Se över paren %(pairs)s. Vill du "
            "spara ändå, tryck på ”Spara min viktning” igen.", pulls=result["pulls"], pairs=pairs))
    else:
        state.errors.add(None, _(
            "Dina svar hänger inte riktigt ihop. Se över paren %(pairs)s. Vill du spara ändå, "
            "tryck på ”Spara min viktning” igen.", pairs=pairs))
    return True


def save(ctx: context.RoundContext, method: str, slug: str, state: VoteState,
         form: Mapping[str, str], *, tokens: Sequence[str], etapp: str) -> Response:
    """POST: check, store one revision (idempotent), then redirect or show it saved."""
    reason_text = form.get("varfor", "")
    if ctx.rnd["state"] != "open":
        return closed(ctx, method, state, tokens=tokens, reason_text=reason_text)
    ok, revision, reason = _check(ctx, state, form)
    if not ok:
        return render(ctx, method, state, tokens=tokens, reason_text=reason_text, status=422,
                      status_message=_not_saved())
    latest = ctx.latest
    stored = None
    if (latest and latest["method"] == method and latest["payload"] == state.payload
            and latest.get("reason") == reason):
        # Unchanged content (e.g. a second tap that lands after the first save's swap,
        # already carrying the next revision): nothing new to store, answer as saved.
        stored = {"revision": latest["revision"], "created": False}
    if stored is None and _ask_cr(state):
        return render(ctx, method, state, tokens=tokens, reason_text=reason_text, status=422,
                      status_message=_("Viktningen är inte sparad än. Se över de markerade "
                                       "paren, eller spara igen för att spara ändå."))
    try:
        stored = stored or context.record_vote(
            ctx, method, revision=revision, payload=state.payload,  # type: ignore[arg-type]
            weights=state.weights, cr=state.result["cr"] if state.result else None,  # type: ignore[arg-type]
            reason=reason, with_row=htmx.is_htmx())
    except RoundClosedError:
        context.reload_round(ctx)
        return closed(ctx, method, state, tokens=tokens, reason_text=reason_text)
    except StoreError as exc:
        state.errors.add(None, error_text(exc))
        return render(ctx, method, state, tokens=tokens, reason_text=reason_text, status=422,
                      status_message=_not_saved())
    return _saved(ctx, method, slug, stored, state.result, tokens=tokens, etapp=etapp,
                  reason_text=reason_text)


def _saved(ctx: context.RoundContext, method: str, slug: str, stored: Mapping[str, Any],
           result: dict[str, Any] | None, *, tokens: Sequence[str], etapp: str,
           reason_text: str) -> Response:
    if not htmx.is_htmx():
        url = url_for(".vote", round_id=ctx.rnd["id"], slug=slug, sparad=stored["revision"],
                      etapp=ctx.phase_id)
        return redirect(url + "#sparat", code=303)
    context.reload_latest(ctx, stored, etapp=etapp)
    saved = view_models.saved_view(ctx.criteria, ctx.latest)  # type: ignore[arg-type]
    return render(ctx, method, initial_state(method, ctx.criteria, ctx.latest), tokens=tokens,
                  reason_text=reason_text, saved=saved,
                  status_message=view_models.saved_message(stored["revision"], ctx.phase))


def preview_message(ctx: context.RoundContext, method: str, state: VoteState) -> str:
    """What the status region says after a recompute (nothing is stored)."""
    if state.errors:
        return _("Formuläret innehåller fel. Inget är sparat.")
    if method == "pairwise" and state.weights is None:
        return state.pending or _("Formuläret innehåller fel. Inget är sparat.")
    moved = getattr(state, "moved", None)
    if method == "ranking" and moved is not None:
        # say where the moved criterion landed, not the same sentence every time
        name = next((c["name"] for c in ctx.criteria if c["id"] == moved), "")
        return _("%(name)s är nu på plats %(n)s av %(total)s. Inget är sparat än.", name=name,
                 n=state.ranking.ranks()[moved], total=len(ctx.criteria))  # type: ignore[attr-defined]
    return _("Vikterna är uppdaterade. Inget är sparat än.")


def expired(ctx: context.RoundContext, method: str, form: Mapping[str, str], *,
            tokens: Sequence[str]) -> Response:
    """The form again after an expired CSRF token, with what the person entered."""
    state = from_form(method, form, ctx.criteria, final=False)
    msg = _("Sidan har varit öppen länge och säkerhetskoden hade gått ut. Dina val finns "
            "kvar – tryck på Spara igen.")
    state.errors.add(None, msg)
    return render(ctx, method, state, tokens=tokens, reason_text=form.get("varfor", ""),
                  status=400, status_message=msg)
