"""Accessibility markup that axe cannot judge (issue 16), checked on the served HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from mcda.store import rounds as sr
from tests.helpers import parse_html

from .results_helpers import login_as, open_db, scenario


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append({"_tag": tag, **{k: v or "" for k, v in attrs}})


def _elements(html: str) -> list[dict[str, str]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def _revealed_round(app, client) -> int:
    uid = login_as(app, client)
    sc = scenario(app, uid)
    db = open_db(app)
    try:
        sr.close_round(db, sc["round_id"])
        sr.set_revealed(db, sc["round_id"], True)
    finally:
        db.conn.close()
    return sc["round_id"]


def test_projector_live_has_no_invisible_tab_stop(app, client):
    """The visually hidden data table on the projector is no Tab stop (it was a 1×1 px one)."""
    rid = _revealed_round(app, client)
    html = client.get(f"/resultat/{rid}/projektor/live?vy=vikter").get_data(as_text=True)
    assert "proj-weights" in html
    hidden_stops = [e for e in _elements(html)
                    if "visually-hidden" in e.get("class", "").split() and e.get("tabindex") == "0"]
    assert hidden_stops == []


def test_every_scrolling_table_is_a_named_region(app, client):
    rid = _revealed_round(app, client)
    for path in (f"/resultat/{rid}", f"/resultat/{rid}/rapport", f"/resultat/{rid}/projektor/live"):
        for e in _elements(client.get(path).get_data(as_text=True)):
            if "table-wrap" in e.get("class", "").split() and e.get("tabindex") == "0":
                assert e.get("role") == "region", (path, e)
                assert e.get("aria-label") or e.get("aria-labelledby"), (path, e)


def _swedish_spans(html: bytes) -> set[str]:
    """The texts of the ``<span lang="sv">`` marks on a page."""
    return {s.text() for s in parse_html(html).find_all("span", lang="sv")}


def test_user_content_is_marked_swedish_on_english_pages(app, client):
    """WCAG 3.1.2: decision titles, criteria, alternatives and rounds are Swedish text; on an
    English page they carry lang="sv", on a Swedish page nothing changes."""
    rid = _revealed_round(app, client)
    en = _swedish_spans(client.get(f"/resultat/{rid}?lang=en").data)
    assert "Tillgänglighet" in en  # a criterion
    assert "Konsthall i Skövde" in en  # an alternative
    assert "Tillgänglighet" in _swedish_spans(
        client.get(f"/resultat/{rid}/projektor/live?vy=konflikter").data)
    assert _swedish_spans(client.get(f"/resultat/{rid}?lang=sv").data) == set()


def test_mark_swedish_escapes_and_keeps_empty_values(app):
    from mcda.web.kit.i18n import mark_swedish

    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        from flask_babel import refresh

        refresh()
        assert str(mark_swedish("<b>Å</b>")) == '<span lang="sv">&lt;b&gt;Å&lt;/b&gt;</span>'
        assert mark_swedish("") == "" and mark_swedish(None) is None


# --- advisory items (issue 16, item 8) -------------------------------------------------------

def _title(html: str) -> str:
    return parse_html(html).find("title").text()


def test_errors_have_distinct_page_titles(app, client):
    login_as(app, client)
    titles = {
        404: _title(client.get("/finns-inte").get_data(as_text=True)),
        405: _title(client.get("/logga-ut").get_data(as_text=True)),
    }
    secretariat = app.test_client()
    login_as(app, secretariat, role="secretariat")
    titles[403] = _title(secretariat.get("/processledare/").get_data(as_text=True))
    assert titles == {404: "Sidan finns inte – Vägval", 405: "Metoden är inte tillåten – Vägval",
                      403: "Ingen behörighet – Vägval"}


def _joined(app):
    from .participate_helpers import join, make_round

    rd = make_round(app)
    participant = app.test_client()
    assert join(participant, rd).status_code == 303
    return rd, participant


def test_vote_pages_are_titled_by_round_and_state(app):
    from .participate_helpers import vote_page

    rd, participant = _joined(app)
    html, _token, _rev = vote_page(participant, rd, "skjutreglage")
    assert _title(html) == "Skjutreglage – Omgång 1 – Kulturell infrastruktur 2026–2035 – Vägval"
    home = participant.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert _title(home).startswith("Omgång 1 – ")
    bad = participant.post(f"/omgang/{rd.round_id}/poang", data={
        "csrf_token": _token, "revision": "1", **{f"v-{c}": "90" for c in rd.criteria}})
    assert _title(bad.get_data(as_text=True)).startswith("Fel: 100 poäng – Omgång 1")


def test_slider_has_value_text_and_english_decimals(app):
    from .participate_helpers import vote_page

    rd, participant = _joined(app)
    html, token, rev = vote_page(participant, rd, "skjutreglage")
    assert 'data-valuetext="{v} av 10, {pct}"' in html
    data = {"csrf_token": token, "revision": str(rev), "adjust": f"{rd.criteria[0]}:-1",
            **{f"v-{c}": "5" for c in rd.criteria}}
    url = f"/omgang/{rd.round_id}/skjutreglage/forhandsvisning"
    html = participant.post(url, data=data).get_data(as_text=True)
    n = len(rd.criteria)
    pct_sv = f"{4 / (4 + 5 * (n - 1)) * 100:.1f}".replace(".", ",")
    assert f'aria-valuetext="4 av 10, {pct_sv}\u00a0%"' in html
    participant.get("/?lang=en")
    html = participant.post(url, data=data).get_data(as_text=True)
    assert f'aria-valuetext="4 of 10, {pct_sv.replace(",", ".")}\u00a0%"' in html
    assert f'{pct_sv}\u00a0%' not in html  # no decimal comma on the English page


def test_ranking_move_announces_the_new_place(app):
    from werkzeug.datastructures import MultiDict

    from .participate_helpers import vote_page

    rd, participant = _joined(app)
    _html, token, rev = vote_page(participant, rd, "rangordning")
    c = rd.criteria
    data = [("csrf_token", token), ("revision", str(rev)), ("move", f"up:{c[-1]}")]
    data += [("order", str(x)) for x in c]
    html = participant.post(f"/omgang/{rd.round_id}/rangordning/forhandsvisning",
                            data=MultiDict(data)).get_data(as_text=True)
    status = parse_html(html).find(id="vote-status").text()
    assert f"är nu på plats {len(c) - 1} av {len(c)}. Inget är sparat än." in status
