"""The login flow: checking an attempt under the throttle (same timing for unknown e-mails),
starting a fresh server-side session, and where to go next (never off-site)."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, session, url_for

from mcda.store import users as store_users
from mcda.web.auth.throttle import DEVICE_KEY, _email_digest

_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against for unknown e-mails, so timing does not reveal who exists."""
    n = store_users.SCRYPT_N
    if n not in _DUMMY_HASHES:
        _DUMMY_HASHES[n] = store_users.hash_password("not-a-real-password")
    return _DUMMY_HASHES[n]


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a local absolute path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_for(user: dict) -> str:
    if user["role"] == "secretariat":
        return url_for("secretariat.index")
    return url_for("facilitate.decisions")


def kept_form(form: Any, is_post: bool) -> dict:
    """The form a user had filled in when their session expired (posted along with the login
    form as JSON by access._to_login): only to a local path, only name/value string pairs."""
    action = safe_next(form.get("kept_action")) if is_post else None
    pairs: list[tuple[str, str]] = []
    if action:
        try:
            raw = json.loads(form.get("kept", "[]"))
            pairs = [(str(k), str(v)) for k, v in raw if isinstance(k, str) and isinstance(v, str)]
        except (ValueError, TypeError):
            action = None
    return {"kept_action": action, "kept": json.dumps(pairs, ensure_ascii=False),
            "kept_files": form.get("kept_files") == "1", "pairs": pairs}




def start_session(db: Any, user: dict[str, Any], email: str, device: str | None) -> None:
    """A new session for ``user``: nothing from before the login survives (fixation) but the
    language and the device mark (created now on a first login from this browser)."""
    kept = {k: session[k] for k in ("lang", DEVICE_KEY) if k in session}
    session.clear()
    session.update(kept)
    if device is None:
        session[DEVICE_KEY] = {"e": _email_digest(email), "n": secrets.token_urlsafe(18)}
    session.permanent = True  # the device mark outlives the browser session
    session["sid"] = store_users.create_session(db, user["id"])
    store_users.audit(db, user["id"], "login", f"user:{user['id']}")


def fresh_csrf() -> None:
    """The new session needs a new CSRF token (Flask-WTF caches the old one on ``g``)."""
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def check(db: Any, email: str, password: str) -> dict[str, Any] | None:
    """The user when the password is right, else None; an unknown e-mail costs the same
    (a dummy hash is verified twice, as a known one with a wrong password)."""
    user = store_users.get_user_by_email(db, email)
    stored = user["password_hash"] if user else _dummy_hash()
    if user is not None and store_users.verify_password(password, stored):
        return user
    if user is None:
        store_users.verify_password(password, stored)
    return None
