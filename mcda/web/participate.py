"""Blueprint `participate` (to be filled in)."""

from __future__ import annotations

from flask import Blueprint

from .access import public

bp = Blueprint("participate", __name__)


@bp.get("/delta")
@public
def join():
    return "TODO"
