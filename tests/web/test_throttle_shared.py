"""The login and join-code throttles count in the database, so worker processes share them.

Two ``create_app`` on one DATABASE stand for two gunicorn workers; a small WSGI switch plays
the load balancer, sending each attempt of one browser (one cookie jar) to either worker.
Failures spread over both must trigger the throttle at the same limit as one app does.
"""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mcda.web import create_app
from mcda.web.auth import throttle as auth
from mcda.web.participate.join_check import JoinCheck
from tests.helpers import csrf_from, make_user

from .participate_helpers import join, join_check_fields, make_round

SECRET = "test-secret-key-not-for-production"
PASSWORD = "korrekt häst batteri"


class FakeClock:
    """One wall clock for both 'processes'."""

    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


class Switch:
    """A WSGI app forwarding to ``apps[target]`` (the test picks the worker per attempt),
    as seen from the client address ``ip``."""

    def __init__(self, *apps, ip: str) -> None:
        self.apps = apps
        self.ip = ip
        self.target = 0

    def __call__(self, environ, start_response):
        environ["REMOTE_ADDR"] = self.ip
        return self.apps[self.target](environ, start_response)


@pytest.fixture
def workers(tmp_path):
    cfg = {"TESTING": True, "DATABASE": str(tmp_path / "shared.sqlite"), "SECRET_KEY": SECRET}
    return create_app(dict(cfg)), create_app(dict(cfg))


def _browser(*apps, ip: str = "10.0.0.1") -> tuple[Client, Switch]:
    switch = Switch(*apps, ip=ip)
    return Client(switch), switch


def _login(browser: Client, switch: Switch, worker: int, password: str) -> int:
    switch.target = worker
    page = browser.get("/logga-in").get_data(as_text=True)
    return browser.post("/logga-in", data={
        "email": "a@example.se", "password": password, "csrf_token": csrf_from(page),
    }).status_code


def test_login_failures_on_two_workers_share_one_limit(workers):
    a, b = workers
    make_user(a, "a@example.se", PASSWORD)
    clock = FakeClock()
    for app in workers:
        app.extensions["vagval_login_throttle"] = auth.LoginThrottle(clock)
    attacker, switch = _browser(a, b)
    # A browser that logged in before carries a device mark; its failures count against it.
    assert _login(attacker, switch, 1, PASSWORD) == 303
    statuses = []
    for i in range(auth.FREE_FAILURES):
        statuses.append(_login(attacker, switch, i % 2, "gissning"))
        clock.t += 1
    assert statuses == [401] * auth.FREE_FAILURES  # 3 on one worker, 2 on the other
    # the next attempt is refused unchecked by either worker, even with the right password
    assert _login(attacker, switch, 0, PASSWORD) == 429
    assert _login(attacker, switch, 1, PASSWORD) == 429
    # the real user on another browser, even at the same address, is not locked out
    real, real_switch = _browser(a, b, ip="10.0.0.1")
    assert _login(real, real_switch, 1, PASSWORD) == 303
    # after the wait one attempt is checked on one worker; the other then makes it wait again
    clock.t += 30
    assert _login(attacker, switch, 1, "gissning") == 401
    assert _login(attacker, switch, 0, "gissning") == 429
    clock.t += 31
    assert _login(attacker, switch, 0, PASSWORD) == 303
    nonce = _device_nonce(attacker, a)
    with b.app_context():  # the success on worker 0 cleared the count for worker 1 too
        thr = b.extensions["vagval_login_throttle"]
        assert thr.wait_seconds("a@example.se", "10.0.0.1", nonce) == 0


def _device_nonce(browser: Client, app) -> str:
    """The device mark's nonce in ``browser``'s session cookie."""
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return data[auth.DEVICE_KEY]["n"]


def _wrong_code(browser: Client, switch: Switch, worker: int,
                solved: dict | None = None) -> tuple[int, str]:
    switch.target = worker
    page = browser.get("/delta").get_data(as_text=True)
    check = join_check_fields(page) if solved is None else solved
    resp = browser.post("/delta", data={"csrf_token": csrf_from(page), "kod": "QQQQ QQQQ",
                                        **check})
    return resp.status_code, page


def test_wrong_join_codes_on_two_workers_share_one_join_check(workers):
    a, b = workers
    rd = make_round(a)
    for app in workers:
        app.extensions["vagval_join_check"] = JoinCheck(free=4, iterations=20)
    # 4 wrong codes from cookie-less guessers, spread over both workers: the free ones
    for i in range(4):
        guesser, switch = _browser(a, b)
        status, page = _wrong_code(guesser, switch, i % 2, solved={})
        assert status == 404 and "data-check-seed" not in page
    # both workers now ask every attempt from the address for the check
    for worker in (0, 1):
        guesser, switch = _browser(a, b)
        assert _wrong_code(guesser, switch, worker, solved={})[0] == 422
    # a solved check is used once across workers: accepted by one, refused by the other
    guesser, switch = _browser(a, b)
    switch.target = 0
    page = guesser.get("/delta").get_data(as_text=True)
    check = join_check_fields(page)
    assert check
    assert _wrong_code(guesser, switch, 0, solved=check)[0] == 404
    assert _wrong_code(guesser, switch, 1, solved=check)[0] == 422
    # a tablet with the valid code joins on either worker
    for worker in (0, 1):
        tablet, tablet_switch = _browser(a, b)
        tablet_switch.target = worker
        assert join(tablet, rd).status_code == 303
