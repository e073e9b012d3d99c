"""Public pages: start page, privacy notice, accessibility statement, health check."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from .access import public

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def index():
    return render_template("pages/index.html")


@bp.get("/personuppgifter")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/tillganglighet")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/halsa")
@public
def health():
    """Liveness for monitoring and load balancers: plain ``ok``; reads neither session nor database.

    Also the trivial endpoint ``bench/load.py`` compares the vote's throughput with.
    """
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})
