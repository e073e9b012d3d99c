"""Issue 13 item 4: throttles that never lock a room of tablets or the real facilitator out,
still bound wrong guesses, and see the real client behind gunicorn's and waitress's proxies.

Each attack of the hostile review is a test here: 100 wrong join codes from the room's IP,
five (and a hundred) wrong logins against the facilitator's e-mail from the shared IP, every
client sharing the proxy's address, and waitress dropping X-Forwarded-Proto.
"""

from __future__ import annotations

import http.client
import threading

import pytest

from mcda.server import waitress_proxy_options
from mcda.web import create_app
from mcda.web.auth import throttle as web_auth
from mcda.web.participate.join_check import JoinCheck
from tests.helpers import csrf_from, login, make_user
from tests.web.participate_helpers import join, join_check_fields, make_round

PASSWORD = "korrekt häst batteri"
EMAIL = "pl@example.se"


def _wrong_code(client, code="QQQQ QQQQ", *, solve=True, **kw):
    """One attempt as a browser makes it; ``solve`` answers the join check when asked."""
    page = client.get("/delta", **kw).get_data(as_text=True)
    check = join_check_fields(page) if solve else {}
    return client.post("/delta", data={"kod": code, "csrf_token": csrf_from(page), **check},
                       **kw)


def _login(client, password, **kw):
    page = client.get("/logga-in", **kw)
    return client.post("/logga-in", data={
        "email": EMAIL, "password": password,
        "csrf_token": csrf_from(page.get_data(as_text=True))}, **kw)


# --- join codes -------------------------------------------------------------------------------


def test_100_wrong_codes_from_the_room_ip_never_lock_out_its_tablets(app):
    rd = make_round(app)
    app.extensions["vagval_join_check"] = JoinCheck(iterations=20)
    keeper = app.test_client()  # a guesser keeping its cookie
    assert {_wrong_code(keeper).status_code for _ in range(10)} == {404}
    for _ in range(100):  # a guesser dropping its cookie: a fresh session per guess
        assert _wrong_code(app.test_client()).status_code == 404
    for _ in range(20):  # the room, same REMOTE_ADDR, valid code
        assert join(app.test_client(), rd).status_code == 303
    assert join(keeper, rd).status_code == 303  # even the device that guessed


def test_guesses_need_more_work_per_address_and_site_wide(app):
    rd = make_round(app)
    app.extensions["vagval_join_check"] = thr = JoinCheck(free=4, iterations=20,
                                                          global_share=2)
    for _ in range(4):
        assert _wrong_code(app.test_client(), solve=False).status_code == 404
    unsolved = _wrong_code(app.test_client(), rd.code, solve=False)
    assert unsolved.status_code == 422 and "Retry-After" not in unsolved.headers
    assert "Vilken kommun" not in unsolved.get_data(as_text=True)  # the code was not tried
    with app.app_context():
        assert thr.required("127.0.0.1") == 1
        for _ in range(12):
            thr.fail("127.0.0.1")
        assert thr.required("127.0.0.1") == 5  # 16 wrong codes: two bits per doubling
        # Site-wide guessing from many addresses raises the check for a fresh address too.
        assert thr.required("198.51.100.99") == 3  # 16 // 2 = 8 → 1 + 2 × log2(8 / 4)
    far = app.test_client()
    env = {"environ_base": {"REMOTE_ADDR": "198.51.100.99"}}
    assert _wrong_code(far, solve=False, **env).status_code == 422
    assert _wrong_code(far, **env).status_code == 404
    assert join(app.test_client(), rd).status_code == 303


# --- logins -----------------------------------------------------------------------------------


def test_five_wrong_logins_from_the_shared_ip_do_not_lock_out_the_facilitator(app):
    make_user(app, EMAIL, PASSWORD)
    attacker = app.test_client()
    assert [_login(attacker, "fel lösenord här").status_code for _ in range(5)] == [401] * 5
    real = app.test_client()  # same REMOTE_ADDR, never logged in on this browser
    assert _login(real, PASSWORD).status_code == 303


def test_100_wrong_logins_never_lock_out_the_facilitator_on_their_own_browser(app):
    make_user(app, EMAIL, PASSWORD)
    real = app.test_client()
    assert _login(real, PASSWORD).status_code == 303  # the browser gets its device mark
    real.post("/logga-ut", data={"csrf_token": csrf_from(
        real.get("/processledare/").get_data(as_text=True))})
    attacker = app.test_client()
    statuses = [_login(attacker, f"gissning {i}").status_code for i in range(100)]
    assert statuses[:5] == [401] * 5 and 429 in statuses
    assert _login(real, PASSWORD).status_code == 303


def test_wrong_logins_stay_bounded_by_the_global_budget(app):
    make_user(app, EMAIL, PASSWORD)
    attacker = app.test_client()
    statuses = [_login(attacker, f"gissning {i}").status_code for i in range(60)]
    free, checked = web_auth.FREE_FAILURES, web_auth.GLOBAL_CHECKS
    assert statuses[:free + checked] == [401] * (free + checked)
    assert set(statuses[free + checked:]) == {429}  # refused unchecked
    blocked = _login(attacker, PASSWORD)
    assert blocked.status_code == 429 and "Vänta" in blocked.get_data(as_text=True)
    # The device mark of the real facilitator is not part of that budget.
    assert login(app.test_client(), EMAIL, PASSWORD).status_code in (303, 429)


