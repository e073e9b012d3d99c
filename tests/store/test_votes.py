"""Participants and votes: idempotency, append-only revisions, closed rounds, privacy."""

from __future__ import annotations

import hashlib
import math
import sqlite3

import pytest

from mcda.store import connect, rounds, transaction, votes
from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import participants as store_parts
from mcda.store.errors import StoreError
from mcda.store.rounds import RoundClosedError

from .helpers import direct_vote, token


def _n_votes(db) -> int:
    return db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]


# --- joining ----------------------------------------------------------------------------------


def test_hash_token_is_sha256_and_token_not_stored(db, open_round, muni):
    tok = token()
    assert store_parts.hash_token(tok) == hashlib.sha256(tok.encode()).hexdigest()
    p = store_parts.join_round(db, open_round, tok, muni["Skara"], None)
    assert "token_hash" not in p
    stored = db.execute("SELECT token_hash FROM participants WHERE id = ?", [p["id"]]).fetchone()[0]
    assert stored == store_parts.hash_token(tok) and tok not in stored


def test_join_and_rejoin_resumes_the_same_participant(db, open_round, muni):
    tok = token()
    p = store_parts.join_round(db, open_round, tok, muni["Skara"], "forskare")
    assert (p["municipality"], p["role"], p["n_votes"]) == ("Skara", "forskare", 0)
    again = store_parts.join_round(db, open_round, tok, muni["Skara"], "forskare")
    assert again["id"] == p["id"]
    assert store_parts.get_participant(db, open_round, tok)["id"] == p["id"]
    assert store_parts.get_participant(db, open_round, token()) is None
    assert store_parts.get_participant_by_id(db, p["id"])["municipality"] == "Skara"
    # Before the first vote the municipality/role can still be corrected.
    moved = store_parts.join_round(db, open_round, tok, muni["Vara"], None)
    assert moved["id"] == p["id"] and moved["municipality"] == "Vara" and moved["role"] is None


def test_municipality_cannot_change_after_a_vote(db, open_round, muni, decision):
    tok = token()
    p = store_parts.join_round(db, open_round, tok, muni["Hjo"], None)
    votes.record_vote(db, open_round, p["id"], revision=1,
                      **direct_vote(decision["criteria"], [1, 1, 1]))
    with pytest.raises(StoreError) as err:
        store_parts.join_round(db, open_round, tok, muni["Tibro"], None)
    assert err.value.field == "municipality_id" and "Hjo" in err.value.message
    assert store_parts.get_participant(db, open_round, tok)["municipality"] == "Hjo"
    assert store_parts.join_round(db, open_round, tok, muni["Hjo"], None)["id"] == p["id"]


@pytest.mark.parametrize(
    ("tok", "mid", "role", "field"),
    [
        ("short", 1, None, "token"),
        (None, 1, None, "token"),
        ("x" * 32, 999, None, "municipality_id"),
        ("x" * 32, "Hjo", None, "municipality_id"),
        ("x" * 32, 1, "kung", "role"),
    ],
)
def test_bad_join_input(db, open_round, muni, tok, mid, role, field):
    with pytest.raises(StoreError) as err:
        store_parts.join_round(db, open_round, tok, mid, role)
    assert err.value.field == field
    assert db.execute("SELECT COUNT(*) FROM participants").fetchone()[0] == 0


def test_new_participants_need_an_open_round(db, decision, muni):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    with pytest.raises(RoundClosedError) as err:
        store_parts.join_round(db, rid, token(), muni["Hjo"], None)
    assert "inte öppnats" in err.value.message
    rounds.open_round(db, rid)
    tok = token()
    p = store_parts.join_round(db, rid, tok, muni["Hjo"], None)
    rounds.close_round(db, rid)
    with pytest.raises(RoundClosedError):
        store_parts.join_round(db, rid, token(), muni["Hjo"], None)
    # A known participant can still come back to a closed round (to see it is closed).
    assert store_parts.join_round(db, rid, tok, muni["Hjo"], None)["id"] == p["id"]
    with pytest.raises(StoreError):
        store_parts.join_round(db, 999, token(), muni["Hjo"], None)


