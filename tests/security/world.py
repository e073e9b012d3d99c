"""A small, complete world for security and durability tests.

Two facilitators (the owner A and a stranger B), a secretariat user, a decision owned by A
with criteria, alternatives and scores, an open round with one participant who voted, a
closed round, and a decision owned by B with its own open round and participant. Every URL
parameter a route can take is resolved from this world (see :func:`url_values`), so a walk
over ``app.url_map`` also covers routes added later.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from mcda.store import connect
from mcda.store import decisions as sd
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import csrf_from, login, make_user

PASSWORD = "korrekt häst batteri"
# Methods whose vote forms the tablets post to (slug used in participant URLs).
SLUG = "skjutreglage"
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
SKIP_ENDPOINTS = ("static",)


@dataclass
class World:
    app: Flask
    owner_id: int
    stranger_id: int
    secretariat_id: int
    decision_id: int
    criteria: list[int]
    alternatives: list[int]
    round_id: int
    closed_round_id: int
    participant_token: str
    other_decision_id: int
    other_round_id: int
    other_token: str
    join_code: str
    extra: dict[str, Any] = field(default_factory=dict)

    def db(self):
        return connect(self.app.config["DATABASE"])


def direct_payload(crits: list[int], values: list[float]) -> dict[str, Any]:
    total = sum(values)
    return {
        "method": "direct",
        "payload": {"values": {str(c): float(v) for c, v in zip(crits, values, strict=True)}},
        "weights": {str(c): v / total for c, v in zip(crits, values, strict=True)},
    }


def build_world(app: Flask, *, names: dict[str, str] | None = None) -> World:
    """Create the world in the app's database. ``names`` may override object names
    (``decision``, ``description``, ``criterion``, ``criterion2``, ``alternative``,
    ``alternative2``, ``round``) for hostile-input tests."""
    names = names or {}
    owner = make_user(app, "agare@example.se", PASSWORD, "facilitator")
    stranger = make_user(app, "annan@example.se", PASSWORD, "facilitator")
    secretariat = make_user(app, "kansli@example.se", PASSWORD, "secretariat")
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        munis = store_munis.list_municipalities(db)
        d = sd.create_decision(
            db, owner, names.get("decision", "Kulturhus i Skaraborg"),
            names.get("description", "Test"),
        )
        crits = [
            store_items.add_criterion(
                db, d, names.get("criterion", "Tillgänglighet"), names.get("description", "Nå")
            ),
            store_items.add_criterion(db, d, "Kostnad", "Investering", "cost"),
            store_items.add_criterion(db, d, names.get("criterion2", "Barn och unga"), ""),
        ]
        alts = [
            store_items.add_alternative(
                db, d, names.get("alternative", "Bibliotek"), "", munis[0]["id"], 10
            ),
            store_items.add_alternative(
                db, d, names.get("alternative2", "Konsthall"), "", munis[1]["id"], 20
            ),
            store_items.add_alternative(db, d, "Musikskola", "", munis[2]["id"], 5),
        ]
        for i, a in enumerate(alts):
            for j, c in enumerate(crits):
                store_items.set_score(db, a, c, float((i + 1) * (j + 2) % 7 + 1))
        closed = sr.create_round(db, d, methods=list(sr.METHODS), title="Stängd omgång")
        sr.open_round(db, closed)
        for k in range(4):
            p = store_parts.join_round(
                db, closed, secrets.token_urlsafe(24), munis[k % 2]["id"], None
            )
            sv.record_vote(db, closed, p["id"], revision=1,
                           **direct_payload(crits, [k + 1, 3, 5 - k]))
        sr.close_round(db, closed)
        sr.set_revealed(db, closed, True)
        rnd = sr.create_round(
            db, d, methods=list(sr.METHODS), title=names.get("round", "Öppen omgång")
        )
        sr.open_round(db, rnd)
        token = secrets.token_urlsafe(32)
        part = store_parts.join_round(db, rnd, token, munis[0]["id"], "forskare")
        sv.record_vote(db, rnd, part["id"], revision=1, **direct_payload(crits, [8, 2, 5]))

        od = sd.create_decision(db, stranger, "Annans beslutsfråga", "")
        ocrits = [store_items.add_criterion(db, od, f"K{i}") for i in range(3)]
        oalt = store_items.add_alternative(db, od, "Annat alternativ")
        for c in ocrits:
            store_items.set_score(db, oalt, c, 1.0)
        ornd = sr.create_round(db, od, methods=list(sr.METHODS))
        sr.open_round(db, ornd)
        otoken = secrets.token_urlsafe(32)
        store_parts.join_round(db, ornd, otoken, munis[3]["id"], None)
        code = sr.get_round(db, rnd)["join_code"]
    finally:
        db.conn.close()
    return World(
        app=app, owner_id=owner, stranger_id=stranger, secretariat_id=secretariat,
        decision_id=d, criteria=crits, alternatives=alts, round_id=rnd, closed_round_id=closed,
        participant_token=token, other_decision_id=od, other_round_id=ornd, other_token=otoken,
        join_code=code,
    )


# --- clients per role ------------------------------------------------------------------------

ROLES = ("anonymous", "participant", "other_participant", "stranger", "secretariat", "owner")


def client_as(world: World, role: str) -> FlaskClient:
    """A fresh test client acting as ``role``."""
    c = world.app.test_client()
    if role in ("owner", "stranger", "secretariat"):
        email = {"owner": "agare@example.se", "stranger": "annan@example.se",
                 "secretariat": "kansli@example.se"}[role]
        resp = login(c, email, PASSWORD)
        assert resp.status_code in (302, 303), f"login as {role} failed: {resp.status_code}"
    elif role == "participant":
        with c.session_transaction() as s:
            s["pt"] = world.participant_token
    elif role == "other_participant":
        with c.session_transaction() as s:
            s["pt"] = world.other_token
    return c


def csrf_for(c: FlaskClient) -> str:
    """A valid CSRF token for this client's session (every page carries one)."""
    return csrf_from(c.get("/").get_data(as_text=True))


