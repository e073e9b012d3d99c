"""Delphi view (issue 5 §3): before re-voting, the previous revealed round's distribution.

Region weight per criterion, the spread (quartiles as an SVG box with whiskers plus a table),
and the participant's own earlier weight when the same device voted; nothing per
municipality and nothing below the earlier round's anonymity threshold k.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import csrf_from, parse_html

from .participate_helpers import join, make_round

# three per municipality: with this device's vote the earlier round has 10 voters, the least
# a quartile may be computed from (core.disclosure.MIN_SPREAD_VALUES)
OTHER_VOTERS = [("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 1]), ("Tibro", [2, 2, 4, 2])] * 3


def _store_vote(db, rid, token, muni_id, values, crits):
    part = store_parts.join_round(db, rid, token, muni_id)
    total = sum(values)
    sv.record_vote(db, rid, part["id"], revision=1, method="direct",
                   payload={"values": {str(c): v for c, v in zip(crits, values, strict=True)}},
                   weights={str(c): v / total for c, v in zip(crits, values, strict=True)})


def _first_round(app, client, *, own=True, others=OTHER_VOTERS, reveal=True):
    """Round 1 with other voters (and this client's vote [1, 0, 0, 1] if ``own``); then
    round 2 is opened. Returns round-2 data (same decision)."""
    rd = make_round(app, methods=("direct", "points"))
    db = rd.db()
    try:
        for k, (muni, values) in enumerate(others):
            _store_vote(db, rd.round_id, f"delphi-{rd.round_id}-{k}-xxxxxxxxxxxx",
                        rd.municipalities[muni], values, rd.criteria)
    finally:
        db.conn.close()
    if own:
        join(client, rd)
        page = client.get(f"/omgang/{rd.round_id}/skjutreglage").get_data(as_text=True)
        data = {"csrf_token": csrf_from(page), "revision": "1"}
        data.update({f"v-{c}": v for c, v in zip(rd.criteria, ["5", "0", "0", "5"], strict=True)})
        assert client.post(f"/omgang/{rd.round_id}/skjutreglage", data=data).status_code == 303
    db = rd.db()
    try:
        sr.close_round(db, rd.round_id)
        if reveal:
            sr.set_revealed(db, rd.round_id, True)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
        code2 = sr.get_round(db, rid2)["join_code"]
    finally:
        db.conn.close()
    return dataclasses.replace(rd, round_id=rid2, code=code2)


class _Section(HTMLParser):
    """Text, SVG attributes and table cells of the "Förra omgången" section."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.svgs: list[dict] = []
        self.attrs: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("class") == "previous-round":
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth:
            self.attrs.append((tag, a))
            if tag == "svg" and a.get("class") == "dist-svg":
                self.svgs.append(a)

    def handle_endtag(self, tag):
        if self.depth and tag == "section":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _section(html: str) -> _Section:
    p = _Section()
    p.feed(html)
    return p


def test_previous_round_with_own_weight(app, client):
    # two more from this device's Skövde: nobody pooled (a pool of fewer than ten voters
    # would be left out of the spread, issue 24)
    rd2 = _first_round(app, client, others=[*OTHER_VOTERS, ("Skövde", [2, 2, 4, 2])] * 1
                       + [("Skövde", [2, 2, 4, 2])])
    join(client, rd2)
    html = client.get(f"/omgang/{rd2.round_id}/skjutreglage").get_data(as_text=True)
    sec = _section(html)
    text = " ".join(" ".join(sec.text).split())
    assert "Förra omgången" in text
    assert "Så viktade regionen i omgång 1 (12 deltagare)" in text
    # one SVG per criterion, each labelled with its numbers; attributes only (CSP)
    assert len(sec.svgs) == 4 and all(s.get("role") == "img" for s in sec.svgs)
    assert all("style" not in a for _t, a in sec.attrs)
    # own weight (the first criterion: 5 / 10 = 50 %) in the table and the SVG label
    assert "du 50,0" in sec.svgs[0]["aria-label"]
    assert "Din vikt" in text and "50,0" in text
    # quartiles of the first criterion over the twelve voters: 0.2 ×5, 0.25 ×3, 0.4 ×3, 0.5:
    # Q1 at position 2.75 = 0.2, Q3 at 8.25 = 0.4 (linear interpolation)
    assert "20,0" in sec.svgs[0]["aria-label"]
    assert "40,0" in sec.svgs[0]["aria-label"]
    prev = parse_html(html).find(class_="previous-table")
    rows = [th.text() for th in prev.find_all("th", scope="row")]
    assert rows[0] == "Tillgänglighet"
    # no municipality named in the section
    for muni in ("Hjo", "Vara", "Tibro"):
        assert muni not in text
    # also on the round's own page before re-voting
    home = client.get(f"/omgang/{rd2.round_id}/").get_data(as_text=True)
    assert "Förra omgången" in home


def test_other_device_sees_only_the_distribution(app, client):
    rd2 = _first_round(app, client, own=False,
                       others=[*OTHER_VOTERS, *[("Skara", [1, 2, 3, 4])] * 3])
    join(client, rd2)
    html = client.get(f"/omgang/{rd2.round_id}/skjutreglage").get_data(as_text=True)
    sec = _section(html)
    text = " ".join(" ".join(sec.text).split())
    assert "Förra omgången" in text
    assert "Du deltog inte i omgång 1 från den här enheten" in text
    assert "Din vikt" not in text
    assert not any(t == "circle" for t, _a in sec.attrs)


def test_below_k_shows_no_figures(app, client):
    rd2 = _first_round(app, client, own=True, others=OTHER_VOTERS[:1])  # 2 voters, k = 3
    join(client, rd2)
    html = client.get(f"/omgang/{rd2.round_id}/skjutreglage").get_data(as_text=True)
    sec = _section(html)
    text = " ".join(" ".join(sec.text).split())
    assert "visas bara när minst 10 har viktat i den (omgången hade 2)" in text
    assert not sec.svgs and "%" not in text.replace("100 %", "")


@pytest.mark.parametrize("case", ["not_revealed", "first_round"])
def test_no_previous_section_without_an_earlier_revealed_round(app, client, case):
    if case == "first_round":
        rd = make_round(app, methods=("direct",))
    else:
        rd = _first_round(app, client, own=False, reveal=False)
    join(client, rd)
    html = client.get(f"/omgang/{rd.round_id}/skjutreglage").get_data(as_text=True)
    assert "Förra omgången" not in html


def test_per_phase_previous_round_shows_the_same_phase(app, client):
    from mcda.store import phases as sp

    rd = make_round(app, methods=("direct", "points"), state="draft")
    db = rd.db()
    try:
        p1 = sp.add_phase(db, rd.decision_id, "Etapp 1", 10, "2026–2028")
        p2 = sp.add_phase(db, rd.decision_id, "Etapp 2", 10, "2029–2031")
        sr.set_phase_weights(db, rd.round_id, True)
        sr.open_round(db, rd.round_id)
        for k, muni in enumerate(("Hjo", "Vara", "Tibro") * 4):  # 12 voters, 4 each
            part = store_parts.join_round(db, rd.round_id, f"pp-{rd.round_id}-{k}-xxxxxxxxxxxx",
                                 rd.municipalities[muni])
            for rev, (pid, first) in enumerate(((p1, 0.7), (p2, 0.1)), start=1):
                w = [first] + [(1 - first) / 3] * 3
                sv.record_vote(db, rd.round_id, part["id"], revision=rev, method="direct",
                               payload={"values": {str(c): x * 10 for c, x in
                                                   zip(rd.criteria, w, strict=True)}},
                               weights={str(c): x for c, x in zip(rd.criteria, w, strict=True)},
                               phase_id=pid)
        sr.close_round(db, rd.round_id)
        sr.set_revealed(db, rd.round_id, True)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
        rd2 = dataclasses.replace(rd, round_id=rid2, code=sr.get_round(db, rid2)["join_code"])
    finally:
        db.conn.close()
    join(client, rd2)
    for pid, label, region in ((p1, "Etapp 1 (2026–2028)", "70,0"), (p2, "Etapp 2", "10,0")):
        html = client.get(f"/omgang/{rid2}/skjutreglage?etapp={pid}").get_data(as_text=True)
        sec = _section(html)
        text = " ".join(" ".join(sec.text).split())
        assert f"Förra omgången – {label}" in text
        assert f"regionen {region}" in sec.svgs[0]["aria-label"]


def test_previous_round_pooled_into_one_group_says_why(app, client):
    """Issue 24: twelve lone delegates (k = 3) are all pooled: the reason is the pooling, not
    the number of voters, and the tablet says so."""
    names = ["Essunga", "Falköping", "Grästorp", "Gullspång", "Götene", "Hjo", "Karlsborg",
             "Lidköping", "Mariestad", "Skara", "Tibro", "Vara"]
    rd2 = _first_round(app, client, own=False, others=[(n, [4, 3, 2, 1]) for n in names])
    join(client, rd2)
    html = client.get(f"/omgang/{rd2.round_id}/skjutreglage").get_data(as_text=True)
    text = " ".join(" ".join(_section(html).text).split())
    assert "färre än två kommuner hade minst 3 deltagare var" in text
    assert "visas bara när minst" not in text
