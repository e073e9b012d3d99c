"""Sessions and cookies (ASVS V3): renewal at login, dead after logout, idle and absolute
timeouts, HttpOnly + SameSite=Lax always, Secure when served over HTTPS, and the participant
token never in a URL or a page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mcda.store import connect
from tests.helpers import csrf_from, login, make_user
from tests.security.world import PASSWORD, client_as, csrf_for, login_redirect

HTTPS = "https://localhost"


def _cookie(c, name="vagval"):
    ck = c.get_cookie(name)
    return ck.value if ck else None


def _set_cookie_headers(resp) -> list[str]:
    return [v for k, v in resp.headers.items() if k.lower() == "set-cookie"]


def _sessions(app):
    db = connect(app.config["DATABASE"])
    try:
        return [dict(r) for r in db.execute("SELECT * FROM user_sessions")]
    finally:
        db.conn.close()


def test_session_id_is_renewed_at_login(app, client):
    make_user(app, "a@example.se", PASSWORD)
    client.get("/logga-in")  # an anonymous session exists before login (CSRF)
    before = _cookie(client)
    assert before
    assert login(client, "a@example.se").status_code == 303
    first = _cookie(client)
    assert first != before
    sid1 = {s["id"] for s in _sessions(app)}
    # A second login (e.g. the same person on another day) gets a new server-side id too.
    client.post("/logga-ut", data={"csrf_token": csrf_for(client)})
    login(client, "a@example.se")
    sid2 = {s["id"] for s in _sessions(app)}
    assert sid1 and sid2 and not (sid1 & sid2)


def test_pre_login_cookie_planted_by_an_attacker_does_not_become_authenticated(app):
    make_user(app, "a@example.se", PASSWORD)
    attacker = app.test_client()
    attacker.get("/logga-in")
    planted = _cookie(attacker)
    victim = app.test_client()
    victim.set_cookie("vagval", planted)
    assert login(victim, "a@example.se").status_code == 303
    attacker.set_cookie("vagval", planted)
    assert login_redirect(attacker.get("/processledare/"))


def test_cookie_replayed_after_logout_is_rejected(world):
    c = client_as(world, "owner")
    stolen = _cookie(c)
    assert c.get("/processledare/").status_code == 200
    assert c.post("/logga-ut", data={"csrf_token": csrf_for(c)}).status_code == 303
    thief = world.app.test_client()
    thief.set_cookie("vagval", stolen)
    assert login_redirect(thief.get("/processledare/"))


@pytest.mark.parametrize("column", ["last_seen", "created_at"])
def test_idle_and_absolute_timeouts(world, column):
    app = world.app
    c = client_as(world, "owner")
    limit = app.config[
        "FACILITATOR_IDLE_TIMEOUT_S" if column == "last_seen" else "FACILITATOR_ABSOLUTE_TIMEOUT_S"
    ]
    old = (datetime.now(UTC) - timedelta(seconds=limit + 5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    db = connect(app.config["DATABASE"])
    try:
        db.execute(f"UPDATE user_sessions SET {column} = ?", [old])
    finally:
        db.conn.close()
    assert login_redirect(c.get("/processledare/"))
    assert _sessions(app) == [], "an expired session row must be deleted"


def test_timeouts_are_bounded(app):
    """Idle ≤ 2 h and absolute ≤ 14 h: one workshop day, not a standing login."""
    assert 0 < app.config["FACILITATOR_IDLE_TIMEOUT_S"] <= 2 * 3600
    assert 0 < app.config["FACILITATOR_ABSOLUTE_TIMEOUT_S"] <= 14 * 3600


def _flags(header: str) -> set[str]:
    return {p.strip().split("=")[0].lower() for p in header.split(";")[1:]} | {
        p.strip().lower() for p in header.split(";")[1:] if p.strip().lower().startswith("samesite")
    }


def test_login_cookie_is_httponly_and_samesite_lax_over_http(app, client):
    make_user(app, "a@example.se", PASSWORD)
    resp = login(client, "a@example.se")
    headers = _set_cookie_headers(resp)
    assert headers
    for h in headers:
        flags = _flags(h)
        assert "httponly" in flags and "samesite=lax" in flags, h
        assert "secure" not in flags, "Secure on plain HTTP would break the local install"


def test_cookies_are_secure_when_served_over_https(app):
    make_user(app, "a@example.se", PASSWORD)
    c = app.test_client()
    page = c.get("/logga-in", base_url=HTTPS)
    assert all("secure" in _flags(h) for h in _set_cookie_headers(page))
    resp = c.post(
        "/logga-in",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/logga-in"},
        data={"email": "a@example.se", "password": PASSWORD,
              "csrf_token": csrf_from(page.get_data(as_text=True))},
    )
    assert resp.status_code == 303
    headers = _set_cookie_headers(resp)
    assert headers
    for h in headers:
        flags = _flags(h)
        assert {"secure", "httponly", "samesite=lax"} <= flags, h


def test_participant_cookie_flags_over_https(world):
    c = world.app.test_client()
    resp = c.get("/delta", base_url=HTTPS)
    headers = _set_cookie_headers(resp)
    assert headers, "the join page must set the participant cookie"
    for h in headers:
        assert {"secure", "httponly", "samesite=lax"} <= _flags(h), h


def test_participant_token_never_in_a_url_or_a_page(world):
    c = world.app.test_client()
    page = c.get("/delta")
    token = None
    with c.session_transaction() as s:
        token = s.get("pt")
    assert token and len(token) >= 32
    resp = c.post("/delta", data={"kod": world.join_code, "kommun": "1",
                                  "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 303
    assert token not in resp.headers["Location"]
    home = c.get(resp.headers["Location"], follow_redirects=True)
    html = home.get_data(as_text=True)
    assert token not in html
    for path in (f"/omgang/{world.round_id}/skjutreglage", f"/omgang/{world.round_id}/poang"):
        r = c.get(path)
        assert token not in r.get_data(as_text=True)
    db = connect(world.app.config["DATABASE"])
    try:
        assert db.execute("SELECT COUNT(*) FROM participants WHERE token_hash = ?",
                          [token]).fetchone()[0] == 0, "the raw token must not be stored"
    finally:
        db.conn.close()


def test_session_cookie_does_not_carry_user_data(world):
    """The signed cookie holds only opaque ids, never the e-mail, role or password hash."""
    import base64
    import zlib

    c = client_as(world, "owner")
    value = _cookie(c)
    payload = value.split(".")[1] if value.startswith(".") else value.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    text = raw.decode()
    assert "agare@example.se" not in text and "scrypt" not in text and "facilitator" not in text
