"""Issue 18: the server is killed (SIGKILL) while a tablet saves; what the tablet shows.

A real server process (waitress, ``tests/durability/serve_app.py``; the short CI cousin of the
crash harness ``bench/crash.py`` / ``tests/durability/test_crash.py``) and Chromium at 820×1180.
The tablet has saved version 1 and changed a slider; Playwright's route interception kills
the server at the moment the next save is sent: before the request reaches it (nothing
stored) or after it committed but before the answer got out (stored, answer lost). Either
way the tablet shows the failure, never a newer saved version, keeps the values, and once the
server is started again on the same database its automatic retry leaves exactly one new
version in the database (and ``PRAGMA integrity_check`` is ok).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from mcda.store import connect, migrate

from ..web.participate_helpers import count_votes, make_round
from .test_failed_save import TABLET_820, assert_not_claimed_saved, assert_one_new_version, shot
from .test_voting import join_by_code

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (Linux/macOS)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``serve_app`` on a fixed port and database; ``kill`` is SIGKILL, ``start`` restarts."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = str(tmp_path / "kill.sqlite")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "VAGVAL_INSTANCE": str(tmp_path),
                    "VAGVAL_TEST_SECRET": secrets.token_hex(32),
                    "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.durability.serve_app", "--db", self.db,
             "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/delta", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path)
    db = connect(srv.db)
    try:
        migrate(db)
    finally:
        db.conn.close()
    yield srv
    srv.stop()


@pytest.mark.parametrize("when", ["before-commit", "after-commit"])
def test_sigkill_during_a_save(server, page_factory, when):
    rd = make_round(SimpleNamespace(config={"DATABASE": server.db}))
    server.start()
    pg = page_factory(TABLET_820, touch=True)
    pg.clock.install()  # the retries' backoff is stepped through, not waited out
    join_by_code(pg, server.url, rd)
    pg.goto(f"{server.url}/omgang/{rd.round_id}/skjutreglage")
    pg.locator("label[for=alla-lika]").tap()  # equal weights only when said (issue 14)
    pg.locator("#save-button").tap()
    expect(pg.locator("#vote-status")).to_have_text("Din viktning är sparad (version 1).")
    pg.locator(f"#plus-{rd.criteria[0]}").tap()
    kills = []

    def kill_on_save(route):
        if route.request.method != "POST" or kills:
            route.continue_()  # after the kill: to the dead (later the restarted) server
            return
        if when == "after-commit":
            route.fetch()  # the server stores version 2 ...
        server.kill()  # ... or not, and dies
        kills.append(when)
        if when == "after-commit":
            route.abort("connectionreset")  # the answer never reaches the tablet
        else:
            route.continue_()  # connection refused

    pg.route(f"**/omgang/{rd.round_id}/skjutreglage", kill_on_save)
    pg.locator("#save-button").tap()
    alert = pg.get_by_role("alert")
    expect(alert).to_contain_text("Viktningen är inte sparad.")
    expect(alert).to_contain_text("Surfplattan får ingen kontakt med servern.")
    assert kills == [when]
    assert_not_claimed_saved(pg, rd)
    stored = 2 if when == "after-commit" else 1
    assert count_votes(rd) == stored
    shot(pg, f"kill-{when}")
    with pg.expect_request(lambda r: r.method == "POST", timeout=5_000):
        pg.clock.run_for(2 * 1200 + 100)  # the first automatic retry meets the dead server
    expect(alert).to_contain_text("Surfplattan får ingen kontakt med servern.")
    assert_not_claimed_saved(pg, rd)
    assert count_votes(rd) == stored
    server.start()  # same port, database and secret: the retry goes through
    pg.clock.run_for(4 * 1200 + 100)  # the second retry's backoff
    assert_one_new_version(pg, rd)
    db = connect(server.db)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.conn.close()
