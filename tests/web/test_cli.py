"""Flask CLI commands via ``app.test_cli_runner()``; every command documents itself."""

from __future__ import annotations

import sqlite3

import pytest

from mcda import cli
from mcda.store import connect, rounds, votes
from mcda.store import decisions as dec
from mcda.store import municipalities as store_munis
from mcda.store import users as store_users
from tests.helpers import login, parse_html

COMMANDS = ("init-db", "create-user", "demo", "backup")


def _db(app):
    return connect(app.config["DATABASE"])


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(runner, name):
    listing = runner.invoke(args=["--help"]).output
    assert name in listing
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0
    command = runner.app.cli.get_command(None, name)
    assert command.help and len(command.help) > 20
    assert command.help.split(".")[0] in " ".join(result.output.split())
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"{name} --{param.name} has no help"


def test_init_db_is_idempotent(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Databasen är klar" in result.output
    db = _db(app)
    assert len(store_munis.list_municipalities(db)) == 15
    db.conn.close()


def test_create_user_with_prompted_password(app, runner):
    result = runner.invoke(
        args=["create-user", "Ny@Example.se", "--role", "secretariat"],
        input="en lång lösenfras\nen lång lösenfras\n",
    )
    assert result.exit_code == 0, result.output
    db = _db(app)
    user = store_users.get_user_by_email(db, "ny@example.se")
    db.conn.close()
    assert user["role"] == "secretariat"
    assert store_users.verify_password("en lång lösenfras", user["password_hash"])
    assert "en lång lösenfras" not in result.output


def test_create_user_generated_password_is_printed_once_and_works(app, runner, client):
    result = runner.invoke(args=["create-user", "gen@example.se", "--generate"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Lösenord:")[1].split()[0]
    assert len(password) >= 12
    db = _db(app)
    user = store_users.get_user_by_email(db, "gen@example.se")
    db.conn.close()
    assert user["role"] == "facilitator"  # the default role
    assert login(client, "gen@example.se", password).status_code == 303


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "a@example.se"], "kort\nkort\n", "minst 10"),
        (["create-user", "a@example.se"], "password123\npassword123\n", "lätt att gissa"),
        (["create-user", "inte-en-adress"], "", "e-postadress"),
        (["create-user", "a@example.se", "--role", "kung"], "", "kung"),
    ],
)
def test_create_user_refuses_bad_input(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    db = _db(app)
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    db.conn.close()


def test_create_user_refuses_mismatched_confirmation_and_duplicates(app, runner):
    result = runner.invoke(
        args=["create-user", "a@example.se"], input="en lång lösenfras\nen annan fras\n"
    )
    assert result.exit_code != 0
    assert runner.invoke(args=["create-user", "a@example.se", "--generate"]).exit_code == 0
    again = runner.invoke(args=["create-user", "A@example.se", "--generate"])
    assert again.exit_code != 0 and "finns redan" in again.output


def test_demo_command_is_idempotent_and_creates_a_demo_facilitator(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert cli.DEMO_EMAIL in first.output and "Lösenord:" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "Lösenord:" not in second.output  # no silent reset
    db = _db(app)
    demo_user = store_users.get_user_by_email(db, cli.DEMO_EMAIL)
    decisions = dec.list_decisions(db)
    assert len(decisions) == 2 and all(d["owner_id"] == demo_user["id"] for d in decisions)
    for d in decisions:
        closed = [r for r in rounds.list_rounds(db, d["id"]) if r["state"] == "closed"]
        assert len(votes.latest_votes(db, closed[0]["id"])) >= 45
    db.conn.close()


def test_demo_command_with_owner(app, runner):
    assert runner.invoke(args=["demo", "--owner", "nobody@example.se"]).exit_code != 0
    runner.invoke(args=["create-user", "pl@example.se", "--generate"])
    result = runner.invoke(args=["demo", "--owner", "pl@example.se"])
    assert result.exit_code == 0 and "Lösenord:" not in result.output
    db = _db(app)
    owner = store_users.get_user_by_email(db, "pl@example.se")
    assert len(dec.list_decisions(db, owner_id=owner["id"])) == 2
    assert store_users.get_user_by_email(db, cli.DEMO_EMAIL) is None
    db.conn.close()


def test_backup_writes_a_consistent_copy_and_refuses_to_overwrite(app, runner, tmp_path):
    runner.invoke(args=["demo"])
    target = tmp_path / "kopia.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM votes").fetchone()[0] > 90
    copy.close()
    size = target.stat().st_size
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "finns redan" in again.output
    assert target.stat().st_size == size
    missing_dir = runner.invoke(args=["backup", str(tmp_path / "saknas" / "x.sqlite")])
    assert missing_dir.exit_code != 0


def test_backup_copy_boots_the_app(app, runner, tmp_path):
    from mcda.web import create_app

    runner.invoke(args=["demo"])
    target = tmp_path / "kopia.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    restored = create_app(
        {"TESTING": True, "DATABASE": str(target), "SECRET_KEY": "test-secret-key-x"}
    )
    assert restored.test_client().get("/").status_code == 200
    db = connect(target)
    assert len(dec.list_decisions(db)) == 2
    db.conn.close()


