"""The administration commands: ``init-db``, ``create-user``, ``demo``, ``backup`` and
``purge-expired``, plus the demo logins ``serve --demo`` prints.

They live apart from :mod:`mcda.cli` so that the web factory can register them on ``app.cli``
(``flask --app wsgi init-db``) without importing the command line that builds the app: no
``cli`` ↔ ``web`` import cycle. They need the app (``@with_appcontext``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlite_utils import Database

from mcda.store import backup as store_backup
from mcda.store import connect, migrate
from mcda.store import users as store_users
from mcda.store.demo import load_demo
from mcda.store.municipalities import ensure_municipalities
from mcda.store.password_policy import password_problem

DEMO_EMAIL = "processledare@demo.vagval.se"
DEMO_SECRETARIAT_EMAIL = "kansliet@demo.vagval.se"


def _open() -> Database:
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    return db


def _random_password() -> str:
    return secrets.token_urlsafe(12)


def _ensure_demo_facilitator(db: Database, *, reset: bool) -> tuple[int, str | None]:
    """The demo facilitator's id and, when created or ``reset``, its new password."""
    user = store_users.get_user_by_email(db, DEMO_EMAIL)
    password = _random_password()
    if user is None:
        return store_users.create_user(db, DEMO_EMAIL, password, "facilitator"), password
    if reset:
        store_users.set_password(db, user["id"], password)
        return int(user["id"]), password
    return int(user["id"]), None


def load_demo_and_login(app: Flask) -> tuple[str, str]:
    """Load the demo data (idempotent) and give the demo facilitator a fresh random password.

    Used by ``python -m mcda serve --demo``; returns ``(email, password)`` to print once.
    """
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
        user_id, password = _ensure_demo_facilitator(db, reset=True)
        load_demo(db, owner_id=user_id)
    finally:
        db.conn.close()
    assert password is not None
    return DEMO_EMAIL, password


def demo_secretariat_login(app: Flask) -> tuple[str, str]:
    """Create the demo secretariat account (or give it a fresh random password), so that the
    secretariat's pages can be tried on the demo: ``serve --demo`` prints it beside the
    facilitator's. Returns ``(email, password)`` to print once."""
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
        password = _random_password()
        user = store_users.get_user_by_email(db, DEMO_SECRETARIAT_EMAIL)
        if user is None:
            store_users.create_user(db, DEMO_SECRETARIAT_EMAIL, password, "secretariat")
        else:
            store_users.set_password(db, user["id"], password)
    finally:
        db.conn.close()
    return DEMO_SECRETARIAT_EMAIL, password


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database (idempotent) and add Skaraborg's 15 municipalities."""
    db = _open()
    try:
        ensure_municipalities(db)
    finally:
        db.conn.close()
    click.echo(f"Databasen är klar: {current_app.config['DATABASE']}")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(store_users.ROLES),
    default="facilitator",
    show_default=True,
    help="admin, facilitator (processledare) or secretariat (kansliet).",
)
@click.option(
    "--generate",
    is_flag=True,
    help="Generate a random password and print it once instead of prompting.",
)
@with_appcontext
def create_user_command(email: str, role: str, generate: bool) -> None:
    """Create a user account with EMAIL; the password is prompted twice or generated."""
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise click.BadParameter("Ange en giltig e-postadress.", param_hint="EMAIL")
    db = _open()
    try:
        if store_users.get_user_by_email(db, email) is not None:
            raise click.ClickException(f"Det finns redan ett konto för {email}.")
        if generate:
            password = _random_password()
        else:
            password = click.prompt(
                "Lösenord (minst 10 tecken, gärna en fras av flera ord)",
                hide_input=True,
                confirmation_prompt=True,
            )
        problem = password_problem(password, email=email)
        if problem:
            raise click.ClickException(problem)
        store_users.create_user(db, email, password, role)
    finally:
        db.conn.close()
    click.echo(f"Kontot {email} ({role}) är skapat.")
    if generate:
        click.echo(f"Lösenord: {password}   (visas bara nu)")


