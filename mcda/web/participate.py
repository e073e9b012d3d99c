"""Blueprint `participate`: tablets join a round by code and save a weighting.

Routes
- ``GET|POST /delta`` (``participate.join``): join code (``?kod=`` from a QR lands on the
  municipality step), municipality, optional coarse role.
- ``GET /omgang/<id>/`` (``participate.round_home``): method picker, what was saved, the
  round's state and, once revealed, the regional weights next to the participant's own.
- ``GET|POST /omgang/<id>/<metod>`` (``participate.vote``): the vote form of one method
  (``skjutreglage``, ``poang``, ``rangordning``, ``parvis``); POST stores a revision.
- ``POST /omgang/<id>/<metod>/forhandsvisning`` (``participate.preview``): recomputes the
  form (± buttons, moves, ties, AHP check) without storing anything.

The participant is a random token (``secrets.token_urlsafe(32)``, 256 bits) in the Flask
session, the one HttpOnly SameSite cookie; only its hash reaches the database and it never
appears in a URL. Wrong join codes are throttled per device (session token) and, past a cap
per IP and a global cap, to one guess per fresh session; a device without a wrong code is
always checked, so a room of tablets behind one NAT address always gets in (see
:class:`JoinThrottle`; counts in the database, shared by all worker processes).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from mcda.core import disclosure, elicitation, incomplete
from mcda.core.errors import MCDAInputError
from mcda.store import decisions as store_decisions
from mcda.store import phases as store_phases
from mcda.store import reasons as store_reasons
from mcda.store import rounds as store_rounds
from mcda.store import votes as store_votes
from mcda.store.decisions import StoreError
from mcda.store.numbers import parse_int
from mcda.store.rounds import RoundClosedError
from mcda.web import participate_forms as pf
from mcda.web.kit import htmx
from mcda.web.kit.access import participant, public
from mcda.web.kit.db import get_db
from mcda.web.kit.errors import request_id
from mcda.web.kit.i18n import error_text
from mcda.web.kit.limits import SlidingWindow
from mcda.web.kit.scope import phase_label
from mcda.web.present.numbers import decimal_text

bp = Blueprint("participate", __name__)

SESSION_KEY = "pt"
PREVIOUS_KEY = "pt_prev"
"""The token of this device's rounds that have all closed: read only, for "Förra omgången"."""


# --- join throttling ---------------------------------------------------------------------------


class JoinThrottle:
    """Wrong join codes in a sliding window, in the database (all processes share it).

    The key is the device (the session's participant token), which a guesser on the same
    address does not share: a device with ``per_client`` wrong codes waits, whatever code it
    sends next. A guesser who drops its cookie gets a fresh token each time, so wrong codes are
    also counted per IP and site-wide; past ``per_ip`` for its address or ``global_cap`` in
    all, a device that has sent any wrong code is refused, i.e. one guess per fresh session
    (a GET for the CSRF token, then the POST). A tablet that has sent no wrong code is always
    checked: a room behind one NAT address gets in with the valid code whatever a guesser
    beside it does. A success does not clear the count (a valid code of one round must not
    buy more guesses at another). Use inside an application context.
    """

    def __init__(self, per_client: int = 5, per_ip: int = 100, window_s: float = 600.0,
                 global_cap: int = 1000) -> None:
        self.per_client = per_client
        self.per_ip = per_ip
        self.global_cap = global_cap
        self.window_s = window_s
        self._window = SlidingWindow("join", window_s, keep=max(per_ip, global_cap) + 1)

    def blocked(self, client: str, ip: str) -> bool:
        own = self._window.count(("c", client))
        if own >= self.per_client:
            return True
        return own > 0 and (
            self._window.count(("ip", ip)) >= self.per_ip
            or self._window.count(("all",)) >= self.global_cap
        )

    def fail(self, client: str, ip: str) -> None:
        self._window.hit(("c", client), ("ip", ip), ("all",))


def _throttle(app: Flask | None = None) -> JoinThrottle:
    app = app or current_app
    thr = app.extensions.get("vagval_join_throttle")
    if thr is None:
        thr = app.extensions.setdefault("vagval_join_throttle", JoinThrottle())
    return thr


