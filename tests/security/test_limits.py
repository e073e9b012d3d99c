"""Input limits and throttling: oversized bodies get 413 (Swedish page, nothing stored) on
every state-changing route; logins and join codes are throttled without locking out the
real user or a room of tablets behind one NAT address."""

from __future__ import annotations

from mcda.web.auth import throttle as web_auth
from tests.helpers import csrf_from, login
from tests.security.world import (
    PASSWORD,
    STATE_CHANGING,
    access_rule,
    build_path,
    client_as,
    csrf_for,
    diff,
    routes,
    snapshot,
    url_values,
)
from tests.web.participate_helpers import join_check_fields


def _who(rule_name: str) -> str:
    return "participant" if rule_name == "participant" else "owner"


def test_oversized_bodies_are_refused_with_413_everywhere(world):
    app = world.app
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 5 * 1024 * 1024
    big = "x" * (limit + 1024)
    clients: dict[str, object] = {}
    failures = []
    for rule, method in routes(app):
        if method not in STATE_CHANGING:
            continue
        who = _who(access_rule(app, rule))
        c = clients.get(who) or clients.setdefault(who, client_as(world, who))
        path = build_path(rule, url_values(world, rule))
        before = snapshot(world)
        resp = c.open(path, method=method, data={"csrf_token": csrf_for(c), "name": big})
        html = resp.get_data(as_text=True)
        if resp.status_code != 413:
            failures.append(f"{method} {path}: {resp.status_code} != 413")
        elif "för stort" not in html or "Fel-id" not in html:
            failures.append(f"{method} {path}: 413 page is not the Swedish error page")
        if diff(before, snapshot(world)):
            failures.append(f"{method} {path}: database changed")
    assert failures == [], "\n".join(failures)


def test_oversized_file_upload_is_413(world):
    c = client_as(world, "owner")
    boundary = "vagvalgrans"
    filler = b"a;b\r\n" * (world.app.config["MAX_CONTENT_LENGTH"] // 5 + 10)
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
        f"{csrf_for(c)}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"stor.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    ).encode() + filler + f"\r\n--{boundary}--\r\n".encode()
    resp = c.post(f"/processledare/{world.decision_id}/importera", data=body,
                  content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413


def test_login_throttled_after_repeated_failures_but_real_user_gets_in(world):
    app = world.app
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    statuses = []
    for _ in range(web_auth.FREE_FAILURES + web_auth.GLOBAL_CHECKS + 2):
        page = attacker.get("/logga-in")
        statuses.append(attacker.post("/logga-in", data={
            "email": "agare@example.se", "password": "fel lösenord här",
            "csrf_token": csrf_from(page.get_data(as_text=True))}).status_code)
    # Past the free failures each attempt is checked within a global budget, then refused.
    assert statuses[: web_auth.FREE_FAILURES] == [401] * web_auth.FREE_FAILURES
    assert statuses[-1] == 429
    page = attacker.get("/logga-in")
    resp = attacker.post("/logga-in", data={
        "email": "agare@example.se", "password": PASSWORD,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 429
    assert "Vänta" in resp.get_data(as_text=True)
    # The real user at their own desk logs in at once (no lock-out).
    real = app.test_client()
    real.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert login(real, "agare@example.se", PASSWORD).status_code == 303


def test_wrong_join_codes_slow_guessing_not_the_room(world):
    """Issue 24 point 6: wrong codes never earn a wall (a 429 would tell a valid code from a
    wrong one); past a few they make every attempt from the address carry the join check,
    which the room's tablets solve too."""
    app = world.app
    guesser = app.test_client()
    statuses = []
    for i in range(12):
        page = guesser.get("/delta")
        statuses.append(guesser.post("/delta", data={
            "kod": f"ZZZZ{i:04d}".replace("0", "Z").replace("1", "Y"),
            "csrf_token": csrf_from(page.get_data(as_text=True))}).status_code)
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {422}, statuses
    # 30 other tablets behind the same NAT address (same REMOTE_ADDR) still join.
    for _ in range(30):
        tablet = app.test_client()
        page = tablet.get("/delta").get_data(as_text=True)
        code = world.join_code.lower()[:4] + " " + world.join_code.lower()[4:]
        data = {"kod": code, "csrf_token": csrf_from(page), **join_check_fields(page)}
        assert tablet.post("/delta", data=data).status_code == 200  # the municipality step
        page = tablet.get("/delta?kod=" + world.join_code).get_data(as_text=True)
        resp = tablet.post("/delta", data={"kod": code, "kommun": "2",
                                           "csrf_token": csrf_from(page)})
        assert resp.status_code == 303, resp.status_code
