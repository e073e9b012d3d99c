"""Shared fixtures: an app on a temporary SQLite file, its client and CLI runner, and the
helpers of ``tests/helpers.py`` (page parser, CSRF token, users, login) offered as fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest
from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect, migrate
from mcda.store import users as store_users
from tests.helpers import FAST_SCRYPT_N, Element, csrf_from, login, make_user, parse_html


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app this process creates.

    Each test makes its own app, and a new Jinja environment compiles every template again
    (about a tenth of a second per page kind). The bucket key holds the template's name and
    the checksum of its source, and every test app is configured alike, so sharing the
    compiled code changes nothing but the time."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_JINJA_BYTECODE = _SharedBytecode()
_create_jinja_environment = Flask.create_jinja_environment


def _jinja_environment_with_shared_bytecode(self: Flask) -> Any:
    env = _create_jinja_environment(self)
    env.bytecode_cache = _JINJA_BYTECODE
    return env


Flask.create_jinja_environment = _jinja_environment_with_shared_bytecode  # type: ignore[method-assign]


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


@pytest.fixture(name="parse_html")
def _parse_html() -> Callable[[str | bytes], Element]:
    """Parse a page to assert on elements and text, not on markup (``tests/helpers.py``)."""
    return parse_html


@pytest.fixture(name="csrf_from")
def _csrf_from() -> Callable[[str | bytes], str]:
    """The CSRF token of a rendered page (form field or the body's hx-headers)."""
    return csrf_from


@pytest.fixture(name="make_user")
def _make_user(app: Flask) -> Callable[..., int]:
    """Create a user in this test's app: ``make_user(email, password=..., role=...)``."""
    return lambda email, *args, **kw: make_user(app, email, *args, **kw)


@pytest.fixture(name="login")
def _login(client: FlaskClient) -> Callable[..., Any]:
    """Log ``client`` in: ``login(email, password=...)`` returns the POST's response."""
    return lambda email, *args, **kw: login(client, email, *args, **kw)


class Clock:
    """A wall clock that moves only when told (``advance``): tests of timeouts wait no time."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def session_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock that login sessions expire by (``mcda.store.users._now``), under the test's
    control. It starts at the real time, so rows stamped by SQLite compare sensibly."""
    clock = Clock()
    monkeypatch.setattr(store_users, "_now", clock)
    return clock


@pytest.fixture(name="mcda_cli")
def _mcda_cli() -> Callable[..., Any]:
    """Run ``python -m mcda ARGS`` in this process (click's ``CliRunner`` on the same command
    group): ``mcda_cli("analyze", path)`` returns the click Result (``exit_code``,
    ``stdout``, ``stderr``). A subprocess only adds the interpreter's start-up and pymcdm's
    import; one or two tests per entry point still run the real command line."""
    from click.testing import CliRunner

    from mcda.cli import main

    def run(*args: str, input: str | None = None) -> Any:  # noqa: A002 (click's name)
        return CliRunner().invoke(main, list(args), input=input, prog_name="python -m mcda",
                                  catch_exceptions=False)

    return run


@pytest.fixture
def facilitator(app: Flask, client: FlaskClient) -> dict:
    """A logged-in facilitator on ``client``."""
    uid = make_user(app, "pl@example.se", role="facilitator")
    resp = login(client, "pl@example.se")
    assert resp.status_code in (302, 303), resp.status_code
    return {"id": uid, "email": "pl@example.se"}
