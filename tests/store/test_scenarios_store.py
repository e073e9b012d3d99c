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
                                               "phase": 9}]), "välj en etapp mellan 1 och 3"),
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


def test_same_bad_spec_same_message_in_store_and_cli(db, tmp_path, capsys):
    """One checker: a pin "in phase 1" on an investment without a cost is refused with the
    same words by the web's store path and by `python -m mcda analyze` (issue 21 item 6,
    issue 22 item 1)."""
    import json

    from mcda.analyze_cli import main
    from mcda.core.errors import MCDAInputError
    from mcda.store import analysis_input, rounds
    from mcda.store.items import add_alternative

    did = _did(db)
    rnd = rounds.list_rounds(db, did)[0]
    data = analysis_input.build_input(db, rnd["id"], {"smaa": False}, with_scenarios=True)
    new = add_alternative(db, did, "Ny scen utan kostnad")
    first = data["alternatives"][0]["id"]
    data["alternatives"].append({"id": str(new), "name": "Ny scen utan kostnad"})
    data["scores"][str(new)] = dict(data["scores"][first])
    spec = _spec(pins=[{"alternative": str(new), "kind": "in", "phase": 1}])
    with pytest.raises(StoreError) as ei:
        sc.create_scenario(db, did, "Låst", spec)
    store_err = ei.value
    assert isinstance(store_err, MCDAInputError)
    assert store_err.field == "rules.pins[0].alternative"
    assert "”Ny scen utan kostnad” saknar kostnad" in store_err.message
    assert store_err.message("en") == store_err.message_en
    # the same spec in an analysis input file (a round of the demo decision)
    data["scenarios"] = [{"id": "s1", "name": "Låst", **spec,
                          "budgets": None, "frontier": False}]
    data["scenarios"][0]["rules"] = {"pins": spec["rules"]["pins"]}
    p = tmp_path / "in.json"
    p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main([str(p)]) == 2
    err = capsys.readouterr().err
    assert "scenarios[0].rules.pins[0].alternative" in err
    assert store_err.message_sv in err or store_err.message_en in err
