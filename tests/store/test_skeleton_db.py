"""Connections, write transactions, backups and password hashing of the store skeleton."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from mcda.store import StorageFullError, backup, connect, migrate, transaction
from mcda.store import users as store_users


def test_every_connection_gets_the_house_pragmas(db_path):
    for _ in range(2):
        db = connect(db_path)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
        db.conn.close()


def test_migrate_twice_is_a_noop(db):
    before = db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    migrate(db)
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == before


def test_transaction_is_begin_immediate(db, db_path):
    """A second writer waits for the first instead of failing on a read-then-write upgrade."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with transaction(db):
        db.execute("INSERT INTO municipalities (name) VALUES ('Hjo')")
    db.conn.set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE"


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO municipalities (name) VALUES ('Tibro')")
        raise RuntimeError("stop")
    assert db.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 0


def test_concurrent_writers_do_not_see_database_is_locked(db, db_path):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        conn = connect(db_path)
        try:
            for i in range(25):
                with transaction(conn):
                    count = conn.execute("SELECT count(*) FROM municipalities").fetchone()[0]
                    conn.execute(
                        "INSERT INTO municipalities (name, population) VALUES (?, ?)",
                        [f"k{n}-{i}", count],
                    )
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            conn.conn.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 150


def test_disk_full_raises_storage_full_and_writes_nothing(db):
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(StorageFullError), transaction(db):
        for i in range(2000):
            db.execute(
                "INSERT INTO audit_log (action, detail) VALUES (?, ?)", ["x", "y" * 500 + str(i)]
            )
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_online_backup_is_consistent(db, tmp_path):
    with transaction(db):
        db.execute("INSERT INTO municipalities (name) VALUES ('Skara')")
    target = tmp_path / "copy.sqlite"
    backup(db, target)
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT name FROM municipalities").fetchall() == [("Skara",)]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    with pytest.raises(FileExistsError):
        backup(db, target)


@pytest.mark.real_scrypt
def test_passwords_use_owasp_scrypt_parameters_and_unique_salts():
    h1 = store_users.hash_password("en lång lösenfras med mellanslag")
    h2 = store_users.hash_password("en lång lösenfras med mellanslag")
    scheme, n, r, p, salt1, _ = h1.split("$")
    assert (scheme, int(n), int(r)) == ("scrypt", 2**15, 8) and int(p) >= 3
    assert salt1 != h2.split("$")[4]
    assert store_users.verify_password("en lång lösenfras med mellanslag", h1)
    assert not store_users.verify_password("fel", h1)


def test_sessions_end_on_logout_and_idle_timeout(db):
    uid = store_users.create_user(db, "A@Example.se", "lösenord123", "facilitator")
    sid = store_users.create_session(db, uid)
    user = store_users.session_user(db, sid, idle_timeout_s=60, absolute_timeout_s=3600)
    assert user["email"] == "a@example.se" and "password_hash" not in user
    with transaction(db):
        db.execute(
            "UPDATE user_sessions SET last_seen = '2000-01-01T00:00:00.000000Z' WHERE id = ?", [sid]
        )
    assert store_users.session_user(db, sid, idle_timeout_s=60, absolute_timeout_s=3600) is None
    sid2 = store_users.create_session(db, uid)
    store_users.delete_session(db, sid2)
    assert store_users.session_user(db, sid2, idle_timeout_s=60, absolute_timeout_s=3600) is None


def test_votes_are_append_only(db):
    with transaction(db):
        db.execute("INSERT INTO municipalities (id, name) VALUES (1, 'Vara')")
        db.execute("INSERT INTO decisions (id, title) VALUES (1, 'd')")
        db.execute("INSERT INTO rounds (id, decision_id, join_code) VALUES (1, 1, 'ABCDEFGH')")
        db.execute(
            "INSERT INTO participants (id, round_id, token_hash, municipality_id) "
            "VALUES (1, 1, 'h', 1)"
        )
        db.execute(
            "INSERT INTO votes (round_id, participant_id, revision, method, payload, weights) "
            "VALUES (1, 1, 1, 'direct', '{}', '{}')"
        )
    with pytest.raises(sqlite3.IntegrityError), transaction(db):
        db.execute("UPDATE votes SET weights = '{\"x\": 1}'")
