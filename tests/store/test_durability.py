"""Concurrent writers, backups under load and schema upgrades."""

from __future__ import annotations

import sqlite3
import threading

from mcda.store import backup, connect, migrate, rounds, votes
from mcda.store import decisions as dec
from mcda.store import errors as store_errors
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store.migrations import migration_sets, migrations

from .helpers import direct_vote, token

THREADS = 8
VOTES_PER_THREAD = 50


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_voters_on_separate_connections(db, db_path, open_round, decision, muni):
    """8 threads × 50 participants each join and vote (with retries and revisions):
    no "database is locked", exactly the expected rows, nothing lost or duplicated."""
    crits = decision["criteria"]
    errors: list[BaseException] = []
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()
    municipality_ids = list(muni.values())

    def voter(n: int) -> None:
        conn = connect(db_path)
        try:
            for i in range(VOTES_PER_THREAD):
                mid = municipality_ids[(n + i) % 15]
                p = store_parts.join_round(conn, open_round, token(), mid, None)
                kw = direct_vote(crits, [1 + n, 1 + i % 10, 3])
                first = votes.record_vote(conn, open_round, p["id"], revision=1, **kw)
                retry = votes.record_vote(conn, open_round, p["id"], revision=1, **kw)
                assert retry["vote_id"] == first["vote_id"] and not retry["created"]
                if i % 5 == 0:  # every fifth participant revises once
                    votes.record_vote(conn, open_round, p["id"], revision=2,
                                      **direct_vote(crits, [9, 1, 1]))
                with lock:
                    results.append((p["id"], first))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            conn.conn.close()

    _run([threading.Thread(target=voter, args=(n,)) for n in range(THREADS)])
    assert errors == []
    total = THREADS * VOTES_PER_THREAD
    revised = THREADS * len(range(0, VOTES_PER_THREAD, 5))
    assert db.execute("SELECT COUNT(*) FROM participants").fetchone()[0] == total
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == total + revised
    latest = votes.latest_votes(db, open_round)
    assert len(latest) == total == len({v["participant_id"] for v in latest})
    assert sum(v["revision"] == 2 for v in latest) == revised
    assert sum(votes.participation(db, open_round).values()) == total
    # Every vote that got a success answer is there, with its id.
    stored = {r[0] for r in db.execute("SELECT id FROM votes WHERE revision = 1")}
    assert {res["vote_id"] for _, res in results} == stored
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_tabs_racing_the_same_revision_keep_both(db, db_path, open_round, decision, muni):
    """Many connections submit revision 1 for ONE participant with different payloads:
    every distinct payload is kept exactly once, revisions are 1..n without gaps."""
    crits = decision["criteria"]
    p = store_parts.join_round(db, open_round, token(), muni["Tibro"], None)
    errors: list[BaseException] = []

    def tab(n: int) -> None:
        conn = connect(db_path)
        try:
            for _ in range(3):  # each tab also retries its own submission twice
                votes.record_vote(conn, open_round, p["id"], revision=1,
                                  **direct_vote(crits, [1, 1, 1 + n]))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.conn.close()

    _run([threading.Thread(target=tab, args=(n,)) for n in range(6)])
    assert errors == []
    history = votes.vote_history(db, p["id"])
    assert [v["revision"] for v in history] == [1, 2, 3, 4, 5, 6]
    assert len({str(v["payload"]) for v in history}) == 6


