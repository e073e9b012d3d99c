"""Plain words on the participants' tablets (issue 23 item 3): no test statistic, method
acronym or box-plot term on any tablet page, and a participant whose pairwise answers do not
hang together is told which answers pull against each other, in words."""

from __future__ import annotations

import re

from tests.helpers import parse_html, visible_text

from .participate_helpers import join, make_round, vote_page
from .test_delphi import OTHER_VOTERS, _first_round

# The jargon list of issue 23 (I23.md): never in a main view, the tablet included.
JARGON = ("S*", "Kendall", "p =", "Jensen", "Fisher", "Benjamini", "SMAA", "Copeland",
          "silhuett", "MILP", "HiGHS", "kvartil", "percentil", "TOPSIS", "VIKOR", "PROMETHEE",
          "COPRAS", "SPOTIS", "WSM", "WPM")
JARGON_WORDS = ("KK",)  # as a word (not inside another word)

# A over B 9, B over C 9, C over A 9 (positions 0, 1, 2), the fourth equal to all.
CYCLE = {(0, 1): 9, (0, 2): 1 / 9, (0, 3): 1, (1, 2): 9, (1, 3): 1, (2, 3): 1}


def _pairs(rd, judgements):
    c, out = rd.criteria, {}
    for (i, j), a in judgements.items():
        key = f"{c[i]}-{c[j]}"
        if a == 1:
            out[f"pv-{key}"] = "lika"
        else:
            out[f"pv-{key}"] = "a" if a > 1 else "b"
            out[f"ps-{key}"] = str(round(a if a > 1 else 1 / a))
    return out


def _words(html: str) -> str:
    """What a reader (or a screen reader) gets: the visible text and every label."""
    root = parse_html(html)
    labels = [el.get("aria-label") or "" for el in root.find_all(True)]
    labels += [el.get("title") or "" for el in root.find_all(True)]
    return visible_text(root) + " " + " ".join(labels)


def _jargon(html: str) -> list[str]:
    text = _words(html)
    found = [t for t in JARGON if t.lower() in text.lower()]
    found += [w for w in JARGON_WORDS if re.search(rf"\b{w}\b", text)]
    return found


def test_no_jargon_on_any_tablet_page(app, client):
    """The join page, the hub with the previous round's spread, every vote form, the
    pairwise check and its prompt, the saved pairwise vote and the revealed results."""
    # twice the usual room: the pool (this device's Skövde with Hjo) has fewer than ten
    # voters and is left out of the spread, which still rests on twelve others (issue 24)
    rd2 = _first_round(app, client, others=OTHER_VOTERS * 2)
    pages = {"join": client.get(f"/delta?kod={rd2.code}").get_data(as_text=True)}
    join(client, rd2)
    pages["hub"] = client.get(f"/omgang/{rd2.round_id}/").get_data(as_text=True)
    for slug in ("skjutreglage", "poang"):
        pages[slug] = client.get(f"/omgang/{rd2.round_id}/{slug}").get_data(as_text=True)
    assert "De flesta i rummet ligger mellan" in visible_text(pages["hub"])

    rd = make_round(app)
    join(client, rd)
    for slug in ("rangordning", "parvis"):
        pages[slug], token, rev = vote_page(client, rd, slug)
    data = {"csrf_token": token, "revision": str(rev), **_pairs(rd, CYCLE)}
    pages["preview"] = client.post(f"/omgang/{rd.round_id}/parvis/forhandsvisning",
                                   data=data).get_data(as_text=True)
    prompt = client.post(f"/omgang/{rd.round_id}/parvis", data=data)
    assert prompt.status_code == 422
    pages["prompt"] = prompt.get_data(as_text=True)
    saved = client.post(f"/omgang/{rd.round_id}/parvis", data={**data, "kk-sedd": "1"},
                        headers={"HX-Request": "true"})
    pages["saved"] = saved.get_data(as_text=True)
    assert "Det här sparades" in visible_text(pages["saved"])
    assert {name: _jargon(html) for name, html in pages.items()} == {n: [] for n in pages}


def test_inconsistent_answers_are_named_in_words(app, client):
    rd = make_round(app)
    join(client, rd)
    _html, token, rev = vote_page(client, rd, "parvis")
    data = {"csrf_token": token, "revision": str(rev), **_pairs(rd, CYCLE)}
    page = client.post(f"/omgang/{rd.round_id}/parvis/forhandsvisning", data=data)
    pulls = parse_html(page.get_data(as_text=True)).find(id="pulls")
    assert pulls.text() == (
        "Du sa att Attraktivitet är extremt mycket viktigare än Barn och unga och Barn och "
        "unga är extremt mycket viktigare än Tillgänglighet, men Tillgänglighet är extremt "
        "mycket viktigare än Attraktivitet.")
    prompt = client.post(f"/omgang/{rd.round_id}/parvis", data=data).get_data(as_text=True)
    summary = visible_text(parse_html(prompt).find(id="error-summary"))
    assert "Dina svar hänger inte riktigt ihop. Du sa att Attraktivitet" in summary


def test_consistent_answers_say_so_without_a_ratio(app, client):
    rd = make_round(app)
    join(client, rd)
    _html, token, rev = vote_page(client, rd, "parvis")
    ok = {(0, 1): 2, (0, 2): 4, (0, 3): 4, (1, 2): 2, (1, 3): 2, (2, 3): 1}
    data = {"csrf_token": token, "revision": str(rev), **_pairs(rd, ok)}
    page = client.post(f"/omgang/{rd.round_id}/parvis/forhandsvisning", data=data)
    res = parse_html(page.get_data(as_text=True)).find(id="pairwise-result")
    assert "Dina svar hänger ihop bra." in visible_text(res)
    assert res.find(id="pulls") is None


def test_revealed_results_name_the_first_under_the_decisions_model(app, client):
    """The participants' revealed results say what comes first under the decision's model
    and how sure, from the cached analysis (the same verdict as the results page)."""
    from mcda.store import analysis_cache, connect
    from mcda.store import items as store_items

    rd2 = _first_round(app, client)
    db = connect(app.config["DATABASE"])
    try:
        alts = [store_items.add_alternative(db, rd2.decision_id, name)
                for name in ("Scen", "Museum")]
        for a, vals in zip(alts, ([5, 3, 2, 1], [2, 4, 3, 5]), strict=True):
            for c, v in zip(rd2.criteria, vals, strict=True):
                store_items.set_score(db, a, c, v)
        rid1 = rd2.round_id - 1
        ra = analysis_cache.get_analysis(db, rid1, None)  # the facilitator opened the results
    finally:
        db.conn.close()
    v = ra.model.verdict
    page = client.get(f"/omgang/{rid1}/").get_data(as_text=True)
    line = parse_html(page).find(id="verdict-line")
    first = {str(a): n for a, n in zip(alts, ("Scen", "Museum"), strict=True)}[v.first]
    assert line.text().startswith(
        f"Med beslutsfrågans modell (Viktad summa av värden (additiv värdemodell)) kommer "
        f"{first} först.")
    assert _jargon(page) == []
