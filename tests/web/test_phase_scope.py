"""One scope for ``?etapp=``: every route that reads it answers 404 for an unknown phase
(never a silent fallback), and every page names a phase with the same label."""

from __future__ import annotations

import pytest

from mcda.store import analysis_cache
from mcda.web.exports.views import EXPORT_KINDS
from mcda.web.kit import scope as phase_scope
from mcda.web.kit import scope as results
from mcda.web.participate import context as participate
from mcda.web.secretariat import compare as secretariat

from .results_helpers import login_as, phase_scenario, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


ROUND_ROUTES = ["/resultat/{rid}", "/resultat/{rid}/projektor", "/resultat/{rid}/projektor/live",
                "/resultat/{rid}/rapport",
                *[f"/resultat/{{rid}}/export/{kind}" for kind in EXPORT_KINDS]]
DECISION_ROUTES = ["/resultat/beslut/{did}/konvergens", "/kansliet/?beslut={did}&omgang={rid}"]
ALL_ROUTES = ROUND_ROUTES + DECISION_ROUTES


def _login(app, client, route: str) -> int | None:
    """The decision's owner for its pages; a secretariat user for the secretariat."""
    if route.startswith("/kansliet"):
        login_as(app, client, "secretariat")
        return None
    return login_as(app, client)


def _url(template: str, sc: dict, etapp: str) -> str:
    url = template.format(rid=sc["round_id"], did=sc["decision_id"])
    return f"{url}{'&' if '?' in url else '?'}etapp={etapp}"


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_every_etapp_route_refuses_an_unknown_phase(app, client, route):
    sc = phase_scenario(app, _login(app, client, route))
    other = phase_scenario(app, None)
    assert client.get(_url(route, sc, str(sc["phases"][1]))).status_code == 200
    for bad in ("999999", "abc", str(other["phases"][0])):
        assert client.get(_url(route, sc, bad)).status_code == 404, bad


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_every_etapp_route_refuses_a_phase_on_a_normal_round(app, client, route):
    sc = scenario(app, _login(app, client, route))
    assert client.get(_url(route, sc, "1")).status_code == 404


def test_phase_label_names_the_period_when_there_is_one():
    assert phase_scope.phase_label({"name": "Etapp 1", "period": "2026–2028"}) == \
        "Etapp 1 (2026–2028)"
    assert phase_scope.phase_label({"name": "Etapp 2", "period": ""}) == "Etapp 2"
    assert phase_scope.phase_label({"name": "Etapp 3", "period": None}) == "Etapp 3"


def test_one_phase_label_everywhere():
    assert results.phase_label is phase_scope.phase_label
    assert participate.phase_label is phase_scope.phase_label
    assert secretariat.resolve_phase is phase_scope.resolve_phase
