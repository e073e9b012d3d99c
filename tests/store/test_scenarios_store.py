"""Scenario store: validation names the item in Swedish and stores nothing; copies get a
free name; the migration set applies once."""

from __future__ import annotations

import pytest

from mcda.store import connect, demo
from mcda.store import scenarios as sc
from mcda.store.errors import StoreError
from mcda.store.items import list_alternatives


@pytest.fixture
def db(tmp_path):
    from mcda.store.migrations import migrate

    d = connect(str(tmp_path / "s.db"))
    migrate(d)
    demo.load_demo(d)
    yield d
    d.conn.close()


def _did(db):
    return db.execute("SELECT id FROM decisions WHERE title LIKE 'Kulturell%'").fetchone()[0]


def _spec(**rules):
    s = sc.default_spec()
    s["rules"].update(rules)
    return s


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda s, a: s["rules"].update(pins=[{"alternative": a[0], "kind": "in",
                                               "phase": 9}]), "Välj en etapp för låsningen"),
        (lambda s, a: s["rules"].update(pools=[{"name": "EU", "budgets": [1, 1, 1],
                                                "shares": {a[0]: 0.7}},
                                               {"name": "Staten", "budgets": [1, 1, 1],
                                                "shares": {a[0]: 0.7}}]),
         "mer än hela kostnaden"),
        (lambda s, a: s["rules"].update(pools=[{"name": "", "budgets": [1, 1, 1],
                                                "shares": {a[0]: 0.5}}]), "saknar namn"),
        (lambda s, a: s["rules"].update(groups=[{"name": "g", "kind": "at_most_one",
                                                 "alternatives": [a[0]]}]),
         "behöver minst två"),
        (lambda s, a: s["weights"].update(source="coalition", groups=["Skövde"]),
         "minst två kommuner"),
        (lambda s, a: s.update(budgets=["100", "-5", ""]), "minst 0"),
        (lambda s, a: s["cost_change"].update(overall_pct="mycket"), "ange ett tal"),
        (lambda s, a: s.update(method="magi"), "rangordningsmetod"),
    ],
)
def test_bad_spec_is_refused_in_swedish_and_nothing_stored(db, mutate, needle):
    did = _did(db)
    alts = [str(a["id"]) for a in list_alternatives(db, did)]
    before = sc.list_scenarios(db, did)
    spec = sc.default_spec()
    mutate(spec, alts)
    with pytest.raises(StoreError) as ei:
        sc.create_scenario(db, did, "Nytt", spec)
    assert needle in ei.value.message
    assert sc.list_scenarios(db, did) == before


def test_duplicate_names_and_unique_name(db):
    did = _did(db)
    first = sc.list_scenarios(db, did)[0]
    a = sc.duplicate_scenario(db, first["id"])
    b = sc.duplicate_scenario(db, first["id"])
    names = {s["id"]: s["name"] for s in sc.list_scenarios(db, did)}
    assert names[a] == "Regionens plan (kopia)" and names[b] == "Regionens plan (kopia 2)"
    assert sc.get_scenario(db, a)["spec"] == first["spec"]
    with pytest.raises(StoreError):
        sc.create_scenario(db, did, "Regionens plan")


def test_migration_set_applied_once(db):
    rows = db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = "
                      "'vagval-scenarios'").fetchall()
    assert [r[0] for r in rows] == ["0001_scenarios"]
