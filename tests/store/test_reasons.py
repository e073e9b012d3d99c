""""Varför?" reasons with votes (issue 14): stored per revision, hidden by the facilitator,
published without labels, deleted with the votes."""

from __future__ import annotations

import pytest

from mcda.core import disclosure
from mcda.store import participants as store_parts
from mcda.store import reasons, votes
from mcda.store.errors import StoreError

from .helpers import direct_vote, token


def test_reason_is_kept_per_revision_and_latest_counts(db, open_round, participant, decision):
    crits = decision["criteria"]
    votes.record_vote(db, open_round, participant["id"], revision=1,
                      reason="  Barnen först  ", **direct_vote(crits, [1, 8, 1]))
    votes.record_vote(db, open_round, participant["id"], revision=2,
                      reason="Driften avgör", **direct_vote(crits, [1, 8, 1]))
    history = votes.vote_history(db, participant["id"])
    assert [v["reason"] for v in history] == ["Barnen först", "Driften avgör"]
    assert [r["text"] for r in reasons.round_reasons(db, open_round)] == ["Driften avgör"]


def test_same_payload_new_reason_is_a_new_revision_and_replay_is_idempotent(
        db, open_round, participant, decision):
    kw = direct_vote(decision["criteria"], [2, 3, 5])
    a = votes.record_vote(db, open_round, participant["id"], revision=1, reason="A", **kw)
    again = votes.record_vote(db, open_round, participant["id"], revision=1, reason="A", **kw)
    assert again == {**a, "created": False}
    b = votes.record_vote(db, open_round, participant["id"], revision=1, reason="B", **kw)
    assert b["created"] and b["revision"] == 2


def test_reason_longer_than_500_is_refused_and_nothing_stored(db, open_round, participant,
                                                               decision):
    with pytest.raises(StoreError) as exc:
        votes.record_vote(db, open_round, participant["id"], revision=1, reason="x" * 501,
                          **direct_vote(decision["criteria"], [1, 1, 2]))
    assert exc.value.field == "reason"
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 0
    assert votes.clean_reason("x" * 500) == "x" * 500
    assert votes.clean_reason("   ") is None


def test_hide_and_show(db, open_round, participant, decision):
    v = votes.record_vote(db, open_round, participant["id"], revision=1, reason="Nämn ingen",
                          **direct_vote(decision["criteria"], [1, 1, 2]))
    reasons.set_reason_hidden(db, open_round, v["vote_id"], True)
    assert reasons.shown_reason_texts(db, open_round) == []
    assert reasons.round_reasons(db, open_round)[0]["hidden"] is True
    reasons.set_reason_hidden(db, open_round, v["vote_id"], False)
    assert [r["text"] for r in reasons.shown_reason_texts(db, open_round)] == ["Nämn ingen"]
    with pytest.raises(StoreError):
        reasons.set_reason_hidden(db, open_round + 1, v["vote_id"], True)


def test_reasons_are_deleted_with_the_votes(db, open_round, participant, decision):
    votes.record_vote(db, open_round, participant["id"], revision=1, reason="Borta sen",
                      **direct_vote(decision["criteria"], [1, 1, 2]))
    votes.delete_round_votes(db, open_round)
    assert db.execute("SELECT COUNT(*) FROM vote_reasons").fetchone()[0] == 0


def test_published_reasons_have_no_labels_and_need_k(db, open_round, muni, decision):
    crits = decision["criteria"]
    for i, name in enumerate(["Hjo", "Skara", "Tibro"]):
        p = store_parts.join_round(db, open_round, token(), muni[name], "forskare")
        votes.record_vote(db, open_round, p["id"], revision=1, reason=f"{'cba'[i]} skäl",
                          **direct_vote(crits, [1, 1, 2]))
    shown = reasons.shown_reason_texts(db, open_round)
    vs = votes.latest_votes(db, open_round)
    released = disclosure.plan_for_votes(vs, 3, key="municipality")
    assert disclosure.publishable_reasons(shown, released) == ["a skäl", "b skäl", "c skäl"]
    assert disclosure.publishable_reasons(shown, disclosure.plan_for_votes(vs, 4,
                                          key="municipality")) == []