# --- URL map walking -------------------------------------------------------------------------

# kind values of export routes tried in order until one is known to the app.
EXPORT_KINDS = ("roster.csv", "vikter.csv", "rangordning.csv", "arbetsbok.xlsx", "analys.json")


def url_values(world: World, rule: Rule, *, foreign: bool = False) -> dict[str, Any]:
    """Values for every argument of ``rule``, pointing at A's objects (or B's when
    ``foreign``). Unknown argument names fall back to a plausible value."""
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        if arg == "decision_id":
            values[arg] = world.other_decision_id if foreign else world.decision_id
        elif arg == "round_id":
            values[arg] = world.other_round_id if foreign else world.round_id
        elif arg == "criterion_id":
            values[arg] = world.criteria[0]
        elif arg == "alternative_id":
            values[arg] = world.alternatives[0]
        elif arg == "slug":
            values[arg] = SLUG
        elif arg == "kind":
            values[arg] = world.extra.get("export_kind", EXPORT_KINDS[0])
        elif arg == "filename":
            values[arg] = "app.css"
        else:
            conv = rule._converters.get(arg)  # noqa: SLF001 - need the converter type
            values[arg] = 1 if conv is not None and conv.regex == r"\d+" else "x"
    return values


def build_path(rule: Rule, values: dict[str, Any]) -> str:
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """(rule, method) for every route and method in the URL map, static excluded."""
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule, method))
    return out


def access_rule(app: Flask, rule: Rule) -> str:
    return getattr(app.view_functions[rule.endpoint], "_access_rule", "")


def snapshot(world: World) -> dict[str, list[tuple]]:
    """Every row of every table except login-session bookkeeping, for "nothing changed"."""
    db = world.db()
    try:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT IN ('user_sessions', "
                "'_sqlite_migrations')"
            )
        ]
        return {t: [tuple(r) for r in db.execute(f"SELECT * FROM [{t}] ORDER BY rowid")]
                for t in sorted(tables)}
    finally:
        db.conn.close()


