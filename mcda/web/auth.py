"""Blueprint `auth`: log in and log out (to be filled in)."""

from __future__ import annotations

from flask import Blueprint, abort

from .access import public

bp = Blueprint("auth", __name__)


@bp.route("/logga-in", methods=["GET", "POST"])
@public
def login():
    abort(404)


@bp.post("/logga-ut")
@public
def logout():
    abort(404)
