"""Rounds: the round page's context and the round actions (open, close, reveal, hide, next)
from one table, each an audited POST that answers with a flash and a redirect; the kind of
round (changeable before the first vote) and the pooling notice (issue 24)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.views import View
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlite_utils import Database

from mcda.core import disclosure
from mcda.store import rounds as store_rounds
from mcda.store.errors import StoreError
from mcda.web.facilitate.common import (
    audited,
    confirm_or_400,
    load_round,
    methods_label,
    missing_text,
    round_missing,
)
from mcda.web.kit.access import login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.events import round_closed
from mcda.web.kit.htmx import vary
from mcda.web.kit.i18n import error_text
from mcda.web.present.labels import STATE_LABELS
from mcda.web.present.qr import qr_svg


def round_url(round_id: int, anchor: str = "") -> str:
    return url_for("facilitate.round_page", round_id=round_id) + (f"#{anchor}" if anchor else "")


def turnout_context(rnd: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The live count ("N har viktat" per municipality and the total) and its ETag; the
    count is one statement, so a 304 costs no more than the page's own loaders."""
    rows = store_rounds.turnout(get_db(), rnd["id"])
    key = (f"{rnd['id']}|{rnd['state']}|{rnd['kind']}|{rnd['anonymity_k']}|"
           f"{rnd['results_revealed']}|{get_locale()}|{rows}")
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    return {"round": rnd, "turnout": rows, "total": sum(n for _m, n in rows),
            "pooling": pooling_notice(rnd, rows)}, etag


def pooling_notice(rnd: dict[str, Any], rows: list[tuple[str, int]]) -> dict[str, Any]:
    """What the round publishes by name with the current k and turnout, for the facilitator
    before the opening and live while open (issue 24: pooling is never a surprise): the
    municipalities pooled into "Övriga kommuner" and those shown by name, and whether the
    kind and k can still be changed (only before the first vote)."""
    plan = disclosure.plan(dict(rows), int(rnd["anonymity_k"]), rnd["kind"])
    voted = [m for m, n in rows if n > 0]
    return {
        "kind": plan.kind, "k": plan.k, "total": plan.total, "n_voted": len(voted),
        "n_municipalities": len(rows), "released": plan.released,
        "personal_released": plan.personal_released,
        "pooled": [m for m in voted if m in plan.pooled],
        "visible": [m for m in voted if m not in plan.pooled],
        "pool_shown": plan.pool_shown, "can_change": plan.total == 0,
    }


def turnout_live(round_id: int):
    """The polled part of the round page: 304 to a matching If-None-Match."""
    rnd, _d = load_round(round_id)
    ctx, etag = turnout_context(rnd)
    if request.if_none_match.contains(etag):
        resp = make_response("", 304)
    else:
        resp = make_response(render_template("facilitate/_turnout.html", **ctx))
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = "no-cache, private"
    return vary(resp)


def round_context(rnd: dict[str, Any], d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The round page: join URL and QR code, the live count, the missing scores, labels."""
    url = url_for("participate.join", kod=rnd["join_code"], _external=True)
    missing = round_missing(d["id"]) if rnd["state"] != "open" else []
    later = [r for r in store_rounds.list_rounds(get_db(), d["id"]) if r["number"] > rnd["number"]]
    ctx = {
        "later_round": later[-1] if later else None,
        **turnout_context(rnd)[0],
        "missing": missing, "missing_text": missing_text(missing) if missing else "",
        "round": rnd, "decision": d, "join_url": url,
        "qr": qr_svg(url, _("QR-kod till deltagarsidan för kod %(code)s",
                            code=rnd["join_code_display"])),
        "state_labels": STATE_LABELS, "methods_label": methods_label,
    }
    ctx.update(extra)
    return ctx


class RoundAction(View):
    """One round action: the store change and its audit entry, then back to the round (or
    to the new round, for "next")."""

    methods = ["POST"]

    def __init__(self, action: str, change: Callable[[Database, int], Any], message: Any) -> None:
        self.action, self.change, self.message = action, change, message

    def dispatch_request(self, round_id: int):
        rnd, d = load_round(round_id)
        confirm_or_400()
        if self.action == "open" and request.form.get("anda") != "1":
            missing = round_missing(d["id"])
            if missing:  # said before opening; "Öppna ändå" posts anda=1
                flash(_("Omgången är inte öppnad. %(missing)s.", missing=missing_text(missing)),
                      "error")
                return redirect(round_url(round_id), code=303)
        try:
            with audited(f"round.{self.action}", f"round:{round_id}") as db:
                result = self.change(db, round_id)
        except StoreError as exc:
            flash(error_text(exc), "error")
            return redirect(round_url(round_id), code=303)
        if self.action == "close":  # the archive package is built after the response
            round_closed.send(current_app._get_current_object(), round_id=round_id)
        flash(str(self.message), "success")
        target = result if isinstance(result, int) else round_id
        return redirect(round_url(target), code=303)


ACTIONS: tuple[tuple[str, str, Callable[[Database, int], Any], Any], ...] = (
    ("open", "oppna", store_rounds.open_round,
     _l("Omgången är öppen. Deltagarna kan ansluta med koden.")),
    ("close", "stang", store_rounds.close_round,
     _l("Omgången är stängd. Inga fler viktningar tas emot.")),
    ("reveal", "visa-resultat", lambda db, rid: store_rounds.set_revealed(db, rid, True),
     _l("Resultaten visas nu för deltagarna.")),
    ("hide", "dolj-resultat", lambda db, rid: store_rounds.set_revealed(db, rid, False),
     _l("Resultaten är dolda för deltagarna.")),
    ("next", "nasta", lambda db, rid: store_rounds.next_round(db, rid, open_now=True),
     _l("Nästa omgång är öppen med samma inställningar, samma kod och samma QR-kod.")),
)
"""(action, URL segment, store change, message): endpoints ``facilitate.round_<action>``."""


def set_kind(round_id: int):
    """Switch the kind of round (only before the first vote; the store refuses after)."""
    load_round(round_id)
    kind = request.form.get("slag", "")
    try:
        with audited("round.kind", f"round:{round_id}", kind=kind) as db:
            store_rounds.set_kind(db, round_id, kind)
    except StoreError as exc:
        flash(error_text(exc), "error")
        return redirect(round_url(round_id, "sammanslagning"), code=303)
    flash(_("Omgången gäller nu kommunernas röster.") if kind == disclosure.DELEGATES
          else _("Omgången gäller nu anonyma deltagare."), "success")
    return redirect(round_url(round_id, "sammanslagning"), code=303)


def register(bp: Blueprint) -> None:
    for action, segment, change, message in ACTIONS:
        endpoint = f"round_{action}"
        view = RoundAction.as_view(endpoint, action, change, message)
        bp.add_url_rule(f"/omgang/<int:round_id>/{segment}", endpoint, login_required()(view),
                        methods=["POST"])
    bp.add_url_rule("/omgang/<int:round_id>/slag", "round_kind", login_required()(set_kind),
                    methods=["POST"])
    bp.add_url_rule("/omgang/<int:round_id>/deltagande", "round_turnout",
                    login_required()(turnout_live), methods=["GET"])