def diff(before: dict, after: dict) -> list[str]:
    out = []
    for t in sorted(set(before) | set(after)):
        b, a = set(before.get(t, [])), set(after.get(t, []))
        if a - b:
            out.append(f"{t}: +{sorted(a - b, key=repr)[:2]}")
        if b - a:
            out.append(f"{t}: -{sorted(b - a, key=repr)[:2]}")
    return out


def login_redirect(resp) -> bool:
    return resp.status_code in (302, 303) and "/logga-in" in resp.headers.get("Location", "")


def join_redirect(resp) -> bool:
    return resp.status_code in (302, 303) and "/delta" in resp.headers.get("Location", "")


# --- response hygiene ------------------------------------------------------------------------
# These scan the raw bytes on purpose (not a parsed page): a browser may run markup that a
# lenient parser would not report as a handler or script, so the check over-approximates.

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
_HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=\s*[\"']", re.I)
_STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def response_problems(resp, path: str) -> list[str]:
    """Security headers every response needs, and CSP-breaking markup in HTML bodies."""
    from mcda.web.kit.security import CSP

    h = resp.headers
    out = []
    if h.get("Content-Security-Policy") != CSP:
        out.append("CSP missing or altered")
    if h.get("X-Content-Type-Options") != "nosniff":
        out.append("nosniff missing")
    if h.get("Referrer-Policy") != "same-origin":
        out.append("Referrer-Policy not same-origin")
    cc = h.get("Cache-Control", "")
    # Exception: conditional polling (ETag → 304) needs a stored copy; "private, no-cache"
    # keeps it out of shared caches and revalidates every time (see docs/security.md).
    polled = "ETag" in h and "private" in cc and "no-cache" in cc
    if not path.startswith("/static/") and "no-store" not in cc and not polled:
        out.append(f"Cache-Control {h.get('Cache-Control')!r} on a private page")
    if resp.mimetype == "text/html":
        html = resp.get_data(as_text=True)
        for name, rx in (("inline <script>", _INLINE_SCRIPT), ("on*= handler", _HANDLER_ATTR),
                         ("style= attribute", _STYLE_ATTR), ("javascript: URL", _JS_URL)):
            m = rx.search(html)
            if m:
                out.append(f"{name}: {m.group(0)[:80]!r}")
        if re.search(r"<script[^>]+src=[\"']https?://", html, re.I):
            out.append("script from another origin")
        # Every full page, projector views included, links both statements.
        if resp.status_code == 200 and "<html" in html and not (
            'href="/tillganglighet"' in html and 'href="/personuppgifter"' in html
        ):
            out.append("full page without links to the accessibility statement and privacy page")
    return [f"{path}: {p}" for p in out]


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = {
    "decision": "<img src=x onerror=alert(1)>",
    "description": '<script>alert("d")</script> {{7*7}} ${7*7} javascript:alert(4)',
    "criterion": "{{7*7}}<script>alert(2)</script>",
    "criterion2": '" hx-post="/x-evil" hx-trigger="load',
    "alternative": "'><svg onload=alert(3)>",
    "alternative2": '<a href="javascript:alert(5)">x</a>',
    "round": '<iframe src="/x-evil"></iframe>',
}
# Raw markup that must never appear in a page built from HOSTILE names.
HOSTILE_MARKERS = (
    "<img src=x onerror", "<script>alert(", 'hx-post="/x-evil"', "<svg onload",
    'href="javascript:', '<iframe src="/x-evil"', "49<script", "49&lt;script",
)
FORMULA = {
    "decision": '=HYPERLINK("http://x.invalid","a")',
    "criterion": "=1+2",
    "criterion2": "+SUM(1;2)",
    "alternative": "-2+3",
    "alternative2": "@SUM(A1:A2)",
    "round": "=2*3",
}