def test_load_demo_and_login_gives_a_fresh_random_password_each_time(app, client):
    with app.app_context():
        email, pw1 = cli.load_demo_and_login(app)
        _, pw2 = cli.load_demo_and_login(app)
    assert email == cli.DEMO_EMAIL and pw1 != pw2 and len(pw2) >= 16
    assert login(client, email, pw1).status_code != 303  # the old password is gone
    assert login(client, email, pw2).status_code == 303
    db = _db(app)
    user = store_users.get_user_by_email(db, email)
    assert user["role"] == "facilitator"
    assert len(dec.list_decisions(db, owner_id=user["id"])) == 2
    db.conn.close()


def test_no_fixed_default_password_in_the_cli_module():
    import inspect

    from mcda import admin_cli

    source = inspect.getsource(cli) + inspect.getsource(admin_cli)
    assert "token_urlsafe" in source
    assert "password=" not in source.replace("password=None", "")


def test_demo_gives_a_secretariat_login_and_each_role_sees_its_pages(app, client):
    """Issue 12 §8: ``serve --demo`` also creates (and prints) a secretariat login; the
    navigation shows the secretariat its pages and the facilitator theirs."""
    with app.app_context():
        f_email, f_pw = cli.load_demo_and_login(app)
        s_email, s_pw = cli.demo_secretariat_login(app)
        _, s_pw2 = cli.demo_secretariat_login(app)
    assert s_email == cli.DEMO_SECRETARIAT_EMAIL and s_pw != s_pw2 and len(s_pw2) >= 16
    db = _db(app)
    assert store_users.get_user_by_email(db, s_email)["role"] == "secretariat"
    db.conn.close()
    assert login(client, s_email, s_pw).status_code != 303  # a fresh password each start
    resp = login(client, s_email, s_pw2)
    assert resp.status_code == 303
    page = client.get("/kansliet/").get_data(as_text=True)
    nav = parse_html(page).find("nav", aria_label="Huvudmeny").text()
    assert "Kansliet" in nav and "Beslutsfrågor" not in nav
    assert "Påhittade exempeldata" in page or "exempeldata" in page  # the demo decisions
    other = app.test_client()
    assert login(other, f_email, f_pw).status_code == 303
    nav = parse_html(other.get("/processledare/").data).find("nav", aria_label="Huvudmeny").text()
    assert "Beslutsfrågor" in nav and "Kansliet" not in nav


def test_serve_demo_prints_both_logins(monkeypatch, capsys, tmp_path):
    from mcda import __main__ as main_mod
    from mcda import server

    monkeypatch.setenv("VAGVAL_INSTANCE", str(tmp_path))
    monkeypatch.setattr(server, "serve", lambda *a, **k: None)
    assert main_mod.main(["serve", "--demo", "--port", "5999"]) == 0
    out = capsys.readouterr().out
    assert cli.DEMO_EMAIL in out and cli.DEMO_SECRETARIAT_EMAIL in out
