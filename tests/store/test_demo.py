"""Demo data: idempotent, labelled as invented, rich enough for every results view."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from mcda.core.elicitation import vote_weights
from mcda.store import decisions as dec
from mcda.store import demo, rounds, votes
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis


@pytest.fixture
def loaded(db):
    return demo.load_demo(db, None)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One demo database for the read-only tests (loading takes ~0.5 s)."""
    from mcda.store import connect, migrate

    database = connect(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    migrate(database)
    ids = demo.load_demo(database, None)
    yield database, ids
    database.conn.close()


def _snapshot(db):
    return [tuple(r) for r in db.execute(
        "SELECT (SELECT COUNT(*) FROM decisions), (SELECT COUNT(*) FROM criteria), "
        "(SELECT COUNT(*) FROM alternatives), (SELECT COUNT(*) FROM scores), "
        "(SELECT COUNT(*) FROM rounds), (SELECT COUNT(*) FROM participants), "
        "(SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM municipalities)"
    )]


def test_demo_is_idempotent(db, loaded):
    before = _snapshot(db)
    assert demo.load_demo(db, None) == loaded
    assert _snapshot(db) == before


def test_demo_adopts_an_owner_when_loaded_again(db, loaded):
    from mcda.store import users

    uid = users.create_user(db, "pl@example.se", "en lång lösenfras", "facilitator")
    demo.load_demo(db, uid)
    assert {d["id"] for d in dec.list_decisions(db, owner_id=uid)} == set(loaded)


def test_demo_decisions_are_labelled_and_complete(shared):
    db, loaded = shared
    titles = {dec.get_decision(db, d)["title"]: d for d in loaded}
    assert set(titles) == {"Kulturell infrastruktur 2026–2035", "Tillväxtetapper"}
    for did in loaded:
        d = dec.get_decision(db, did)
        assert d["is_demo"] is True and "Påhittade exempeldata" in d["description"]
        crits = store_items.list_criteria(db, did)
        alts = store_items.list_alternatives(db, did)
        assert {c["direction"] for c in crits} == {"benefit", "cost"}
        assert all(c["description"].endswith(".") for c in crits)
        assert len(store_items.get_scores(db, did)) == len(crits) * len(alts)  # full matrix
        assert all(a["municipality"] and a["cost"] and a["earliest_phase"] for a in alts)
    culture = titles["Kulturell infrastruktur 2026–2035"]
    growth = titles["Tillväxtetapper"]
    assert len(store_items.list_criteria(db, culture)) == 8
    assert 9 <= len(store_items.list_alternatives(db, culture)) <= 12
    assert len({a["municipality"] for a in store_items.list_alternatives(db, culture)}) >= 9
    assert [c["direction"] for c in store_items.list_criteria(db, culture)][-2:] == ["cost", "cost"]
    assert len(store_items.list_criteria(db, growth)) == 6
    # Phaseable investments, not competing principles ("… först" read "…först först").
    assert {a["name"] for a in store_items.list_alternatives(db, growth)} == {
        "Utbyggnad längs stråket Skövde–Lidköping", "Nya bostäder i centralorterna",
        "Förtätning kring stationsorterna", "Service och bostäder i mindre orter",
    }
    assert not any("först" in a["name"] for a in store_items.list_alternatives(db, growth))
    # Criteria whose description names a unit carry it, so the unit shows beside the scores.
    units = {c["name"]: c["unit"] for did in (culture, growth)
             for c in store_items.list_criteria(db, did)}
    assert units["Investeringskostnad"] == "MSEK" and units["Driftkostnad"] == "MSEK/år"
    assert units["Investeringsbehov"] == "MSEK" and units["Klimatpåverkan"] == "index"


def test_closed_rounds_have_enough_participants_everywhere(shared):
    db, loaded = shared
    assert len(store_munis.list_municipalities(db)) == 15
    for did in loaded:
        closed = [r for r in rounds.list_rounds(db, did) if r["state"] == "closed"]
        assert len(closed) == 1
        r = closed[0]
        assert r["number"] == 1 and r["revealed"] is True
        latest = votes.latest_votes(db, r["id"])
        assert len(latest) >= 45
        counts = votes.participation(db, r["id"])
        assert len(counts) == 15 and min(counts.values()) >= 3
        assert set(Counter(v["method"] for v in latest)) == set(rounds.METHODS)
        # Some participants revised: the latest revision is what counts.
        assert any(v["revision"] > 1 for v in latest)


def test_demo_votes_match_what_the_participant_pages_store(shared):
    db, loaded = shared
    """Payload formats per method, and weights recomputed with the core are identical."""
    for did in loaded:
        crit_ids = [c["id"] for c in store_items.list_criteria(db, did)]
        keys = [str(c) for c in crit_ids]
        r = rounds.list_rounds(db, did)[0]
        for v in votes.latest_votes(db, r["id"]):
            p = v["payload"]
            assert list(v["weights"]) == sorted(keys)
            assert math.isclose(sum(v["weights"].values()), 1.0, abs_tol=1e-9)
            if v["method"] == "pairwise":
                assert p["criteria"] == crit_ids
                w, res = vote_weights("pairwise", matrix=p["matrix"])
                assert math.isclose(v["consistency_ratio"], res.cr)
            else:
                field = "ranks" if v["method"] == "ranking" else "values"
                assert set(p[field]) == set(keys)
                w, _ = vote_weights(v["method"], values=[p[field][k] for k in keys])
                if v["method"] == "direct":
                    assert all(0 <= x <= 10 for x in p[field].values())
                if v["method"] == "points":
                    assert sum(p[field].values()) == 100
                assert v["consistency_ratio"] is None
            np.testing.assert_allclose([v["weights"][k] for k in keys], w, atol=1e-12)


def test_camps_disagree_recognisably(shared):
    db, loaded = shared
    """Larger towns weight reach and attractiveness; smaller municipalities co-operation and
    running cost."""
    did = next(d for d in loaded if dec.get_decision(db, d)["title"].startswith("Kulturell"))
    crits = {c["name"]: str(c["id"]) for c in store_items.list_criteria(db, did)}
    r = rounds.list_rounds(db, did)[0]
    latest = votes.latest_votes(db, r["id"])

    def mean(group, name):
        ws = [v["weights"][crits[name]] for v in latest if (v["municipality"] in demo.TOWNS)
              == group]
        return sum(ws) / len(ws)

    assert mean(True, "Räckvidd och tillgänglighet") > mean(False, "Räckvidd och tillgänglighet")
    assert mean(True, "Attraktivitet") > mean(False, "Attraktivitet")
    assert mean(False, "Samverkan mellan kommuner") > mean(True, "Samverkan mellan kommuner")
    assert mean(False, "Driftkostnad") > mean(True, "Driftkostnad")


def test_open_second_round_to_try_voting(shared):
    db, loaded = shared
    did = next(d for d in loaded if dec.get_decision(db, d)["title"].startswith("Kulturell"))
    rs = rounds.list_rounds(db, did)
    assert [r["state"] for r in rs] == ["closed", "open"]
    r2 = rs[1]
    assert r2["number"] == 2 and r2["methods"] == list(rounds.METHODS)
    assert r2["revealed"] is False and votes.latest_votes(db, r2["id"]) == []
    growth = next(d for d in loaded if dec.get_decision(db, d)["title"] == "Tillväxtetapper")
    assert [r["state"] for r in rounds.list_rounds(db, growth)] == ["closed"]


def test_demo_is_reproducible(tmp_path):
    """Fixed seed: two fresh databases get the same votes."""
    from mcda.store import connect, migrate

    results = []
    for name in ("a.sqlite", "b.sqlite"):
        db = connect(tmp_path / name)
        migrate(db)
        ids = demo.load_demo(db, None)
        r = rounds.list_rounds(db, ids[0])[0]
        results.append([(v["method"], v["payload"]) for v in votes.latest_votes(db, r["id"])])
        db.conn.close()
    assert results[0] == results[1]
