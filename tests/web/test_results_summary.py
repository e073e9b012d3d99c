"""Issue 12 §1–3 on the demo: the summary leads the results page and the report, every
statement links to a section that exists, headings say which question they answer, expert
terms are explained, and no results view shows core's Swedish labels in English."""

from __future__ import annotations

import html
import re

import pytest

from mcda.store import analysis_cache
from mcda.store import decisions as sd
from mcda.store import items as store_items
from mcda.store import rounds as sr
from mcda.store.demo import load_demo
from tests.helpers import Element, csrf_from, parse_html, visible_text

from .results_helpers import login_as, open_db

# core's Swedish labels (consensus.S_STAR_SCALE, conflicts._SILHOUETTE_STRENGTH) and the
# summary's own Swedish words: none may reach an English page
SWEDISH_ANALYSIS = re.compile(
    r"\b(mycket hög|hög|måttlig|mycket låg|låg|stark|rimlig|svag|ingen tydlig|Sammanfattning|"
    r"Så läser du|Vad betyder det|Målkonflikt|kompromissen|Grund:)\b"
)


@pytest.fixture()
def demo(app, client):
    analysis_cache.clear()
    uid = login_as(app, client, "facilitator")
    db = open_db(app)
    try:
        ids = load_demo(db, uid)
        closed = [r for r in sr.list_rounds(db, ids[0]) if r["state"] == "closed"][0]
        names = [d["title"] for d in sd.list_decisions(db)]
        for did in ids:
            names += [c["name"] for c in store_items.list_criteria(db, did)]
            names += [a["name"] for a in store_items.list_alternatives(db, did)]
        names += [m["name"] for m in db.execute("SELECT name FROM municipalities")]
        titles = [r["title"] for d in ids for r in sr.list_rounds(db, d) if r["title"]]
    finally:
        db.conn.close()
    return {"uid": uid, "ids": ids, "round": closed["id"], "names": names + titles}


def _text(page: str | Element, names: list[str]) -> str:
    """Visible text without user data (decision, criterion, alternative, municipality names,
    which are Swedish in any language) and without elements marked lang="sv"."""
    text = visible_text(page, drop_lang="sv", drop_root_lang=False)
    for n in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(n, " ")
    return " ".join(text.split())


def test_summary_leads_the_results_page_and_links_to_sections(client, demo):
    page = client.get(f"/resultat/{demo['round']}").get_data(as_text=True)
    # issue 23: the verdict leads the page; the full summary opens Fördjupning
    assert page.index('id="verdict-h"') < page.index('id="controls-h"')
    assert page.index('id="fordjupning-h"') < page.index('id="summary-h"') < page.index(
        'id="part-h"')
    assert page.count('id="summary-h"') == 1
    doc = parse_html(page)
    summary = doc.find("section", id="sec-summary")
    items = [m.group(1) for li in summary.find_all("li")
             if (m := re.fullmatch(r"summary-(\w+)", str(li.get("class"))))]
    assert 4 <= len(items) <= 8
    assert items[0] == "verdict" and items[-1] == "coverage"  # issue 23: the verdict first
    for a in summary.find_all(href=True):
        if (m := re.fullmatch(r"#([\w-]+)", str(a.get("href")))):
            assert doc.find(id=m.group(1)) is not None, m.group(1)
    # each statement carries its figure and the method it rests on
    assert len([el for el in summary.iter() if el.get("class") == "method-note"]) == len(items)
    assert re.search(r"\d+ %", _text(summary, [])), "figures as percentages"
    assert "procentenheter" in _text(summary, demo["names"])  # what would change it


