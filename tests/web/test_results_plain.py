"""Issue 23 on the demo: the verdict comes first, the main views speak plain words (no test
statistic or method acronym above "Fördjupning" / the report's "Bilaga", none on the
projector), the title does not repeat the round's name, and a missing score is named where
the ranking would be."""

from __future__ import annotations

import re

import pytest

from mcda.store import analysis_cache
from mcda.store import items as store_items
from mcda.store import rounds as sr
from mcda.store.demo import load_demo
from mcda.web.results.projector import PROJECTOR_VIEWS
from tests.helpers import Element, parse_html

from .results_helpers import login_as, open_db

# issue 23 item 3: never in a main view
JARGON = ("S*", "Kendall", "p =", "Jensen", "Shannon", "Fisher", "Benjamini", "SMAA",
          "Copeland", "silhuett", "MILP", "HiGHS", "KK", "kvartil", "percentil", "TOPSIS",
          "VIKOR", "PROMETHEE", "COPRAS", "SPOTIS", "WSM", "WPM")
APPENDIX_IDS = {"fordjupning", "bilaga"}


def main_text(page: str) -> str:
    """The visible text of the page (script and style left out) up to the first element that
    opens the appendix (``#fordjupning``: the results page's Fördjupning, the report's
    Bilaga), read through the HTML parser."""
    parts: list[str] = []

    def walk(el: Element) -> bool:
        for ch in el.children:
            if isinstance(ch, str):
                parts.append(ch)
                continue
            if ch.tag in ("script", "style", "title"):
                continue
            if ch.get("id") in APPENDIX_IDS:
                return False
            if not walk(ch):
                return False
        return True

    walk(parse_html(page))
    return " ".join(" ".join(parts).split())


def jargon_in(text: str) -> list[str]:
    return [t for t in JARGON
            if re.search(r"(?<![\wåäöÅÄÖ])" + re.escape(t) + r"(?![\wåäöÅÄÖ])", text, re.I
                         if t.islower() else 0)]


@pytest.fixture()
def demo(app, client):
    analysis_cache.clear()
    uid = login_as(app, client, "facilitator")
    db = open_db(app)
    try:
        ids = load_demo(db, uid)
        rounds = {(d, r["state"]): r for d in ids for r in sr.list_rounds(db, d)}
    finally:
        db.conn.close()
    return {"uid": uid, "ids": ids, "closed": rounds[(ids[0], "closed")],
            "open": rounds.get((ids[0], "open"))}


def _main_views(client, rid: int) -> dict[str, str]:
    pages = {f"/resultat/{rid}": None, f"/resultat/{rid}/rapport": None,
             f"/resultat/{rid}/projektor/live": None}
    for key, _label in PROJECTOR_VIEWS:
        pages[f"/resultat/{rid}/projektor?vy={key}"] = None
    out = {}
    for path in pages:
        resp = client.get(path)
        assert resp.status_code == 200, path
        out[path] = resp.get_data(as_text=True)
    return out


def test_no_jargon_above_the_appendix_on_any_main_view(client, demo):
    for rid in (demo["closed"]["id"], demo["open"]["id"]):
        for path, page in _main_views(client, rid).items():
            text = main_text(page)
            assert "först" in text or "viktat" in text, path  # the parser saw the page
            assert jargon_in(text) == [], (path, jargon_in(text))


def test_the_appendix_keeps_the_statistics(client, demo):
    rid = demo["closed"]["id"]
    page = client.get(f"/resultat/{rid}").get_data(as_text=True)
    doc = parse_html(page)
    fd = doc.find("details", id="fordjupning")
    assert fd is not None and fd.get("open") is None  # collapsed on screen
    assert "Kendall" in fd.text() and "S*" in fd.text()
    report = parse_html(client.get(f"/resultat/{rid}/rapport").get_data(as_text=True))
    bilaga = report.find("section", id="fordjupning")
    assert bilaga is not None and bilaga.find("h2").text().startswith("Bilaga")


def test_the_verdict_leads_the_results_page_the_projector_and_the_report(client, demo):
    rid = demo["closed"]["id"]
    for path in (f"/resultat/{rid}", f"/resultat/{rid}/rapport",
                 f"/resultat/{rid}/projektor?vy=sammanfattning"):
        page = client.get(path).get_data(as_text=True)
        text = main_text(page)
        first = re.search(r"(\S[^.]*?) kommer först\.", text)
        assert first, path
        assert "av deltagarnas viktningar" in text, path
        assert re.search(r"Om .+ vägde [\d,]+ procentenheter (mer|mindre) skulle .+ komma först",
                         text), path
        assert re.search(r"\d+ av \d+ andra metoder sätter också", text), path
    doc = parse_html(client.get(f"/resultat/{rid}").get_data(as_text=True))
    h2 = [h.get("id") for h in doc.find_all("h2")]
    # top-down: verdict → weights → disagreement → plan → Fördjupning
    order = ["verdict-h", "weights-h", "conf-h", "plan-h", "fordjupning-h"]
    assert [h for h in h2 if h in order] == order


def test_place_and_share_never_contradict_without_a_sentence(client, demo):
    rid = demo["closed"]["id"]
    text = main_text(client.get(f"/resultat/{rid}/projektor?vy=rangordning")
                     .get_data(as_text=True))
    rows = re.findall(r"(\d+)\. (.+?) först med (\d+) %", text)
    shares = [int(s) for _p, _n, s in rows]
    if any(b > a for a, b in zip(shares, shares[1:], strict=False)):
        assert "men hamnar ändå efter" in text


def test_the_title_does_not_repeat_the_rounds_name(client, demo):
    rid = demo["closed"]["id"]
    h1 = parse_html(client.get(f"/resultat/{rid}").get_data(as_text=True)).find("h1").text()
    assert h1.lower().count("omgång 1") == 1, h1


def test_the_top_has_at_most_a_few_links(client, demo):
    doc = parse_html(client.get(f"/resultat/{demo['closed']['id']}").get_data(as_text=True))
    nav = doc.find("nav", class_="results-nav")
    assert nav is not None and len(nav.find_all("a")) <= 4


def test_a_missing_score_is_named_where_the_ranking_would_be(app, client, demo):
    did = demo["ids"][0]
    rid = demo["closed"]["id"]
    db = open_db(app)
    try:
        crit = store_items.list_criteria(db, did)[0]
        alt = store_items.list_alternatives(db, did)[0]
        db.execute("DELETE FROM scores WHERE alternative_id = ? AND criterion_id = ?",
                   [alt["id"], crit["id"]])
        db.conn.commit()
    finally:
        db.conn.close()
    analysis_cache.clear()
    notice = f"1 bedömning saknas: {alt['name']} × {crit['name']}"
    for path in (f"/resultat/{rid}", f"/resultat/{rid}/projektor?vy=rangordning"):
        page = client.get(path).get_data(as_text=True)
        text = main_text(page)
        assert notice in text, path
        assert "Rangordningen visas när den är ifylld." in text
    steps = parse_html(client.get(f"/resultat/{rid}/projektor").get_data(as_text=True))
    assert "Rangordning" in steps.find("nav", class_="proj-steps").text()
