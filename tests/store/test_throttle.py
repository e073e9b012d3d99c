"""Throttle counters in SQLite (mcda/store/throttle.py): counting in a sliding window, keys
stored only as an HMAC, clearing, and pruning that keeps the table bounded."""

from __future__ import annotations

import pytest

from mcda.store import connect
from mcda.store import throttle as st

SECRET = "test-secret-key-not-for-production"
W = 600.0


def _hit(db, key, at, scope="login", **kw):
    st.record(db, scope, [key], now=at, window_s=W, secret=SECRET, **kw)


def _count(db, key, now, scope="login"):
    return st.count(db, scope, key, now=now, window_s=W, secret=SECRET)


def test_counts_hits_inside_the_window_per_scope_and_key(db):
    for t in (100.0, 200.0, 300.0):
        _hit(db, "a@example.se|10.0.0.1", t)
    _hit(db, "a@example.se|10.0.0.1", 300.0, scope="join")
    assert _count(db, "a@example.se|10.0.0.1", 300.0) == 3
    assert _count(db, "a@example.se|10.0.0.1", 300.0, scope="join") == 1
    assert _count(db, "b@example.se|10.0.0.1", 300.0) == 0
    assert _count(db, "a@example.se|10.0.0.1", 100.0 + W) == 2  # now - W < at: 100 has left
    assert st.latest(db, "login", "a@example.se|10.0.0.1", now=350.0, window_s=W,
                     secret=SECRET) == 300.0
    assert st.latest(db, "login", "nobody", now=350.0, window_s=W, secret=SECRET) is None


def test_one_record_call_hits_several_keys(db):
    st.record(db, "join", ["c|tok|1.2.3.4", "ip|1.2.3.4"], now=10.0, window_s=W, secret=SECRET)
    assert _count(db, "c|tok|1.2.3.4", 10.0, "join") == _count(db, "ip|1.2.3.4", 10.0, "join") == 1


def test_keys_are_stored_as_a_keyed_hash_never_in_clear(db, db_path):
    _hit(db, "anna@example.se|198.51.100.7", 1.0)
    keys = [r[0] for r in db.execute("SELECT key FROM throttle_events")]
    assert keys == [st.key_digest(SECRET, "anna@example.se|198.51.100.7")]
    assert len(keys[0]) == 64
    assert keys[0] != st.key_digest("another-secret", "anna@example.se|198.51.100.7")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db_path.read_bytes()
    assert b"anna@example.se" not in raw and b"198.51.100.7" not in raw
    with pytest.raises(ValueError):
        st.key_digest("", "x")


def test_clear_forgets_one_key_only(db):
    _hit(db, "a", 1.0)
    _hit(db, "b", 1.0)
    st.clear(db, "login", "a", secret=SECRET)
    st.clear(db, "login", "never-hit", secret=SECRET)  # nothing to clear: no write needed
    assert _count(db, "a", 2.0) == 0 and _count(db, "b", 2.0) == 1


def test_rows_stay_bounded_per_key_and_per_scope(db):
    for i in range(30):
        _hit(db, "a", float(i), keep=10)
    assert db.execute("SELECT COUNT(*) FROM throttle_events").fetchone()[0] == 10
    assert _count(db, "a", 29.0) == 10  # the newest ten are kept
    for i in range(50):
        _hit(db, f"spray-{i}", 100.0 + i)
    deleted = st.prune(db, "login", now=200.0, window_s=W, max_rows=20)
    assert deleted == 40
    left = db.execute("SELECT MIN(at), COUNT(*) FROM throttle_events").fetchone()
    assert tuple(left) == (130.0, 20)  # the stalest went first


def test_expired_rows_are_pruned_as_hits_arrive(db):
    _hit(db, "a", 0.0)
    _hit(db, "b", 1.0)
    _hit(db, "a", W + 5.0)  # a's own expired row goes at once
    rows = db.execute("SELECT at FROM throttle_events ORDER BY at").fetchall()
    assert [r[0] for r in rows] == [1.0, W + 5.0]
    for i in range(st.PRUNE_EVERY):  # the periodic whole-scope prune takes b's old row too
        _hit(db, "c", W + 10.0 + i)
    assert db.execute("SELECT COUNT(*) FROM throttle_events WHERE at < ?", [W]).fetchone()[0] == 0


def test_prune_drops_rows_from_a_clock_set_far_ahead(db):
    _hit(db, "a", 10_000.0)
    assert st.prune(db, "login", now=100.0, window_s=W) == 1


def test_counts_are_shared_between_connections(db, db_path):
    """Two connections stand for two worker processes on the same file."""
    other = connect(db_path)
    try:
        _hit(db, "a", 1.0)
        _hit(other, "a", 2.0)
        assert _count(db, "a", 3.0) == _count(other, "a", 3.0) == 2
        st.clear(other, "login", "a", secret=SECRET)
        assert _count(db, "a", 3.0) == 0
    finally:
        other.conn.close()


def test_counts_of_several_keys_in_one_call(db):
    for t in (100.0, 200.0):
        _hit(db, "ip|1.2.3.4", t, scope="join")
    _hit(db, "all", 200.0, scope="join")
    got = st.counts(db, "join", ["ip|1.2.3.4", "all", "nobody"], now=250.0, window_s=W,
                    secret=SECRET)
    assert got == [2, 1, 0]
    assert st.counts(db, "join", ["ip|1.2.3.4"], now=100.0 + W, window_s=W,
                     secret=SECRET) == [1]
    assert st.counts(db, "join", [], now=250.0, window_s=W, secret=SECRET) == []


def test_claim_is_single_use_inside_the_window(db):
    """The join check's challenges (issue 24 point 6): accepted once, stored as an HMAC."""
    assert st.claim(db, "join-used", "seed-1", now=10.0, window_s=300.0, secret=SECRET)
    assert not st.claim(db, "join-used", "seed-1", now=20.0, window_s=300.0, secret=SECRET)
    assert st.claim(db, "join-used", "seed-2", now=20.0, window_s=300.0, secret=SECRET)
    assert st.claim(db, "join-used", "seed-1", now=311.0, window_s=300.0, secret=SECRET)
    stored = [r[0] for r in db.execute("SELECT key FROM throttle_events WHERE scope = 'join-used'")]
    assert "seed-1" not in stored and all(len(k) == 64 for k in stored)
