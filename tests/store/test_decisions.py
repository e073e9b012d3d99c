"""Decisions, criteria, alternatives and scores: round trips and bad input (nothing stored)."""

from __future__ import annotations

import math

import pytest

from mcda.store import decision_import as store_import
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import rounds, votes
from mcda.store.errors import StoreError

from .helpers import direct_vote, token


def _count(db, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_municipalities_are_idempotent_and_in_swedish_order(db):
    store_munis.ensure_municipalities(db)
    store_munis.ensure_municipalities(db)
    names = [m["name"] for m in store_munis.list_municipalities(db)]
    assert len(names) == 15 == len(set(names))
    # å, ä, ö come after z: Gullspång before Götene, Tidaholm before Töreboda, Vara last.
    assert names == [
        "Essunga", "Falköping", "Grästorp", "Gullspång", "Götene", "Hjo", "Karlsborg",
        "Lidköping", "Mariestad", "Skara", "Skövde", "Tibro", "Tidaholm", "Töreboda", "Vara",
    ]
    skovde = next(m for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    assert store_munis.get_municipality(db, skovde["id"]) == skovde
    assert skovde["population"] == 57_000
    assert store_munis.get_municipality(db, 999) is None


def test_swedish_sort_key():
    words = ["Öst", "Ål", "Äng", "Zeta", "alfa"]
    assert sorted(words, key=store_munis.swedish_sort_key) == ["alfa", "Zeta", "Ål", "Äng", "Öst"]


def test_decision_round_trip_owner_filter_and_archive(db, muni):
    a = dec.create_decision(db, None, "  Kultur   2026 ", "Beskrivning")
    b = dec.create_decision(db, None, "Tillväxt")
    d = dec.get_decision(db, a)
    assert d["title"] == "Kultur 2026" and d["description"] == "Beskrivning"
    assert d["archived"] is False and d["is_demo"] is False
    dec.update_decision(db, a, title="Kultur 2030", description="")
    assert dec.get_decision(db, a)["title"] == "Kultur 2030"
    assert [x["id"] for x in dec.list_decisions(db)] == [b, a]
    dec.set_archived(db, a, True)
    assert [x["id"] for x in dec.list_decisions(db)] == [b]
    assert {x["id"] for x in dec.list_decisions(db, include_archived=True)} == {a, b}
    dec.set_archived(db, a, False)
    assert dec.get_decision(db, a)["archived"] is False
    assert dec.list_decisions(db, owner_id=12345) == []
    assert dec.get_decision(db, 999) is None


def test_list_decisions_counts(db, decision):
    row = dec.list_decisions(db)[0]
    assert (row["n_criteria"], row["n_alternatives"], row["n_rounds"]) == (3, 0, 0)


@pytest.mark.parametrize("title", ["", "   ", None, "x" * 201, 5])
def test_bad_decision_title_names_the_field(db, title):
    with pytest.raises(StoreError) as err:
        dec.create_decision(db, None, title)
    assert err.value.field == "title" and err.value.message
    assert _count(db, "decisions") == 0


def test_unknown_decision_is_a_store_error(db):
    with pytest.raises(StoreError) as err:
        dec.update_decision(db, 42, title="x", description="")
    assert err.value.field == "decision_id"
    with pytest.raises(StoreError):
        store_items.add_criterion(db, 42, "A")


def test_criteria_crud_and_order(db, decision):
    did = decision["id"]
    c1, c2, c3 = decision["criteria"]
    assert [c["id"] for c in store_items.list_criteria(db, did)] == [c1, c2, c3]
    store_items.update_criterion(db, c2, name="Unga", description="Barn och unga", direction="cost")
    got = store_items.get_criterion(db, c2)
    assert (got["name"], got["description"], got["direction"]) == ("Unga", "Barn och unga", "cost")
    store_items.move_criterion(db, c3, -1)
    assert [c["id"] for c in store_items.list_criteria(db, did)] == [c1, c3, c2]
    store_items.move_criterion(db, c1, -1)  # already first: no-op
    store_items.move_criterion(db, c1, +5)  # clamps to the end
    assert [c["id"] for c in store_items.list_criteria(db, did)] == [c3, c2, c1]
    store_items.delete_criterion(db, c2)
    assert [c["id"] for c in store_items.list_criteria(db, did)] == [c3, c1]
    assert store_items.get_criterion(db, c2) is None
    c4 = store_items.add_criterion(db, did, "Ny")
    assert store_items.list_criteria(db, did)[-1]["id"] == c4


def test_duplicate_names_are_refused_case_insensitively(db, decision):
    did = decision["id"]
    with pytest.raises(StoreError) as err:
        store_items.add_criterion(db, did, "räckvidd")
    assert err.value.field == "name" and "Räckvidd" in err.value.message
    with pytest.raises(StoreError):
        store_items.update_criterion(
            db, decision["criteria"][1], name="RÄCKVIDD", description="", direction="benefit"
        )
    store_items.add_alternative(db, did, "Scen")
    with pytest.raises(StoreError) as err:
        store_items.add_alternative(db, did, "scen")
    assert err.value.field == "name"
    assert _count(db, "criteria") == 3 and _count(db, "alternatives") == 1


def test_bad_direction_names_the_field(db, decision):
    with pytest.raises(StoreError) as err:
        store_items.add_criterion(db, decision["id"], "X", direction="up")
    assert err.value.field == "direction"


def test_alternatives_crud(db, decision, muni):
    did = decision["id"]
    a1 = store_items.add_alternative(
        db, did, "Kulturhus", "Nytt", municipality_id=muni["Skövde"], cost=420, earliest_phase=2
    )
    a2 = store_items.add_alternative(
        db, did, "Scen", municipality_id="hjo", cost="35.5", earliest_phase="1"
    )
    alt = store_items.get_alternative(db, a1)
    assert (alt["municipality"], alt["cost"], alt["earliest_phase"]) == ("Skövde", 420.0, 2)
    assert store_items.get_alternative(db, a2)["municipality"] == "Hjo"
    store_items.update_alternative(db, a2, name="Scenen", description="d", municipality_id=None,
                                   cost=None, earliest_phase=None)
    alt2 = store_items.get_alternative(db, a2)
    assert (alt2["name"], alt2["municipality_id"], alt2["cost"], alt2["earliest_phase"]) == (
        "Scenen", None, None, None)
    store_items.move_alternative(db, a2, -1)
    assert [a["id"] for a in store_items.list_alternatives(db, did)] == [a2, a1]
    store_items.delete_alternative(db, a1)
    assert [a["id"] for a in store_items.list_alternatives(db, did)] == [a2]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cost": -1}, "cost"),
        ({"cost": "mycket"}, "cost"),
        ({"cost": math.inf}, "cost"),
        ({"cost": math.nan}, "cost"),
        ({"earliest_phase": 0}, "earliest_phase"),
        ({"earliest_phase": 1.5}, "earliest_phase"),
        ({"earliest_phase": "två"}, "earliest_phase"),
        ({"municipality_id": 999}, "municipality_id"),
        ({"municipality_id": "Göteborg"}, "municipality_id"),
    ],
)
def test_bad_alternative_fields(db, decision, kwargs, field):
    with pytest.raises(StoreError) as err:
        store_items.add_alternative(db, decision["id"], "A", **kwargs)
    assert err.value.field == field
    assert _count(db, "alternatives") == 0


