"""Maps on the results page and the report: SCB shapes, legends, tables, and the k rule."""

from __future__ import annotations

import re

import pytest

from mcda.store import analysis_cache
from tests.helpers import Element, map_values, parse_html, svg_references

from .results_helpers import login_as, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


def _figure(html: str, fig_id: str) -> Element:
    fig = parse_html(html).find("figure", class_="map", id=fig_id)
    assert fig is not None, fig_id
    return fig


def _area_texts(fig: Element) -> dict[str, str]:
    """name → the value printed on the map under it."""
    return map_values(fig)


def _table_rows(fig: Element) -> dict[str, list[str]]:
    """The map's data table: row header → the row's cells."""
    return {tr.find("th").text(): [td.text() for td in tr.find_all("td")]
            for tr in fig.find_all("tr") if tr.find("th") is not None and tr.find("td")}


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
    assert fig.find_all(class_="map-hidden") == []
    assert not [t for t in fig.find_all("title") if t.text().startswith("Hjo: dold")]
    # never a number for a pooled municipality, in the map's own table either
    rows = _table_rows(fig)
    assert "Hjo" not in rows and rows["Övriga kommuner"][0] == "4"
    for fig_id in ("map-weight", "map-distance"):
        texts = _area_texts(_figure(html, fig_id))
        assert texts["Hjo"] == texts["Lidköping"] == texts["Tibro"] == "–", fig_id
        assert re.fullmatch(r"\d+ %", texts["Skövde"]), fig_id
        rows = _table_rows(_figure(html, fig_id))
        assert rows["Hjo"][0] == "–" and rows["Tibro"][0] == "–", fig_id
    if parse_html(html).find(id="map-coalitions") is not None:
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
    doc = parse_html(html)
    assert "selected" in doc.find("option", value=str(cid)).attrs
    # the choice keeps the page's other options (hidden inputs), and is a GET
    form = doc.find("form", class_="map-choose")
    assert form.get("method") == "get"
    assert form.find("input", name="within", value="median") is not None
    assert form.find(name="kriterium") is not None
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
            assert fig.find(class_="map-legend") and fig.find(class_="legend-item"), (url, fig_id)
            assert fig.find("table") and fig.find(role="img"), (url, fig_id)
        assert "Statistiska centralbyrån (SCB)" in html and "CC0" in html
        # server-rendered: no script, no external reference inside the maps
        fig = _figure(html, "map-weight")
        assert fig.find("script") is None
        assert not [v for el in fig.iter() for v in el.attrs.values() if "http" in (v or "")]
        assert "http" not in fig.text()


def test_maps_in_english(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac, {"Skövde": 5, "Lidköping": 3, "Hjo": 1, "Vara": 4})
    html = client.get(f"/resultat/{sc['round_id']}?lang=en").get_data(as_text=True)
    fig = _figure(html, "map-participation")
    assert "Map: participants per municipality" in fig.text()
    assert _area_texts(fig)["Hjo"] == "–" and "Other municipalities" in fig.text()


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
        sr.close_round(db, rid)
        sr.set_revealed(db, rid, True)
    finally:
        db.conn.close()
    for url in (f"/resultat/{rid}", f"/resultat/{rid}/rapport",
                f"/resultat/{rid}/projektor?vy=karta", f"/resultat/{rid}/projektor/live?vy=karta"):
        html = client.get(url).get_data(as_text=True)
        assert [u for u in parse_html(html).find_all("use")
                if (u.get("href") or "").startswith("#")], url
        assert _dangling_uses(html) == [], url
