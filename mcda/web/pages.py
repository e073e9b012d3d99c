"""Public pages: start page, privacy notice, accessibility statement."""

from __future__ import annotations

from flask import Blueprint, render_template

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