# --- recording --------------------------------------------------------------------------------


def test_same_revision_twice_stores_one_row(db, open_round, participant, decision):
    kw = direct_vote(decision["criteria"], [5, 3, 2])
    first = votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    again = votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    assert first["created"] is True and again["created"] is False
    assert again["vote_id"] == first["vote_id"] and again["revision"] == 1
    assert _n_votes(db) == 1


def test_idempotency_ignores_key_types_and_order(db, open_round, participant, decision):
    c1, c2, c3 = decision["criteria"]
    kw = direct_vote(decision["criteria"], [5, 3, 2])
    votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    kw["payload"] = {"values": {c3: 2, c1: 5, c2: 3}}  # int keys, other order: same vote
    again = votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    assert again["created"] is False
    assert _n_votes(db) == 1


def test_different_payload_same_revision_becomes_a_new_revision(db, open_round, participant,
                                                                decision):
    crits = decision["criteria"]
    a = votes.record_vote(db, open_round, participant["id"], revision=1,
                          **direct_vote(crits, [5, 3, 2]))
    b = votes.record_vote(db, open_round, participant["id"], revision=1,
                          **direct_vote(crits, [1, 1, 8]))
    assert (a["revision"], b["revision"], b["created"]) == (1, 2, True)
    # The second tab retrying its (bumped) submission does not create a third row.
    retry = votes.record_vote(db, open_round, participant["id"], revision=1,
                              **direct_vote(crits, [1, 1, 8]))
    assert retry == {"vote_id": b["vote_id"], "revision": 2, "created": False}
    assert _n_votes(db) == 2
    history = votes.vote_history(db, participant["id"])
    assert [v["revision"] for v in history] == [1, 2]
    assert history[0]["payload"]["values"] == {str(c): v for c, v in zip(crits, [5, 3, 2],
                                                                          strict=True)}


def test_revisions_latest_counts(db, open_round, participant, decision, muni):
    crits = decision["criteria"]
    for rev, values in enumerate(([1, 1, 1], [2, 1, 1], [3, 1, 1]), start=1):
        votes.record_vote(db, open_round, participant["id"], revision=rev,
                          **direct_vote(crits, values))
    other = store_parts.join_round(db, open_round, token(), muni["Essunga"], None)
    votes.record_vote(db, open_round, other["id"], revision=1, **direct_vote(crits, [1, 2, 7]))
    latest = votes.latest_votes(db, open_round)
    assert [v["participant_id"] for v in latest] == sorted([participant["id"], other["id"]])
    mine = next(v for v in latest if v["participant_id"] == participant["id"])
    assert mine["revision"] == 3 and mine["municipality"] == "Hjo"
    assert mine["role"] == "tjansteperson" and mine["method"] == "direct"
    assert math.isclose(mine["weights"][str(crits[0])], 0.6)
    assert set(mine["weights"]) == {str(c) for c in crits}
    assert mine["payload"] == {"values": {str(c): v for c, v in zip(crits, [3, 1, 1],
                                                                    strict=True)}}
    assert votes.latest_vote(db, participant["id"])["revision"] == 3
    assert votes.latest_vote(db, 9999) is None
    assert _n_votes(db) == 4


def test_closed_round_refuses_and_stores_nothing(db, open_round, participant, decision):
    rounds.close_round(db, open_round)
    with pytest.raises(RoundClosedError) as err:
        votes.record_vote(db, open_round, participant["id"], revision=1,
                          **direct_vote(decision["criteria"], [1, 2, 3]))
    assert "stängd" in err.value.message
    assert _n_votes(db) == 0


def test_retry_of_a_vote_stored_before_close_still_succeeds(db, open_round, participant,
                                                           decision):
    kw = direct_vote(decision["criteria"], [1, 2, 3])
    first = votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    rounds.close_round(db, open_round)
    again = votes.record_vote(db, open_round, participant["id"], revision=1, **kw)
    assert again == {**first, "created": False}


