"""Access control (ASVS V4): walk every route in the URL map as every kind of visitor.

The walk is generic over ``app.url_map``, so routes added later are covered without editing
this file: each must carry an explicit rule, and each rule is checked against anonymous
visitors, a participant, a participant of another round, a facilitator of another decision
and the secretariat. A refused request must also leave the database unchanged.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.security.world import (
    ROLES,
    access_rule,
    build_path,
    client_as,
    csrf_for,
    diff,
    join_redirect,
    login_redirect,
    response_problems,
    routes,
    snapshot,
    url_values,
)

OBJECT_ARGS = {"decision_id", "round_id", "criterion_id", "alternative_id"}
# Logging out ends the walking client's own session; it has its own tests (test_sessions.py).
NOT_WALKED = {"auth.logout"}
# The secretariat is read-mostly: its only writes are records work (issue 26), each to these
# tables alone: building an archive package (kept, audited) and producing the records for a
# request for public documents (audited).
SECRETARIAT_WRITES = {"records.build": {"archive_packages", "audit_log"},
                      "records.public_records": {"audit_log"}}


def test_every_route_has_exactly_one_known_access_rule(app):
    bad = []
    for rule, _method in routes(app):
        r = access_rule(app, rule)
        if not (r in ("public", "participant") or r.startswith("login:")):
            bad.append(f"{rule.rule} -> {r!r}")
    assert bad == [], f"routes without an explicit access rule: {bad}"


def test_private_routes_are_the_majority_and_public_ones_are_known(app):
    """A new @public route is a conscious decision: list it here."""
    known_public = {
        "pages.index", "pages.privacy", "pages.accessibility", "auth.login", "auth.logout",
        "participate.join", "pages.health",
    }
    public = {rule.endpoint for rule, _m in routes(app) if access_rule(app, rule) == "public"}
    assert public <= known_public, f"new public routes, review them: {public - known_public}"


def _request(c, method, path, token):
    if method == "GET":
        return c.get(path)
    return c.open(path, method=method, data={"csrf_token": token})


def _access_problems(rule, rule_name: str, role: str, method: str, resp) -> list[str]:
    """What is wrong with ``resp`` for ``role`` on a route with this access rule."""
    status = resp.status_code
    if rule_name == "public":
        return []
    if rule_name == "participant":
        if role == "participant":
            if method == "GET" and status >= 400 and status != 404:
                return ["participant refused own round"]
        elif 200 <= status < 300 or (300 <= status < 400 and not join_redirect(resp)):
            return ["non-participant let in"]
        return []
    allowed = rule_name.split(":", 1)[1].split(",")
    if role in ("anonymous", "participant", "other_participant"):
        return [] if login_redirect(resp) else ["expected redirect to login"]
    if role == "secretariat" and "secretariat" not in allowed:
        return [] if status == 403 else ["expected 403 for secretariat"]
    if role == "secretariat" and method == "GET" and status >= 400 and status != 404:
        return ["secretariat refused a read it is allowed"]
    if role == "stranger" and OBJECT_ARGS & set(rule.arguments) and status not in (403, 404):
        return ["foreign facilitator reached A's object"]
    return []


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_walk_every_route_as(world, role):
    app = world.app
    c = client_as(world, role)
    token = csrf_for(c)
    failures = []
    for rule, method in routes(app):
        if rule.endpoint in NOT_WALKED:
            continue
        rule_name = access_rule(app, rule)
        path = build_path(rule, url_values(world, rule))
        before = snapshot(world)
        resp = _request(c, method, path, token)
        status = resp.status_code
        changed = diff(before, snapshot(world))
        where = f"{method} {path} [{rule_name}] as {role}: {status}"
        failures.extend(response_problems(resp, path))
        if status >= 500:
            failures.append(f"{where} (server error)")
            continue
        problems = _access_problems(rule, rule_name, role, method, resp)
        failures.extend(f"{where} ({p})" for p in problems)
        if (changed and role == "secretariat" and method == "POST"
                and {c.split(":", 1)[0] for c in changed}
                <= SECRETARIAT_WRITES.get(rule.endpoint, set())):
            continue
        if changed and (method == "GET" or not (
                rule_name == "public" or (rule_name == "participant" and role == "participant"))):
            failures.append(f"{where} changed the database: {changed}")
    assert failures == [], "\n".join(failures)


def test_foreign_facilitator_does_not_see_others_decisions_in_lists(world):
    c = client_as(world, "stranger")
    html = c.get("/processledare/").get_data(as_text=True)
    assert "Kulturhus i Skaraborg" not in html
    assert "Annans beslutsfråga" in html


def test_owner_reaches_every_get_route_and_unknown_ids_are_404(world):
    """Positive control for the walk (the ids resolve), 404 for ids that do not exist, and
    no GET changes the database."""
    app = world.app
    c = client_as(world, "owner")
    failures = []
    for rule, method in routes(app):
        rule_name = access_rule(app, rule)
        if method != "GET" or rule_name == "participant":
            continue
        if rule_name.startswith("login:") and "facilitator" not in rule_name:
            continue  # e.g. the secretariat's own pages
        values = url_values(world, rule)
        path = build_path(rule, values)
        before = snapshot(world)
        resp = c.get(path)
        changed = diff(before, snapshot(world))
        if changed:
            failures.append(f"GET {path} changed the database: {changed}")
        failures.extend(response_problems(resp, path))
        if resp.status_code >= 500 or resp.status_code == 403 or login_redirect(resp):
            failures.append(f"GET {path}: {resp.status_code}")
        obj = OBJECT_ARGS & set(rule.arguments)
        if obj:
            missing = dict(values, **{a: 987654 for a in obj})
            resp = c.get(build_path(rule, missing))
            if resp.status_code != 404:
                failures.append(f"GET {build_path(rule, missing)}: {resp.status_code} != 404")
    assert failures == [], "\n".join(failures)


def test_participant_cannot_reach_another_rounds_pages(world):
    c = client_as(world, "participant")
    resp = c.get(f"/omgang/{world.other_round_id}/")
    assert join_redirect(resp)
    resp = c.get(f"/omgang/{world.round_id}/")
    assert resp.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_on_a_demo_decision_whose_phases_were_deleted(world, role):
    """Issue 13 item 7: a secretariat GET of the planning page re-created the demo phases a
    facilitator had deleted. Every GET route, as every role, on the demo decision after its
    phases were deleted must leave every table as it was (full dump compared)."""
    from mcda.store import demo
    from mcda.store import phases as store_phases

    db = world.db()
    try:
        demo_id = demo.load_demo(db, owner_id=world.owner_id)[0]
        for ph in store_phases.list_phases(db, demo_id):
            store_phases.delete_phase(db, ph["id"])
        assert store_phases.list_phases(db, demo_id) == []
    finally:
        db.conn.close()
    demo_world = dataclasses.replace(world, decision_id=demo_id)
    c = client_as(world, role)
    failures = []
    for rule, method in routes(world.app):
        if method != "GET" or rule.endpoint in NOT_WALKED:
            continue
        path = build_path(rule, url_values(demo_world, rule))
        before = snapshot(world)
        resp = c.get(path)
        if resp.status_code >= 500:
            failures.append(f"GET {path} as {role}: {resp.status_code}")
        changed = diff(before, snapshot(world))
        if changed:
            failures.append(f"GET {path} as {role} changed the database: {changed}")
    assert failures == [], "\n".join(failures)
