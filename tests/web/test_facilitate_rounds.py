"""Rounds: create with methods, open/close/reopen, reveal/hide, next round, join code + QR."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

from mcda.store import rounds as store_rounds
from tests.helpers import parse_html

from .test_facilitate import (
    _db,
    decision_fixture,  # noqa: F401 - the "decision" fixture
    post,
)

CODE_RE = re.compile(r"([A-Z2-9]{4} [A-Z2-9]{4})")


def _round(app, rid):
    db = _db(app)
    try:
        return store_rounds.get_round(db, rid)
    finally:
        db.conn.close()


def _create(client, did, methods=("direct", "points"), title="Workshop i Skövde"):
    resp = post(
        client, f"/processledare/{did}/omgangar/ny", {"title": title, "methods": list(methods)}
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[-2000:]
    return int(resp.headers["Location"].rsplit("/", 1)[1])


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict] = []
        self.styles = 0
        self.titles = 0
        self._in_svg = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.styles += 1
        if tag == "svg":
            self.svgs.append(a)
            self._in_svg = True
        if tag == "title" and self._in_svg:
            self.titles += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg = False


def test_create_round_form_defaults_all_methods(client, decision):
    html = client.get(f"/processledare/{decision['id']}/omgangar/ny").get_data(as_text=True)
    for label in ["Skjutreglage", "100 poäng", "Rangordning", "Parvisa jämförelser"]:
        assert label in html
    assert html.count('type="checkbox"') == 4 and html.count("checked") == 5  # + the kind


def test_create_round_needs_a_method(client, decision, app):
    resp = post(client, f"/processledare/{decision['id']}/omgangar/ny", {"title": "x"})
    assert resp.status_code == 422
    assert "Tillåtna sätt att vikta: välj minst ett sätt." in resp.get_data(as_text=True)
    resp = post(client, f"/processledare/{decision['id']}/omgangar/ny", {"methods": ["telepati"]})
    assert resp.status_code == 422
    db = _db(app)
    assert store_rounds.list_rounds(db, decision["id"]) == []
    db.conn.close()


def test_round_lifecycle_with_code_url_and_qr(client, decision, app):
    rid = _create(client, decision["id"])
    rnd = _round(app, rid)
    assert rnd["state"] == "draft" and rnd["methods"] == ["direct", "points"]
    page = client.get(f"/processledare/omgang/{rid}").get_data(as_text=True)
    code = re.fullmatch(CODE_RE, parse_html(page).find(class_="join-code").text()).group(1)
    assert code == rnd["join_code_display"]
    assert not set(code) & set("0O1lI")
    assert f"http://localhost/delta?kod={rnd['join_code']}" in page
    parser = _Svg()
    parser.feed(page)
    assert parser.styles == 0  # CSP: no style attributes
    (svg,) = parser.svgs
    assert svg["role"] == "img" and "QR-kod" in svg["aria-label"]
    assert int(svg["width"]) >= 300 and svg["width"] == svg["height"]
    assert parser.titles == 1
    assert "Omgången är inte öppen" in page
    listing = client.get(f"/processledare/{decision['id']}").get_data(as_text=True)
    assert "Omgång 1: Workshop i Skövde</a>" in listing and "Utkast" in listing

    base = f"/processledare/omgang/{rid}"
    assert post(client, base + "/oppna", {"anda": "1"}).status_code == 303  # 3 scores missing
    assert _round(app, rid)["state"] == "open"
    page = htmllib.unescape(client.get(base).get_data(as_text=True))
    assert "Omgången är öppen" in page  # flash
    assert "Stäng omgången" in page
    assert post(client, base + "/stang").status_code == 303
    assert _round(app, rid)["state"] == "closed"
    assert post(client, base + "/visa-resultat").status_code == 303
    assert _round(app, rid)["results_revealed"] is True
    assert post(client, base + "/oppna", {"anda": "1"}).status_code == 303  # reopen
    # reopening withdraws the participants' view (issue 24, A2)
    assert _round(app, rid)["state"] == "open" and _round(app, rid)["results_revealed"] is False
    assert post(client, base + "/visa-resultat").status_code == 303  # refused while open
    assert _round(app, rid)["results_revealed"] is False
    assert post(client, base + "/dolj-resultat").status_code == 303
    assert _round(app, rid)["results_revealed"] is False
    assert post(client, base + "/stang").status_code == 303
    code = _round(app, rid)["join_code"]
    resp = post(client, base + "/nasta")
    new_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    new = _round(app, new_id)
    # one step: the next round is open, under the code (and QR) the room already has
    assert new["number"] == 2 and new["state"] == "open" and new["methods"] == ["direct", "points"]
    assert new["join_code"] == code and _round(app, rid)["join_code"] != code
    assert _round(app, rid)["state"] == "closed"
    db = _db(app)
    acts = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action LIKE 'round.%'")]
    db.conn.close()
    assert acts == [
        "round.create",
        "round.open",
        "round.close",
        "round.reveal",
        "round.open",
        "round.hide",  # (the refused reveal while open leaves no audit entry)
        "round.close",
        "round.next",
    ]


def test_invalid_transition_shows_swedish_message(client, decision, app):
    rid = _create(client, decision["id"])
    resp = post(client, f"/processledare/omgang/{rid}/stang", follow_redirects=True)
    assert "Bara en öppen omgång kan stängas." in resp.get_data(as_text=True)
    assert _round(app, rid)["state"] == "draft"


def test_open_needs_two_criteria(client, app, facilitator):
    db = _db(app)
    from mcda.store import decisions as store

    did = store.create_decision(db, facilitator["id"], "Tom")
    db.conn.close()
    rid = _create(client, did)
    resp = post(client, f"/processledare/omgang/{rid}/oppna", follow_redirects=True)
    assert "minst två kriterier" in resp.get_data(as_text=True)
    assert _round(app, rid)["state"] == "draft"


def test_change_methods(client, decision, app):
    rid = _create(client, decision["id"])
    resp = post(
        client,
        f"/processledare/omgang/{rid}/metoder",
        {"methods": ["ranking", "pairwise"], "title": "Ny rubrik"},
    )
    assert resp.status_code == 303
    rnd = _round(app, rid)
    assert rnd["methods"] == ["ranking", "pairwise"] and rnd["title"] == "Ny rubrik"
    resp = post(client, f"/processledare/omgang/{rid}/metoder", {"title": "x"})
    assert resp.status_code == 422
    assert "välj minst ett sätt" in resp.get_data(as_text=True)
    assert _round(app, rid)["methods"] == ["ranking", "pairwise"]


def test_projector_button_opens_the_one_projector_page(client, decision, app):
    """"Visa för projektor" leads to the results projector (code, QR, live count, then the
    results); the old join-only address forwards there."""
    rid = _create(client, decision["id"])
    doc = parse_html(client.get(f"/processledare/omgang/{rid}").get_data(as_text=True))
    link = next(a for a in doc.find_all("a") if a.text().strip() == "Visa för projektor")
    assert link.get("href") == f"/resultat/{rid}/projektor"
    resp = client.get(f"/processledare/omgang/{rid}/projektor")
    assert resp.status_code == 301 and resp.headers["Location"] == f"/resultat/{rid}/projektor"


def test_round_of_foreign_decision_is_404(app, client, decision):
    from tests.helpers import login, make_user

    rid = _create(client, decision["id"])
    other = app.test_client()
    make_user(app, "annan@example.se")
    login(other, "annan@example.se")
    assert other.get(f"/processledare/omgang/{rid}").status_code == 404
    assert other.get(f"/processledare/omgang/{rid}/projektor").status_code == 404
    assert post(other, f"/processledare/omgang/{rid}/oppna").status_code == 404
    assert _round(app, rid)["state"] == "draft"


def test_round_heading_names_the_round_once(client, decision, app):
    """A title that already says "Omgång 1 …" is not prefixed again (was "Omgång 1: Omgång 1 –
    prova att vikta"); another title keeps the number in front."""
    rid = _create(client, decision["id"], title="Omgång 1 – prova att vikta")
    h1 = parse_html(client.get(f"/processledare/omgang/{rid}").get_data(as_text=True)).find("h1")
    assert h1.text().startswith("Omgång 1 – prova att vikta") and h1.text().count("Omgång") == 1
    rid2 = _create(client, decision["id"], title="Workshop i Skövde")
    h1 = parse_html(client.get(f"/processledare/omgang/{rid2}").get_data(as_text=True)).find("h1")
    assert h1.text().startswith("Omgång 2: Workshop i Skövde")