def test_scores_set_clear_and_validate(db, decision):
    did = decision["id"]
    c1, c2, _ = decision["criteria"]
    a = store_items.add_alternative(db, did, "A")
    store_items.set_score(db, a, c1, 7)
    store_items.set_score(db, a, c2, "2.5")
    store_items.set_score(db, a, c1, 8)
    assert store_items.get_scores(db, did) == {(a, c1): 8.0, (a, c2): 2.5}
    store_items.set_score(db, a, c2, None)
    assert store_items.get_scores(db, did) == {(a, c1): 8.0}
    for bad in (math.nan, math.inf, "abc", True):
        with pytest.raises(StoreError) as err:
            store_items.set_score(db, a, c1, bad)
        assert err.value.field == "value"
    assert store_items.get_scores(db, did) == {(a, c1): 8.0}
    other = dec.create_decision(db, None, "Annan")
    foreign = store_items.add_criterion(db, other, "Främmande")
    with pytest.raises(StoreError) as err:
        store_items.set_score(db, a, foreign, 1)
    assert err.value.field == "criterion_id"


def test_deleting_a_criterion_removes_its_scores(db, decision):
    did = decision["id"]
    c1 = decision["criteria"][0]
    a = store_items.add_alternative(db, did, "A")
    store_items.set_score(db, a, c1, 3)
    store_items.delete_criterion(db, c1)
    assert store_items.get_scores(db, did) == {}


def test_updates_bump_updated_at(db, decision):
    before = dec.get_decision(db, decision["id"])["updated_at"]
    db.execute("UPDATE decisions SET updated_at = '2000-01-01' WHERE id = ?", [decision["id"]])
    a = store_items.add_alternative(db, decision["id"], "A")
    store_items.set_score(db, a, decision["criteria"][0], 1)
    assert dec.get_decision(db, decision["id"])["updated_at"] > "2000-01-01"
    assert before


def _vote_once(db, decision, muni):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.open_round(db, rid)
    p = store_parts.join_round(db, rid, token(), muni["Vara"], None)
    votes.record_vote(db, rid, p["id"], revision=1, **direct_vote(decision["criteria"], [1, 2, 3]))


def test_criteria_are_locked_once_votes_exist(db, decision, muni):
    did = decision["id"]
    assert not dec.criteria_locked(db, did)
    _vote_once(db, decision, muni)
    assert dec.criteria_locked(db, did)
    with pytest.raises(StoreError):
        store_items.add_criterion(db, did, "Nytt")
    with pytest.raises(StoreError):
        store_items.delete_criterion(db, decision["criteria"][0])
    # Renaming and reordering stay allowed.
    store_items.update_criterion(db, decision["criteria"][0], name="Räckvidd i regionen",
                         description="", direction="benefit")
    store_items.move_criterion(db, decision["criteria"][0], 1)
    assert _count(db, "criteria") == 3


