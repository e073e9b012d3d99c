"""Access rules. Every view carries exactly one explicit rule (a test walks the URL map).

- ``@public``: anyone (join page, static pages, login form).
- ``@participant``: anyone holding a participant cookie for the round (checked in the view).
- ``@login_required(*roles)``: a logged-in user with one of ``roles`` (admins always pass;
  default: facilitator). ``login_required("secretariat")`` is the secretariat's own area;
  shared read views (results, exports) pass ``"facilitator", "secretariat"``.

Decision-level checks: :func:`can_edit_decision` (owner or admin) and
:func:`can_view_decision` (also secretariat, read-only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from mcda.store import users as store_users
from mcda.web.kit.db import get_db

F = TypeVar("F", bound=Callable[..., Any])
EDITORS = ("admin", "facilitator")


def _mark(view: F, rule: str) -> F:
    view._access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Mark a view as open to anyone."""
    return _mark(view, "public")


def participant(view: F) -> F:
    """Mark a view as for participants (the view checks the participant cookie)."""
    return _mark(view, "participant")


def current_user() -> dict[str, Any] | None:
    """The logged-in user for this request (cached on ``g``), or None."""
    if "user" in g:
        return g.user
    user = None
    sid = session.get("sid")
    if sid:
        user = store_users.session_user(
            get_db(),
            sid,
            idle_timeout_s=current_app.config["FACILITATOR_IDLE_TIMEOUT_S"],
            absolute_timeout_s=current_app.config["FACILITATOR_ABSOLUTE_TIMEOUT_S"],
        )
        if user is None:
            session.pop("sid", None)
            g.session_expired = True
    g.user = user
    return user


def login_required(*roles: str) -> Callable[[F], F]:
    """Require a logged-in user with one of ``roles`` (default: admin, facilitator)."""
    allowed = roles or EDITORS

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _to_login()
            if user["role"] not in allowed and user["role"] != "admin":
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, "login:" + ",".join(allowed))  # type: ignore[return-value]

    return decorator


def _to_login() -> Any:
    """Send a visitor without a live session to the login page. A form posted after the
    session expired is not lost (WCAG 2.2.1): the login page keeps it and, once logged in,
    offers to send it again (auth.login). htmx requests reload the page around them."""
    from flask import flash, render_template
    from flask_babel import gettext as _

    from mcda.web.kit.forms import LoginForm
    from mcda.web.kit.htmx import current_page, is_htmx, redirect_page

    expired = bool(g.get("session_expired"))
    if is_htmx():
        page = current_page() or request.full_path.rstrip("?")
        if expired:
            flash(_("Du loggades ut efter en stund utan aktivitet. Logga in igen."), "error")
        return redirect_page(url_for("auth.login", next=page))
    if request.method == "POST" and expired:
        kept = [(k, v) for k, values in request.form.lists() if k != "csrf_token" for v in values]
        return render_template(
            "auth/login.html", form=LoginForm(formdata=None), next_url=None,
            kept=kept_json(kept), kept_action=request.full_path.rstrip("?"),
            kept_files=bool(request.files), expired=expired,
        ), 401
    if expired:
        flash(_("Du loggades ut efter en stund utan aktivitet. Logga in igen."), "error")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def kept_json(pairs: list[tuple[str, str]]) -> str:
    import json

    return json.dumps(pairs, ensure_ascii=False)


def can_edit_decision(decision: dict[str, Any]) -> bool:
    user = current_user()
    if user is None:
        return False
    return user["role"] == "admin" or (
        user["role"] == "facilitator" and decision.get("owner_id") == user["id"]
    )


def can_view_decision(decision: dict[str, Any]) -> bool:
    user = current_user()
    if user is None:
        return False
    return can_edit_decision(decision) or user["role"] == "secretariat"


def require_edit(decision: dict[str, Any] | None) -> dict[str, Any]:
    """404 for unknown or foreign decisions (do not reveal they exist), 403 for secretariat."""
    if decision is None:
        abort(404)
    if can_edit_decision(decision):
        return decision
    if can_view_decision(decision):
        abort(403)
    abort(404)


def require_view(decision: dict[str, Any] | None) -> dict[str, Any]:
    if decision is None or not can_view_decision(decision):
        abort(404)
    return decision
