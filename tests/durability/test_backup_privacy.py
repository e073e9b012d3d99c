"""Online backup while votes stream in, and privacy deletion that really removes the data
from the database file and its write-ahead log."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from mcda.store import connect
from mcda.store import participants as store_parts
from mcda.store import votes as sv
from mcda.web import create_app
from tests.durability.helpers import Tablet, vote_rows
from tests.helpers import login
from tests.security.world import PASSWORD, direct_payload


def test_online_backup_while_votes_stream_in_boots_the_app(world, runner, tmp_path):
    app = world.app
    stop = threading.Event()
    acked: list[int] = []
    errors: list[BaseException] = []

    def stream(worker: int) -> None:
        try:
            n = 0
            while not stop.is_set() and n < 200:
                t = Tablet(app)
                assert t.join(world.join_code, municipality_id=(worker + n) % 15 + 1) == 303
                resp = t.vote(world.round_id, world.criteria, [n % 9 + 1, 5, worker + 1], 1)
                assert resp.status_code == 303, resp.status_code
                acked.append(1)
                n += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    while len(acked) < 8 and not errors:
        threading.Event().wait(0.01)
    target = tmp_path / "kopia.sqlite"
    during = len(acked)
    result = runner.invoke(args=["backup", str(target)])
    after = len(acked)
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert after > during or after >= 8, "votes should stream during the backup"

    copy = connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_copy = copy.execute("SELECT COUNT(*) FROM votes WHERE round_id = ?",
                              [world.round_id]).fetchone()[0]
    finally:
        copy.conn.close()
    n_live = len(vote_rows(app, world.round_id))
    assert 1 + during <= n_copy <= n_live  # a consistent snapshot in between

    restored = create_app({"TESTING": True, "DATABASE": str(target),
                           "SECRET_KEY": "restored-instance-secret-0123456789"})
    c = restored.test_client()
    assert c.get("/").status_code == 200
    assert login(c, "agare@example.se", PASSWORD).status_code == 303
    assert c.get(f"/processledare/{world.decision_id}").status_code == 200
    assert c.get(f"/resultat/{world.round_id}").status_code == 200
    # And the restored copy takes new votes.
    t = Tablet(restored)
    assert t.join(world.join_code) == 303
    assert t.vote(world.round_id, world.criteria, [3, 3, 3], revision=1).status_code == 303


def test_backup_refuses_to_overwrite(runner, tmp_path):
    target = tmp_path / "finns.sqlite"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_bytes() == b"keep me"


def _files(db_path: str) -> list[bytes]:
    out = []
    for suffix in ("", "-wal"):
        p = Path(db_path + suffix)
        if p.exists():
            out.append(p.read_bytes())
    return out


def test_deleting_a_rounds_votes_removes_them_from_db_and_wal(world):
    app = world.app
    marker = "RADERA-MIG-" + secrets.token_hex(8)
    token = "t-" + secrets.token_urlsafe(24)
    db = connect(app.config["DATABASE"])
    try:
        part = store_parts.join_round(db, world.round_id, token, 5, "annan")
        vote = direct_payload(world.criteria, [4, 4, 2])
        vote["payload"]["marker"] = marker
        sv.record_vote(db, world.round_id, part["id"], revision=1, **vote)
        token_hash = store_parts.hash_token(token)
        assert any(marker.encode() in blob for blob in _files(app.config["DATABASE"]))
        assert any(token_hash.encode() in blob for blob in _files(app.config["DATABASE"]))
        # A reader elsewhere in the app (an open request) must not keep the data alive.
        reader = connect(app.config["DATABASE"])
        reader.execute("SELECT COUNT(*) FROM votes").fetchone()
        n = sv.delete_round_votes(db, world.round_id)
        reader.conn.close()
        assert n >= 2
        sv.checkpoint(db)
        kept = db.execute("SELECT COUNT(*) FROM votes WHERE round_id = ?",
                          [world.closed_round_id]).fetchone()[0]
        assert kept == 4, "other rounds keep their votes"
        assert db.execute("SELECT COUNT(*) FROM rounds WHERE id = ?",
                          [world.round_id]).fetchone()[0] == 1, "the round record is kept"
    finally:
        db.conn.close()
    blobs = _files(app.config["DATABASE"])
    assert blobs
    for blob in blobs:
        assert marker.encode() not in blob
        assert token_hash.encode() not in blob
