"""One scope for ``?etapp=``: every route that reads it answers 404 for an unknown phase
(never a silent fallback), and every page names a phase with the same label."""

from __future__ import annotations

import pytest

from mcda.store import analysis_cache
from mcda.store import users as su
from mcda.web.exports.views import EXPORT_KINDS
from mcda.web.kit import scope as phase_scope
from mcda.web.kit import scope as results
from mcda.web.participate import context as participate
from mcda.web.secretariat import compare as secretariat
from tests.helpers import FAST_SCRYPT_N

from .results_helpers import login_as, phase_scenario, scenario

# One worker builds this module's shared app (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("phase-scope")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """One app for the module (its tests only read): a round with per-phase weights, another
    decision's phased round and a normal round, a facilitator and a secretariat client."""
    from mcda.web import create_app

    analysis_cache.clear()
    path = tmp_path_factory.mktemp("phase-scope") / "db.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "phase-scope"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(su, "SCRYPT_N", FAST_SCRYPT_N)
        fac, sec = app.test_client(), app.test_client()
        uid = login_as(app, fac)
        login_as(app, sec, "secretariat")
    yield {"fac": fac, "sec": sec, "phased": phase_scenario(app, uid),
           "other": phase_scenario(app, None), "normal": scenario(app, uid)}
    analysis_cache.clear()


ROUND_ROUTES = ["/resultat/{rid}", "/resultat/{rid}/projektor", "/resultat/{rid}/projektor/live",
                "/resultat/{rid}/rapport",
                *[f"/resultat/{{rid}}/export/{kind}" for kind in EXPORT_KINDS]]
DECISION_ROUTES = ["/resultat/beslut/{did}/konvergens", "/kansliet/?beslut={did}&omgang={rid}"]
ALL_ROUTES = ROUND_ROUTES + DECISION_ROUTES


def _client(site, route: str):
    """The decision's owner for its pages; a secretariat user for the secretariat."""
    return site["sec"] if route.startswith("/kansliet") else site["fac"]


def _url(template: str, sc: dict, etapp: str) -> str:
    url = template.format(rid=sc["round_id"], did=sc["decision_id"])
    return f"{url}{'&' if '?' in url else '?'}etapp={etapp}"


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_every_etapp_route_refuses_an_unknown_phase(site, route):
    client, sc, other = _client(site, route), site["phased"], site["other"]
    assert client.get(_url(route, sc, str(sc["phases"][1]))).status_code == 200
    for bad in ("999999", "abc", str(other["phases"][0])):
        assert client.get(_url(route, sc, bad)).status_code == 404, bad


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_every_etapp_route_refuses_a_phase_on_a_normal_round(site, route):
    client, sc = _client(site, route), site["normal"]
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
