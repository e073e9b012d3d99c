"""Blueprint `auth`: log in and log out of server-side sessions.

The Flask session cookie only carries ``sid``, the id of a ``user_sessions`` row. Login
clears the session and starts a new row (session id renewed, fixation impossible); logout
deletes the row, so a cookie saved before logout and replayed afterwards is worthless.

Throttling (ASVS 2.2.1, without locking the real user out): failures are counted per
(e-mail, client IP). After :data:`FREE_FAILURES` failures within :data:`WINDOW_S`, each
further attempt from that key must wait :data:`DELAY_S` after the previous one, else it is
refused unchecked with 429. A different IP (the real user at their own desk) is unaffected.
Counters live in the database (``throttle_events``, keys stored as an HMAC), so all worker
processes share them and the limit does not multiply by the worker count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..store import users as store_users
from .access import current_user, public
from .db import get_db
from .forms import LoginForm
from .limits import SlidingWindow

bp = Blueprint("auth", __name__)

FREE_FAILURES = 5
WINDOW_S = 15 * 60
DELAY_S = 30


class LoginThrottle:
    """Failures per (email, ip): after FREE_FAILURES within WINDOW_S, each further attempt
    waits DELAY_S. Keyed by e-mail *and* address, so the real user elsewhere is never locked
    out. ``clock`` is injectable for tests (wall clock in production: the counts are shared
    between processes through the database). Use inside an application context."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._window = SlidingWindow("login", WINDOW_S, clock, keep=50)

    def wait_seconds(self, key: tuple[str, str]) -> int:
        """Seconds this key must still wait before another attempt is checked (0 = go)."""
        if self._window.count(key) < FREE_FAILURES:
            return 0
        last = self._window.last(key)
        remaining = DELAY_S - (self.clock() - (last if last is not None else 0.0))
        return max(0, int(remaining + 0.999))

    def failure(self, key: tuple[str, str]) -> None:
        self._window.hit(key)

    def success(self, key: tuple[str, str]) -> None:
        self._window.clear(key)


def throttle_for(app: Flask) -> LoginThrottle:
    """The app's throttle object (the counts themselves are in the app's database)."""
    return app.extensions.setdefault("vagval_login_throttle", LoginThrottle())


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


def _home_for(user: dict) -> str:
    if user["role"] == "secretariat":
        return url_for("secretariat.index")
    return url_for("facilitate.decisions")


@bp.route("/logga-in", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    status = 200
    keep = _kept_form()
    if form.validate_on_submit():
        db = get_db()
        email = form.email.data.strip().lower()
        key = (email, request.remote_addr or "")
        throttle = throttle_for(current_app)
        wait = throttle.wait_seconds(key)
        if wait:
            form.password.errors = [
                _("För många misslyckade försök. Vänta %(s)d sekunder och försök igen.", s=wait)
            ]
            return render_template("auth/login.html", form=form, next_url=next_url, **keep), 429
        user = store_users.get_user_by_email(db, email)
        stored = user["password_hash"] if user else _dummy_hash()
        if user is not None and store_users.verify_password(form.password.data, stored):
            throttle.success(key)
            lang = session.get("lang")
            session.clear()  # new session: nothing from before login survives (fixation)
            if lang:
                session["lang"] = lang
            session["sid"] = store_users.create_session(db, user["id"])
            store_users.audit(db, user["id"], "login", f"user:{user['id']}")
            if keep["kept_action"]:
                # the new session needs a new CSRF token (Flask-WTF caches the old one on g)
                g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
                return render_template("auth/resubmit.html", **keep)
            return redirect(next_url or _home_for(user), code=303)
        if user is None:
            store_users.verify_password(form.password.data, stored)
        throttle.failure(key)
        form.password.errors = [_("Fel e-post eller lösenord.")]
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form, next_url=next_url, **keep), status


def _kept_form() -> dict:
    """The form a user had filled in when their session expired (posted along with the login
    form as JSON by access._to_login): only to a local path, only name/value string pairs."""
    import json

    action = safe_next(request.form.get("kept_action")) if request.method == "POST" else None
    pairs: list[tuple[str, str]] = []
    if action:
        try:
            raw = json.loads(request.form.get("kept", "[]"))
            pairs = [(str(k), str(v)) for k, v in raw if isinstance(k, str) and isinstance(v, str)]
        except (ValueError, TypeError):
            action = None
    return {"kept_action": action, "kept": json.dumps(pairs, ensure_ascii=False),
            "kept_files": request.form.get("kept_files") == "1", "pairs": pairs}


@bp.post("/logga-ut")
@public
def logout():
    user = current_user()
    sid = session.get("sid")
    if sid:
        db = get_db()
        store_users.delete_session(db, sid)
        if user is not None:
            store_users.audit(db, user["id"], "logout", f"user:{user['id']}")
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Du är utloggad."), "success")
    return redirect(url_for("pages.index"), code=303)
