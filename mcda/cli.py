"""Vägval's one command line, in click as flask uses it: ``python -m mcda COMMAND``.

``serve``, ``analyze`` and the administration commands of :mod:`mcda.admin_cli` (``init-db``,
``create-user``, ``demo``, ``backup``, ``purge-expired``). They need the app
(``@with_appcontext``); the group hands them a flask ``ScriptInfo`` that builds it with
:func:`mcda.web.create_app`; the factory also registers them on ``app.cli``, so
``flask --app wsgi init-db`` keeps working.

There is no default account and no fixed password anywhere: ``create-user`` prompts
(or generates and prints once), and the demo facilitator gets a fresh random password
each time ``python -m mcda serve --demo`` starts.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import ScriptInfo

from mcda.admin_cli import (  # the demo helpers stay importable from here
    COMMANDS,
    DEMO_EMAIL,  # noqa: F401
    DEMO_SECRETARIAT_EMAIL,  # noqa: F401
    demo_secretariat_login,
    load_demo_and_login,
)
from mcda.analyze_cli import analyze_command
from mcda.server import SERVERS, default_workers


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adress att lyssna på / address to listen on.")
@click.option("--port", type=int, default=5000, show_default=True,
              help="Port att lyssna på / port to listen on.")
@click.option("--server", type=click.Choice(SERVERS), default="auto", show_default=True,
              help="auto: gunicorn på Linux/macOS, annars waitress / gunicorn on POSIX, else "
              "waitress.")
@click.option("--workers", type=int, default=default_workers, show_default="one per core, "
              "at most 4", help="Processer (gunicorn) / worker processes.")
@click.option("--threads", type=int, default=None,
              help="Trådar per process / threads per process (default 8 gunicorn, 16 "
              "waitress).")
@click.option("--demo", is_flag=True,
              help="Ladda exempeldata och skapa inloggningar för en demo-processledare och "
              "kansliet / load the example data and print demo logins.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, server: str, workers: int,
                  threads: int | None, demo: bool) -> None:
    """Start Vägval: gunicorn (one process per core) on Linux/macOS, waitress elsewhere.

    With --demo the invented example data is loaded and a facilitator and a secretariat login
    are printed once, with fresh random passwords.
    """
    from mcda.server import choose_server, serve

    app = ctx.ensure_object(ScriptInfo).load_app()
    if demo:
        with app.app_context():
            email, password = load_demo_and_login(app)
            sec_email, sec_password = demo_secretariat_login(app)
        click.echo("\n  Vägval – exempeldata laddad (påhittad / invented example data)")
        click.echo(f"  Processledare: {email}")
        click.echo(f"  Lösenord:      {password}   (visas bara nu / shown only now)")
        click.echo(f"  Kansliet:      {sec_email}")
        click.echo(f"  Lösenord:      {sec_password}   (visas bara nu / shown only now)\n")
    # Import the analysis (pymcdm: ~1-5 s holding the GIL) now, not in the first projector
    # poll of a workshop, where it would stall every tablet's request.
    from mcda.core import analysis  # noqa: F401

    chosen = choose_server(server)
    n_workers = max(1, workers) if chosen == "gunicorn" else 1
    n_threads = threads or (8 if chosen == "gunicorn" else 16)
    click.echo(f"  Server: {chosen}, {n_workers} × {n_threads} trådar / threads")
    click.echo(f"  Öppna http://{host}:{port}/\n")
    sys.stdout.flush()
    serve(app, server=chosen, host=host, port=port, workers=n_workers, threads=n_threads)


def _create_app() -> Flask:
    from mcda.web import create_app

    return create_app()


class AppGroup(click.Group):
    """A click group whose commands find Vägval's app as ``flask --app wsgi`` would give it."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: object) -> click.Context:
        extra.setdefault("obj", ScriptInfo(create_app=_create_app, set_debug_flag=False,
                                           load_dotenv_defaults=False))
        return super().make_context(info_name, args, parent, **extra)


@click.group(cls=AppGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Vägval: participatory multi-criteria decisions for Skaraborg's municipalities.

    Run a command with --help for its options (docs/operations.md, docs/analysis-format.md).
    """


for _command in (serve_command, analyze_command, *COMMANDS):
    main.add_command(_command)
ALL_COMMANDS = tuple(main.commands)
"""Every command of ``python -m mcda``, in the order of the help listing."""