# --- replace_decision_content (CSV import) --------------------------------------------------

CRITERIA = [
    {"name": "Räckvidd", "description": "Hur många", "direction": "benefit"},
    {"name": "Kostnad", "direction": "cost"},
]
ALTERNATIVES = [
    {"name": "Kulturhus", "municipality": "Skövde", "cost": 420, "earliest_phase": 1},
    {"name": "Scen", "municipality_id": None, "description": "Utomhus"},
]
SCORES = {("Kulturhus", "Räckvidd"): 9, ("Kulturhus", "Kostnad"): 420, ("Scen", "Räckvidd"): 4}


def _snapshot(db, did):
    return (
        [(c["name"], c["direction"]) for c in store_items.list_criteria(db, did)],
        [(a["name"], a["municipality"]) for a in store_items.list_alternatives(db, did)],
        sorted(store_items.get_scores(db, did).values()),
    )


def test_replace_content_round_trip_keeps_ids_of_unchanged_names(db, decision, muni):
    did = decision["id"]
    keep = decision["criteria"][0]  # "Räckvidd"
    store_import.replace_decision_content(db, did, CRITERIA, ALTERNATIVES, SCORES)
    crits = store_items.list_criteria(db, did)
    assert [(c["name"], c["direction"]) for c in crits] == [
        ("Räckvidd", "benefit"), ("Kostnad", "cost")
    ]
    assert crits[0]["id"] == keep and crits[0]["description"] == "Hur många"
    alts = {a["name"]: a for a in store_items.list_alternatives(db, did)}
    assert alts["Kulturhus"]["municipality"] == "Skövde" and alts["Kulturhus"]["cost"] == 420
    scores = store_items.get_scores(db, did)
    assert scores[(alts["Kulturhus"]["id"], keep)] == 9.0
    assert len(scores) == 3


@pytest.mark.parametrize(
    ("criteria", "alternatives", "scores", "field"),
    [
        ([], ALTERNATIVES, {}, "criteria"),
        ([*CRITERIA, {"name": "räckvidd"}], ALTERNATIVES, {}, "criteria"),
        ([{"name": "A", "direction": "sideways"}], ALTERNATIVES, {}, "criteria"),
        (CRITERIA, [*ALTERNATIVES, {"name": "Scen"}], {}, "alternatives"),
        (CRITERIA, [{"name": "X", "municipality": "Oslo"}], {}, "alternatives"),
        (CRITERIA, [{"name": "X", "cost": -5}], {}, "alternatives"),
        (CRITERIA, ALTERNATIVES, {("Okänd", "Räckvidd"): 1}, "scores"),
        (CRITERIA, ALTERNATIVES, {("Scen", "Okänt"): 1}, "scores"),
        (CRITERIA, ALTERNATIVES, {("Scen", "Räckvidd"): math.nan}, "scores"),
        (CRITERIA, ALTERNATIVES, {("Scen", "Räckvidd"): "hög"}, "scores"),
    ],
)
def test_replace_content_is_all_or_nothing(db, decision, criteria, alternatives, scores, field):
    did = decision["id"]
    a = store_items.add_alternative(db, did, "Befintlig")
    store_items.set_score(db, a, decision["criteria"][0], 5)
    before = _snapshot(db, did)
    with pytest.raises(StoreError) as err:
        store_import.replace_decision_content(db, did, criteria, alternatives, scores)
    assert err.value.field == field and err.value.message
    assert _snapshot(db, did) == before


def test_replace_content_failing_late_in_the_transaction_rolls_back(
    db, decision, muni, monkeypatch
):
    """Even a failure after rows were written inside the transaction leaves nothing behind."""
    did = decision["id"]
    before = _snapshot(db, did)
    real = dec.touch_decision

    def boom(db_, decision_id):
        real(db_, decision_id)
        raise RuntimeError("simulated crash after the writes")

    monkeypatch.setattr(store_import, "touch_decision", boom)
    with pytest.raises(RuntimeError):
        store_import.replace_decision_content(db, did, CRITERIA, ALTERNATIVES, SCORES)
    monkeypatch.undo()
    assert _snapshot(db, did) == before


def test_replace_content_respects_locked_criteria(db, decision, muni):
    did = decision["id"]
    _vote_once(db, decision, muni)
    with pytest.raises(StoreError) as err:
        store_import.replace_decision_content(db, did, CRITERIA, ALTERNATIVES, SCORES)
    assert err.value.field == "criteria"
    same = [
        {"name": c["name"], "direction": c["direction"]}
        for c in store_items.list_criteria(db, did)
    ]
    store_import.replace_decision_content(db, did, same, [{"name": "Ny"}], {("Ny", "Räckvidd"): 3})
    assert [a["name"] for a in store_items.list_alternatives(db, did)] == ["Ny"]
