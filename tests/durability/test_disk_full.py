"""Disk full over HTTP: forced with ``max_page_count`` on every connection the app opens.
The failing request answers 503 with a Swedish message, stores nothing (no partial rows), and
the app keeps serving reads."""

from __future__ import annotations

import pytest

import mcda.store.db as store_db
from mcda.store import connect
from tests.durability.helpers import Tablet
from tests.helpers import parse_html
from tests.security.world import client_as, snapshot


@pytest.fixture(autouse=True)
def _drop_limited_connections():
    """Connections opened with the page limit must not outlive the test (they are kept open)."""
    yield
    store_db.close_thread_connections()


def _freeze_size(monkeypatch, path) -> None:
    db = connect(path)
    try:
        db.execute("VACUUM")  # no free pages left to grow into
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    finally:
        db.conn.close()
    monkeypatch.setattr(store_db, "PRAGMAS", (*store_db.PRAGMAS, f"PRAGMA max_page_count={pages}"))
    store_db.close_thread_connections()  # kept-open connections must reopen with the limit


def test_full_disk_gives_503_stores_nothing_and_reads_go_on(world, monkeypatch):
    app = world.app
    facilitator = client_as(world, "owner")
    tablets = [Tablet(app) for _ in range(60)]
    _freeze_size(monkeypatch, app.config["DATABASE"])
    failed = None
    for i, t in enumerate(tablets):
        before = snapshot(world)
        status = t.join(world.join_code, municipality_id=i % 15 + 1)
        if status == 303:
            before = snapshot(world)
            resp = t.vote(world.round_id, world.criteria, [i % 9 + 1, 4, 6], revision=1)
            status = resp.status_code
        else:
            resp = None
        if status == 503:
            failed = (t, resp, before)
            break
        assert status == 303, status
    else:
        pytest.fail("the page limit was never reached")
    t, resp, before = failed
    assert snapshot(world) == before, "a failed write left rows behind"
    if resp is not None:
        html = resp.get_data(as_text=True)
        assert "Lagringsutrymmet är fullt" in html and "Fel-id" in html
        assert parse_html(html).find("html").get("lang") == "sv"
    # Reads keep working for participants and the facilitator.
    assert tablets[0].c.get(f"/omgang/{world.round_id}/").status_code == 200
    assert facilitator.get(f"/processledare/{world.decision_id}").status_code == 200
    assert facilitator.get(f"/resultat/{world.closed_round_id}").status_code == 200
    # More writes keep failing cleanly; nothing partial accumulates.
    again = tablets[0].vote(world.round_id, world.criteria, [9, 9, 1], revision=2)
    assert again.status_code == 503
    assert snapshot(world) == before


def test_vote_submit_hits_the_full_disk_with_503(world, monkeypatch):
    """The vote endpoint itself (not only joining) answers 503 when storage is full."""
    app = world.app
    tablets = [Tablet(app) for _ in range(40)]
    for i, t in enumerate(tablets):
        assert t.join(world.join_code, municipality_id=i % 15 + 1) == 303
    _freeze_size(monkeypatch, app.config["DATABASE"])
    statuses = []
    for i, t in enumerate(tablets):
        before = snapshot(world)
        resp = t.vote(world.round_id, world.criteria, [i % 9 + 1, 2, 7], revision=1)
        statuses.append(resp.status_code)
        if resp.status_code == 503:
            assert "Lagringsutrymmet är fullt" in resp.get_data(as_text=True)
            assert snapshot(world) == before
            break
        assert resp.status_code == 303
    assert statuses[-1] == 503, statuses
