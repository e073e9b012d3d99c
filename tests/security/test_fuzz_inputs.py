"""Issue 13 item 6: never a 500 on input. Hostile values in every field of every route.

The fields are harvested from the pages themselves (every form on every GET page, as the owner,
the secretariat and a participant), so fields added later are fuzzed without editing this
file. The review's 15 inputs — "²" in ``kommun``, ``revision``, ``v-*``, ``order``, ``tie-*``,
``move``, ``adjust``, ``etapp``, ``budget_*`` and ``?round=``; ids ≥ 2^63 — are swept
deterministically into every field of every form; hypothesis then adds bounded random ones.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcda.store import phases as store_phases
from tests.helpers import parse_html
from tests.security.world import (
    access_rule,
    build_path,
    client_as,
    csrf_for,
    routes,
    url_values,
)

HUGE = str(2**63)
REVIEW_VALUES = ["²", "٥", "1_0", HUGE, "-" + HUGE, "9" * 40]
HOSTILE = [*REVIEW_VALUES, "１", "1e309", "nan", "-inf", "", " ", "\x00", "1,2,3", "1.5.5",
           "+", "−", "0x10", "½", "Ⅻ", "１２", "1 000 000 000 000 000 000 000", "<b>", "' OR 1=1"]
REVIEW_FIELDS = ("kommun", "revision", "order", "move", "adjust", "etapp", "kod")
QUERY_ARGS = ("round", "omgang", "beslut", "etapp", "kod", "between", "k", "s", "o", "group")
NOT_FUZZED = {"auth.logout", "participate.new_participant"}  # they end the fuzzing session


def _harvest(html: str, forms: dict[str, dict[str, str]]) -> None:
    """action path -> {field: a plausible value} for every form on the page."""
    for form in parse_html(html).find_all("form"):
        action = str(form.get("action") or form.get("hx-post") or "").split("?")[0]
        if not action.startswith("/"):
            continue
        fields = forms.setdefault(action, {})
        for el in form.iter():
            name = el.get("name")
            if el.tag in ("input", "select", "textarea", "button") and name is not None and \
                    name != "csrf_token":
                value = el.get("value")
                fields.setdefault(name, "1" if value is None else value)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory):
    from mcda.web import create_app
    from tests.security.world import build_world

    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app({"TESTING": True, "DATABASE": str(tmp / "f.sqlite"),
                      "SECRET_KEY": "test-secret-key-not-for-production"})
    world = build_world(app)
    db = world.db()
    try:
        for name, budget in (("Etapp 1", 100), ("Etapp 2", 50)):
            store_phases.add_phase(db, world.decision_id, name, budget, "2027")
    finally:
        db.conn.close()
    clients = {r: client_as(world, r) for r in ("owner", "secretariat", "participant")}
    tokens = {r: csrf_for(c) for r, c in clients.items()}
    forms: dict[str, dict[str, str]] = {}
    for rule, method in routes(app):
        if method != "GET":
            continue
        path = build_path(rule, url_values(world, rule))
        for c in clients.values():
            resp = c.get(path)
            if resp.mimetype == "text/html":
                _harvest(resp.get_data(as_text=True), forms)
    anon = world.app.test_client()
    _harvest(anon.get(f"/delta?kod={world.join_code}").get_data(as_text=True), forms)
    all_fields: dict[str, str] = {}
    for fields in forms.values():
        for k, v in fields.items():
            all_fields.setdefault(k, v)
    return world, clients, tokens, forms, all_fields


def _targets(fuzz_world):
    """(method, path, client role, base fields) for every state-changing route."""
    world, _clients, _tokens, forms, all_fields = fuzz_world
    out = []
    for rule, method in routes(world.app):
        if method == "GET" or rule.endpoint in NOT_FUZZED:
            continue
        rname = access_rule(world.app, rule)
        role = "participant" if rname == "participant" else (
            "secretariat" if rname.startswith("login:") and "facilitator" not in rname
            else "owner")
        path = build_path(rule, url_values(world, rule))
        # the route's own form; a route without one gets a sample of every harvested name
        base = dict(forms.get(path) or dict(sorted(all_fields.items())[::4]))
        for name in REVIEW_FIELDS:  # the review's fields, wherever a client sends them
            base.setdefault(name, all_fields.get(name, "1"))
        # dynamic names with hostile ids, as a form could be edited to send them
        for prefix in ("v-", "tie-", "budget_", "weight_", "pin_", "pct_"):
            base.setdefault(prefix + "²", "1")
            base.setdefault(prefix + HUGE, "1")
        out.append((method, path, role, base))
    return out


def _send(fuzz_world, method, path, role, data):
    _world, clients, tokens, _forms, _all = fuzz_world
    c = clients[role]
    try:
        resp = c.open(path, method=method, data={"csrf_token": tokens[role], **data})
    except Exception as exc:  # noqa: BLE001 - TESTING propagates what would be a 500
        return f"{method} {path} {data!r}: {type(exc).__name__}: {exc}"
    if resp.status_code >= 500:
        return f"{method} {path} {data!r}: {resp.status_code}"
    return None


def test_review_inputs_in_every_field_of_every_form_never_500(fuzz_world):
    failures = []
    targets = _targets(fuzz_world)
    assert len(targets) >= 20
    fields_seen = set().union(*(set(b) for _m, _p, _r, b in targets))
    for name in ("kommun", "revision", "order", "move", "adjust", "etapp"):
        assert any(f == name for f in fields_seen), f"no form field {name!r} harvested"
    for method, path, role, base in targets:
        for field in base:
            for value in ("²", HUGE):
                problem = _send(fuzz_world, method, path, role, {**base, field: value})
                if problem:
                    failures.append(problem)
    assert failures == [], "\n".join(failures[:20])


def test_query_arguments_and_huge_ids_on_every_get_route_never_500(fuzz_world):
    world, clients, _tokens, _forms, _all = fuzz_world
    failures = []
    for rule, method in routes(world.app):
        if method != "GET":
            continue
        path = build_path(rule, url_values(world, rule))
        for role, c in clients.items():
            for value in ("²", "٥", "1_0", HUGE):
                try:
                    resp = c.get(path, query_string={a: value for a in QUERY_ARGS})
                except Exception as exc:  # noqa: BLE001
                    failures.append(f"GET {path}?…={value} as {role}: {exc!r}")
                    continue
                if resp.status_code >= 500:
                    failures.append(f"GET {path}?…={value} as {role}: {resp.status_code}")
        int_args = [a for a in rule.arguments if a.endswith("_id")]
        if int_args:
            huge = build_path(rule, dict(url_values(world, rule), **{a: 2**63 for a in int_args}))
            resp = clients["owner"].get(huge)
            if resp.status_code != 404:
                failures.append(f"GET {huge}: {resp.status_code} != 404")
    assert failures == [], "\n".join(failures[:20])


def test_huge_ids_in_planning_and_secretariat_are_404(fuzz_world):
    world, clients, tokens, _forms, _all = fuzz_world
    owner = clients["owner"]
    base = f"/etapper/{world.decision_id}/forutsattningar"
    for path in (base, base + "/ta-bort"):
        for data in ({"alternative_id": HUGE, "requires_id": "1"},
                     {"alternative_id": str(world.alternatives[0]), "requires_id": HUGE}):
            resp = owner.post(path, data={"csrf_token": tokens["owner"], **data})
            assert resp.status_code == 404, (path, data, resp.status_code)
    assert clients["secretariat"].get(f"/kansliet/?beslut={HUGE}").status_code == 404


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_hostile_values_never_500(fuzz_world, data):
    targets = _targets(fuzz_world)
    method, path, role, base = data.draw(st.sampled_from(targets))
    field = data.draw(st.sampled_from(sorted(base)))
    value = data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30),
                                st.integers().map(str)))
    everywhere = data.draw(st.booleans())
    sent = {k: value for k in base} if everywhere else {**base, field: value}
    problem = _send(fuzz_world, method, path, role, sent)
    assert problem is None, problem