def test_pairwise_vote_with_consistency_ratio(db, open_round, participant, decision):
    crits = decision["criteria"]
    payload = {"matrix": [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], "criteria": crits}
    weights = {crits[0]: 0.648, crits[1]: 0.23, crits[2]: 0.122}
    votes.record_vote(db, open_round, participant["id"], revision=1, method="pairwise",
                      payload=payload, weights=weights, consistency_ratio=0.0036)
    v = votes.latest_vote(db, participant["id"])
    assert v["payload"]["criteria"] == crits and v["consistency_ratio"] == 0.0036
    assert v["weights"] == {str(k): w for k, w in weights.items()}


def _bad(decision, **changes):
    kw = {"revision": 1, **direct_vote(decision["criteria"], [1, 2, 3])}
    kw.update(changes)
    return kw


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda d: {**_bad(d), "revision": 0}, "revision"),
        (lambda d: {**_bad(d), "revision": True}, "revision"),
        (lambda d: {**_bad(d), "revision": "1"}, "revision"),
        (lambda d: _bad(d, method="slider"), "method"),
        (lambda d: _bad(d, payload=[1, 2]), "payload"),
        (lambda d: _bad(d, payload={"values": {"1": math.nan}}), "payload"),
        (lambda d: _bad(d, payload={"values": {"1": math.inf}}), "payload"),
        (lambda d: _bad(d, weights={}), "weights"),
        (lambda d: _bad(d, weights={str(c): 0.5 for c in d["criteria"][:2]}), "weights"),
        (lambda d: _bad(d, weights={**{str(c): 0.25 for c in d["criteria"]}, "999": 0.25}),
         "weights"),
        (lambda d: _bad(d, weights={str(c): 1.0 for c in d["criteria"]}), "weights"),
        (lambda d: _bad(d, weights={str(c): math.nan for c in d["criteria"]}), "weights"),
        (lambda d: _bad(d, weights={"abc": 1.0}), "weights"),
        (lambda d: _bad(d, weights=dict(zip(map(str, d["criteria"]), [1.5, -0.25, -0.25],
                                            strict=True))), "weights"),
        (lambda d: _bad(d, consistency_ratio=math.nan), "consistency_ratio"),
        (lambda d: _bad(d, consistency_ratio=-1), "consistency_ratio"),
    ],
)
def test_bad_vote_input_stores_nothing(db, open_round, participant, decision, make, field):
    with pytest.raises(StoreError) as err:
        votes.record_vote(db, open_round, participant["id"], **make(decision))
    assert err.value.field == field, err.value
    assert _n_votes(db) == 0


def test_method_must_be_allowed_in_the_round(db, open_round, participant, decision):
    rounds.set_methods(db, open_round, ["points"])
    with pytest.raises(StoreError) as err:
        votes.record_vote(db, open_round, participant["id"], revision=1,
                          **direct_vote(decision["criteria"], [1, 2, 3]))
    assert err.value.field == "method"


def test_participant_must_belong_to_the_round(db, decision, participant, open_round):
    other = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.open_round(db, other)
    with pytest.raises(StoreError) as err:
        votes.record_vote(db, other, participant["id"], revision=1,
                          **direct_vote(decision["criteria"], [1, 2, 3]))
    assert err.value.field == "participant"
    assert _n_votes(db) == 0


def test_criterion_of_another_decision_is_refused(db, open_round, participant, decision):
    other = dec.create_decision(db, None, "Annan")
    foreign = store_items.add_criterion(db, other, "Främmande")
    weights = {str(decision["criteria"][0]): 0.5, str(decision["criteria"][1]): 0.25,
               str(foreign): 0.25}
    with pytest.raises(StoreError) as err:
        votes.record_vote(db, open_round, participant["id"], **_bad(decision, weights=weights))
    assert err.value.field == "weights"


