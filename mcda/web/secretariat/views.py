"""Routes of the ``secretariat`` blueprint: compare municipalities across rounds (read-only).

Everything here is GET: pick a decision and round(s) with a plain form, sort tables with a
query parameter (server-side, works without JavaScript). Figures come from the same cached
analysis as the facilitator's page and pass through the same anonymity rule.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from mcda.web.kit.access import login_required
from mcda.web.secretariat import compare

bp = Blueprint("secretariat", __name__, url_prefix="/kansliet")


@bp.get("/")
@login_required("secretariat")
def index():
    return render_template("secretariat/index.html", **compare.context())
