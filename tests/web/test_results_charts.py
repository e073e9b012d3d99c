"""Charts that fit: full names, every SMAA rank in the legend, the ranking's "why"."""

from __future__ import annotations

import re

import pytest

from mcda.store import analysis_cache

from .results_helpers import ALTERNATIVES, CRITERIA, login_as, scenario


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


def _figure(html: str, fig_id: str) -> str:
    start = html.index(f'id="{fig_id}"')
    return html[start:html.index("</figure>", start)]


def test_smaa_legend_lists_every_rank_and_names_are_not_cut(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    fig = _figure(html, "chart-smaa")
    items = re.findall(r'<li class="legend-item">.*?</li>', fig, re.S)
    assert [re.sub(r"<[^>]+>", "", i).strip() for i in items] == [
        f"Plats {i}" for i in range(1, len(ALTERNATIVES) + 1)]
    # one pattern (fill) per rank, each with its own colour
    fills = re.findall(r'<pattern id="chart-smaa-p\d+"[^>]*>\s*<rect[^>]*fill="(#[0-9a-f]{6})"',
                       fig)
    assert len(fills) == len(set(fills)) == len(ALTERNATIVES)
    assert "…" not in fig
    for name, _m, _v in ALTERNATIVES:
        words = name.split()
        assert all(w in fig for w in words), name


def test_ranking_chart_shows_each_criterions_contribution(app, client):
    fac = login_as(app, client, "facilitator")
    sc = scenario(app, fac)
    html = client.get(f"/resultat/{sc['round_id']}").get_data(as_text=True)
    fig = _figure(html, "chart-contrib")
    legend = [re.sub(r"<[^>]+>", "", i).strip()
              for i in re.findall(r'<li class="legend-item">.*?</li>', fig, re.S)]
    assert legend == [n for n, _d in CRITERIA]
    table = html[html.index("Summa (WSM)"):]
    table = table[:table.index("</table>")]
    k = len(CRITERIA)
    devs = []
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table):
        nums = [float(x.replace(",", ".")) for x in re.findall(r'class="num">([-+\d,]+)<', row)]
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
    fig = _figure(html, "chart-group-weights")
    for name, _d in CRITERIA:
        assert re.search(rf"rotate\(-45\)\" class=\"chart-label chart-small\">{name}<", fig), name
