"""Login, logout, session renewal, cookie replay, throttling and open-redirect refusal."""

from __future__ import annotations

import re

import pytest

from mcda.web.auth import throttle as auth
from tests.helpers import csrf_from, login, make_user, parse_html, visible_text


def _cookie(client):
    c = client.get_cookie("vagval")
    return c.value if c else None


def test_login_page_is_swedish_and_has_labels(client):
    html = client.get("/logga-in").get_data(as_text=True)
    doc = parse_html(html)
    assert [h.text() for h in doc.find_all("h1")] == ["Logga in"]
    assert doc.find("label", for_="email") and doc.find("label", for_="password")


def test_login_success_redirects_and_renews_session(app, client):
    make_user(app, "a@example.se")
    client.get("/logga-in")
    before = _cookie(client)
    resp = login(client, "A@Example.se ")
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/processledare/")
    after = _cookie(client)
    assert after and after != before
    with client.session_transaction() as s:
        assert set(s.keys()) >= {"sid"}
        sid1 = s["sid"]
    # logging in again gives a fresh server-side id
    client.post("/logga-ut", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    login(client, "a@example.se")
    with client.session_transaction() as s:
        assert s["sid"] != sid1


def test_wrong_password_and_unknown_user_get_the_same_generic_message(app, client):
    make_user(app, "a@example.se")
    r1 = login(client, "a@example.se", "fel lösenord")
    r2 = login(client, "ingen@example.se", "fel lösenord")
    for r in (r1, r2):
        assert r.status_code == 401
        assert "Fel e-post eller lösenord." in r.get_data(as_text=True)
    with client.session_transaction() as s:
        assert "sid" not in s


def test_empty_fields_name_the_field(client):
    page = client.get("/logga-in").get_data(as_text=True)
    resp = client.post(
        "/logga-in", data={"email": "", "password": "", "csrf_token": csrf_from(page)}
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "E-post: fyll i din e-postadress." in html
    assert "Lösenord: fyll i ditt lösenord." in html
    assert 'aria-invalid="true"' in html


def test_missing_csrf_is_400(app, client):
    make_user(app, "a@example.se")
    client.get("/logga-in")
    resp = client.post(
        "/logga-in", data={"email": "a@example.se", "password": "korrekt häst batteri"}
    )
    assert resp.status_code == 400


def test_logout_kills_replayed_cookie(client, facilitator):
    assert client.get("/processledare/").status_code == 200
    saved = _cookie(client)
    token = csrf_from(client.get("/processledare/").get_data(as_text=True))
    resp = client.post("/logga-ut", data={"csrf_token": token})
    assert resp.status_code == 303
    assert client.get("/processledare/").status_code == 302
    # replay the cookie saved before logout
    client.set_cookie("vagval", saved)
    resp = client.get("/processledare/")
    assert resp.status_code == 302
    assert "/logga-in" in resp.headers["Location"]


def test_logout_needs_post(client, facilitator):
    assert client.get("/logga-ut").status_code == 405
    assert client.get("/processledare/").status_code == 200


def test_protected_page_redirects_to_login_with_next(client):
    resp = client.get("/processledare/")
    assert resp.status_code == 302
    assert "/logga-in?next=" in resp.headers["Location"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "/\tevil",
        "evil.example",
    ],
)
def test_open_redirect_refused(app, client, target):
    make_user(app, "a@example.se")
    page = client.get("/logga-in?next=x").get_data(as_text=True)
    resp = client.post(
        "/logga-in",
        data={
            "email": "a@example.se",
            "password": "korrekt häst batteri",
            "csrf_token": csrf_from(page),
            "next": target,
        },
    )
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/processledare/"


def test_local_next_is_followed(app, client):
    make_user(app, "a@example.se")
    login_page = client.get("/logga-in?next=/processledare/ny").get_data(as_text=True)
    assert 'name="next" value="/processledare/ny"' in login_page
    resp = client.post(
        "/logga-in",
        data={
            "email": "a@example.se",
            "password": "korrekt häst batteri",
            "csrf_token": csrf_from(login_page),
            "next": "/processledare/ny",
        },
    )
    assert resp.headers["Location"] == "/processledare/ny"


def test_secretariat_goes_to_its_own_page(app, client):
    make_user(app, "k@example.se", role="secretariat")
    resp = login(client, "k@example.se")
    assert resp.headers["Location"].endswith("/kansliet/")


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _attempt(client, email, password, ip="10.0.0.1"):
    page = client.get("/logga-in").get_data(as_text=True)
    return client.post(
        "/logga-in",
        data={"email": email, "password": password, "csrf_token": csrf_from(page)},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_throttling_after_five_failures_without_locking_out_real_user(app, client):
    make_user(app, "a@example.se")
    clock = FakeClock()
    app.extensions["vagval_login_throttle"] = auth.LoginThrottle(clock)
    nonce = "n" * 24
    with client.session_transaction() as s:  # this browser logged in as a@ before
        s[auth.DEVICE_KEY] = {"e": auth._email_digest("a@example.se"), "n": nonce}
    for _ in range(5):
        assert _attempt(client, "a@example.se", "gissning").status_code == 401
        clock.t += 1
    # sixth attempt at once from that browser: refused unchecked, even with the right password
    resp = _attempt(client, "a@example.se", "korrekt häst batteri")
    assert resp.status_code == 429
    assert re.search(r"Vänta \d+ sekunder", visible_text(resp.data))
    # the real user on another browser, even at the same IP, is not locked out
    other = app.test_client()
    assert _attempt(other, "a@example.se", "korrekt häst batteri").status_code == 303
    # after 30 s one more attempt is checked; a failure restarts the wait
    clock.t += 30
    assert _attempt(client, "a@example.se", "gissning").status_code == 401
    assert _attempt(client, "a@example.se", "gissning").status_code == 429
    clock.t += 31
    assert _attempt(client, "a@example.se", "korrekt häst batteri").status_code == 303
    # success resets the counter (kept in the database: read it inside an app context)
    with app.app_context():
        throttle = app.extensions["vagval_login_throttle"]
        assert throttle.wait_seconds("a@example.se", "10.0.0.1", nonce) == 0


def test_failures_expire_after_window(app):
    clock = FakeClock()
    t = auth.LoginThrottle(clock)
    with app.app_context():  # the counts live in the app's database
        for _ in range(5):
            t.failure("x@example.se", "1.2.3.4", "enhet-nonce-123456")
        assert t.wait_seconds("x@example.se", "1.2.3.4", "enhet-nonce-123456") == 30
        clock.t += 15 * 60 + 1
        assert t.wait_seconds("x@example.se", "1.2.3.4", "enhet-nonce-123456") == 0


def test_login_is_audited(app, client, facilitator):
    from mcda.store import connect

    db = connect(app.config["DATABASE"])
    rows = db.execute("SELECT action FROM audit_log").fetchall()
    db.conn.close()
    assert [r[0] for r in rows] == ["login"]


def test_language_choice_survives_login(app, client):
    make_user(app, "a@example.se")
    client.get("/?lang=en")
    login(client, "a@example.se")
    with client.session_transaction() as s:
        assert s["lang"] == "en" and "sid" in s
