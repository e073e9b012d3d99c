"""The request's database connection on ``g`` (flaskr's pattern).

The connection itself is kept per server thread (``store.db.thread_db``): opening one per
request cost several milliseconds under load, which a projector polling every 3 s and a
room of tablets submitting at once both feel.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlite_utils import Database

from mcda.store import connect, migrate
from mcda.store.db import thread_db


def get_db() -> Database:
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = thread_db(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:  # never leave a transaction to the next request
        db.conn.execute("ROLLBACK")


def init_app(app: Flask) -> None:
    """Register teardown and bring the schema up to date at start-up."""
    app.teardown_appcontext(close_db)
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
    finally:
        db.conn.close()