@click.command("demo")
@click.option(
    "--owner",
    metavar="EMAIL",
    help="Existing account that owns the demo decisions (default: the demo facilitator "
    f"{DEMO_EMAIL}, created with a random password printed once).",
)
@with_appcontext
def demo_command(owner: str | None) -> None:
    """Load the invented example data for Skaraborg (idempotent: safe to run again)."""
    db = _open()
    try:
        password = None
        if owner:
            user = store_users.get_user_by_email(db, owner)
            if user is None:
                raise click.ClickException(f"Det finns inget konto för {owner}.")
            user_id = int(user["id"])
        else:
            user_id, password = _ensure_demo_facilitator(db, reset=False)
        ids = load_demo(db, owner_id=user_id)
    finally:
        db.conn.close()
    click.echo(f"Exempeldata (påhittad) finns i beslutsfrågorna {', '.join(map(str, ids))}.")
    if password:
        click.echo(f"Processledare: {DEMO_EMAIL}")
        click.echo(f"Lösenord: {password}   (visas bara nu)")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent online copy of the database to FILE (VACUUM INTO; never overwrites)."""
    if file.exists():
        raise click.ClickException(f"{file} finns redan. Välj ett nytt filnamn.")
    if not file.parent.exists():
        raise click.ClickException(f"Mappen {file.parent} finns inte.")
    db = connect(current_app.config["DATABASE"])
    try:
        store_backup(db, file)
    except FileExistsError:
        raise click.ClickException(f"{file} finns redan. Välj ett nytt filnamn.") from None
    finally:
        db.conn.close()
    click.echo(f"Säkerhetskopian är skriven: {file} ({file.stat().st_size} byte)")


def _disposal_rule(ref: str | None, day: str | None) -> dict[str, str]:
    """The disposal decision a purge follows: the options, else the configuration, else
    asked for at the prompt (a run without a terminal and without one stops here)."""
    from mcda.store import filing
    from mcda.store.errors import StoreError

    cfg = current_app.config
    ref = ref or cfg.get("DISPOSAL_DECISION_REF") or None
    day = day or cfg.get("DISPOSAL_DECISION_DATE") or None
    if not ref:
        ref = click.prompt("Inget gallringsbeslut är angivet. Gallringsbeslutets beteckning")
    if not day:
        day = click.prompt("Gallringsbeslutets datum (ÅÅÅÅ-MM-DD)")
    try:
        rule = filing.disposal_decision(ref, day)
    except StoreError as exc:
        raise click.UsageError(str(exc)) from exc
    assert rule is not None
    return rule


@click.command("purge-expired")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Lagringstid i dagar (standard: inställningen RETENTION_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Visa bara vilka omgångar som berörs.")
@click.option("--gallringsbeslut", default=None,
              help="Gallringsbeslutets beteckning (standard: DISPOSAL_DECISION_REF).")
@click.option("--beslutsdatum", default=None,
              help="Gallringsbeslutets datum, ÅÅÅÅ-MM-DD (standard: DISPOSAL_DECISION_DATE).")
@with_appcontext
def purge_expired_command(days: int | None, dry_run: bool, gallringsbeslut: str | None,
                          beslutsdatum: str | None) -> None:
    """Delete the votes of rounds closed longer ago than the retention period.

    The aggregated decision record of each round is kept. Every deletion names the
    disposal decision (gallringsbeslut) it follows, in the audit log; without one in the
    configuration or the options, the command asks for it. Run daily, e.g. from cron or
    the Windows task scheduler (with the decision configured).
    """
    from mcda.store import records

    days = days or int(current_app.config["RETENTION_DAYS"])
    rule = None if dry_run else _disposal_rule(gallringsbeslut, beslutsdatum)
    db = _open()
    try:
        expired = records.expired_rounds(db, days)
        for round_id in expired:
            if dry_run:
                click.echo(f"Omgång {round_id}: viktningarna skulle raderas.")
                continue
            assert rule is not None
            n = records.delete_votes_keep_record(db, round_id, reason="retention")
            store_users.audit(db, None, "round.delete_votes", f"round:{round_id}",
                              votes_deleted=n, reason="retention", retention_days=days,
                              disposal_decision=rule["reference"], disposal_date=rule["date"])
            click.echo(f"Omgång {round_id}: {n} viktningar raderade enligt gallringsbeslut "
                       f"{rule['reference']} ({rule['date']}), underlaget sparat.")
    finally:
        db.conn.close()
    click.echo(f"Klart: {len(expired)} omgång(ar) äldre än {days} dagar.")


COMMANDS = (
    init_db_command,
    create_user_command,
    demo_command,
    backup_command,
    purge_expired_command,
)


def init_app(app: Flask) -> None:
    """Register the administration commands on ``app`` (``flask --app wsgi …``)."""
    for command in COMMANDS:
        app.cli.add_command(command)