def test_options_change_swaps_the_summary_with_the_body(client, demo):
    """An htmx options change replaces the body, which holds the verdict and the summary."""
    resp = client.get(f"/resultat/{demo['round']}?o=1&methods=topsis&methods=vikor",
                      headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert html.count('id="summary-h"') == 1 and html.count('id="verdict-h"') == 1
    assert "metoder: TOPSIS, VIKOR" in html  # the method note follows the new options


def test_one_verdict_the_ranking_smaa_and_sensitivity_name_the_same_winner(app, client, demo):
    """Issue 23: the verdict's first (the decision's model) leads the page, the ranking table
    in Fördjupning lists it first, and the sensitivity table is about it."""
    page = client.get(f"/resultat/{demo['round']}").get_data(as_text=True)
    ra = analysis_cache.get_analysis(open_db(app), demo["round"],
                                     _options(), fingerprint=None)
    v = ra.output["verdict"]
    top = next(a["name"] for a in ra.input["alternatives"] if a["id"] == v["first"])
    doc = parse_html(page)
    lead = doc.find("p", class_="verdict-lead").text()
    assert lead.startswith(f"{top} kommer först.")
    table = doc.find("section", id="sec-ranking").find("tbody")
    assert table.find("th").text() == top
    if ra.output["sensitivity"]:
        assert ra.output["sensitivity"]["top"] == v["first"]
        sens = page[page.index('id="sec-sensitivity"'):]
        assert html.escape(top) in sens[:3000] or top in sens[:3000]


def _options():
    from mcda.store import analysis_input

    return analysis_input.parse_options(None)


def test_headings_ask_their_question_and_terms_are_explained(client, demo):
    page = client.get(f"/resultat/{demo['round']}").get_data(as_text=True)
    doc = parse_html(page)
    h2 = [h.text() for h in doc.find_all("h2")
          if re.fullmatch(r"(?:part|weights|cons|conf|rank|smaa|sens|gw)-h", str(h.get("id")))]
    assert len(h2) == 8 and all(h.strip().endswith("?") for h in h2), h2
    explained = [d for d in doc.find_all("details") if d.get("class") == "explain"]
    assert len(explained) >= 12
    text = _text(page, demo["names"])
    for term in ("S*", "Kendalls W", "SMAA", "Rangacceptans", "TOPSIS", "VIKOR", "PROMETHEE II",
                 "WSM", "SPOTIS", "COPRAS", "r_w", "Silhuetten", "p-värdet", "Fisher z",
                 "Benjamini–Hochberg", "Jensen–Shannon", "Copeland"):
        pos = [m.start() for m in re.finditer(re.escape(term), text)]
        assert pos, term
    assert text.index("Så läser du resultaten") < text.index("Konsensus S* (Goepel)")


def _views(demo) -> list[str]:
    r, d, d2 = demo["round"], demo["ids"][0], demo["ids"][1]
    return [f"/resultat/{r}", f"/resultat/{r}/projektor", f"/resultat/{r}/projektor/live",
            f"/resultat/{r}/rapport", f"/resultat/beslut/{d}/konvergens",
            f"/kansliet/?beslut={d}&omgang={r}", f"/etapper/{d2}"]


def test_every_results_view_in_english_has_no_swedish_analysis_labels(app, client, demo):
    seen = 0
    for path in _views(demo):
        if path.startswith("/kansliet"):
            login_as(app, client, "secretariat")
        else:
            login_as(app, client, "admin")
        sep = "&" if "?" in path else "?"
        resp = client.get(f"{path}{sep}lang=en")
        assert resp.status_code == 200, path
        text = _text(resp.get_data(as_text=True), demo["names"])
        found = sorted(set(SWEDISH_ANALYSIS.findall(text)))
        assert not found, f"{path}: Swedish analysis labels on the English page: {found}"
        seen += 1
    assert seen == 7


def test_the_same_views_in_swedish_do_show_the_labels(app, client, demo):
    """The check above is real: the Swedish results page has the labels it looks for."""
    login_as(app, client, "admin")
    text = _text(client.get(f"/resultat/{demo['round']}?lang=sv").get_data(as_text=True),
                 demo["names"])
    assert {"Sammanfattning", "Så läser du", "Vad betyder det"} <= set(
        SWEDISH_ANALYSIS.findall(text))


def test_report_first_page_has_the_summary(client, demo):
    page = client.get(f"/resultat/{demo['round']}/rapport").get_data(as_text=True)
    ids = [el.get("id") for el in parse_html(page).find("main").iter() if el.get("id")]
    assert ids.index("summary-h") < ids.index("part-h")


def test_summary_names_no_municipality_under_k(app, client, demo):
    """With k raised above every municipality's count, the summary names none of them."""
    db = open_db(app)
    try:
        sr.set_anonymity_k(db, demo["round"], "7")
        munis = [m["name"] for m in db.execute("SELECT name FROM municipalities")]
    finally:
        db.conn.close()
    page = client.get(f"/resultat/{demo['round']}").get_data(as_text=True)
    summary = parse_html(page).find("section", id="sec-summary")
    alt_names = [n for n in demo["names"] if n not in munis]
    text = _text(summary, alt_names)
    named = [m for m in munis if re.search(rf"\b{re.escape(m)}\b", text)]
    assert not named, named
    assert "anonymitetsgränsen" in text


def test_rendered_sections_are_reused_only_for_the_same_analysis(app, client, demo):
    """The sections are rendered once per analysis: a second request reuses them; a new
    vote (new fingerprint, new analysis) or another language renders afresh."""
    from mcda.web.results import page as web_results

    url = f"/resultat/{demo['round']}"

    def page(u: str) -> str:
        # CSRF tokens carry a timestamp: two pages a second apart differ only there.
        body = client.get(u).get_data(as_text=True)
        return body.replace(csrf_from(body), "CSRF")

    first = page(url)
    n_entries = len(web_results._SECTIONS)
    assert page(url) == first
    assert len(web_results._SECTIONS) == n_entries  # a hit, nothing new rendered
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "How to read the results" in english
    client.get(url + "?lang=sv")
    db = open_db(app)
    try:
        sr.set_anonymity_k(db, demo["round"], "4")  # k is part of the fingerprint
    finally:
        db.conn.close()
    again = page(url)
    assert "k = 4" in again and again != first