def _token() -> str:
    """The participant token of this browser; created on first visit to the join page."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    if not session.permanent:  # setting it again would re-sign and resend the cookie
        session.permanent = True
    return token


# --- join --------------------------------------------------------------------------------------


@bp.route("/delta", methods=["GET", "POST"])
@public
def join():
    """Code step → municipality step → the round. ``?kod=`` lands on the municipality step."""
    db = get_db()
    token = _token()
    form = request.form if request.method == "POST" else request.args
    raw_code = form.get("kod", "")
    code = pf.clean_code(raw_code)
    if not code:
        status = 200
        error = None
        if request.method == "POST":
            status, error = 422, _("Skriv koden som processledaren visar, t.ex. ABCD EFGH.")
        return _join_page("code", code=raw_code, error=error, status=status)
    ip = request.remote_addr or "-"
    throttle = _throttle()
    if throttle.blocked(token, ip):
        resp = _join_page(
            "code",
            code=raw_code,
            error=_("För många felaktiga koder. Vänta några minuter och försök igen."),
            status=429,
        )
        resp.headers["Retry-After"] = str(int(throttle.window_s))
        return resp
    rnd = store_rounds.get_round_by_code(db, code)
    if rnd is None:
        throttle.fail(token, ip)
        return _join_page(
            "code",
            code=raw_code,
            error=_(
                "Koden %(code)s finns inte. Kontrollera koden som processledaren visar och "
                "försök igen.",
                code=raw_code.strip()[:20],
            ),
            status=404,
        )
    existing, all_closed = store_votes.get_participant_and_session(db, rnd["id"], token)
    if existing is None and all_closed:
        # A participant session ends when its rounds close: the next person on a shared
        # tablet joins the new round with a fresh token, not linked to the last one's votes.
        session[PREVIOUS_KEY] = token
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    if existing is not None and request.method == "GET":
        return redirect(url_for(".round_home", round_id=rnd["id"]))
    if existing is None and rnd["state"] != "open":
        msg = (
            _("Omgången har inte öppnats än. Vänta tills processledaren öppnar den.")
            if rnd["state"] == "draft"
            else _("Omgången är stängd. Inga fler viktningar kan sparas.")
        )
        return _join_page("code", code=raw_code, error=msg, status=409)
    muni = form.get("kommun")
    if muni is None:  # only then look for the device's choice in an earlier round
        muni = str(existing["municipality_id"]) if existing else _earlier_municipality(db, rnd)
    chosen = {"municipality": muni, "role": form.get("roll", (existing or {}).get("role") or "")}
    if request.method == "GET" or "kommun" not in form:
        munis = store_decisions.list_municipalities(db)
        return _join_page("municipality", rnd=rnd, munis=munis, chosen=chosen)
    errors = pf.FormErrors()
    mid = parse_int(chosen["municipality"])
    if mid is None:  # an unknown id is refused by join_round (the list is loaded on error)
        errors.add("kommun", _("Välj din kommun i listan."))
    role = chosen["role"]
    if role and role not in pf.ROLES:
        errors.add("roll", _("Välj en av rollerna, eller ”Vill inte ange”."))
    if not errors:
        try:
            store_votes.join_round(db, rnd["id"], token, mid, role or None)
        except RoundClosedError as exc:
            return _join_page("code", code=raw_code, error=error_text(exc), status=409)
        except StoreError as exc:
            errors.add("kommun" if exc.field == "municipality_id" else None, error_text(exc))
    if errors:
        munis = store_decisions.list_municipalities(db)
        return _join_page(
            "municipality", rnd=rnd, munis=munis, chosen=chosen, errors=errors, status=422
        )
    return htmx.redirect_after_post(url_for(".round_home", round_id=rnd["id"]))


def _join_page(step: str, *, status: int = 200, **ctx: Any):
    ctx.setdefault("errors", pf.FormErrors())
    if ctx.get("error"):
        ctx["errors"].add("kod", ctx["error"])
    # After an htmx swap of the join form, focus goes to the error summary (app.js).
    ctx["focus_id"] = "error-summary" if ctx["errors"] else None
    if "rnd" in ctx:
        ctx["code_display"] = ctx["rnd"]["join_code_display"]
    resp = make_response(
        render_template("participate/join.html", step=step, roles=pf.ROLES, **ctx), status
    )
    return htmx.vary(resp)


@bp.post("/omgang/<int:round_id>/ny-deltagare")
@participant
def new_participant(round_id: int):
    """"Ny deltagare på den här surfplattan": end this device's participant session. The
    votes already saved stay; the next person joins with a fresh token (the same round's code
    is filled in when the round is still open) and cannot see or revise them."""
    db = get_db()
    rnd = store_rounds.get_round(db, round_id)
    for key in (SESSION_KEY, PREVIOUS_KEY):
        session.pop(key, None)
    if rnd is not None and rnd["state"] == "open":
        return redirect(url_for(".join", kod=rnd["join_code"], ny=1), code=303)
    return redirect(url_for(".join", ny=1), code=303)


# --- loading a participant's round ---------------------------------------------------------------


class _Ctx(dict):
    """Round, participant, criteria and their latest vote for one request."""


def _load(round_id: int) -> _Ctx | Any:
    """The participant context, or a redirect to the join page when this browser has not
    joined the round (no hint whether the round exists)."""
    db = get_db()
    # Two statements for everything a participant's request needs (round, criteria,
    # participant, latest vote): under a room of tablets each statement costs a GIL round trip.
    rnd, crits = store_rounds.get_round_with_criteria(db, round_id)
    token = session.get(SESSION_KEY)
    part, latest = (
        store_votes.get_participant_with_latest(db, round_id, token) if rnd and token
        else (None, None)
    )
    if part is None:
        return redirect(url_for(".join"))
    ctx = _Ctx(db=db, rnd=rnd, part=part, criteria=crits, latest=latest,
               latest_rev=latest["revision"] if latest else 0,
               phases=[], phase=None, phase_error=False, phase_votes={})
    if rnd.get("phase_weights"):
        _resolve_phase(ctx)
    elif request.form.get("etapp") or request.args.get("etapp"):
        ctx["phase_error"] = True  # a normal round has no phases: refuse, never ignore
    return ctx


def _resolve_phase(ctx: _Ctx) -> None:
    """Per-phase rounds: which phase this request is about (``etapp`` in the form or the
    query), the participant's latest vote per phase, and ``latest`` = that phase's vote.

    Without a phase the first phase not yet saved is shown; an unknown phase sets
    ``phase_error`` (GET answers 404, a POST 422 with nothing stored).
    """
    db, rnd = ctx["db"], ctx["rnd"]
    phases = store_phases.list_phases(db, rnd["decision_id"])
    votes_by_phase = store_votes.latest_vote_by_phase(db, ctx["part"]["id"])
    for ph in phases:
        ph["label"] = phase_label(ph)
        ph["saved"] = ph["id"] in votes_by_phase
    raw = (request.form.get("etapp") or request.args.get("etapp") or "").strip()
    phase = None
    if raw:
        wanted = parse_int(raw)
        phase = next((ph for ph in phases if ph["id"] == wanted), None)
        ctx["phase_error"] = phase is None
    elif request.method == "POST" or not phases:
        ctx["phase_error"] = True
    if phase is None and phases:
        phase = next((ph for ph in phases if not ph["saved"]), phases[0])
    ctx["phases"], ctx["phase"], ctx["phase_votes"] = phases, phase, votes_by_phase
    ctx["latest"] = votes_by_phase.get(phase["id"]) if phase else None


def _method_from_slug(rnd: Mapping[str, Any], slug: str) -> str:
    method = pf.SLUG_METHODS.get(slug)
    if method is None or method not in rnd["methods"]:
        abort(404)
    return method


def _weights_rows(
    criteria: list[dict[str, Any]], weights: Mapping[Any, float] | None
) -> list[dict[str, Any]]:
    """Rows {id, name, weight, pct, pct_text} for a weights table, in criteria order."""
    rows = []
    for c in criteria:
        w = float((weights or {}).get(str(c["id"]), (weights or {}).get(c["id"], 0.0)))
        rows.append(
            {"id": c["id"], "name": c["name"], "weight": w, "pct": round(w * 100, 1),
             "pct_text": pf.fmt_pct(w)}
        )
    return rows


@bp.get("/omgang/<int:round_id>/")
@participant
def round_home(round_id: int):
    """The round's hub: which method, what was saved, closed state, revealed results."""
    ctx = _load(round_id)
    if not isinstance(ctx, _Ctx):
        return ctx
    rnd, latest = ctx["rnd"], ctx["latest"]
    if ctx["phase_error"] and ctx["phases"] and request.args.get("etapp"):
        abort(404)
    methods = rnd["methods"]
    phase_id = ctx["phase"]["id"] if ctx["phase"] else None
    if (rnd["state"] == "open" and len(methods) == 1 and latest is None
            and not ctx["phase_votes"]):
        return redirect(url_for(
            ".vote", round_id=round_id, slug=pf.METHOD_SLUGS[methods[0]], etapp=phase_id
        ))
    if rnd["phase_weights"]:
        results = _phase_results(ctx) if rnd["results_revealed"] else None
        saved_rows = None
        phase_saved = [
            {**ph, "vote": ctx["phase_votes"][ph["id"]],
             "rows": _weights_rows(ctx["criteria"], ctx["phase_votes"][ph["id"]]["weights"])}
            for ph in ctx["phases"] if ph["id"] in ctx["phase_votes"]
        ]
    else:
        results = _revealed_results(ctx) if rnd["results_revealed"] else None
        saved_rows = _weights_rows(ctx["criteria"], latest["weights"]) if latest else None
        phase_saved = []
    return render_template(
        "participate/round.html",
        **ctx,
        saved_rows=saved_rows,
        phase_saved=phase_saved,
        results=results,
        previous=_previous_round(ctx),
        next_round=_next_open_round(ctx["db"], rnd) if rnd["state"] == "closed" else None,
        alternatives=_shown_alternatives(ctx),
        **_common(),
    )


