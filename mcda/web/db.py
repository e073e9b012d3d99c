"""One database connection per request on ``g`` (flaskr's pattern)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlite_utils import Database

from ..store import connect, migrate


def get_db() -> Database:
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def init_app(app: Flask) -> None:
    """Register teardown and bring the schema up to date at start-up."""
    app.teardown_appcontext(close_db)
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
    finally:
        db.conn.close()
