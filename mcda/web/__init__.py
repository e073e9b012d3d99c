"""Flask application factory.

Blueprints per audience: ``pages`` (public), ``auth``, ``facilitate``,
``participate``, ``results`` (facilitator results, projector, exports) and
``secretariat``. Views parse, call ``store``/``core``, render.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from mcda.web.kit import assets, errors, fragments, i18n, security
from mcda.web.kit import db as webdb
from mcda.web.present import numbers

ROOT = Path(__file__).resolve().parents[2]

# A full workshop day, plus margin: a tablet left on the page all day still submits.
CSRF_TIME_LIMIT_S = 24 * 3600


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides configuration (tests pass a tmp DATABASE)."""
    instance = Path(os.environ.get("VAGVAL_INSTANCE", ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        DATABASE=str(instance / "mcda.sqlite"),
        WTF_CSRF_TIME_LIMIT=CSRF_TIME_LIMIT_S,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_NAME="vagval",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=14 * 24 * 3600,
        # Re-signing the cookie on every request cost ~0.8 ms per vote; lifetimes that matter
        # are enforced server-side (facilitator idle/absolute timeouts).
        SESSION_REFRESH_EACH_REQUEST=False,
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        LANGUAGES=("sv", "en"),
        FACILITATOR_IDLE_TIMEOUT_S=2 * 3600,
        FACILITATOR_ABSOLUTE_TIMEOUT_S=14 * 3600,
        ANONYMITY_K=3,
        # While only new votes arrive, the projector's live view reuses its analysis for this
        # long (one poll period): five projectors polling a voting room recomputed it on
        # every poll, taking CPU from the tablets (bench/load.py).
        PROJECTOR_LIVE_MAX_AGE_S=3.0,
        # Days after a round closes before `flask purge-expired` deletes its individual votes.
        RETENTION_DAYS=365,
        # Reverse proxies in front of the app (0: none). With N > 0 the client address and
        # scheme come from the N-th X-Forwarded-For / X-Forwarded-Proto entry from the right
        # (ProxyFix; waitress is configured the same way by `serve`), so throttles see the real
        # client and cookies are Secure behind a TLS-terminating proxy.
        TRUSTED_PROXIES=0,
        # The address the proxy connects from (waitress only trusts headers from it; "*": any).
        TRUSTED_PROXY_ADDRESS="127.0.0.1",
        # The accessibility statement's installation-specific parts (DIGG's model; /tillganglighet):
        # who answers for this installation, how to reach them, how fast they answer, and the
        # dates of the last assessment and update of the statement (ISO 8601).
        A11Y_RESPONSIBLE_BODY="Skaraborgs kommunalförbund",
        A11Y_CONTACT_EMAIL="tillganglighet@skaraborg.se",
        A11Y_CONTACT_PHONE="",
        A11Y_RESPONSE_DAYS=5,
        A11Y_ASSESSED_ON="2026-12-02",
        A11Y_UPDATED_ON="2026-12-02",
        # Records management (issue 26): the authority named in archive packages and exports,
        # and the disposal decision (gallringsbeslut: its reference and ISO date) that every
        # deletion of votes follows; without one, deletions are refused or asked for.
        RECORDS_AUTHORITY="Skaraborgs kommunalförbund",
        DISPOSAL_DECISION_REF="",
        DISPOSAL_DECISION_DATE="",
        # Build the round's archive package right after it is closed (docs/records.md).
        ARCHIVE_ON_CLOSE=True,
        ENV_NAME=os.environ.get("VAGVAL_ENV", "development"),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    else:
        app.config.from_prefixed_env("VAGVAL")

    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production" and not (instance / "secret_key").exists():
            raise RuntimeError(
                "Production mode needs a real secret key: set VAGVAL_SECRET_KEY or create "
                f"{instance / 'secret_key'} (e.g. python -c 'import secrets; "
                "print(secrets.token_hex(32))')."
            )
        app.config["SECRET_KEY"] = _load_or_create_secret(instance)
    if app.config["ENV_NAME"] == "production" and len(str(app.config["SECRET_KEY"])) < 32:
        raise RuntimeError("Production mode refuses a secret key shorter than 32 characters.")

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.url_map.converters["int"] = SqliteIntConverter
    i18n.init_app(app)
    fragments.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    webdb.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)

    from mcda.web.kit.access import current_user

    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.filters["fmtnum"] = numbers.jinja_num

    from mcda import admin_cli

    admin_cli.init_app(app)
    return app


class SqliteIntConverter(IntegerConverter):
    """``<int:…>`` limited to SQLite's integer range: a huge id is a 404, not an OverflowError."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _load_or_create_secret(instance: Path) -> str:
    """Generate the secret key into ``instance/`` on first run; never committed."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _register_blueprints(app: Flask) -> None:
    from mcda.web.auth import views as auth
    from mcda.web.facilitate import views as facilitate
    from mcda.web.moderation import views as moderation
    from mcda.web.outcome import views as outcome
    from mcda.web.pages import views as pages
    from mcda.web.participate import views as participate
    from mcda.web.places import views as places
    from mcda.web.planning import views as planning
    from mcda.web.records import views as records
    from mcda.web.results import views as results
    from mcda.web.scenarios import views as scenarios
    from mcda.web.secretariat import views as secretariat

    for module in (pages, auth, facilitate, participate, results, secretariat, planning,
                   scenarios, places, records, outcome, moderation):
        app.register_blueprint(module.bp)