def _shown_alternatives(ctx: Mapping[str, Any]) -> dict[str, Any] | None:
    """The alternatives as the facilitator lets participants see them (round setting
    ``show_alternatives``): names and descriptions, optionally the scores per criterion."""
    rnd = ctx["rnd"]
    mode = rnd.get("show_alternatives") or "none"
    if mode == "none":
        return None
    alts = store_decisions.list_alternatives(ctx["db"], rnd["decision_id"])
    if not alts:
        return None
    scores = store_decisions.get_scores(ctx["db"], rnd["decision_id"]) if mode == "scores" else {}
    rows = [{"name": a["name"], "description": a.get("description") or "",
             "scores": [pf.fmt_num(v) if (v := scores.get((a["id"], c["id"]))) is not None
                        else None for c in ctx["criteria"]]} for a in alts]
    return {"rows": rows, "with_scores": mode == "scores" and bool(scores),
            "criteria": [c["name"] for c in ctx["criteria"]]}


def _next_open_round(db: Any, rnd: Mapping[str, Any]) -> dict[str, Any] | None:
    """The open round of the same decision after ``rnd`` (Delphi: where a closed round's
    device goes next), or None."""
    later = [r for r in store_rounds.list_rounds(db, rnd["decision_id"])
             if r["number"] > rnd["number"] and r["state"] == "open"]
    return later[0] if later else None


def _earlier_municipality(db: Any, rnd: Mapping[str, Any]) -> str:
    """The municipality id (as text) this device chose in an earlier round of the same
    decision (its current or previous participant token), so the next round keeps it."""
    if rnd["number"] <= 1:
        return ""
    tokens = [t for t in (session.get(SESSION_KEY), session.get(PREVIOUS_KEY)) if t]
    mid = store_votes.earlier_municipality(db, rnd["decision_id"], rnd["number"], tokens)
    return "" if mid is None else str(mid)


def _common() -> dict[str, Any]:
    """What every vote-form template needs besides the round (method names, hints, format)."""
    return {
        "slugs": pf.METHOD_SLUGS,
        "method_labels": pf.METHOD_LABELS,
        "method_hints": pf.METHOD_HINTS,
        "fmt_pct": pf.fmt_pct,
    }


# --- revealed results --------------------------------------------------------------------------


