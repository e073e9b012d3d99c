"""Demo data with growth phases: load_demo gives the culture decision phases, budgets and
prerequisites (idempotent), the demo round's analysis carries a feasible phasing plan, and
the decision page links to the planning page with the latest closed round."""

from __future__ import annotations

import html
import json

import pytest

from mcda.core import phasing
from mcda.core.analysis import analyze
from mcda.store import analysis_input, demo, rounds
from mcda.store import items as store_items
from mcda.store import phases as sp


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    from mcda.store import connect, migrate

    database = connect(tmp_path_factory.mktemp("demo-phases") / "demo.sqlite")
    migrate(database)
    ids = demo.load_demo(database, None)
    yield database, ids
    database.conn.close()


def test_load_demo_adds_phases_once(db):
    ids = demo.load_demo(db, None)
    culture = ids[0]
    assert [(p["name"], p["period"], p["budget"]) for p in sp.list_phases(db, culture)] == [
        (name, period, budget) for name, period, budget in sp.DEMO_PHASES
    ]
    pre = {(p["alternative"], p["requires"]) for p in sp.list_prerequisites(db, culture)}
    assert pre == set(sp.DEMO_PREREQUISITES)
    assert sp.get_settings(db, culture)["max_share"] == 0.4
    before = [tuple(r) for r in db.execute("SELECT * FROM phases ORDER BY id")]
    assert demo.load_demo(db, None) == ids
    assert [tuple(r) for r in db.execute("SELECT * FROM phases ORDER BY id")] == before
    assert len(sp.list_prerequisites(db, culture)) == len(sp.DEMO_PREREQUISITES)
    growth = [(p["name"], p["period"], p["budget"]) for p in sp.list_phases(db, ids[1])]
    assert growth == list(demo.GROWTH_PHASES)  # "Tillväxtetapper" has phases (issue 23)
    assert demo.load_demo(db, None) == ids
    assert len(sp.list_phases(db, ids[1])) == len(demo.GROWTH_PHASES)


def test_growth_demo_has_a_plan_per_phase(shared):
    """Issue 23 item 8: the decision called "Tillväxtetapper" shows phases and a plan."""
    db, ids = shared
    rid = rounds.list_rounds(db, ids[1])[0]["id"]
    data = analysis_input.build_input(db, rid)
    assert [p["name"] for p in data["phases"]] == [p[0] for p in demo.GROWTH_PHASES]
    out = analyze(json.loads(json.dumps(data)))
    ph = out["phasing"]
    assert ph["status"] == "optimal" and ph["not_planned"] == []
    a = ph["plan"]["assignment"]
    assert sorted(p for p in a.values() if p is not None) == [1, 2, 3]  # one per phase
    assert list(a.values()).count(None) == 1  # the budgets cannot take all four
    names = {x["id"]: x["name"] for x in data["alternatives"]}
    by_name = {names[k]: v for k, v in a.items()}
    for dependant, required in demo.GROWTH_PREREQUISITES:
        if by_name[dependant] is not None:
            assert by_name[required] is not None and by_name[required] < by_name[dependant]


def test_demo_investments_are_plannable(shared):
    db, ids = shared
    pi = sp.planning_input(db, ids[0])
    assert pi["missing_cost"] == [] and pi["blocked"] == []
    alts = store_items.list_alternatives(db, ids[0])
    assert all(a["cost"] and a["cost"] > 0 and a["municipality"] for a in alts)
    assert all(1 <= a["earliest_phase"] <= len(pi["phases"]) for a in alts)
    # every phase has something that may start in it, and the budgets cannot take everything
    assert {a["earliest_phase"] for a in alts} == {1, 2, 3}
    assert sum(pi["costs"]) > sum(pi["budgets"])
    plan = phasing.plan([1.0] * len(pi["costs"]), pi["costs"], pi["hosts"],
                        pi["earliest_phase"], pi["prerequisites"], pi["budgets"],
                        {"max_share": pi["settings"]["max_share"],
                         "municipalities": pi["municipalities"]})
    assert plan.status == "optimal"


def test_demo_round_analysis_has_a_plan_within_budgets(shared):
    db, ids = shared
    rid = rounds.list_rounds(db, ids[0])[0]["id"]
    data = analysis_input.build_input(db, rid)
    assert len(data["phases"]) == 3
    out = analyze(json.loads(json.dumps(data)))
    ph = out["phasing"]
    assert ph["status"] == "optimal" and ph["not_planned"] == []
    for spend, budget in zip(ph["plan"]["spend"], ph["plan"]["budgets"], strict=True):
        assert spend <= budget
    names = {a["id"]: a["name"] for a in data["alternatives"]}
    a = ph["plan"]["assignment"]
    by_name = {names[k]: v for k, v in a.items()}
    for dependant, required in sp.DEMO_PREREQUISITES:
        if by_name[dependant] is not None:
            assert by_name[required] is not None and by_name[required] < by_name[dependant]
    total = sum(ph["spread"]["total"].values()) + sum(ph["spread"]["regional"])
    assert max(ph["spread"]["total"].values()) <= 0.4 * total + 1e-9
    json.dumps(out, allow_nan=False)


def test_decision_page_links_to_planning_with_latest_closed_round(app, client, facilitator):
    from mcda.store import connect

    db = connect(app.config["DATABASE"])
    try:
        uid = db.execute("SELECT id FROM users WHERE email = ?", ["pl@example.se"]).fetchone()[0]
        ids = demo.load_demo(db, uid)
        rs = rounds.list_rounds(db, ids[0])
    finally:
        db.conn.close()
    closed = [r for r in rs if r["state"] == "closed"]
    assert closed and any(r["state"] != "closed" for r in rs)
    page = client.get(f"/processledare/{ids[0]}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    href = f"/etapper/{ids[0]}?round={closed[-1]['id']}"
    assert f'href="{href}"' in html.unescape(text)
    assert "Etapper och etappplan" in text
    assert client.get(href).status_code == 200