def test_device_mark_is_bound_to_its_email_and_survives_logout(app):
    make_user(app, EMAIL, PASSWORD)
    make_user(app, "annan@example.se", PASSWORD)
    c = app.test_client()
    assert _login(c, PASSWORD).status_code == 303
    with c.session_transaction() as s:
        mark = s[web_auth.DEVICE_KEY]
    c.post("/logga-ut", data={"csrf_token": csrf_from(
        c.get("/processledare/").get_data(as_text=True))})
    with c.session_transaction() as s:
        assert s[web_auth.DEVICE_KEY] == mark and "sid" not in s
    with app.test_request_context():
        from flask import session

        session[web_auth.DEVICE_KEY] = mark
        assert web_auth.device_mark(EMAIL) == mark["n"]
        assert web_auth.device_mark("annan@example.se") is None


# --- behind a proxy ---------------------------------------------------------------------------


@pytest.fixture
def proxied(tmp_path):
    return create_app({
        "TESTING": True, "DATABASE": str(tmp_path / "p.sqlite"),
        "SECRET_KEY": "test-secret-key-not-for-production", "TRUSTED_PROXIES": 1,
    })


def test_behind_proxy_each_client_has_its_own_address(proxied, app):
    rd = make_round(proxied)
    proxied.extensions["vagval_join_check"] = JoinCheck(free=3, iterations=20)
    a = {"headers": {"X-Forwarded-For": "198.51.100.1"}}
    b = {"headers": {"X-Forwarded-For": "198.51.100.2"}}
    for _ in range(3):
        assert _wrong_code(proxied.test_client(), solve=False, **a).status_code == 404
    # client A's address now needs the check, client B's does not
    assert _wrong_code(proxied.test_client(), solve=False, **a).status_code == 422
    assert _wrong_code(proxied.test_client(), solve=False, **b).status_code == 404
    assert join(proxied.test_client(), rd).status_code == 303
    # Without TRUSTED_PROXIES the header is not believed: everyone is the proxy's address.
    app.extensions["vagval_join_check"] = JoinCheck(free=3, iterations=20)
    for _ in range(3):
        assert _wrong_code(app.test_client(), solve=False, **a).status_code == 404
    assert _wrong_code(app.test_client(), solve=False, **b).status_code == 422


def test_cookies_secure_behind_proxy_with_gunicorn_proxyfix(proxied, app):
    resp = proxied.test_client().get("/delta", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in resp.headers["Set-Cookie"]
    assert "Secure" not in proxied.test_client().get("/delta").headers["Set-Cookie"]
    # An untrusted X-Forwarded-Proto (no proxy configured) changes nothing.
    spoof = app.test_client().get("/delta", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in spoof.headers["Set-Cookie"]


def _waitress_get(app, headers):
    """GET /delta through a real waitress server configured as `serve` does. The server's
    loop runs in this thread (closing it from another thread races its select); the client
    runs in a helper thread."""
    from waitress import create_server
    from waitress.wasyncore import close_all, loop

    server = create_server(app, host="127.0.0.1", port=0, threads=2,
                           **waitress_proxy_options(app))
    out: dict = {}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        try:
            conn.request("GET", "/delta", headers={"Connection": "close", **headers})
            resp = conn.getresponse()
            resp.read()
            out["status"], out["cookie"] = resp.status, resp.getheader("Set-Cookie") or ""
            resp.close()
        finally:
            conn.close()

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            loop(timeout=0.05, map=server._map, count=1)  # noqa: SLF001 - waitress's own map
    finally:
        thread.join(timeout=5)
        close_all(server._map)  # noqa: SLF001
        server.task_dispatcher.shutdown()
    return out["status"], out["cookie"]


def test_cookies_secure_and_client_address_behind_proxy_with_waitress(proxied, app):
    assert waitress_proxy_options(app) == {}
    opts = waitress_proxy_options(proxied)
    assert opts["trusted_proxy_count"] == 1
    assert {"x-forwarded-for", "x-forwarded-proto"} <= opts["trusted_proxy_headers"]
    seen: list[str] = []

    @proxied.before_request
    def _record_addr() -> None:
        from flask import request

        seen.append(request.remote_addr or "")

    status, cookie = _waitress_get(proxied, {"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.5"})
    assert status == 200
    assert "Secure" in cookie
    assert seen[-1] == "203.0.113.5"
    status, cookie = _waitress_get(proxied, {})
    assert status == 200 and "Secure" not in cookie
    assert seen[-1] == "127.0.0.1"


def test_cookies_secure_behind_proxy_with_a_real_gunicorn(tmp_path):
    """`python -m mcda serve --server gunicorn` with VAGVAL_TRUSTED_PROXIES=1: the cookie is
    Secure under X-Forwarded-Proto: https, and not without it. (gunicorn itself also trusts
    X-Forwarded-Proto from 127.0.0.1, its `forwarded_allow_ips` default, so this held before;
    the client address comes from ProxyFix, tested above.)"""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, VAGVAL_TRUSTED_PROXIES="1", VAGVAL_INSTANCE=str(tmp_path),
               VAGVAL_SECRET_KEY="k" * 40, PYTHONPATH=str(root))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcda", "serve", "--server", "gunicorn", "--workers", "1",
         "--threads", "2", "--port", str(port)],
        cwd=str(root), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cookies = {}
        deadline = time.monotonic() + 60
        for proto in ("https", None):
            while True:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                try:
                    headers = {"X-Forwarded-For": "203.0.113.7"}
                    if proto:
                        headers["X-Forwarded-Proto"] = proto
                    conn.request("GET", "/delta", headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    cookies[proto] = resp.getheader("Set-Cookie") or ""
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.3)
                finally:
                    conn.close()
        assert "Secure" in cookies["https"]
        assert "Secure" not in cookies[None]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