def _revealed_results(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Region weights and spread next to the participant's own latest weights.

    Numbers come from the shared analysis (``store.analysis_cache``, default options: mean
    within a municipality, one municipality one vote), i.e. the facilitator's numbers, pooled
    by the anonymity rule. They are shown only when they rest on at least 2k OTHER voters in
    at least two published municipalities (``core.disclosure.participant_may_see_region``):
    one person with k − 1 extra cookies must still face k + 1 real others. The spread needs
    10 voters (``disclosure.may_show_spread``).
    """
    db, rnd, crits, latest = ctx["db"], ctx["rnd"], ctx["criteria"], ctx["latest"]
    votes = store_votes.latest_votes(db, rnd["id"])
    n_voters = len(votes)
    k = int(rnd["anonymity_k"])
    out: dict[str, Any] = {"n_voters": n_voters, "k": 2 * k, "rows": None}
    plan = disclosure.plan_for_votes(votes, k, key="municipality")
    if not disclosure.participant_may_see_region(plan, latest is not None):
        return out
    region, spread = _region_weights(db, rnd["id"], crits)
    if region is None:
        out["unavailable"] = True
        return out
    own = latest["weights"] if latest else {}
    out["rows"] = _own_vs_region_rows(crits, own, region, spread, n_voters)
    return out


def _own_vs_region_rows(
    crits: list[dict[str, Any]], own: Mapping[str, Any], region: Mapping[str, float],
    spread: Mapping[str, float], n_voters: int,
) -> list[dict[str, Any]]:
    """Table rows: own weight, region weight, spread ("–" below 10 voters), difference."""
    show_spread = disclosure.may_show_spread(n_voters)
    return [
        {
            "name": c["name"],
            "own": pf.fmt_pct(float(own[str(c["id"])])) if str(c["id"]) in own else "–",
            "region": pf.fmt_pct(region[str(c["id"])]),
            "spread": pf.fmt_pct(spread.get(str(c["id"])) or 0.0) if show_spread else "–",
            "diff": _diff_text(own.get(str(c["id"])), region[str(c["id"])]),
        }
        for c in crits
    ]


def _region_weights(
    db: Any, round_id: int, crits: list[dict[str, Any]]
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """Region weights and per-criterion SD over participants.

    Prefers the shared analysis; if it cannot run for this round (e.g. the decision has no
    complete score matrix), the same rule is applied to the stored weights here: mean within
    each municipality, then one municipality one vote; SD with ddof 1 as in the core.
    """
    try:
        from mcda.store import analysis_cache

        # Default options: the same cached analysis the facilitator's results page uses.
        result = analysis_cache.get_analysis(db, round_id, None)
        out = result.output or {}
        weights = {str(k): float(v) for k, v in out.get("weights", {}).items()}
        consensus = (out.get("consensus") or {}).get("criteria") or {}
        spread = {str(k): float(v.get("sd") or 0.0) for k, v in consensus.items()}
        if all(str(c["id"]) in weights for c in crits):
            return weights, spread
    except (ImportError, LookupError, MCDAInputError) as exc:
        current_app.logger.info("analysis unavailable for round %s: %s", round_id, exc)
    return _stored_region_weights(db, round_id, crits)


def _stored_region_weights(
    db: Any, round_id: int, crits: list[dict[str, Any]],
    votes: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """The fallback rule on stored weights, after the same pooling as the analysis
    (``core.disclosure``): a group under k never counts as its own municipality."""
    if votes is None:
        votes = store_votes.latest_votes(db, round_id)
    k = store_rounds.get_round(db, round_id)["anonymity_k"]
    votes = disclosure.pool_votes(
        votes, disclosure.plan_for_votes(votes, k, key="municipality"), key="municipality")
    ids = [str(c["id"]) for c in crits]
    rows = [[float(v["weights"].get(cid, 0.0)) for cid in ids] for v in votes]
    if not rows:
        return None, {}
    groups: dict[str, list[list[float]]] = {}
    for v, row in zip(votes, rows, strict=True):
        groups.setdefault(v["municipality"], []).append(row)
    means = [[sum(col) / len(g) for col in zip(*g, strict=True)] for g in groups.values()]
    region = [sum(col) / len(means) for col in zip(*means, strict=True)]
    total = sum(region) or 1.0
    n = len(rows)
    spread = {}
    for k, cid in enumerate(ids):
        col = [r[k] for r in rows]
        mu = sum(col) / n
        spread[cid] = (sum((x - mu) ** 2 for x in col) / (n - 1)) ** 0.5 if n > 1 else 0.0
    return {cid: region[k] / total for k, cid in enumerate(ids)}, spread


def _phase_region_weights(
    db: Any, round_id: int, phase_id: int, crits: list[dict[str, Any]],
    votes: list[dict[str, Any]],
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """One phase's region weights and spread: the facilitator's (pooled) analysis of that
    phase's votes, else the same rule on the stored weights."""
    try:
        from mcda.store import analysis_cache

        out = analysis_cache.get_analysis(db, round_id, None, phase_id=phase_id).output or {}
        weights = {str(k): float(v) for k, v in out.get("weights", {}).items()}
        consensus = (out.get("consensus") or {}).get("criteria") or {}
        spread = {str(k): float(v.get("sd") or 0.0) for k, v in consensus.items()}
        if all(str(c["id"]) in weights for c in crits):
            return weights, spread
    except (ImportError, LookupError, MCDAInputError) as exc:
        current_app.logger.info("analysis unavailable for round %s: %s", round_id, exc)
    return _stored_region_weights(db, round_id, crits, votes)


def _phase_results(ctx: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Revealed results of a per-phase round: per phase, region weights next to the
    participant's own (the rule of :func:`_revealed_results`, applied per phase)."""
    db, rnd, crits = ctx["db"], ctx["rnd"], ctx["criteria"]
    k = int(rnd["anonymity_k"])
    out = []
    for ph in ctx["phases"]:
        votes = store_votes.latest_votes(db, rnd["id"], ph["id"])
        entry: dict[str, Any] = {"label": ph["label"], "n_voters": len(votes),
                                 "k": 2 * k, "rows": None}
        own_vote = ctx["phase_votes"].get(ph["id"])
        plan = disclosure.plan_for_votes(votes, k, key="municipality")
        if disclosure.participant_may_see_region(plan, own_vote is not None):
            region, spread = _phase_region_weights(db, rnd["id"], ph["id"], crits, votes)
            if region is not None:
                own = own_vote["weights"] if own_vote else {}
                entry["rows"] = _own_vs_region_rows(crits, own, region, spread, len(votes))
        out.append(entry)
    return out


# --- Delphi: the previous revealed round -------------------------------------------------------

SVG_WIDTH = 320
SVG_PAD = 10


def _quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default rule) of an ascending list."""
    if not sorted_values:
        return 0.0
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _previous_round(ctx: Mapping[str, Any]) -> dict[str, Any] | None:
    """"Förra omgången": the latest EARLIER round of the decision whose results were revealed.

    Per criterion: the region's weight (the facilitator's default analysis), the spread over
    participants (quartiles Q1–Q3 and the 10th–90th percentile) and, if this device (same
    session token) voted in that round, the participant's own weight there. Only regional
    figures, and nothing below the earlier round's anonymity threshold k. In a per-phase
    round the earlier round's votes for the same phase are used (phases belong to the
    decision, so the ids are shared).
    """
    db, rnd, crits = ctx["db"], ctx["rnd"], ctx["criteria"]
    earlier = [
        r for r in store_rounds.list_rounds(db, rnd["decision_id"])
        if r["number"] < rnd["number"] and r["results_revealed"]
    ]
    if not earlier or not crits:
        return None
    prev = earlier[-1]
    phase = ctx.get("phase")
    if prev["phase_weights"]:
        if phase is None:
            return None
        votes = store_votes.latest_votes(db, prev["id"], phase["id"])
    else:
        votes = store_votes.latest_votes(db, prev["id"])
    token = session.get(SESSION_KEY)
    prev_part = store_votes.get_participant(db, prev["id"], token) if token else None
    if prev_part is None and session.get(PREVIOUS_KEY):
        token = session[PREVIOUS_KEY]
        prev_part = store_votes.get_participant(db, prev["id"], token)
    prev_k = int(prev["anonymity_k"])
    out: dict[str, Any] = {
        "number": prev["number"], "title": prev["title"], "n_voters": len(votes),
        "k": max(disclosure.MIN_SPREAD_VALUES, 2 * prev_k), "rows": None,
        "phase_label": phase["label"] if phase and prev["phase_weights"] else None,
    }
    # quartiles of fewer than 10 values are individual weightings; and the region on the
    # same broad base as the revealed results (core.disclosure)
    plan = disclosure.plan_for_votes(votes, prev_k, key="municipality")
    out["reasons"] = disclosure.publishable_reasons(
        store_reasons.shown_reason_texts(db, prev["id"]), plan)
    if not (disclosure.may_show_spread(len(votes))
            and disclosure.participant_may_see_region(plan, prev_part is not None)):
        return out
    if prev["phase_weights"]:
        region, _spread = _stored_region_weights(db, prev["id"], crits, votes)
    else:
        region, _spread = _region_weights(db, prev["id"], crits)
    if region is None:
        return out
    own: dict[str, float] = {}
    if prev_part is not None:
        if prev["phase_weights"]:
            v = store_votes.latest_vote_by_phase(db, prev_part["id"]).get(phase["id"])  # type: ignore[index]
        else:
            v = store_votes.latest_vote(db, prev_part["id"])
            v = v if v and v.get("phase_id") is None else None
        own = {str(k): float(w) for k, w in (v["weights"] if v else {}).items()}
    stats = []
    for c in crits:
        cid = str(c["id"])
        col = sorted(float(v["weights"].get(cid, 0.0)) for v in votes)
        stats.append({
            "id": c["id"], "name": c["name"], "region": float(region.get(cid, 0.0)),
            "p10": _quantile(col, 0.1), "q1": _quantile(col, 0.25),
            "median": _quantile(col, 0.5), "q3": _quantile(col, 0.75),
            "p90": _quantile(col, 0.9), "own": own.get(cid),
        })
    top = max(max(s["p90"], s["region"], s["own"] or 0.0) for s in stats)
    scale = min(1.0, max(0.1, math.ceil(top * 10 - 1e-9) / 10))  # up to the next 10 %
    span = SVG_WIDTH - 2 * SVG_PAD

    def x(w: float) -> float:
        return round(SVG_PAD + span * min(w, scale) / scale, 1)

    for s in stats:
        s["x"] = {k: x(s[k]) for k in ("p10", "q1", "median", "q3", "p90", "region")}
        s["x"]["own"] = x(s["own"]) if s["own"] is not None else None
        s["text"] = {k: pf.fmt_pct(s[k]) for k in ("p10", "q1", "median", "q3", "p90", "region")}
        s["text"]["own"] = pf.fmt_pct(s["own"]) if s["own"] is not None else None
        s["diff"] = _diff_text(s["own"], s["region"]) if s["own"] is not None else None
    out.update(
        rows=stats, own=bool(own), scale_text=pf.fmt_pct(scale), width=SVG_WIDTH,
        x0=SVG_PAD, x1=SVG_WIDTH - SVG_PAD, ticks=[
            {"x": x(scale * f / 4), "text": pf.fmt_pct(scale * f / 4)} for f in range(5)
        ],
    )
    return out


def _diff_text(own: float | None, region: float) -> str:
    if own is None:
        return "–"
    diff = (float(own) - region) * 100
    if abs(diff) < 2:
        return _("ungefär som regionen")
    amount = decimal_text(abs(diff), 1)
    if diff > 0:
        return _("%(n)s procentenheter högre", n=amount)
    return _("%(n)s procentenheter lägre", n=amount)


# --- vote forms --------------------------------------------------------------------------------


def _initial_state(method: str, ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The form values to show on GET: the participant's latest vote of this method, if any."""
    crits, latest = ctx["criteria"], ctx["latest"]
    payload = latest["payload"] if latest and latest["method"] == method else None
    ids = [int(c["id"]) for c in crits]
    equal = bool((payload or {}).get("equal"))
    if method in ("direct", "points"):
        default = 5.0 if method == "direct" else 0.0
        stored = {str(k): v for k, v in ((payload or {}).get("values") or {}).items()}
        return {"values": {cid: float(stored.get(str(cid), default)) for cid in ids},
                "equal": equal}
    if method == "ranking":
        stored = {int(k): v for k, v in ((payload or {}).get("ranks") or {}).items()}
        if set(stored) == set(ids):
            order = sorted(ids, key=lambda cid: (stored[cid], ids.index(cid)))
            ties = {
                cid for i, cid in enumerate(order) if i and stored[cid] == stored[order[i - 1]]
            }
            # The participant's own stored order counts as ranked.
            return {"ranking": pf.RankingState(order=order, ties=ties), "touched": True,
                    "equal": equal}
        return {"ranking": pf.RankingState(order=ids, ties=set()), "touched": False}
    state = pf.PairwiseState(which={}, strength={})
    if payload and [int(x) for x in payload.get("criteria", [])] == ids:
        matrix = payload["matrix"]
        for i, a in enumerate(ids):
            for j in range(i + 1, len(ids)):
                cell = matrix[i][j]
                if cell is None:  # an unanswered pair of an incomplete vote
                    continue
                v = float(cell)
                pair = (a, ids[j])
                if abs(v - 1) < 1e-9:
                    state.which[pair] = "lika"
                elif v > 1:
                    state.which[pair], state.strength[pair] = "a", int(round(v))
                else:
                    state.which[pair], state.strength[pair] = "b", int(round(1 / v))
    return {"pairwise": state, "equal": equal}


