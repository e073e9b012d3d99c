"""Blueprint `results` (to be filled in)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/resultat")
