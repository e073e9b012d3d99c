"""The export responses the results and scenarios blueprints route to (``results.export``):
parse the kind and options, take the round scope, build the file, answer with it."""

from __future__ import annotations

from flask import Response, abort, make_response

from mcda.web.exports import build
from mcda.web.exports.cells import content_disposition
from mcda.web.kit.places import map_places
from mcda.web.kit.scope import (
    load_round,
    published_reasons,
    request_options,
    round_scope,
    select_phase,
)
from mcda.web.present.analysis_view import scope_view

EXPORT_KINDS = (  # the order the pages list them
    "roster.csv",
    "vikter.csv",
    "motiveringar.csv",
    "rangordning.csv",
    "etapper.csv",
    "vinnare-forlorare.csv",
    "anmarkningar.csv",
    "arbetsbok.xlsx",
    "analys.json",
    "etapper.geojson",
    "kommuner.geojson",
)


def file_response(body: bytes, mimetype: str, filename: str) -> Response:
    """A download: the body with its type (UTF-8 for text) and its file name."""
    resp = make_response(body)
    resp.mimetype = mimetype
    if mimetype.startswith("text/"):
        resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = content_disposition(filename)
    return resp


def round_export(round_id: int, kind: str) -> Response:
    """One export of a round (or of the phase asked for); bad options are a 400."""
    if kind not in EXPORT_KINDS:
        abort(404)
    rnd = load_round(round_id)
    _phases, phase = select_phase(rnd)
    opts, error = request_options()
    if error:
        abort(400, error)
    scope = round_scope(rnd, opts, phase)
    view = scope_view(scope)
    view["reasons"] = published_reasons(rnd, scope.counts)
    view["places"] = map_places(rnd["decision_id"])
    return file_response(*build.build(kind, rnd, scope.analysis, view, scope.error))
