"""Shared fixtures: an app on a temporary SQLite file, its client and CLI runner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect, migrate
from mcda.store import users as store_users

# Tests do not need OWASP-strength hashing on every login; one test checks the real parameters.
FAST_SCRYPT_N = 2**10


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    if "real_scrypt" not in request.keywords:
        monkeypatch.setattr(store_users, "SCRYPT_N", FAST_SCRYPT_N)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite"


@pytest.fixture
def db(db_path: Path):
    database = connect(db_path)
    migrate(database)
    yield database
    database.conn.close()


@pytest.fixture
def app(tmp_path: Path, db_path: Path) -> Iterator[Flask]:
    from mcda.web import create_app

    application = create_app(
        {
            "TESTING": True,
            "DATABASE": str(db_path),
            "SECRET_KEY": "test-secret-key-not-for-production",
        }
    )
    yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a rendered page (form field or hx-headers)."""
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert m, "no CSRF token on page"
    return m.group(1)


def make_user(
    app: Flask, email: str, password: str = "korrekt häst batteri", role: str = "facilitator"
) -> int:
    db = connect(app.config["DATABASE"])
    try:
        return store_users.create_user(db, email, password, role)
    finally:
        db.conn.close()


def login(client: FlaskClient, email: str, password: str = "korrekt häst batteri"):
    page = client.get("/logga-in")
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        "/logga-in", data={"email": email, "password": password, "csrf_token": token}
    )


@pytest.fixture
def facilitator(app: Flask, client: FlaskClient) -> dict:
    """A logged-in facilitator on ``client``."""
    uid = make_user(app, "pl@example.se", role="facilitator")
    resp = login(client, "pl@example.se")
    assert resp.status_code in (302, 303), resp.status_code
    return {"id": uid, "email": "pl@example.se"}
