"""Votes over HTTP are idempotent: a retried submit (Wi-Fi timeout) or a double tap stores one
row, and concurrent tablets never see "database is locked"."""

from __future__ import annotations

from tests.durability.helpers import Tablet, run_threads, vote_rows


def test_resubmitting_the_same_revision_stores_it_once(world):
    t = Tablet(world.app)
    assert t.join(world.join_code) == 303
    before = len(vote_rows(world.app, world.round_id))
    first = t.vote(world.round_id, world.criteria, [7, 3, 5], revision=1)
    retry = t.vote(world.round_id, world.criteria, [7, 3, 5], revision=1)
    assert first.status_code == retry.status_code == 303
    assert first.headers["Location"] == retry.headers["Location"]  # same stored revision
    assert len(vote_rows(world.app, world.round_id)) == before + 1


def test_htmx_retry_is_idempotent_too(world):
    t = Tablet(world.app)
    t.join(world.join_code)
    before = len(vote_rows(world.app, world.round_id))
    for _ in range(3):
        resp = t.vote(world.round_id, world.criteria, [2, 9, 4], revision=1, **{
            "HX-Request": "true"})
        assert resp.status_code == 200
        assert "Din viktning är sparad" in resp.get_data(as_text=True)
    assert len(vote_rows(world.app, world.round_id)) == before + 1


def test_double_tap_on_two_connections_stores_one_row(world):
    t = Tablet(world.app)
    t.join(world.join_code)
    before = len(vote_rows(world.app, world.round_id))
    taps = [t, t.clone(), t.clone(), t.clone()]
    results = run_threads(
        [lambda tab=tab: tab.vote(world.round_id, world.criteria, [1, 2, 3], revision=1)
         for tab in taps])
    assert all(not isinstance(r, BaseException) for r in results), results
    assert [r.status_code for r in results] == [303] * 4
    assert len(vote_rows(world.app, world.round_id)) == before + 1


def test_a_revision_is_a_new_row_and_the_latest_counts(world):
    t = Tablet(world.app)
    t.join(world.join_code)
    assert t.vote(world.round_id, world.criteria, [1, 1, 8], revision=1).status_code == 303
    assert t.vote(world.round_id, world.criteria, [8, 1, 1], revision=2).status_code == 303
    rows = [r for r in vote_rows(world.app, world.round_id)]
    mine = [r for r in rows if r["participant_id"] == rows[-1]["participant_id"]]
    assert [r["revision"] for r in mine] == [1, 2]


def test_many_tablets_at_once_lose_nothing(world):
    tablets = [Tablet(world.app) for _ in range(16)]
    for i, t in enumerate(tablets):
        assert t.join(world.join_code, municipality_id=i % 15 + 1) == 303
    before = len(vote_rows(world.app, world.round_id))
    results = run_threads(
        [lambda t=t, i=i: t.vote(world.round_id, world.criteria, [i % 10 + 1, 5, 3], revision=1)
         for i, t in enumerate(tablets)])
    assert [getattr(r, "status_code", r) for r in results] == [303] * len(tablets)
    assert len(vote_rows(world.app, world.round_id)) == before + len(tablets)
