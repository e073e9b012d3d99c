"""Charts that fit: full names, every SMAA rank in the legend, the ranking's "why"."""

from __future__ import annotations

import re

import pytest

from mcda.store import analysis_cache
from tests.helpers import parse_html

from .results_helpers import ALTERNATIVES, CRITERIA, login_as, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


def _figure_el(html: str, fig_id: str):
    """The parsed figure that holds the element with this id."""
    el = parse_html(html).find(id=fig_id)
    return el if el.tag == "figure" else el.closest("figure")


def test_smaa_legend_lists_every_rank_and_names_are_not_cut(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    fig_el = _figure_el(html, "chart-smaa")
    fig = fig_el.text()
    assert [li.text() for li in fig_el.find_all("li", class_="legend-item")] == [
        f"Plats {i}" for i in range(1, len(ALTERNATIVES) + 1)]
    # one pattern (fill) per rank, each with its own colour
    fills = [str(pat.elements()[0].get("fill")) for pat in fig_el.find_all("pattern")
             if re.fullmatch(r"chart-smaa-p\d+", str(pat.get("id")))
             and pat.elements() and pat.elements()[0].tag == "rect"
             and re.fullmatch(r"#[0-9a-f]{6}", str(pat.elements()[0].get("fill")))]
    assert len(fills) == len(set(fills)) == len(ALTERNATIVES)
    assert "…" not in fig
    for name, _m, _v in ALTERNATIVES:
        words = name.split()
        assert all(w in fig for w in words), name


def test_ranking_chart_shows_each_criterions_contribution(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    fig = _figure_el(html, "chart-contrib").text()
    legend = [li.text() for li in _figure_el(html, "chart-contrib").find_all(
        "li", class_="legend-item")]
    assert legend == [n for n, _d in CRITERIA]
    doc = parse_html(html)
    table = next(el for el in doc.iter() if el.text() == "Summa").closest("table")
    k = len(CRITERIA)
    devs = []
    for row in table.find_all("tr"):
        cells = row.elements()
        if not cells or cells[0].tag != "th" or cells[0].get("scope") != "row":
            continue
        nums = [float(c.text().replace(",", ".")) for c in row.iter()
                if "num" in c.classes and re.fullmatch(r"[-+\d,]+", c.text())]
        assert len(nums) == k + 2, row
        assert abs(sum(nums[:k]) - nums[k]) <= 0.002 + 1e-9, row
        devs.append(nums[k + 1])
    # the chart's figure is each score against the average: they cancel out
    assert abs(sum(devs)) <= 0.001 * len(devs) + 1e-9
    assert "bättre än genomsnittet" in fig and "sämre än genomsnittet" in fig


def test_heatmap_headers_are_whole(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    labels = [el for el in _figure_el(html, "chart-group-weights").iter()
              if {"chart-label", "chart-small"} <= set(el.classes)
              and str(el.get("transform")).endswith("rotate(-45)")]
    for name, _d in CRITERIA:
        assert name in [el.text() for el in labels], name


def test_contributions_chart_explains_the_decisions_model(app, client):
    """Issue 23 review: the "why" chart used plain WSM (sum scaling) and its own order, so it
    could put second what the verdict puts seventh. Now its rows are the verdict's order and
    each row's sum is the model's score; the caption names the model in plain words."""
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    fig = _figure_el(html, "chart-contrib")
    assert "Viktad summa av värden" in fig.text() and "WSM" not in fig.text()
    table = next(el for el in parse_html(html).iter() if el.text() == "Summa").closest("table")
    rows = [(row.elements()[0].text(), row) for row in table.find_all("tr")
            if row.elements() and row.elements()[0].get("scope") == "row"]
    # the methods table: "Beslutets modell" column, rows in the model's order
    rank_table = parse_html(html).find(id="rs-cap-7").closest("table")
    model_order = [row.elements()[0].text() for row in rank_table.find_all("tr")
                   if row.elements() and row.elements()[0].get("scope") == "row"]
    assert [n for n, _r in rows] == model_order
    assert sorted(model_order) == sorted(n for n, *_r in ALTERNATIVES)
