"""No default accounts (ASVS V2.3): a fresh install has no users, and the demo facilitator's
password is random per install, printed once, never a known value."""

from __future__ import annotations

import re

import pytest

from mcda.cli import DEMO_EMAIL
from mcda.store import connect
from tests.helpers import login

GUESSES = ("admin", "password", "demo", "vagval", "Vägval", "processledare", "changeme",
           "123456", "demo1234", "vagval123", "losenord", "lösenord", "")


def _users(app):
    db = connect(app.config["DATABASE"])
    try:
        return [dict(r) for r in db.execute("SELECT email, role FROM users")]
    finally:
        db.conn.close()


def test_fresh_install_has_no_users(app, runner):
    assert _users(app) == []
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert _users(app) == []


def _demo_password(runner) -> str:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    m = re.search(r"Lösenord: (\S+)", result.output)
    assert m, result.output
    return m.group(1)


def test_demo_password_is_random_and_guesses_fail(app, runner, tmp_path):
    from mcda.web import create_app

    first = _demo_password(runner)
    other = create_app({"TESTING": True, "DATABASE": str(tmp_path / "other.sqlite"),
                        "SECRET_KEY": "another-test-secret-key-0123456789"})
    second = _demo_password(other.test_cli_runner())
    assert first != second and len(first) >= 12
    assert _users(app) == [{"email": DEMO_EMAIL, "role": "facilitator"}]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.50"  # guesses get throttled; not the owner
    for guess in GUESSES:
        assert login(client, DEMO_EMAIL, guess).status_code in (401, 422, 429), guess
    assert login(app.test_client(), DEMO_EMAIL, first).status_code == 303


@pytest.mark.parametrize("email", ["admin@example.se", "admin", "admin@vagval.se"])
def test_no_admin_login_exists(app, runner, email):
    runner.invoke(args=["init-db"])
    assert login(app.test_client(), email, "admin").status_code in (401, 422)
