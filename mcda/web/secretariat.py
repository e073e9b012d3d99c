"""Blueprint `secretariat` (to be filled in)."""

from __future__ import annotations

from flask import Blueprint

from .access import login_required

bp = Blueprint("secretariat", __name__, url_prefix="/kansliet")


@bp.get("/")
@login_required("secretariat")
def index():
    return "TODO"
