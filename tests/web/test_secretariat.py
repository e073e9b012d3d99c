"""Secretariat comparison view: read-only, sortable, k-suppressed, movement between rounds."""

from __future__ import annotations

import re

from mcda.store import analysis_cache
from mcda.store import rounds as sr
from tests.helpers import parse_html

from .results_helpers import add_vote, login_as, open_db, scenario


def _compared_table(html: str):
    """The table captioned "Kommunerna jämförda med regionen"."""
    caption = next(c for c in parse_html(html).find_all("caption")
                   if c.text().startswith("Kommunerna jämförda med regionen"))
    return caption.closest("table")


def test_secretariat_compares_municipalities(app, client):
    analysis_cache.clear()
    sc = scenario(app, None, {"Skövde": 4, "Lidköping": 3, "Hjo": 3, "Vara": 4, "Tibro": 1})
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
        r2 = sr.next_round(db, sc["round_id"])
        sr.open_round(db, r2)
        for muni in ["Skövde"] * 3 + ["Vara"] * 3:
            add_vote(db, r2, sc["criteria"], muni, [0.25, 0.3, 0.25, 0.2])
    finally:
        db.conn.close()
    login_as(app, client, "secretariat")
    base = f"/kansliet/?beslut={sc['decision_id']}&omgang={r2}&jamfor={sc['round_id']}"
    html = client.get(base).get_data(as_text=True)
    assert "Kommunernas vikter per kriterium" in html
    assert "Avstånd till regionens vikter" in html
    assert "Varje kommuns egen rangordning" in html
    assert "Rörelse mellan omgång 1 och 2" in html
    assert 'role="img"' in html
    html = client.get(base.replace(f"omgang={r2}", f"omgang={sc['round_id']}")
                      + "&sort=kommun&dir=asc").get_data(as_text=True)
    table = _compared_table(html)
    names = [th.text() for th in table.find_all("th", scope="row")]
    assert names == sorted(names, key=lambda s: s.replace("ö", "{")) and "Tibro" not in names
    assert names[-1] == "Övriga kommuner"  # Tibro (1) and the smallest other, pooled
    assert 'aria-sort="ascending"' in html
    html = client.get(base.replace(f"omgang={r2}", f"omgang={sc['round_id']}")
                      + "&sort=avstand&dir=desc").get_data(as_text=True)
    table = _compared_table(html)
    dist = [float(tds[1].text().replace(",", ".")) for tds in
            (tr.find_all("td", class_="num") for tr in table.find_all("tr"))
            if len(tds) >= 2 and re.fullmatch(r"[0-9,]+", tds[1].text())]
    assert dist == sorted(dist, reverse=True) and len(dist) == 4  # 3 shown + the pool


def test_secretariat_picker_and_404(app, client):
    login_as(app, client, "secretariat")
    assert client.get("/kansliet/").status_code == 200
    assert client.get("/kansliet/?beslut=999").status_code == 404


def test_facilitator_not_allowed_on_secretariat(app, client):
    login_as(app, client, "facilitator")
    assert client.get("/kansliet/").status_code == 403


def test_secretariat_opens_on_the_latest_round_with_votes(app, client):
    """Without ``?beslut=`` the page shows the newest round that has votes (issue 23), not
    only the picker; a newer round without votes is passed over, and the picker stays."""
    analysis_cache.clear()
    old = scenario(app, None, {"Skövde": 4, "Vara": 4})
    sc = scenario(app, None, {"Skövde": 4, "Lidköping": 3, "Hjo": 3, "Vara": 4})
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
        empty = sr.next_round(db, sc["round_id"])  # newer, but nobody has voted in it
    finally:
        db.conn.close()
    login_as(app, client, "secretariat")
    html = client.get("/kansliet/").get_data(as_text=True)
    doc = parse_html(html)
    assert "Välj en beslutsfråga och en omgång." not in doc.text()
    decision = doc.find("select", id="sel-decision").find("option", selected=True)
    assert decision.get("value") == str(sc["decision_id"]) != str(old["decision_id"])
    rnd = doc.find("select", id="sel-round").find("option", selected=True)
    assert rnd.get("value") == str(sc["round_id"]) != str(empty)
    assert _compared_table(html) is not None
