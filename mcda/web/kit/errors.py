"""Error pages: Swedish, with a request id, never a stack trace."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from mcda.store import StorageFullError

log = logging.getLogger("vagval")

_MESSAGES = {
    400: _l("Begäran kunde inte behandlas."),
    403: _l("Du har inte behörighet till den här sidan."),
    404: _l("Sidan finns inte."),
    405: _l("Metoden är inte tillåten."),
    413: _l("Det du skickade är för stort."),
    429: _l("För många försök. Vänta en stund och försök igen."),
}


# Each error has its own page title, so a screen reader or a tab bar tells them apart.
_TITLES = {
    400: _l("Begäran kunde inte behandlas"),
    403: _l("Ingen behörighet"),
    404: _l("Sidan finns inte"),
    405: _l("Metoden är inte tillåten"),
    413: _l("För stort"),
    429: _l("För många försök"),
    503: _l("Tjänsten är inte tillgänglig"),
}


def request_id() -> str:
    if "request_id" not in g:
        g.request_id = secrets.token_hex(6)
    return g.request_id


def _page(status: int, message: str, title: str | None = None):
    try:
        body = render_template(
            "pages/error.html",
            status=status,
            title=title or str(_TITLES.get(status) or _("Något gick fel")),
            message=message,
            request_id=request_id(),
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page failed [%s]", request_id())
        body = f"Fel {status}. Fel-id: {request_id()}"
        return body, status, {"Content-Type": "text/plain; charset=utf-8"}
    return body, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError):
        return _page(
            400,
            _("Formuläret har gått ut eller saknar säkerhetskod. Ladda om sidan och försök igen."),
            title=_("Formuläret har gått ut"),
        )

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        code = e.code or 500
        msg = _MESSAGES.get(code)
        return _page(code, str(msg) if msg else (e.description or ""))

    @app.errorhandler(StorageFullError)
    def _full(e: StorageFullError):
        log.error("storage full [%s]: %s", request_id(), e)
        return _page(503, _("Lagringsutrymmet är fullt. Inget sparades. Kontakta processledaren."))

    @app.errorhandler(Exception)
    def _any(e: Exception):
        log.exception("unhandled error [%s]", request_id())
        return _page(500, _("Ett oväntat fel inträffade. Ange fel-id om du kontaktar oss."))
