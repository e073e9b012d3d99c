"""Public pages: start page, privacy notice, accessibility statement, health check."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template
from flask_babel import format_date

from mcda.web.kit.access import public
from mcda.web.kit.disposal import disposal_decision

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def index():
    return render_template("pages/index.html")


@bp.get("/personuppgifter")
@public
def privacy():
    return render_template("pages/privacy.html", disposal=disposal_decision())


@bp.get("/tillganglighet")
@public
def accessibility():
    """The accessibility statement (DIGG's model); the installation's parts come from config."""
    cfg = current_app.config
    statement = {
        "body": cfg["A11Y_RESPONSIBLE_BODY"],
        "email": cfg["A11Y_CONTACT_EMAIL"],
        "phone": cfg["A11Y_CONTACT_PHONE"],
        "days": int(cfg["A11Y_RESPONSE_DAYS"]),
        "assessed": _long_date(cfg["A11Y_ASSESSED_ON"]),
        "updated": _long_date(cfg["A11Y_UPDATED_ON"]),
    }
    return render_template("pages/accessibility.html", statement=statement)


def _long_date(value: str | date) -> str:
    """``2026-12-02`` → "2 december 2026" / "December 2, 2026" in the request's language."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return format_date(day, format="long")


@bp.get("/halsa")
@public
def health():
    """Liveness for monitoring and load balancers: plain ``ok``; reads neither session nor database.

    Also the trivial endpoint ``bench/load.py`` compares the vote's throughput with.
    """
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})