def _equal_conflict(errors: pf.FormErrors) -> None:
    errors.add(
        None,
        _(
            "Du har kryssat i ”Alla lika viktiga” men gett kriterierna olika värden. Ta bort "
            "krysset, eller ge alla kriterier samma värde."
        ),
    )


def _state_from_form(method: str, ctx: Mapping[str, Any], *, final: bool) -> dict[str, Any]:
    """Parse the posted form; returns the state to re-render plus errors and, when valid,
    the computed weights (``weights``, ``result``) and the payload to store.

    No accidental votes (issue 14): a final submit of an untouched form is refused with a
    message saying what to do; equal weights are stored only when "Alla lika viktiga" is
    ticked (``alla-lika``), and a ticked box that contradicts the values entered is refused.
    Untouched means, without relying on JavaScript: sliders all at the same value, no points
    given, a ranking still in the order shown with no move or tie, no pair answered.
    """
    crits = ctx["criteria"]
    form = request.form
    ids = [int(c["id"]) for c in crits]
    equal = pf.wants_equal(form)
    out: dict[str, Any] = {"equal": equal}
    if method in ("direct", "points"):
        if equal and method == "points":
            # Blank or 0 everywhere (nothing typed) or the same value everywhere is fine.
            raw = {cid: pf.parse_number(form.get(f"v-{cid}", "")) or 0.0 for cid in ids}
            errors = pf.FormErrors()
            if not (all(v == 0 for v in raw.values()) or pf.all_equal(raw)):
                _equal_conflict(errors)
            values = {cid: pf.POINTS_TOTAL / len(ids) for cid in ids}
            shown: dict[int, Any] = {cid: form.get(f"v-{cid}", "") for cid in ids}
            out.update(values=shown, errors=errors)
            if not errors:
                out["payload"] = {"values": {str(cid): values[cid] for cid in ids}, "equal": True}
                out["vector"] = [values[cid] for cid in ids]
            return _finish(out, method, crits, ids)
        parse = pf.parse_direct if method == "direct" else pf.parse_points
        values, errors = parse(form, crits)
        # Keep what the person typed (valid or not) so nothing they entered is lost.
        shown = {}
        for cid in ids:
            shown[cid] = values.get(cid, form.get(f"v-{cid}", ""))
        adjust = form.get("adjust", "")
        if method == "direct" and adjust and not final:
            _apply_adjust(shown, adjust)
            values, errors = pf.parse_direct({f"v-{k}": str(v) for k, v in shown.items()}, crits)
            cid_text, _sep, step_text = adjust.partition(":")
            out["focus"] = ("plus-" if step_text == "1" else "minus-") + cid_text
            if equal and not pf.all_equal(values):
                out["equal"] = equal = False  # a − / + press means the values are meant
        if (method == "points" and final and len(values) == len(ids)
                and all(v == 0 for v in values.values())):
            errors = pf.FormErrors()
            errors.add(None, _(
                "Du har inte fördelat några poäng än. Fördela 100 poäng, eller kryssa i "
                "”Alla lika viktiga” om du menar att alla kriterier är lika viktiga."
            ))
        if not errors and method == "direct":
            if equal and not pf.all_equal(values):
                _equal_conflict(errors)
            elif final and not equal and pf.all_equal(values):
                errors.add(None, _(
                    "Alla reglage står på samma värde, så ingenting skiljer kriterierna åt. "
                    "Flytta minst ett reglage, eller kryssa i ”Alla lika viktiga” om du menar "
                    "att alla kriterier är lika viktiga."
                ))
        out.update(values=shown, errors=errors)
        if not errors:
            vec = [values[cid] for cid in ids]
            out["payload"] = {"values": {str(cid): values[cid] for cid in ids}}
            if equal:
                out["payload"]["equal"] = True
            out["vector"] = vec
    elif method == "ranking":
        state, errors = pf.parse_ranking(form, crits)
        moved = pf.apply_move(state, form.get("move")) if not final else None
        touched = (
            form.get(pf.RANKING_MOVED_FIELD) == "1" or moved is not None
            or form.get("focus", "").startswith("tie-")
        )
        if moved is not None:
            out["focus"] = form.get("move", "").replace(":", "-")
            out["moved"] = moved
            out["equal"] = equal = False  # a move means the person is ranking
        elif form.get("focus", "").startswith("tie-"):
            out["focus"] = form["focus"]
        out["touched"] = touched
        out["confirmed"] = form.get(pf.RANKING_CONFIRM_FIELD) == "1"
        if equal:
            errors = pf.FormErrors()
            state = pf.RankingState(order=state.order, ties=set(state.order[1:]))
        elif (final and not errors and not touched and not out["confirmed"]
              and state.order == ids and not state.ties):
            out["ask_confirm"] = True
            errors.add(None, _(
                "Du har inte ändrat ordningen. Flytta kriterierna så att den viktigaste står "
                "överst. Är ordningen som visas redan din, kryssa i ”Ordningen stämmer som den "
                "är” och spara igen. Menar du att alla är lika viktiga, kryssa i ”Alla lika "
                "viktiga”."
            ))
        ranks = state.ranks() if not errors else {}
        out.update(ranking=state, errors=errors)
        if not errors:
            out["payload"] = {"ranks": {str(cid): ranks[cid] for cid in ids}}
            if equal:
                out["payload"]["equal"] = True
            out["vector"] = [ranks[cid] for cid in ids]
    else:
        _pairwise_from_form(out, form, crits, ids, final=final)
        out["focus"] = "pairwise-result-h" if not final else None
        if form.get("fler") == "1":
            out["focus"] = "pair-progress"
    return _finish(out, method, crits, ids)


