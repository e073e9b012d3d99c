"""CSRF on every state change (ASVS V4.2.2, V13); "no state change on GET" is checked by
the access walk (test_access_walk.py) for every role.

Generic over ``app.url_map``: every route accepting POST/PUT/PATCH/DELETE is posted to by a
visitor who may use it (the owner for facilitator routes, the participant for participant
routes) with a missing, a bogus and a foreign (another session's) token, as a form field and
as the ``X-CSRFToken`` header htmx sends. Each must answer 400 and change nothing.
"""

from __future__ import annotations

import pytest

from tests.security.world import (
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


def _who_may_post(rule_name: str) -> str:
    if rule_name == "participant":
        return "participant"
    if rule_name.startswith("login:"):
        return "owner" if "facilitator" in rule_name else "secretariat"
    return "owner"


def _form(world, rule) -> dict[str, str]:
    """A plausible body, so a refusal is due to the token and not to an empty form."""
    data = {"kod": world.join_code, "kommun": "1", "email": "agare@example.se",
            "password": "korrekt häst batteri", "title": "Ny titel", "name": "Nytt namn",
            "value": "3", "revision": "2", "delta": "1"}
    for i, cid in enumerate(world.criteria):
        data[f"v-{cid}"] = str(i + 3)
    return data


def test_there_are_state_changing_routes(app):
    assert sum(1 for _r, m in routes(app) if m in STATE_CHANGING) >= 10


@pytest.mark.parametrize("variant", ["missing", "bogus", "foreign", "foreign-header"])
def test_every_state_change_needs_the_sessions_csrf_token(world, variant):
    app = world.app
    foreign_token = csrf_for(world.app.test_client())
    clients: dict[str, object] = {}
    failures = []
    for rule, method in routes(app):
        if method not in STATE_CHANGING:
            continue
        who = _who_may_post(access_rule(app, rule))
        c = clients.get(who) or clients.setdefault(who, client_as(world, who))
        path = build_path(rule, url_values(world, rule))
        data = _form(world, rule)
        headers = {}
        if variant == "bogus":
            data["csrf_token"] = "IjEyMyI.bogus.token"
        elif variant == "foreign":
            data["csrf_token"] = foreign_token
        elif variant == "foreign-header":
            headers = {"X-CSRFToken": foreign_token, "HX-Request": "true"}
        before = snapshot(world)
        resp = c.open(path, method=method, data=data, headers=headers)
        changed = diff(before, snapshot(world))
        if resp.status_code != 400:
            failures.append(f"{method} {path} as {who}: {resp.status_code} != 400")
        if changed:
            failures.append(f"{method} {path} as {who} changed the database: {changed}")
    assert failures == [], "\n".join(failures)


def test_a_valid_token_is_accepted(world):
    """Control for the test above: the same client with its own token gets through."""
    c = client_as(world, "owner")
    resp = c.post(f"/processledare/{world.decision_id}/redigera",
                  data={"title": "Ändrad titel", "description": "", "csrf_token": csrf_for(c)})
    assert resp.status_code in (302, 303), resp.status_code
    assert "Ändrad titel" in c.get(f"/processledare/{world.decision_id}").get_data(as_text=True)


def test_logout_without_token_does_not_end_the_session(world):
    c = client_as(world, "owner")
    assert c.post("/logga-ut").status_code == 400
    assert c.get("/processledare/").status_code == 200


def test_no_route_is_exempt_from_csrf(app):
    from mcda.web.kit.security import csrf

    assert not csrf._exempt_views and not csrf._exempt_blueprints  # noqa: SLF001
