"""Maps on the results page and the report: SCB shapes, legends, tables, and the k rule."""

from __future__ import annotations

import re

import pytest

from mcda.store import analysis_cache
from tests.helpers import map_values, svg_references

from .results_helpers import login_as, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


def _figure(html: str, fig_id: str) -> str:
    start = html.index(f'<figure class="map" id="{fig_id}"')
    return html[start:html.index("</figure>", start)]


def _area_texts(fig: str) -> dict[str, str]:
    """name → the value printed on the map under it."""
    return map_values(fig)


def test_maps_obey_k_exactly_as_the_tables(app, client):
    fac = login_as(app, client, "facilitator")
    # Hjo has 1 voter (< k = 3), pooled with Lidköping (secondary suppression) into "Övriga
    # kommuner" (core.disclosure): on the map both look exactly like Tibro, which has no votes
    sc = scenario(app, fac, {"Skövde": 5, "Lidköping": 3, "Hjo": 1, "Vara": 4})
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    part = _area_texts(_figure(html, "map-participation"))
    assert len(part) == 15
    assert part["Hjo"] == part["Lidköping"] == part["Tibro"] == "–"
    assert part["Skövde"] == "5" and part["Vara"] == "4"
    fig = _figure(html, "map-participation")
    assert "map-area map-hidden" not in fig and "<title>Hjo: dold" not in fig
    # never a number for a pooled municipality, in the map's own table either
    assert "Hjo</th>" not in fig and "Övriga kommuner</th><td class=\"num\">4" in fig
    for fig_id in ("map-weight", "map-distance"):
        texts = _area_texts(_figure(html, fig_id))
        assert texts["Hjo"] == texts["Lidköping"] == texts["Tibro"] == "–", fig_id
        assert re.fullmatch(r"\d+ %", texts["Skövde"]), fig_id
        table = _figure(html, fig_id)
        assert 'Hjo</th><td class="num">–' in table and 'Tibro</th><td class="num">–' in table
    if 'id="map-coalitions"' in html:
        co = _area_texts(_figure(html, "map-coalitions"))
        assert co["Hjo"] == co["Lidköping"] == co["Tibro"]


def test_weight_map_follows_the_chosen_criterion(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    rid = sc["round_id"]
    html = client.get(f"/resultat/{rid}").get_data(as_text=True)
    assert "Vikt för Tillgänglighet per kommun" in html
    cid = sc["criteria"][3]
    html = client.get(f"/resultat/{rid}?kriterium={cid}&within=median").get_data(as_text=True)
    assert "Vikt för Investeringskostnad per kommun" in html
    assert f'<option value="{cid}" selected>' in html
    # the choice keeps the page's other options (hidden inputs), and is a GET
    form = html[html.index('class="map-choose'):]
    form = form[:form.index("</form>")]
    assert 'name="within" value="median"' in form and 'name="kriterium"' in form
    # an unknown criterion falls back to the first one rather than failing
    html = client.get(f"/resultat/{rid}?kriterium=nonsense").get_data(as_text=True)
    assert "Vikt för Tillgänglighet per kommun" in html


def test_every_map_has_legend_table_and_source(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    for url in (f"/resultat/{sc['round_id']}", f"/resultat/{sc['round_id']}/rapport"):
        html = client.get(url).get_data(as_text=True)
        for fig_id in ("map-participation", "map-weight", "map-distance"):
            fig = _figure(html, fig_id)
            assert 'class="map-legend"' in fig and "legend-item" in fig, (url, fig_id)
            assert "<table>" in fig and 'role="img"' in fig, (url, fig_id)
        assert "Statistiska centralbyrån (SCB)" in html and "CC0" in html
        # server-rendered: no script, no external reference inside the maps
        maps_html = _figure(html, "map-weight")
        assert "<script" not in maps_html and "http" not in maps_html


def test_maps_in_english(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac, {"Skövde": 5, "Lidköping": 3, "Hjo": 1, "Vara": 4})
    html = client.get(f"/resultat/{sc['round_id']}?lang=en").get_data(as_text=True)
    fig = _figure(html, "map-participation")
    assert "Map: participants per municipality" in fig
    assert _area_texts(fig)["Hjo"] == "–" and "Other municipalities" in fig


def _dangling_uses(html: str) -> list[str]:
    ids, refs = svg_references(html)
    return sorted({r for r in refs if r not in ids})


def test_every_map_shape_and_pattern_is_defined_on_its_page(app, client):
    """A map draws its shapes with <use> from the page's defs: a missing def is a blank map."""
    from mcda.store import rounds as sr

    from .results_helpers import open_db

    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac, {"Skövde": 5, "Lidköping": 3, "Hjo": 1, "Vara": 4})
    rid = sc["round_id"]
    db = open_db(app)
    try:
        sr.set_revealed(db, rid, True)
    finally:
        db.conn.close()
    for url in (f"/resultat/{rid}", f"/resultat/{rid}/rapport",
                f"/resultat/{rid}/projektor?vy=karta", f"/resultat/{rid}/projektor/live?vy=karta"):
        html = client.get(url).get_data(as_text=True)
        assert '<use href="#' in html, url
        assert _dangling_uses(html) == [], url