def _pairwise_from_form(
    out: dict[str, Any], form: Any, crits: list[dict[str, Any]], ids: list[int], *, final: bool
) -> None:
    """Pairwise: any connected set of answered pairs (issue 14); a complete set is plain AHP,
    an incomplete one is completed by ``core.incomplete`` (λmax-optimal completion)."""
    state, errors = pf.parse_pairwise(form, crits, require_all=False)
    equal = out["equal"]
    all_pairs = pf.criterion_pairs(crits)
    if equal:
        if any(state.which.get(p) in ("a", "b") for p in all_pairs):
            _equal_conflict(errors)
        else:
            state = pf.PairwiseState(which={p: "lika" for p in all_pairs}, strength={})
    out.update(pairwise=state, errors=errors)
    out["all_pairs"] = form.get(pf.ALL_PAIRS_FIELD) == "1" or form.get("fler") == "1"
    out["cr_seen"] = form.get(pf.CR_SEEN_FIELD) == "1"
    if errors:
        return
    judg = pf.judgements_by_index(state, crits)
    if not judg:
        out["pending"] = _(
            "Du har inte svarat på något par än. Svara på paren, eller kryssa i ”Alla lika "
            "viktiga” om du menar att alla kriterier är lika viktiga."
        )
        if final:
            errors.add(None, out["pending"])
        return
    n = len(ids)
    if len(judg) == len(all_pairs):
        try:
            matrix = elicitation.matrix_from_judgements(n, judg)
        except MCDAInputError as exc:
            errors.add(None, error_text(exc))
            return
        out["matrix"] = [[float(x) for x in row] for row in matrix.tolist()]
        out["payload"] = {"matrix": out["matrix"], "criteria": ids}
        if equal:
            out["payload"]["equal"] = True
        return
    cells: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)]
                                       for i in range(n)]
    for (i, j), v in judg.items():
        cells[i][j], cells[j][i] = v, 1.0 / v
    try:
        res = incomplete.complete_pairwise(cells, labels=[str(c["name"]) for c in crits])
    except MCDAInputError as exc:
        loose = exc.value if isinstance(exc.value, list) else []
        names = ", ".join(str(crits[i]["name"]) for i in loose if isinstance(i, int))
        out["pending"] = _(
            "De par du har svarat på hänger inte ihop, så vikterna kan inte räknas ut: "
            "%(names)s är inte jämförda – direkt eller via andra kriterier – med de övriga. "
            "Svara på ett par som binder ihop dem med resten.",
            names=names or "–",
        )
        if final:
            errors.add(None, out["pending"])
        return
    out["payload"] = {"matrix": cells, "criteria": ids}
    wlist = res.result.weights.tolist()
    out["weights"] = {str(cid): float(w) for cid, w in zip(ids, wlist, strict=True)}
    out["result"] = _pairwise_view(res.result, crits, state)
    out["answered"] = res.answered


def _finish(
    out: dict[str, Any], method: str, crits: list[dict[str, Any]], ids: list[int]
) -> dict[str, Any]:
    """Weights from the core for a valid payload (unless already computed, as for an
    incomplete pairwise vote)."""
    if "payload" in out and not out["errors"] and "weights" not in out:
        try:
            weights, result = elicitation.vote_weights(
                method, values=out.get("vector"), matrix=out.get("matrix")
            )
        except MCDAInputError as exc:
            out["errors"].add(None, error_text(exc))
            out.pop("payload", None)
        else:
            wlist = weights.tolist()
            out["weights"] = {str(cid): float(w) for cid, w in zip(ids, wlist, strict=True)}
            out["result"] = _pairwise_view(result, crits, out.get("pairwise")) if result else None
    return out


def _apply_adjust(values: dict[int, Any], adjust: str) -> None:
    """A − / + button without JavaScript: ``<id>:-1`` or ``<id>:1`` moves one step (0–10)."""
    cid_text, _sep, step_text = adjust.partition(":")
    cid = parse_int(cid_text)
    if cid is None or cid not in values or step_text not in ("-1", "1"):
        return
    current = pf.parse_number(str(values[cid]))
    current = 5.0 if current is None else current
    values[cid] = float(min(pf.DIRECT_MAX, max(0, round(current) + int(step_text))))


def _pairwise_view(
    result: elicitation.PairwiseResult, crits: list[dict[str, Any]], state: pf.PairwiseState | None
) -> dict[str, Any]:
    """CR in plain words and the most inconsistent judgements, with what the rest implies."""
    cr = float(result.cr)
    cr_text = decimal_text(cr, 2)
    if cr <= 0.10:
        level, text = "ok", _("Dina jämförelser hänger ihop bra (KK %(cr)s).", cr=cr_text)
    elif cr <= 0.20:
        level, text = "warn", _(
            "Dina jämförelser motsäger varandra något (KK %(cr)s) – se över markerade par.",
            cr=cr_text,
        )
    else:
        level, text = "bad", _(
            "Dina jämförelser motsäger varandra tydligt (KK %(cr)s) – se över markerade par.",
            cr=cr_text,
        )
    weights = result.weights.tolist()
    flagged = []
    if cr > 0.10:
        for i, j, _dev in result.inconsistent:
            a, b = crits[i], crits[j]
            pair = (int(a["id"]), int(b["id"]))
            said = state.judgement(pair) if state else None
            flagged.append(
                {
                    "anchor": f"par-{pair[0]}-{pair[1]}",
                    "a": a["name"],
                    "b": b["name"],
                    "said": _judgement_text(said, a["name"], b["name"]),
                    "implied": _judgement_text(weights[i] / weights[j], a["name"], b["name"]),
                    "pair": pair,
                }
            )
    return {
        "cr": cr,
        "cr_text": cr_text,
        "level": level,
        "text": text,
        "flagged": flagged,
        "flagged_pairs": {f["pair"] for f in flagged},
        "random_index": result.random_index,
        "priority": result.priority,
    }