def test_close_racing_votes_never_half_stores(db, db_path, open_round, decision, muni):
    """Votes racing the close are either stored (and answered) or refused; nothing else."""
    crits = decision["criteria"]
    parts = [
        store_parts.join_round(db, open_round, token(), muni["Skara"], None) for _ in range(40)
    ]
    ok: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(5)

    def voter(chunk: list[dict]) -> None:
        conn = connect(db_path)
        start.wait()
        try:
            for p in chunk:
                try:
                    res = votes.record_vote(conn, open_round, p["id"], revision=1,
                                            **direct_vote(crits, [1, 2, 3]))
                    ok.append(res["vote_id"])
                except rounds.RoundClosedError:
                    refused.append(p["id"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.conn.close()

    def closer() -> None:
        conn = connect(db_path)
        start.wait()
        rounds.close_round(conn, open_round)
        conn.conn.close()

    threads = [threading.Thread(target=voter, args=(parts[i::4],)) for i in range(4)]
    _run([*threads, threading.Thread(target=closer)])
    assert errors == []
    assert len(ok) + len(refused) == 40
    assert sorted(ok) == sorted(r[0] for r in db.execute("SELECT id FROM votes"))


def test_backup_while_votes_stream_in(db, db_path, tmp_path, open_round, decision, muni):
    crits = decision["criteria"]
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer() -> None:
        conn = connect(db_path)
        try:
            while not stop.is_set() or written[0] < 20:
                p = store_parts.join_round(conn, open_round, token(), muni["Mariestad"], None)
                votes.record_vote(conn, open_round, p["id"], revision=1,
                                  **direct_vote(crits, [1, 2, 3]))
                written[0] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.conn.close()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    copies = []
    for i in range(3):
        target = tmp_path / f"copy{i}.sqlite"
        conn = connect(db_path)
        backup(conn, target)
        conn.conn.close()
        copies.append(target)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    for target in copies:
        copy = sqlite3.connect(target)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Consistent: every participant in the copy has its vote (join and vote are separate
        # transactions, so at most the writers' in-flight participants lack one).
        n_part = copy.execute("SELECT COUNT(*) FROM participants").fetchone()[0]
        n_votes = copy.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
        assert 0 <= n_part - n_votes <= len(threads)
        copy.close()
        # The copy is a working Vägval database.
        cdb = connect(target)
        migrate(cdb)
        assert len(votes.latest_votes(cdb, open_round)) == n_votes
        cdb.conn.close()


# --- migrations -------------------------------------------------------------------------------


def _all_names() -> list[tuple[str, str]]:
    return [(m.name, mig.name) for m in migration_sets() for mig in m._migrations]


def test_migrations_twice_is_a_noop(db):
    def schema():
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()

    before = [tuple(r) for r in schema()]
    n = db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
    migrate(db)
    migrate(db)
    assert [tuple(r) for r in schema()] == before
    assert db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == n == len(
        _all_names()
    )


def test_upgrade_from_the_first_migration(db_path):
    """A database made by the first migration only (0001) upgrades to the current schema
    and keeps its data."""
    db = connect(db_path)
    later = [mig.name for mig in migrations._migrations if mig.name != "0001_initial"]
    migrations.apply(db, stop_before=later or None)
    applied = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == ["0001_initial"]
    store_munis.ensure_municipalities(db)
    did = dec.create_decision(db, None, "Från version 1")
    store_items.add_criterion(db, did, "A")
    store_items.add_criterion(db, did, "B")
    rid = rounds.create_round(db, did, methods=["direct"])
    db.conn.close()

    db = connect(db_path)
    migrate(db)
    rows = db.execute("SELECT migration_set, name FROM _sqlite_migrations")
    applied = {(r[0], r[1]) for r in rows}
    assert applied == set(_all_names())
    assert dec.get_decision(db, did)["title"] == "Från version 1"
    assert [c["name"] for c in store_items.list_criteria(db, did)] == ["A", "B"]
    assert rounds.get_round(db, rid)["methods"] == ["direct"]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.conn.close()


def test_every_connection_gets_the_pragmas_even_after_other_writers(db_path, db):
    for _ in range(3):
        conn = connect(db_path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        store_munis.ensure_municipalities(conn)
        conn.conn.close()


def test_writers_of_one_process_queue_without_sqlite_busy_waits(db_path, db, open_round, decision,
                                                                 muni):
    """With SQLite's busy handler switched off (busy_timeout=0), 6 threads writing at once
    still never see "database is locked": they queue on the process's writer lock, which
    wakes the next writer at once instead of SQLite's sleep-and-retry polling."""
    crits = decision["criteria"]
    errors: list[BaseException] = []
    municipality_ids = list(muni.values())

    def writer(n: int) -> None:
        conn = connect(db_path)
        conn.execute("PRAGMA busy_timeout=0")
        try:
            for i in range(25):
                p = store_parts.join_round(
                    conn, open_round, token(), municipality_ids[i % 15], None
                )
                votes.record_vote(conn, open_round, p["id"], revision=1,
                                  **direct_vote(crits, [1 + n, 1 + i % 10, 3]))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            conn.conn.close()

    _run([threading.Thread(target=writer, args=(n,)) for n in range(6)])
    assert errors == []
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 150


def test_writer_lock_is_per_file_and_shared_by_connections(db_path, tmp_path):
    a, b = connect(db_path), connect(db_path)
    other = connect(tmp_path / "other.sqlite")
    try:
        assert a.conn.write_lock is b.conn.write_lock is not None
        assert other.conn.write_lock is not a.conn.write_lock
    finally:
        for d in (a, b, other):
            d.conn.close()


def test_group_commit_batches_writes_and_keeps_each_callers_outcome(db_path, db, open_round,
                                                                   decision, muni):
    """16 threads voting at once share commits (fewer commits than votes); a write that
    fails (unknown participant) fails only for its caller, the others are stored."""
    crits = decision["criteria"]
    mids = list(muni.values())
    parts = [store_parts.join_round(db, open_round, token(), mids[i % 15], None) for i in range(64)]
    group = db.conn.group_commit
    before = (group.batches, group.writes)
    errors: list[BaseException] = []
    stored: list[int] = []
    start = threading.Barrier(16)

    def voter(k: int) -> None:
        conn = connect(db_path)
        try:
            start.wait()
            for p in parts[k * 4:(k + 1) * 4]:
                stored.append(votes.record_vote(conn, open_round, p["id"], revision=1,
                                                **direct_vote(crits, [1 + k, 2, 3]))["vote_id"])
            try:
                votes.record_vote(conn, open_round, 10**9, revision=1,
                                  **direct_vote(crits, [1, 1, 1]))
            except store_errors.StoreError as exc:
                errors.append(exc)
        finally:
            conn.conn.close()

    _run([threading.Thread(target=voter, args=(k,)) for k in range(16)])
    batches, writes = group.batches - before[0], group.writes - before[1]
    assert len(errors) == 16 and len(stored) == 64
    assert writes == 80 and batches < writes
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 64


def test_group_commit_failure_of_the_commit_reaches_every_caller(db_path, db, open_round,
                                                                 decision, muni):
    """Disk full inside a batch: that caller gets StorageFullError, nothing partial stays."""
    from mcda.store.db import StorageFullError, write

    def fill(conn):
        conn.execute("INSERT INTO audit_log (action, target, detail) VALUES ('x', 'y', ?)",
                     ["z" * 400_000])

    db.execute("PRAGMA max_page_count = " + str(
        db.execute("PRAGMA page_count").fetchone()[0] + 2))
    try:
        write(db, fill)
    except StorageFullError:
        pass
    else:  # pragma: no cover - the limit must bite
        raise AssertionError("expected StorageFullError")
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'x'").fetchone()[0] == 0


def test_writer_lock_takes_a_file_lock_other_processes_wait_for(db_path, db):
    """The writer lock holds an exclusive flock on <db>.lock; a second process cannot take it
    until the first releases."""
    import fcntl
    import os
    import subprocess
    import sys

    lock = db.conn.write_lock
    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
             "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)")
    assert lock.acquire(5)
    try:
        held = subprocess.run([sys.executable, "-c", probe, lock.lock_path],
                              capture_output=True, text=True)
        assert held.returncode != 0 and "BlockingIOError" in held.stderr
    finally:
        lock.release()
    free = subprocess.run([sys.executable, "-c", probe, lock.lock_path], capture_output=True)
    assert free.returncode == 0
    assert fcntl and os.path.exists(lock.lock_path)
