"""The kind of round and the results shown to participants (``store.rounds``, issue 24)."""

from __future__ import annotations

import pytest

from mcda.core.disclosure import POOL
from mcda.store import analysis_input, rounds
from mcda.store import participants as store_parts
from mcda.store import votes as store_votes
from mcda.store.errors import StoreError
from mcda.store.migrations import round_kind_migrations

from .helpers import direct_vote, token


def _vote(db, rid, muni, crits, name, values=(5, 3, 2)):
    part = store_parts.join_round(db, rid, token(), muni[name])
    store_votes.record_vote(db, rid, part["id"], revision=1, **direct_vote(crits, list(values)))


def test_rounds_are_anonymous_unless_chosen(db, decision):
    assert round_kind_migrations.name == "vagval-round-kind"
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    assert rounds.get_round(db, rid)["kind"] == "anonymous"
    did = rounds.create_round(db, decision["id"], methods=["direct"], kind="delegates")
    assert rounds.get_round(db, did)["kind"] == "delegates"
    with pytest.raises(StoreError) as exc:
        rounds.create_round(db, decision["id"], methods=["direct"], kind="public")
    assert exc.value.field == "kind"


def test_a_new_round_starts_with_the_previous_rounds_kind(db, decision):
    first = rounds.create_round(db, decision["id"], methods=["direct"], kind="delegates")
    assert rounds.previous_kind(db, decision["id"]) == "delegates"
    second = rounds.create_round(db, decision["id"], methods=["direct"])  # kind=None
    assert rounds.get_round(db, second)["kind"] == "delegates"
    rounds.open_round(db, first)
    rounds.close_round(db, first)
    third = rounds.next_round(db, first)
    assert rounds.get_round(db, third)["kind"] == "delegates"


def test_kind_changes_only_before_the_first_vote(db, decision, muni):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.set_kind(db, rid, "delegates")
    assert rounds.get_round(db, rid)["kind"] == "delegates"
    rounds.open_round(db, rid)
    rounds.set_kind(db, rid, "anonymous")  # open but no vote yet: still allowed
    _vote(db, rid, muni, decision["criteria"], "Hjo")
    with pytest.raises(StoreError) as exc:
        rounds.set_kind(db, rid, "delegates")
    assert "första viktningen" in str(exc.value)
    assert rounds.get_round(db, rid)["kind"] == "anonymous"
    rounds.set_kind(db, rid, "anonymous")  # no change: nothing to refuse


def test_results_are_shown_to_participants_only_for_a_closed_round(db, decision, muni):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    with pytest.raises(StoreError):
        rounds.set_revealed(db, rid, True)  # draft
    rounds.open_round(db, rid)
    with pytest.raises(StoreError) as exc:
        rounds.set_revealed(db, rid, True)  # open
    assert "stängd" in str(exc.value)
    assert rounds.get_round(db, rid)["results_revealed"] is False
    rounds.close_round(db, rid)
    rounds.set_revealed(db, rid, True)
    assert rounds.get_round(db, rid)["results_revealed"] is True
    rounds.open_round(db, rid)  # reopened for a latecomer: the participants' view is withdrawn
    assert rounds.get_round(db, rid)["results_revealed"] is False


