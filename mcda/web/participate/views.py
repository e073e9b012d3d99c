"""Routes of the ``participate`` blueprint: tablets join a round by code and save a weighting.

- ``GET|POST /delta`` (``participate.join``): join code (``?kod=`` from a QR lands on the
  municipality step), municipality, optional coarse role.
- ``GET /omgang/<id>/`` (``participate.round_home``): method picker, what was saved, the
  round's state and, once revealed, the regional weights next to the participant's own.
- ``GET|POST /omgang/<id>/<metod>`` (``participate.vote``): the vote form of one method
  (``skjutreglage``, ``poang``, ``rangordning``, ``parvis``); POST stores a revision.
- ``POST /omgang/<id>/<metod>/forhandsvisning`` (``participate.preview``): recomputes the
  form (± buttons, moves, ties, AHP check) without storing anything.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from mcda.store import rounds as store_rounds
from mcda.web.kit.access import participant, public
from mcda.web.kit.db import get_db
from mcda.web.kit.errors import request_id
from mcda.web.kit.outcome_pass import grant as grant_outcome
from mcda.web.participate import context, home
from mcda.web.participate import forms as pf
from mcda.web.participate import join as join_flow
from mcda.web.participate import session as device
from mcda.web.participate import vote as vote_flow
from mcda.web.participate.state import from_form

bp = Blueprint("participate", __name__)


def _etapp() -> str:
    return request.form.get("etapp") or request.args.get("etapp") or ""


def _load(round_id: int) -> context.RoundContext | None:
    return context.load(get_db(), round_id, session.get(device.SESSION_KEY), etapp=_etapp(),
                        is_post=request.method == "POST")


def _method(ctx: context.RoundContext, slug: str) -> str:
    method = pf.SLUG_METHODS.get(slug)
    if method is None or method not in ctx.rnd["methods"]:
        abort(404)
    return method


@bp.route("/delta", methods=["GET", "POST"])
@public
def join():
    """Code step → municipality step → the round. ``?kod=`` lands on the municipality step."""
    form = request.form if request.method == "POST" else request.args
    return join_flow.join(get_db(), session, form, is_post=request.method == "POST",
                          ip=request.remote_addr or "-")


@bp.post("/omgang/<int:round_id>/ny-deltagare")
@participant
def new_participant(round_id: int):
    """"Ny deltagare på den här surfplattan": end this device's participant session. The
    votes already saved stay; the next person joins with a fresh token (the same round's code
    is filled in when the round is still open) and cannot see or revise them."""
    rnd = store_rounds.get_round(get_db(), round_id)
    for key in (device.SESSION_KEY, device.PREVIOUS_KEY):
        session.pop(key, None)
    if rnd is not None and rnd["state"] == "open":
        return redirect(url_for(".join", kod=rnd["join_code"], ny=1), code=303)
    return redirect(url_for(".join", ny=1), code=303)


@bp.get("/omgang/<int:round_id>/")
@participant
def round_home(round_id: int):
    """The round's hub: which method, what was saved, closed state, revealed results."""
    ctx = _load(round_id)
    if ctx is None:
        return redirect(url_for(".join"))
    grant_outcome(session, round_id)  # "Vad hände sedan?" from the results they were shown
    if ctx.phase_error and ctx.phases and request.args.get("etapp"):
        abort(404)
    if home.goes_straight_to_vote(ctx):
        slug = pf.METHOD_SLUGS[ctx.rnd["methods"][0]]
        return redirect(url_for(".vote", round_id=round_id, slug=slug, etapp=ctx.phase_id))
    page = home.page(ctx, device.device_tokens(session))
    return render_template("participate/round.html", **page)


@bp.route("/omgang/<int:round_id>/<slug>", methods=["GET", "POST"])
@participant
def vote(round_id: int, slug: str):
    """GET shows the form; POST validates, computes the weights in the core and stores one
    revision (idempotent per revision, so a retried or double-tapped submit is stored once)."""
    ctx = _load(round_id)
    if ctx is None:
        return redirect(url_for(".join"))
    method, tokens = _method(ctx, slug), device.device_tokens(session)
    if request.method == "GET":
        if ctx.phase_error and request.args.get("etapp"):
            abort(404)
        return vote_flow.show(ctx, method, request.args.get("sparad"), tokens=tokens)
    state = from_form(method, request.form, ctx.criteria, final=True)
    return vote_flow.save(ctx, method, slug, state, request.form, tokens=tokens,
                          etapp=_etapp())


@bp.post("/omgang/<int:round_id>/<slug>/forhandsvisning")
@participant
def preview(round_id: int, slug: str):
    """Recompute the form (± step, move, tie, AHP check) and show the weights. Stores nothing."""
    ctx = _load(round_id)
    if ctx is None:
        return redirect(url_for(".join"))
    method = _method(ctx, slug)
    state = from_form(method, request.form, ctx.criteria, final=False)
    return vote_flow.render(ctx, method, state, tokens=device.device_tokens(session),
                            reason_text=request.form.get("varfor", ""),
                            status_message=vote_flow.preview_message(ctx, method, state))


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError):
    """An expired or missing CSRF token on the vote form: show the form again with what the
    person entered and a fresh token, instead of a dead-end error page (nothing is lost).
    Blueprint handlers also see errors raised by the app-wide CSRF check, which runs after
    URL matching."""
    args = request.view_args or {}
    if request.endpoint in ("participate.vote", "participate.preview") and "round_id" in args:
        ctx = _load(int(args["round_id"]))
        if ctx is not None:
            return vote_flow.expired(ctx, _method(ctx, str(args.get("slug", ""))), request.form,
                                     tokens=device.device_tokens(session))
    if request.endpoint == "participate.join":
        return join_flow.page("code", code=request.form.get("kod", ""), status=400,
                              error=_("Sidan hade gått ut. Skriv koden igen."))
    return render_template(
        "pages/error.html", status=400, title=_("Något gick fel"),
        message=_("Formuläret har gått ut. Ladda om sidan och försök igen."),
        request_id=request_id()), 400
