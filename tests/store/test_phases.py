"""Store: phases, prerequisites, planning rules, demo phases; nothing stored on bad input."""

from __future__ import annotations

import pytest

from mcda.store import decisions as dec
from mcda.store import demo
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as ph
from mcda.store.errors import StoreError


@pytest.fixture
def decision(db):
    store_munis.ensure_municipalities(db)
    did = dec.create_decision(db, None, "Etapper test")
    return did


def _alt(db, did, name, cost=10.0, muni="Hjo", earliest=None):
    return store_items.add_alternative(
        db, did, name, municipality_id=muni, cost=cost, earliest_phase=earliest
    )


def test_migration_set_registered(db):
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"phases", "prerequisites", "phase_settings"} <= names
    applied = [
        r[0] for r in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'vagval-phases'"
        )
    ]
    assert applied == ["0001_phases", "0002_phase_weights"]


def test_phase_crud_and_order(db, decision):
    p1 = ph.add_phase(db, decision, "Etapp 1", "300", "2026–2028")
    p2 = ph.add_phase(db, decision, "Etapp 2", "12,5")
    p3 = ph.add_phase(db, decision, "Etapp 3", 0)
    phases = ph.list_phases(db, decision)
    assert [p["name"] for p in phases] == ["Etapp 1", "Etapp 2", "Etapp 3"]
    assert [p["number"] for p in phases] == [1, 2, 3]
    assert phases[1]["budget"] == 12.5
    ph.update_phase(db, p2, name="Etapp 2b", budget=50, period="2029–2031")
    ph.reorder_phases(db, decision, [p3, p1, p2])
    assert [p["id"] for p in ph.list_phases(db, decision)] == [p3, p1, p2]
    ph.delete_phase(db, p1)
    phases = ph.list_phases(db, decision)
    assert [(p["id"], p["position"]) for p in phases] == [(p3, 1), (p2, 2)]
    ph.set_budgets(db, decision, {p3: "7", p2: 8})
    assert [p["budget"] for p in ph.list_phases(db, decision)] == [7, 8]


@pytest.mark.parametrize(
    ("budget", "needle"),
    [(-1, "negativ"), ("abc", "ett tal"), ("", "ett tal"), (float("nan"), "ändligt")],
)
def test_bad_budget_names_phase_and_stores_nothing(db, decision, budget, needle):
    with pytest.raises(StoreError) as exc:
        ph.add_phase(db, decision, "Etapp 1", budget)
    assert exc.value.field == "budget" and needle in exc.value.message
    assert ph.list_phases(db, decision) == []


def test_set_budgets_all_or_nothing(db, decision):
    p1 = ph.add_phase(db, decision, "Etapp 1", 10)
    p2 = ph.add_phase(db, decision, "Etapp 2", 20)
    with pytest.raises(StoreError) as exc:
        ph.set_budgets(db, decision, {p1: 99, p2: -5})
    assert "Etapp 2" in exc.value.message
    assert [p["budget"] for p in ph.list_phases(db, decision)] == [10, 20]


def test_duplicate_phase_name(db, decision):
    ph.add_phase(db, decision, "Etapp 1", 10)
    with pytest.raises(StoreError, match="redan"):
        ph.add_phase(db, decision, "Etapp 1", 10)


def test_prerequisites_valid_and_listed(db, decision):
    a = _alt(db, decision, "Bibliotek", earliest=2)
    b = _alt(db, decision, "Buss", earliest=1)
    ph.set_prerequisites(db, a, [b])
    assert ph.list_prerequisites(db, decision) == [
        {"alternative_id": a, "requires_id": b, "alternative": "Bibliotek", "requires": "Buss"}
    ]
    ph.remove_prerequisite(db, a, b)
    assert ph.list_prerequisites(db, decision) == []


def test_prerequisite_cycle_rejected_naming_items(db, decision):
    a, b, c = (_alt(db, decision, n) for n in ("Scen", "Museum", "Arkiv"))
    ph.add_prerequisite(db, a, b)
    ph.add_prerequisite(db, b, c)
    with pytest.raises(StoreError) as exc:
        ph.add_prerequisite(db, c, a)
    assert "cirkel" in exc.value.message
    for name in ("Scen", "Museum", "Arkiv"):
        assert name in exc.value.message
    assert len(ph.list_prerequisites(db, decision)) == 2  # nothing stored


def test_prerequisite_self_other_decision_and_later_phase(db, decision):
    a = _alt(db, decision, "Scen", earliest=1)
    b = _alt(db, decision, "Museum", earliest=3)
    other = dec.create_decision(db, None, "Annan")
    c = _alt(db, other, "Främmande")
    with pytest.raises(StoreError, match="sig själv"):
        ph.set_prerequisites(db, a, [a])
    with pytest.raises(StoreError, match="samma beslutsfråga"):
        ph.set_prerequisites(db, a, [c])
    with pytest.raises(StoreError) as exc:
        ph.set_prerequisites(db, a, [b])
    assert "Museum" in exc.value.message and "etapp 3" in exc.value.message
    assert ph.list_prerequisites(db, decision) == []


def test_settings_round_trip_and_validation(db, decision):
    assert ph.get_settings(db, decision)["max_share"] is None
    ph.add_phase(db, decision, "Etapp 1", 10)
    ph.add_phase(db, decision, "Etapp 2", 10)
    ph.set_settings(db, decision, min_one_by_phase="2", max_share="0.5",
                    compare_groups=["Hjo", "Vara"])
    s = ph.get_settings(db, decision)
    assert s == {"min_one_by_phase": 2, "max_share": 0.5, "discount": 0.0,
                 "compare_groups": ["Hjo", "Vara"]}
    with pytest.raises(StoreError) as exc:
        ph.set_settings(db, decision, min_one_by_phase=3)
    assert exc.value.field == "min_one_by_phase"
    with pytest.raises(StoreError):
        ph.set_settings(db, decision, max_share=1.5)
    with pytest.raises(StoreError, match="Atlantis"):
        ph.set_settings(db, decision, compare_groups=["Atlantis"])
    assert ph.get_settings(db, decision)["min_one_by_phase"] == 2  # unchanged


def test_planning_input_skips_missing_cost_and_blocked(db, decision):
    ph.add_phase(db, decision, "Etapp 1", 100)
    a = _alt(db, decision, "Utan kostnad", cost=None)
    b = _alt(db, decision, "Beroende", cost=5)
    c = _alt(db, decision, "Fri", cost=7, muni="Vara")
    ph.set_prerequisites(db, b, [a])
    pi = ph.planning_input(db, decision)
    assert pi["names"] == ["Fri"]
    assert pi["missing_cost"] == ["Utan kostnad"]
    assert pi["blocked"] == ["Beroende"]
    assert pi["costs"] == [7.0] and pi["hosts"] == ["Vara"] and pi["budgets"] == [100.0]
    assert len(pi["municipalities"]) == 15 and pi["populations"]["Skövde"] > 0
    assert c


def test_load_demo_phases_idempotent(db):
    assert ph.load_demo_phases(db) is None  # no demo decision yet
    demo.load_demo(db)
    did = ph.load_demo_phases(db)
    assert did is not None
    assert ph.load_demo_phases(db) == did
    phases = ph.list_phases(db, did)
    assert [(p["name"], p["period"]) for p in phases] == [
        ("Etapp 1", "2026–2028"), ("Etapp 2", "2029–2031"), ("Etapp 3", "2032–2035")
    ]
    assert all(p["budget"] > 0 for p in phases)
    assert len(ph.list_prerequisites(db, did)) == 2
    assert dec.get_decision(db, did)["title"].startswith("Kulturell infrastruktur")
