"""Routes of the ``auth`` blueprint: log in and log out of server-side sessions.

The Flask session cookie only carries ``sid``, the id of a ``user_sessions`` row. Login
clears the session and starts a new row (session id renewed, fixation impossible); logout
deletes the row, so a cookie saved before logout and replayed afterwards is worthless.
Throttling: see :mod:`mcda.web.auth.throttle`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from mcda.store import users as store_users
from mcda.web.auth.login import check, fresh_csrf, home_for, kept_form, safe_next, start_session
from mcda.web.auth.throttle import DEVICE_KEY, device_mark, throttle_for
from mcda.web.kit.access import current_user, login_required, public
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/logga-in", methods=["GET", "POST"])
@public
def login():
    form, next_url = LoginForm(), safe_next(request.values.get("next"))
    keep = kept_form(request.form, request.method == "POST")
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form, next_url=next_url, **keep), status
    email, ip = form.email.data.strip().lower(), request.remote_addr or ""
    device, throttle = device_mark(email), throttle_for(current_app)
    wait = throttle.wait_seconds(email, ip, device)
    if wait:
        form.password.errors = [
            _("För många misslyckade försök. Vänta %(s)d sekunder och försök igen.", s=wait)]
        return render_template("auth/login.html", form=form, next_url=next_url, **keep), 429
    user = check(get_db(), email, form.password.data)
    if user is None:
        throttle.failure(email, ip, device)
        form.password.errors = [_("Fel e-post eller lösenord.")]
        return render_template("auth/login.html", form=form, next_url=next_url, **keep), 401
    throttle.success(email, ip, device)
    start_session(get_db(), user, email, device)
    if keep["kept_action"]:
        fresh_csrf()
        return render_template("auth/resubmit.html", **keep)
    return redirect(next_url or home_for(user), code=303)


@bp.post("/logga-in/forlang")
@login_required("facilitator", "secretariat")
def extend():
    """"Fortsätt vara inloggad" in the warning before the idle logout (WCAG 2.2.1): the
    session counts as active from now. 204 for the script; a redirect back without it."""
    store_users.touch_session(get_db(), session["sid"])
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return redirect(safe_next(request.form.get("next")) or home_for(current_user()), code=303)


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
