"""CSRF protection, security headers and caching rules for every response."""

from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)

# Public, cacheable paths; everything else is private (no-store).
_PUBLIC_PREFIXES = ("/static/",)


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def _headers(resp: Response) -> Response:
        # One pass over the response's headers, then only what is missing is added:
        # Headers.setdefault scans the list once per header (≈ 25 µs of every request).
        h = resp.headers
        have = {name.lower() for name, _value in h}
        for name, value in _SECURITY_HEADERS:
            if name.lower() not in have:
                h.add(name, value)
        if "cache-control" not in have and not request.path.startswith(_PUBLIC_PREFIXES):
            h.add("Cache-Control", "no-store")
        return resp

    # Secure cookies when served over HTTPS (behind a proxy set VAGVAL_SESSION_COOKIE_SECURE).
    # Decided per request, never by mutating app.config (shared by every thread).
    app.session_interface = _SchemeAwareSessions()


class _SchemeAwareSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie's Secure flag decided per request and
    the signing serializer built once per key set: Flask builds a fresh one (about 20 µs:
    itsdangerous probes the JSON serializer) for opening and again for saving a session, on
    every request. The serializer holds no per-request state, so threads may share it."""

    _signing: tuple[tuple[object, ...], URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached_keys, serializer = self._signing
        if cached_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._signing = (keys, serializer)
        return serializer

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config.get("SESSION_COOKIE_SECURE"))
        return configured or (has_request_context() and request.is_secure)