def _judgement_text(value: float | None, a: str, b: str) -> str:
    """"A något viktigare än B (3)" for a Saaty value (rounded to the nearest step)."""
    if value is None:
        return "–"
    if value >= 1:
        step, first, second = min(9, max(1, round(value))), a, b
    else:
        step, first, second = min(9, max(1, round(1 / value))), b, a
    if step == 1:
        return _("%(a)s och %(b)s lika viktiga (1)", a=a, b=b)
    return _(
        "%(a)s %(label)s än %(b)s (%(n)s)",
        a=first,
        b=second,
        label=pf.SAATY_LABELS[step],
        n=step,
    )


def _render_vote(
    ctx: Mapping[str, Any],
    method: str,
    state: Mapping[str, Any],
    *,
    status: int = 200,
    status_message: str = "",
    saved: dict[str, Any] | None = None,
    notice: str | None = None,
):
    """The vote page (or, for htmx, the panel plus the status region out of band)."""
    crits = ctx["criteria"]
    weights = state.get("weights")
    if weights is None and method in ("direct", "points"):
        nums = {cid: pf.parse_number(str(v)) for cid, v in state["values"].items()}
        if all(v is not None and v >= 0 for v in nums.values()):
            total = sum(nums.values())  # type: ignore[arg-type]
            weights = {str(cid): (v / total if total else 0.0) for cid, v in nums.items()}
    errors = state.get("errors") or pf.FormErrors()
    focus_id = _focus_id(state, errors, saved)
    pairs, more = _shown_pairs(crits, state) if method == "pairwise" else ([], 0)
    names = {int(c["id"]): c["name"] for c in crits}
    context = dict(
        **ctx,
        **_common(),
        method=method,
        slug=pf.METHOD_SLUGS[method],
        state=state,
        errors=errors,
        focus_id=focus_id,
        weight_rows=_weights_rows(crits, weights) if weights else None,
        revision=ctx["latest_rev"] + 1,
        previous=None if htmx.is_htmx() else _previous_round(ctx),
        saved=saved,
        status_message=status_message,
        notice=notice,
        pairs=pairs,
        more_pairs=more,
        all_pairs_total=len(pf.criterion_pairs(crits)),
        names=names,
        saaty=pf.SAATY_LABELS,
        direct_max=pf.DIRECT_MAX,
        points_total=pf.POINTS_TOTAL,
        remaining=_remaining(state) if method == "points" else None,
        shown=_display_values(state) if method in ("direct", "points") else {},
        is_open=ctx["rnd"]["state"] == "open",
        lang=str(get_locale()),
        reason_text=_reason_value(ctx),
        reason_max=store_votes.MAX_REASON_CHARS,
    )
    return htmx.render(
        "participate/vote.html", "participate/_vote_panel_htmx.html", status=status, **context
    )


def _reason_value(ctx: Mapping[str, Any]) -> str:
    """The "Varför?" text to show: what was posted (kept on errors and recomputes), else the
    latest saved revision's."""
    if request.method == "POST":
        return request.form.get("varfor", "")
    return (ctx.get("latest") or {}).get("reason") or ""


def _shown_pairs(
    crits: list[dict[str, Any]], state: Mapping[str, Any]
) -> tuple[list[tuple[int, int]], int]:
    """The pairs the form asks and how many more "Svara på fler" would add.

    The short sequence from ``core.incomplete.suggested_pairs`` (all pairs for n ≤ 5, 2n for
    n ≥ 6), unless the participant asked for all pairs or has answered one outside it.
    """
    every = pf.criterion_pairs(crits)
    suggested = pf.suggested_criterion_pairs(crits)
    ps = state.get("pairwise")
    answered = {p for p in every if ps is not None and ps.judgement(p) is not None}
    if state.get("all_pairs") or not answered <= set(suggested) or len(suggested) >= len(every):
        return every, 0
    return suggested, len(every) - len(suggested)


def _focus_id(
    state: Mapping[str, Any], errors: pf.FormErrors, saved: Mapping[str, Any] | None
) -> str | None:
    """Which element gets focus after an htmx swap, so focus never falls back to <body>."""
    if errors:
        return "error-summary"
    if saved:
        return "saved-h"
    focus = state.get("focus")
    ranking = state.get("ranking")
    if focus and ranking and focus[:3] in ("up-", "dow"):
        cid = int(focus.split("-", 1)[1])
        if focus.startswith("up-") and ranking.order[0] == cid:
            return f"down-{cid}"
        if focus.startswith("down-") and ranking.order[-1] == cid:
            return f"up-{cid}"
    return focus


def _display_values(state: Mapping[str, Any]) -> dict[int, str]:
    """Form values as input text: 5 rather than 5.0; what the person typed when invalid."""
    out = {}
    for cid, v in state["values"].items():
        if isinstance(v, float) and v.is_integer():
            out[cid] = str(int(v))
        else:
            out[cid] = str(v)
    return out


def _remaining(state: Mapping[str, Any]) -> str:
    nums = [pf.parse_number(str(v)) for v in state["values"].values()]
    if any(v is None for v in nums):
        return "?"
    return pf.fmt_num(pf.POINTS_TOTAL - sum(nums))  # type: ignore[arg-type]


