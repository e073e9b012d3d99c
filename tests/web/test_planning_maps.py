"""Planning maps: one map per phase, each investment a numbered marker in its municipality,
the money per municipality in each phase as the fill and the number (the plan's own figures)."""

from __future__ import annotations

import re

import pytest

from mcda.store import connect, demo


@pytest.fixture
def demo_decision(app, facilitator):
    db = connect(app.config["DATABASE"])
    try:
        return demo.load_demo(db, owner_id=facilitator["id"])[0]
    finally:
        db.conn.close()


def _money(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def test_one_map_per_phase_with_every_planned_investment(client, demo_decision):
    html = client.get(f"/etapper/{demo_decision}").get_data(as_text=True)
    figs = re.findall(r'<figure class="map map-small" id="map-phase-(\d+)">(.*?)</figure>', html,
                      re.S)
    assert [n for n, _f in figs] == ["1", "2", "3"]
    grid = html[html.index('class="muni-grid"'):]
    grid = grid[:grid.index("</table>")]
    numbers = []
    for _n, fig in figs:
        markers = re.findall(r'<g class="map-marker">.*?>(\d+)</text></g>', fig)
        items = re.findall(r'<li value="(\d+)">.*?</span> ([^<]+) \(([^)]+)\)</li>', fig)
        assert [m for m in markers] == [i[0] for i in items]
        numbers += [int(m) for m in markers]
        for _num, name, where in items:  # the investment is in its host's cell of the grid
            row = re.search(rf"<th scope=\"row\">{re.escape(where)}</th>(.*?)</tr>", grid, re.S)
            assert row and name in row.group(1), (name, where)
        # the money printed on the map is the plan's money for that municipality and phase
        texts = dict(re.findall(r'class="map-name"[^>]*>([^<]+)</text>\s*'
                                r'<text[^>]*class="map-value">([^<]*)<', fig))
        assert texts and all(_money(v) > 0 for v in texts.values())
        assert 'class="map-legend"' in fig and "<table>" in fig
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert "Statistiska centralbyrån (SCB)" in html
