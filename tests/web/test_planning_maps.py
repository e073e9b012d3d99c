"""Planning maps: one map per phase, each investment a numbered marker in its municipality,
the money per municipality in each phase as the fill and the number (the plan's own figures)."""

from __future__ import annotations

import re

import pytest

from mcda.store import connect, demo
from tests.helpers import Element, map_values, parse_html


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
    doc = parse_html(html)
    figs = [(m.group(1), f) for f in doc.find_all("figure") if f.get("class") == "map map-small"
            and (m := re.fullmatch(r"map-phase-(\d+)", str(f.get("id"))))]
    assert [n for n, _f in figs] == ["1", "2", "3"]
    grid = doc.find(class_="muni-grid")
    grid = grid if grid.tag == "table" else grid.find("table")
    numbers = []
    for _n, fig in figs:
        markers = [g.find_all("text")[-1].text() for g in fig.find_all("g")
                   if g.get("class") == "map-marker" and g.find_all("text")]
        assert all(re.fullmatch(r"\d+", m) for m in markers), markers
        items = []
        for li in fig.find_all("li", value=True):
            spans = [k for k, ch in enumerate(li.children)
                     if isinstance(ch, Element) and ch.tag == "span"]
            tail = "".join(ch for ch in li.children[spans[-1] + 1:] if isinstance(ch, str)) \
                if spans else ""
            if (m := re.fullmatch(r" ([^<]+) \(([^)]+)\)", tail)):
                items.append((str(li.get("value")), m.group(1), m.group(2)))
        assert [m for m in markers] == [i[0] for i in items]
        numbers += [int(m) for m in markers]
        for _num, name, where in items:  # the investment is in its host's cell of the grid
            rows = [tr for tr in grid.find_all("tr")
                    if (th := tr.find("th", scope="row")) is not None and th.text() == where]
            assert rows and name in rows[0].text(), (name, where)
        # the money printed on the map is the plan's money for that municipality and phase
        texts = map_values(fig)
        assert texts and all(_money(v) > 0 for v in texts.values())
        assert fig.find(class_="map-legend") is not None and fig.find("table") is not None
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert "Statistiska centralbyrån (SCB)" in html