@bp.route("/omgang/<int:round_id>/<slug>", methods=["GET", "POST"])
@participant
def vote(round_id: int, slug: str):
    """GET shows the form; POST validates, computes the weights in the core and stores one
    revision (idempotent per revision, so a retried or double-tapped submit is stored once)."""
    ctx = _load(round_id)
    if not isinstance(ctx, _Ctx):
        return ctx
    method = _method_from_slug(ctx["rnd"], slug)
    if request.method == "GET":
        if ctx["phase_error"] and request.args.get("etapp"):
            abort(404)
        state = _initial_state(method, ctx)
        saved = None
        status_message = ""
        latest = ctx["latest"]
        if latest and request.args.get("sparad") == str(latest["revision"]):
            saved = _saved_view(ctx, latest)
            status_message = _saved_message(latest["revision"], ctx.get("phase"))
        return _render_vote(ctx, method, state, saved=saved, status_message=status_message)

    state = _state_from_form(method, ctx, final=True)
    if ctx["rnd"]["state"] != "open":
        return _closed(ctx, method, state)
    revision, rev_error = pf.parse_revision(request.form.get("revision"), ctx["latest_rev"])
    if rev_error:
        state["errors"].add(None, rev_error)
    if ctx["phase_error"]:
        state["errors"].add(None, _("Etappen finns inte i den här omgången. Välj en etapp i "
                                    "listan och spara igen."))
    if state["errors"] or "weights" not in state:
        if not state["errors"]:
            state["errors"].add(None, _("Viktningen är ofullständig. Kontrollera formuläret."))
        return _render_vote(
            ctx, method, state, status=422,
            status_message=_("Viktningen sparades inte. Rätta felen och försök igen."),
        )
    try:
        reason = store_votes.clean_reason(request.form.get("varfor", ""))
    except StoreError as exc:
        state["errors"].add(None, error_text(exc))
        return _render_vote(
            ctx, method, state, status=422,
            status_message=_("Viktningen sparades inte. Rätta felen och försök igen."),
        )
    result = state.get("result")
    latest = ctx["latest"]
    if (latest and latest["method"] == method and latest["payload"] == state["payload"]
            and latest.get("reason") == reason):
        # Unchanged content (e.g. a second tap that lands after the first save's swap,
        # already carrying the next revision): nothing new to store, answer as saved.
        stored = {"revision": latest["revision"], "created": False}
    else:
        stored = None
    if stored is None and result and result["cr"] > pf.CR_LIMIT and not state.get("cr_seen"):
        # Asked once: the form comes back with the flagged pairs and kk-sedd=1, so the next
        # save stores the vote as it is (the facilitator sees it among the high-CR votes).
        state["cr_seen"] = True
        state["errors"].add(None, _(
            "Dina jämförelser motsäger varandra (KK %(cr)s, över 0,10). Se över paren "
            "%(pairs)s. Vill du spara ändå, tryck på ”Spara min viktning” igen.",
            cr=result["cr_text"],
            pairs=", ".join(f"{f['a']} – {f['b']}" for f in result["flagged"]) or "–",
        ))
        return _render_vote(
            ctx, method, state, status=422,
            status_message=_("Viktningen är inte sparad än. Se över de markerade paren, "
                             "eller spara igen för att spara ändå."),
        )
    try:
        stored = stored or store_votes.record_vote(
            ctx["db"],
            round_id,
            ctx["part"]["id"],
            revision=revision,  # type: ignore[arg-type]
            method=method,
            payload=state["payload"],
            weights=state["weights"],
            consistency_ratio=result["cr"] if result else None,
            phase_id=ctx["phase"]["id"] if ctx["phase"] else None,
            reason=reason,
            with_row=htmx.is_htmx(),
        )
    except RoundClosedError:
        ctx["rnd"] = store_rounds.get_round(ctx["db"], round_id)
        return _closed(ctx, method, state)
    except StoreError as exc:
        state["errors"].add(None, error_text(exc))
        return _render_vote(
            ctx, method, state, status=422,
            status_message=_("Viktningen sparades inte. Rätta felen och försök igen."),
        )
    phase_id = ctx["phase"]["id"] if ctx["phase"] else None
    if not htmx.is_htmx():
        url = url_for(
            ".vote", round_id=round_id, slug=slug, sparad=stored["revision"], etapp=phase_id
        )
        return redirect(url + "#sparat", code=303)
    if "vote" in stored:  # the stored row is the latest: no need to read it back
        part = ctx["part"]
        ctx["latest"] = {**stored["vote"], "municipality_id": part["municipality_id"],
                         "municipality": part["municipality"], "role": part["role"]}
    else:
        ctx["latest"] = store_votes.latest_vote(ctx["db"], ctx["part"]["id"])
    ctx["latest_rev"] = ctx["latest"]["revision"] if ctx["latest"] else 0
    if ctx["rnd"].get("phase_weights"):
        _resolve_phase(ctx)
    saved = _saved_view(ctx, ctx["latest"], pairwise=result)
    return _render_vote(
        ctx, method, _initial_state(method, ctx), saved=saved,
        status_message=_saved_message(stored["revision"], ctx.get("phase")),
    )


def _saved_message(revision: int, phase: Mapping[str, Any] | None = None) -> str:
    if phase:
        return _(
            "Din viktning för %(phase)s är sparad (version %(n)s).",
            phase=phase["label"], n=revision,
        )
    return _("Din viktning är sparad (version %(n)s).", n=revision)


def _saved_view(
    ctx: Mapping[str, Any], vote_row: Mapping[str, Any], pairwise: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    cr = vote_row.get("consistency_ratio")
    return {
        "revision": vote_row["revision"],
        "method": vote_row["method"],
        "rows": _weights_rows(ctx["criteria"], vote_row["weights"]),
        "cr_text": decimal_text(cr, 2) if cr is not None else None,
    }


def _closed(ctx: Mapping[str, Any], method: str, state: dict[str, Any]):
    """A submit to a round that is not open: 409, nothing stored, the values kept on screen."""
    rnd = ctx["rnd"]
    msg = (
        _("Omgången har inte öppnats än. Din viktning sparades inte.")
        if rnd["state"] == "draft"
        else _("Omgången är stängd. Din viktning sparades inte.")
    )
    state["errors"] = pf.FormErrors(general=[msg])
    return _render_vote(ctx, method, state, status=409, status_message=msg)


@bp.post("/omgang/<int:round_id>/<slug>/forhandsvisning")
@participant
def preview(round_id: int, slug: str):
    """Recompute the form (± step, move, tie, AHP check) and show the weights. Stores nothing."""
    ctx = _load(round_id)
    if not isinstance(ctx, _Ctx):
        return ctx
    method = _method_from_slug(ctx["rnd"], slug)
    state = _state_from_form(method, ctx, final=False)
    message = _("Vikterna är uppdaterade. Inget är sparat än.")
    if state["errors"]:
        message = _("Formuläret innehåller fel. Inget är sparat.")
    elif method == "pairwise" and "weights" not in state:
        message = state.get("pending") or _("Formuläret innehåller fel. Inget är sparat.")
    elif method == "ranking" and state.get("moved") is not None:
        # say where the moved criterion landed, not the same sentence every time
        cid = state["moved"]
        name = next((c["name"] for c in ctx["criteria"] if c["id"] == cid), "")
        message = _("%(name)s är nu på plats %(n)s av %(total)s. Inget är sparat än.", name=name,
                    n=state["ranking"].ranks()[cid], total=len(ctx["criteria"]))
    return _render_vote(ctx, method, state, status_message=message)


# --- CSRF failures on a long-open tablet -------------------------------------------------------


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError):
    """An expired or missing CSRF token on the vote form: show the form again with what the
    person entered and a fresh token, instead of a dead-end error page (nothing is lost).
    Blueprint handlers also see errors raised by the app-wide CSRF check, which runs after
    URL matching."""
    args = request.view_args or {}
    if request.endpoint in ("participate.vote", "participate.preview") and "round_id" in args:
        ctx = _load(int(args["round_id"]))
        if isinstance(ctx, _Ctx):
            method = _method_from_slug(ctx["rnd"], str(args.get("slug", "")))
            state = _state_from_form(method, ctx, final=False)
            msg = _(
                "Sidan har varit öppen länge och säkerhetskoden hade gått ut. Dina val finns "
                "kvar – tryck på Spara igen."
            )
            state["errors"].add(None, msg)
            return _render_vote(ctx, method, state, status=400, status_message=msg)
    if request.endpoint == "participate.join":
        return _join_page(
            "code",
            code=request.form.get("kod", ""),
            error=_("Sidan hade gått ut. Skriv koden igen."),
            status=400,
        )
    return (
        render_template(
            "pages/error.html",
            status=400,
            title=_("Något gick fel"),
            message=_("Formuläret har gått ut. Ladda om sidan och försök igen."),
            request_id=request_id(),
        ),
        400,
    )