def test_votes_table_is_append_only(db, open_round, participant, decision):
    votes.record_vote(db, open_round, participant["id"], revision=1,
                      **direct_vote(decision["criteria"], [1, 2, 3]))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), transaction(db):
        db.execute("UPDATE votes SET payload = '{}'")
    assert votes.latest_vote(db, participant["id"])["payload"]["values"]


# --- summaries --------------------------------------------------------------------------------


def test_participation_counts_voters_per_municipality(db, open_round, decision, muni):
    crits = decision["criteria"]
    for name in ("Hjo", "Hjo", "Vara"):
        p = store_parts.join_round(db, open_round, token(), muni[name], None)
        votes.record_vote(db, open_round, p["id"], revision=1, **direct_vote(crits, [1, 1, 1]))
        votes.record_vote(db, open_round, p["id"], revision=2, **direct_vote(crits, [1, 1, 2]))
    store_parts.join_round(db, open_round, token(), muni["Skara"], None)  # joined, no vote
    counts = votes.participation(db, open_round)
    assert len(counts) == 15 and list(counts)[0] == "Essunga"
    assert (counts["Hjo"], counts["Vara"], counts["Skara"]) == (2, 1, 0)


def test_round_fingerprint_changes_with_votes_state_and_reveal(db, open_round, participant,
                                                               decision):
    seen = {votes.round_fingerprint(db, open_round)}
    votes.record_vote(db, open_round, participant["id"], revision=1,
                      **direct_vote(decision["criteria"], [1, 2, 3]))
    seen.add(votes.round_fingerprint(db, open_round))
    same = votes.round_fingerprint(db, open_round)
    assert same in seen and len(seen) == 2  # stable when nothing changed
    rounds.close_round(db, open_round)
    seen.add(votes.round_fingerprint(db, open_round))
    rounds.set_revealed(db, open_round, True)
    seen.add(votes.round_fingerprint(db, open_round))
    alt = store_items.add_alternative(db, decision["id"], "A")
    db.execute("UPDATE decisions SET updated_at = '2000-01-01' WHERE id = ?", [decision["id"]])
    seen.add(votes.round_fingerprint(db, open_round))
    store_items.set_score(db, alt, decision["criteria"][0], 4)  # score edits change results too
    seen.add(votes.round_fingerprint(db, open_round))
    assert len(seen) == 6
    assert votes.round_fingerprint(db, 999) == "missing"


def test_delete_round_votes_erases_marker_from_db_and_wal(db, db_path, open_round, decision,
                                                          muni):
    """Privacy: after deletion a marker from a deleted payload is in neither file."""
    marker = "MARKÖR-" + token()
    crits = decision["criteria"]
    keep_round = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.open_round(db, keep_round)
    kept = store_parts.join_round(db, keep_round, token(), muni["Vara"], None)
    votes.record_vote(db, keep_round, kept["id"], revision=1, **direct_vote(crits, [1, 2, 3]))
    for i in range(5):
        p = store_parts.join_round(db, open_round, token(), muni["Hjo"], None)
        kw = direct_vote(crits, [1, 2, 3 + i])
        kw["payload"]["note"] = marker
        votes.record_vote(db, open_round, p["id"], revision=1, **kw)
    wal = db_path.with_name(db_path.name + "-wal")
    assert any(marker.encode() in f.read_bytes() for f in (db_path, wal) if f.exists())
    reader = connect(db_path)  # an idle second connection must not block the checkpoint
    assert reader.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 6
    assert votes.delete_round_votes(db, open_round) == 5
    assert votes.latest_votes(db, open_round) == []
    assert db.execute("SELECT COUNT(*) FROM participants WHERE round_id = ?",
                      [open_round]).fetchone()[0] == 0
    assert len(votes.latest_votes(db, keep_round)) == 1  # other rounds untouched
    assert rounds.get_round(db, open_round) is not None
    for path in (db_path, wal):
        if path.exists():
            assert marker.encode() not in path.read_bytes(), path
    reader.conn.close()
