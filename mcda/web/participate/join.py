"""Joining a round: the code step, the municipality step (optional coarse role) and the page
both render. ``?kod=`` from a QR code lands on the municipality step.

The steps take the parsed form and the device's session mapping from the view; the store is
read here (round by code, the device's participant, the municipalities) because this is the
join flow's context.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from flask import Response, current_app, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlite_utils import Database

from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import rounds as store_rounds
from mcda.store.errors import StoreError
from mcda.store.numbers import parse_int
from mcda.store.rounds import RoundClosedError
from mcda.web.kit import htmx
from mcda.web.kit.i18n import error_text
from mcda.web.kit.outcome_pass import grant as grant_outcome
from mcda.web.participate import forms as pf
from mcda.web.participate import join_check
from mcda.web.participate import session as device
from mcda.web.present.labels import ROLES

JOIN_PAGE = "participate/join.html"


def page(step: str, *, status: int = 200, **ctx: Any) -> Response:
    """The join page at ``step`` ("code" or "municipality"), with its errors."""
    ctx.setdefault("errors", pf.FormErrors())
    if ctx.get("error"):
        ctx["errors"].add("kod", ctx["error"])
    # After an htmx swap of the join form, focus goes to the error summary (app.js).
    ctx["focus_id"] = "error-summary" if ctx["errors"] else None
    if "rnd" in ctx:
        ctx["code_display"] = ctx["rnd"]["join_code_display"]
    if step == "code":  # the next attempt's check (none in a quiet room)
        ctx.setdefault("check", join_check.offer())
    ctx.update(step=step, roles=ROLES)
    html = _main_only(ctx) if htmx.is_htmx() else render_template(JOIN_PAGE, **ctx)
    return htmx.vary(make_response(html, status))


def _main_only(ctx: dict[str, Any]) -> str:
    """The join page's ``<main>`` and title only, for an htmx step (the form swaps ``#main``
    from the answer): the same blocks the full page renders, without the head, header and
    footer nobody sees (about a quarter of the page's rendering)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(JOIN_PAGE)
    app.update_template_context(ctx)
    context = template.new_context(ctx)
    blocks = template.blocks
    return render_template("participate/_main_swap.html",
                           title=Markup("".join(blocks["title"](context))),  # noqa: S704 - autoescaped block output
                           main=Markup("".join(blocks["main"](context))))  # noqa: S704


def join(db: Database, session: MutableMapping[str, Any], form: Mapping[str, str], *,
         is_post: bool, ip: str) -> Response:
    """Code step → municipality step → the round."""
    token = device.token(session)
    raw_code = form.get("kod", "")
    code = pf.clean_code(raw_code)
    if not code:
        if is_post:
            return page("code", code=raw_code, status=422,
                        error=_("Skriv koden som processledaren visar, t.ex. ABCD EFGH."))
        return page("code", code=raw_code, error=None)
    rnd = _round_for_code(db, session, form, raw_code, code, ip, is_post=is_post)
    if not isinstance(rnd, dict):
        return rnd
    existing, all_closed = store_parts.get_participant_and_session(db, rnd["id"], token)
    if existing is None and all_closed:
        # A participant session ends when its rounds close: the next person on a shared
        # tablet joins the new round with a fresh token, not linked to the last one's votes.
        token = device.fresh_token(session, token)
    if existing is not None and not is_post:
        return redirect(url_for(".round_home", round_id=rnd["id"]))
    if existing is None and rnd["state"] == "closed":  # the code now shows what was decided
        grant_outcome(session, rnd["id"])
        return redirect(url_for("outcome.public", round_id=rnd["id"]), code=303)
    if existing is None and rnd["state"] != "open":
        msg = _("Omgången har inte öppnats än. Vänta tills processledaren öppnar den.")
        return page("code", code=raw_code, error=msg, status=409)
    return _municipality_step(db, session, form, rnd, existing, token, raw_code,
                              is_post=is_post)


def _round_for_code(db: Database, session: MutableMapping[str, Any], form: Mapping[str, str],
                    raw_code: str, code: str, ip: str,
                    *, is_post: bool) -> dict[str, Any] | Response:
    """The round of a join code, or the page that says why not. Under guessing pressure the
    attempt needs the join check's proof of work, verified before the code is looked up, so
    the answer is the same for a valid and a wrong code (join_check)."""
    guard = join_check.check()
    if not guard.passed(session, form, code, ip, is_post=is_post):
        return page("code", code=raw_code, status=422 if is_post else 200, checking=True)
    rnd = store_rounds.get_round_by_code(db, code)
    if rnd is None:
        guard.fail(ip)
        return page("code", code=raw_code, status=404, error=_(
            "Koden %(code)s finns inte. Kontrollera koden som processledaren visar och "
            "försök igen.", code=raw_code.strip()[:20]))
    join_check.remember(session, code)
    # The code opens the outcome page once the round closes anyway (join below); granting it
    # now rides on this step's session write, so the round page need not write the cookie.
    grant_outcome(session, rnd["id"])
    return rnd


def _municipality_step(db: Database, session: Mapping[str, Any], form: Mapping[str, str],
                       rnd: dict[str, Any], existing: dict[str, Any] | None, token: str,
                       raw_code: str, *, is_post: bool) -> Response:
    muni = form.get("kommun")
    if muni is None:  # only then look for the device's choice in an earlier round
        muni = (str(existing["municipality_id"]) if existing
                else _earlier_municipality(db, rnd, device.device_tokens(session)))
    chosen = {"municipality": muni, "role": form.get("roll", (existing or {}).get("role") or "")}
    if not is_post or "kommun" not in form:
        munis = store_munis.list_municipalities(db)
        return page("municipality", rnd=rnd, munis=munis, chosen=chosen)
    errors = pf.FormErrors()
    mid = parse_int(chosen["municipality"])
    if mid is None:  # an unknown id is refused by join_round (the list is loaded on error)
        errors.add("kommun", _("Välj din kommun i listan."))
    role = chosen["role"]
    if role and role not in ROLES:
        errors.add("roll", _("Välj en av rollerna, eller ”Vill inte ange”."))
    if not errors:
        try:
            store_parts.join_round(db, rnd["id"], token, mid, role or None)
        except RoundClosedError as exc:
            return page("code", code=raw_code, error=error_text(exc), status=409)
        except StoreError as exc:
            errors.add("kommun" if exc.field == "municipality_id" else None, error_text(exc))
    if errors:
        munis = store_munis.list_municipalities(db)
        return page("municipality", rnd=rnd, munis=munis, chosen=chosen, errors=errors,
                    status=422)
    return htmx.redirect_after_post(url_for(".round_home", round_id=rnd["id"]))


def _earlier_municipality(db: Database, rnd: Mapping[str, Any], tokens: list[str]) -> str:
    """The municipality id (as text) this device chose in an earlier round of the same
    decision (its current or previous participant token), so the next round keeps it."""
    if rnd["number"] <= 1:
        return ""
    mid = store_parts.earlier_municipality(db, rnd["decision_id"], rnd["number"], tokens)
    return "" if mid is None else str(mid)