def test_a_reopened_round_keeps_the_pooling_it_was_shown_with(db, decision, muni):
    """A2: Lidköping 3, Skövde 4, Essunga 1 (k = 3): Essunga is pooled with Lidköping. A
    reopened round is shown again only with the same pool, and only when no group changed by
    fewer than k voters since it was last shown (differencing would give those away)."""
    crits = decision["criteria"]
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.open_round(db, rid)
    for name, n in (("Lidköping", 3), ("Skövde", 4), ("Essunga", 1)):
        for _ in range(n):
            _vote(db, rid, muni, crits, name)
    rounds.close_round(db, rid)
    rounds.set_revealed(db, rid, True)
    shown = rounds.get_round(db, rid)["shown_partition"]
    assert shown["pooled"] == ["Essunga", "Lidköping"] and len(shown["latest"]) == 8

    def reopen_vote_close(name: str, n: int) -> None:
        rounds.open_round(db, rid)
        for _ in range(n):
            _vote(db, rid, muni, crits, name)
        rounds.close_round(db, rid)

    reopen_vote_close("Skövde", 1)  # one latecomer: Skövde's two states would give him away
    with pytest.raises(StoreError) as exc:
        rounds.set_revealed(db, rid, True)
    assert "färre än 3 deltagare" in str(exc.value) and "Skövde" in str(exc.value)
    reopen_vote_close("Skövde", 2)  # three latecomers since the last showing: shown again
    rounds.set_revealed(db, rid, True)
    assert len(rounds.get_round(db, rid)["shown_partition"]["latest"]) == 11
    reopen_vote_close("Lidköping", 3)
    plan = rounds.round_plan(db, rounds.get_round(db, rid))
    assert plan.pooled == {"Essunga", "Lidköping"}  # Lidköping 6 is still the smallest
    rounds.set_revealed(db, rid, True)  # same pool, three new in the pool: allowed
    reopen_vote_close("Lidköping", 3)  # Lidköping 9 > Skövde 7: Essunga pooled with Skövde
    plan = rounds.round_plan(db, rounds.get_round(db, rid))
    assert plan.pooled == {"Essunga", "Skövde"}
    with pytest.raises(StoreError) as exc:
        rounds.set_revealed(db, rid, True)
    assert "Övriga kommuner" in str(exc.value)
    assert rounds.get_round(db, rid)["results_revealed"] is False
    assert rounds.get_round(db, rid)["shown_partition"]["pooled"] == shown["pooled"]


def test_delegates_round_analyses_every_municipality_by_name(db, decision, muni):
    crits = decision["criteria"]
    for kind, expected in (("anonymous", {POOL}), ("delegates", {"Hjo", "Vara", "Tibro"})):
        rid = rounds.create_round(db, decision["id"], methods=["direct"], kind=kind)
        rounds.open_round(db, rid)
        for name in ("Hjo", "Vara", "Tibro"):
            _vote(db, rid, muni, crits, name)
        data = analysis_input.build_input(db, rid)
        assert set(data["groups"]) == expected
        assert {v["group"] for v in data["votes"]} == expected


def test_migration_makes_old_rounds_anonymous_and_withdraws_an_open_rounds_results(tmp_path):
    from mcda.store import connect, decisions
    from mcda.store.db import transaction
    from mcda.store.migrations import migration_sets

    db = connect(tmp_path / "old.sqlite")
    try:
        with transaction(db):
            for mset in migration_sets():
                if mset is not round_kind_migrations:
                    mset.apply(db)
        did = decisions.create_decision(db, None, "Gammal")
        for code, state in (("AAAAAAAA", "open"), ("BBBBBBBB", "closed")):
            db.execute("INSERT INTO rounds (decision_id, number, join_code, methods, state, "
                       "results_revealed) VALUES (?, ?, ?, '[\"direct\"]', ?, 1)",
                       [did, 1 if state == "open" else 2, code, state])
        with transaction(db):
            round_kind_migrations.apply(db)
        rows = {r["join_code"]: r for r in rounds.list_rounds(db, did)}
        assert {r["kind"] for r in rows.values()} == {"anonymous"}
        assert rows["AAAAAAAA"]["results_revealed"] is False  # open: withdrawn
        assert rows["BBBBBBBB"]["results_revealed"] is True  # closed: as it was
    finally:
        db.conn.close()


def test_switching_the_kind_changes_the_rounds_fingerprint(db, decision):
    """The pages cached under the fingerprint state the publishing rule of the kind."""
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    before = store_votes.round_fingerprint(db, rid)
    rounds.set_kind(db, rid, "delegates")
    assert store_votes.round_fingerprint(db, rid) != before
