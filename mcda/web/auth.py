"""Blueprint `auth`: log in and log out of server-side sessions.

The Flask session cookie only carries ``sid``, the id of a ``user_sessions`` row. Login
clears the session and starts a new row (session id renewed, fixation impossible); logout
deletes the row, so a cookie saved before logout and replayed afterwards is worthless.

Throttling (ASVS 2.2.1) that never locks the real user out (issue 13):

- A browser where this e-mail logged in before carries a *device mark* in its session cookie
  (a random nonce bound to the e-mail, kept across logins and logouts). Its failures count only
  against that mark: :data:`FREE_FAILURES` within :data:`WINDOW_S`, then :data:`DELAY_S`
  between attempts. Someone else guessing the same e-mail, from the same IP, cannot touch it.
- Any other browser counts against (e-mail, IP) and (e-mail): past :data:`FREE_FAILURES` for the
  pair or :data:`EMAIL_FREE_FAILURES` for the e-mail (each address adds at most
  :data:`FREE_FAILURES` to it, so only a guesser spread over several addresses reaches it),
  an attempt is still checked — the right
  password gets in — but only within a site-wide budget of :data:`GLOBAL_CHECKS` such checks
  per :data:`GLOBAL_WINDOW_S` (the global slow-down); over it, 429 unchecked.
Counters live in the database (``throttle_events``, keys stored as an HMAC), so all worker
processes share them and the limit does not multiply by the worker count.
"""

from __future__ import annotations

import hashlib
import secrets
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

from mcda.store import users as store_users
from mcda.web.kit.access import current_user, login_required, public
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import LoginForm
from mcda.web.kit.limits import SlidingWindow

bp = Blueprint("auth", __name__)

FREE_FAILURES = 5
EMAIL_FREE_FAILURES = 20
WINDOW_S = 15 * 60
DELAY_S = 30
GLOBAL_CHECKS = 30
GLOBAL_WINDOW_S = 60
DEVICE_KEY = "ld"
"""Session key of the device mark: {"e": e-mail digest, "n": nonce}."""


class LoginThrottle:
    """Login failures counted per device mark, or per (e-mail, IP) and e-mail, plus a global
    budget for checks past those limits (see the module docstring). ``clock`` is injectable
    for tests (wall clock in production: the counts are shared between processes through the
    database). Use inside an application context."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._window = SlidingWindow("login", WINDOW_S, clock, keep=50)
        self._global = SlidingWindow("login-global", GLOBAL_WINDOW_S, clock,
                                     keep=GLOBAL_CHECKS + 1)

    def wait_seconds(self, email: str, ip: str, device: str | None = None) -> int:
        """Seconds before an attempt is checked (0 = check it now). Checking an attempt past
        the free failures spends one unit of the global budget."""
        if device is not None:
            key = ("dev", device)
            if self._window.count(key) < FREE_FAILURES:
                return 0
            last = self._window.last(key)
            remaining = DELAY_S - (self.clock() - (last if last is not None else 0.0))
            return max(0, int(remaining + 0.999))
        if (self._window.count(("ip", email, ip)) < FREE_FAILURES
                and self._window.count(("email", email)) < EMAIL_FREE_FAILURES):
            return 0
        if self._global.count("all") >= GLOBAL_CHECKS:
            return GLOBAL_WINDOW_S
        self._global.hit("all")
        return 0

    def failure(self, email: str, ip: str, device: str | None = None) -> None:
        if device is not None:
            self._window.hit(("dev", device))
        elif self._window.count(("ip", email, ip)) < FREE_FAILURES:
            # Each address adds at most FREE_FAILURES to the e-mail's count, so one address
            # cannot push the real user at another address into the global budget.
            self._window.hit(("ip", email, ip), ("email", email))
        else:
            self._window.hit(("ip", email, ip))

    def success(self, email: str, ip: str, device: str | None = None) -> None:
        self._window.clear(("dev", device) if device is not None else ("ip", email, ip))


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def device_mark(email: str) -> str | None:
    """This browser's device nonce for ``email``, if it logged in here before."""
    mark = session.get(DEVICE_KEY)
    if isinstance(mark, dict) and mark.get("e") == _email_digest(email):
        nonce = mark.get("n")
        return nonce if isinstance(nonce, str) and len(nonce) >= 16 else None
    return None


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
        ip = request.remote_addr or ""
        device = device_mark(email)
        throttle = throttle_for(current_app)
        wait = throttle.wait_seconds(email, ip, device)
        if wait:
            form.password.errors = [
                _("För många misslyckade försök. Vänta %(s)d sekunder och försök igen.", s=wait)
            ]
            return render_template("auth/login.html", form=form, next_url=next_url, **keep), 429
        user = store_users.get_user_by_email(db, email)
        stored = user["password_hash"] if user else _dummy_hash()
        if user is not None and store_users.verify_password(form.password.data, stored):
            throttle.success(email, ip, device)
            kept = {k: session[k] for k in ("lang", DEVICE_KEY) if k in session}
            session.clear()  # new session: nothing from before login survives (fixation)
            session.update(kept)
            if device is None:
                session[DEVICE_KEY] = {"e": _email_digest(email), "n": secrets.token_urlsafe(18)}
            session.permanent = True  # the device mark outlives the browser session
            session["sid"] = store_users.create_session(db, user["id"])
            store_users.audit(db, user["id"], "login", f"user:{user['id']}")
            if keep["kept_action"]:
                # the new session needs a new CSRF token (Flask-WTF caches the old one on g)
                g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
                return render_template("auth/resubmit.html", **keep)
            return redirect(next_url or _home_for(user), code=303)
        if user is None:
            store_users.verify_password(form.password.data, stored)
        throttle.failure(email, ip, device)
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


@bp.post("/logga-in/forlang")
@login_required("facilitator", "secretariat")
def extend():
    """"Fortsätt vara inloggad" in the warning before the idle logout (WCAG 2.2.1): the
    session counts as active from now. 204 for the script; a redirect back without it."""
    store_users.touch_session(get_db(), session["sid"])
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return redirect(safe_next(request.form.get("next")) or _home_for(current_user()), code=303)


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
    keep = {k: session[k] for k in ("lang", DEVICE_KEY) if k in session}
    session.clear()
    session.update(keep)
    flash(_("Du är utloggad."), "success")
    return redirect(url_for("pages.index"), code=303)
