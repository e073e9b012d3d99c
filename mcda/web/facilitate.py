"""Blueprint `facilitate` (to be filled in)."""

from __future__ import annotations

from flask import Blueprint

from .access import login_required

bp = Blueprint("facilitate", __name__, url_prefix="/processledare")


@bp.get("/")
@login_required()
def decisions():
    return "TODO"
