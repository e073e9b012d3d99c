"""Accessibility markup that axe cannot judge (issue 16), checked on the served HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from mcda.store import rounds as sr

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


def test_user_content_is_marked_swedish_on_english_pages(app, client):
    """WCAG 3.1.2: decision titles, criteria, alternatives and rounds are Swedish text; on an
    English page they carry lang="sv", on a Swedish page nothing changes."""
    rid = _revealed_round(app, client)
    en = client.get(f"/resultat/{rid}?lang=en").get_data(as_text=True)
    assert '<span lang="sv">Tillgänglighet</span>' in en  # a criterion
    assert '<span lang="sv">Konsthall i Skövde</span>' in en  # an alternative
    live = client.get(f"/resultat/{rid}/projektor/live?vy=konflikter").get_data(as_text=True)
    assert '<span lang="sv">Tillgänglighet</span>' in live
    sv = client.get(f"/resultat/{rid}?lang=sv").get_data(as_text=True)
    assert 'lang="sv">Tillgänglighet' not in sv and "<span lang=\"sv\">" not in sv


def test_mark_swedish_escapes_and_keeps_empty_values(app):
    from mcda.web.i18n import mark_swedish

    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        from flask_babel import refresh

        refresh()
        assert str(mark_swedish("<b>Å</b>")) == '<span lang="sv">&lt;b&gt;Å&lt;/b&gt;</span>'
        assert mark_swedish("") == "" and mark_swedish(None) is None
