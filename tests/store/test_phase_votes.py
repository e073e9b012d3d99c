"""Per-phase weights: votes for a phase, latest per (participant, phase), validation."""

from __future__ import annotations

import sqlite3

import pytest

from mcda.store import participants as store_parts
from mcda.store import phases, rounds, votes
from mcda.store.errors import StoreError

from .helpers import direct_vote, token


@pytest.fixture
def phased(db, decision, muni):
    """A per-phase open round on a decision with two phases, and one participant."""
    p1 = phases.add_phase(db, decision["id"], "Etapp 1", 100, "2026–2028")
    p2 = phases.add_phase(db, decision["id"], "Etapp 2", 100, "2029–2031")
    rid = rounds.create_round(db, decision["id"], methods=["direct"], phase_weights=True)
    rounds.open_round(db, rid)
    part = store_parts.join_round(db, rid, token(), muni["Skövde"])
    return {"round": rid, "phases": [p1, p2], "part": part, "crits": decision["criteria"]}


def test_round_flag_defaults_off_and_setter(db, decision, open_round):
    assert rounds.get_round(db, open_round)["phase_weights"] is False
    with pytest.raises(StoreError) as exc:
        rounds.set_phase_weights(db, open_round, True)  # the decision has no phases
    assert exc.value.field == "phase_weights"
    phases.add_phase(db, decision["id"], "Etapp 1", 10)
    rounds.set_phase_weights(db, open_round, True)
    assert rounds.get_round(db, open_round)["phase_weights"] is True
    rounds.set_phase_weights(db, open_round, False)
    assert rounds.get_round(db, open_round)["phase_weights"] is False


def test_create_round_with_phase_weights_needs_phases(db, decision):
    with pytest.raises(StoreError):
        rounds.create_round(db, decision["id"], methods=["direct"], phase_weights=True)
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 0


def test_next_round_keeps_the_flag(db, phased):
    nxt = rounds.next_round(db, phased["round"])
    assert rounds.get_round(db, nxt)["phase_weights"] is True


def test_two_phases_store_two_latest_votes(db, phased):
    rid, (p1, p2), part, crits = phased["round"], phased["phases"], phased["part"], phased["crits"]
    a = votes.record_vote(db, rid, part["id"], revision=1, phase_id=p1,
                          **direct_vote(crits, [1, 1, 2]))
    b = votes.record_vote(db, rid, part["id"], revision=2, phase_id=p2,
                          **direct_vote(crits, [3, 1, 0]))
    c = votes.record_vote(db, rid, part["id"], revision=3, phase_id=p1,
                          **direct_vote(crits, [5, 1, 2]))
    assert [x["revision"] for x in (a, b, c)] == [1, 2, 3]
    by_phase = votes.latest_votes_by_phase(db, rid)
    assert set(by_phase) == {p1, p2}
    assert [v["revision"] for v in by_phase[p1]] == [3]
    assert [v["revision"] for v in by_phase[p2]] == [2]
    assert by_phase[p1][0]["weights"][str(crits[0])] == pytest.approx(5 / 8)
    assert [v["revision"] for v in votes.latest_votes(db, rid, p2)] == [2]
    assert votes.latest_votes(db, rid) == []  # the round's normal votes: none
    own = votes.latest_vote_by_phase(db, part["id"])
    assert {k: v["revision"] for k, v in own.items()} == {p1: 3, p2: 2}
    # participation counts the participant once
    assert votes.participation(db, rid)["Skövde"] == 1
    # still append-only
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE votes SET phase_id = NULL")


def test_replay_is_per_phase(db, phased):
    rid, (p1, p2), part, crits = phased["round"], phased["phases"], phased["part"], phased["crits"]
    kw = direct_vote(crits, [1, 2, 3])
    first = votes.record_vote(db, rid, part["id"], revision=1, phase_id=p1, **kw)
    again = votes.record_vote(db, rid, part["id"], revision=1, phase_id=p1, **kw)
    assert again == {**first, "created": False}
    # the same weights for the other phase at the same (stale) revision: a new row
    other = votes.record_vote(db, rid, part["id"], revision=1, phase_id=p2, **kw)
    assert other["created"] and other["revision"] == 2
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 2


@pytest.mark.parametrize("bad", ["missing", "foreign", "unknown", "text"])
def test_per_phase_round_refuses_bad_phase(db, phased, bad):
    from mcda.store import decisions

    rid, part, crits = phased["round"], phased["part"], phased["crits"]
    other = decisions.create_decision(db, None, "Annan")
    foreign = phases.add_phase(db, other, "Etapp X", 5)
    phase_id = {"missing": None, "foreign": foreign, "unknown": 99999, "text": "1"}[bad]
    with pytest.raises(StoreError) as exc:
        votes.record_vote(db, rid, part["id"], revision=1, phase_id=phase_id,
                          **direct_vote(crits, [1, 1, 1]))
    assert exc.value.field == "phase_id"
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 0


def test_normal_round_refuses_a_phase(db, decision, open_round, participant):
    p1 = phases.add_phase(db, decision["id"], "Etapp 1", 10)
    with pytest.raises(StoreError) as exc:
        votes.record_vote(db, open_round, participant["id"], revision=1, phase_id=p1,
                          **direct_vote(decision["criteria"], [1, 1, 1]))
    assert exc.value.field == "phase_id"
    votes.record_vote(db, open_round, participant["id"], revision=1,
                      **direct_vote(decision["criteria"], [1, 1, 1]))
    assert [v["phase_id"] for v in votes.latest_votes(db, open_round)] == [None]


def test_phase_with_votes_cannot_be_deleted(db, phased):
    rid, (p1, _p2), part, crits = phased["round"], phased["phases"], phased["part"], phased["crits"]
    votes.record_vote(db, rid, part["id"], revision=1, phase_id=p1,
                      **direct_vote(crits, [1, 1, 1]))
    with pytest.raises(StoreError) as exc:
        phases.delete_phase(db, p1)
    assert "Etapp 1" in exc.value.message
    assert phases.get_phase(db, p1) is not None


def test_setter_refused_once_votes_exist(db, phased):
    rid, (p1, _p2), part, crits = phased["round"], phased["phases"], phased["part"], phased["crits"]
    votes.record_vote(db, rid, part["id"], revision=1, phase_id=p1,
                      **direct_vote(crits, [1, 1, 1]))
    with pytest.raises(StoreError):
        rounds.set_phase_weights(db, rid, False)
    assert rounds.get_round(db, rid)["phase_weights"] is True
