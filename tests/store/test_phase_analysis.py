"""The analysis cache and participation per phase of a round with per-phase weights."""

from __future__ import annotations

import pytest

from mcda.store import analysis_cache, phases, rounds, votes
from mcda.store import participants as store_parts

from .helpers import direct_vote, token


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


@pytest.fixture
def phased(db, decision, muni):
    """Two phases; Skövde votes for both, Hjo only for phase 1."""
    p1 = phases.add_phase(db, decision["id"], "Etapp 1", 100, "2026–2028")
    p2 = phases.add_phase(db, decision["id"], "Etapp 2", 100, "2029–2031")
    # k = 1: the point is keeping phases apart (with k = 3 two voters are not analysed at all)
    rid = rounds.create_round(db, decision["id"], methods=["direct"], phase_weights=True,
                              anonymity_k=1)
    rounds.open_round(db, rid)
    crits = decision["criteria"]
    a = store_parts.join_round(db, rid, token(), muni["Skövde"])
    b = store_parts.join_round(db, rid, token(), muni["Hjo"])
    votes.record_vote(db, rid, a["id"], revision=1, phase_id=p1, **direct_vote(crits, [6, 3, 1]))
    votes.record_vote(db, rid, a["id"], revision=2, phase_id=p2, **direct_vote(crits, [1, 3, 6]))
    votes.record_vote(db, rid, b["id"], revision=1, phase_id=p1, **direct_vote(crits, [5, 4, 1]))
    return {"round": rid, "phases": (p1, p2)}


def test_participation_in_phase(db, phased):
    rid, (p1, p2) = phased["round"], phased["phases"]
    one = votes.participation_in_phase(db, rid, p1)
    two = votes.participation_in_phase(db, rid, p2)
    assert len(one) == len(two) == 15
    assert (one["Skövde"], one["Hjo"]) == (1, 1)
    assert (two["Skövde"], two["Hjo"]) == (1, 0)
    assert sum(votes.participation(db, rid).values()) == 2  # the round: anyone who voted


def test_get_analysis_keeps_phases_apart(db, phased):
    rid, (p1, p2) = phased["round"], phased["phases"]
    opts = {"smaa": False}
    a1 = analysis_cache.get_analysis(db, rid, opts, phase_id=p1)
    a2 = analysis_cache.get_analysis(db, rid, opts, phase_id=p2)
    normal = analysis_cache.get_analysis(db, rid, opts)
    assert (a1.phase_id, a2.phase_id, normal.phase_id) == (p1, p2, None)
    assert a1.fingerprint == a2.fingerprint  # same round: only the key's phase tells them apart
    assert len(a1.input["votes"]) == 2 and len(a2.input["votes"]) == 1
    assert normal.output is None  # a per-phase round has no normal votes
    assert a1.output["weights"] != a2.output["weights"]
    hits = analysis_cache.stats["hits"]
    assert analysis_cache.get_analysis(db, rid, opts, phase_id=p2) is a2
    assert analysis_cache.stats["hits"] == hits + 1


def test_live_analysis_per_phase(db, phased):
    rid, (p1, p2) = phased["round"], phased["phases"]
    fp = votes.round_fingerprint(db, rid)
    l1 = analysis_cache.live_analysis(db, rid, {"smaa": False}, fingerprint=fp, max_age_s=3,
                                      phase_id=p1)
    l2 = analysis_cache.live_analysis(db, rid, {"smaa": False}, fingerprint=fp, max_age_s=3,
                                      phase_id=p2)
    assert (l1.phase_id, l2.phase_id) == (p1, p2)
    assert l1.output["weights"] != l2.output["weights"]
