""""Varför?" (issue 14 item 1) on the server: a reason saved with the vote, the hint not to
write names, the facilitator hiding one (CSRF POST, audited), and only shown reasons, without
labels, beside the previous round's distribution. HTML checked with a parser."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import openpyxl
import pytest

from mcda.store import participants as store_parts
from mcda.store import reasons
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import csrf_from, login, make_user, parse_html

from .participate_helpers import join, make_round, vote_page

pytestmark = pytest.mark.usefixtures("app")

OTHERS = [("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 1]), ("Tibro", [2, 2, 4, 2])] * 3


class _Reasons(HTMLParser):
    """The textarea, its hint and the reason list items (text per ``<blockquote>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.textarea: dict | None = None
        self.textarea_text = ""
        self.hint = ""
        self.quotes: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "textarea" and a.get("name") == "varfor":
            self.textarea, self._in = a, "textarea"
        elif a.get("id") == "varfor-hint":
            self._in = "hint"
        elif tag == "blockquote":
            self._in = "quote"
            self.quotes.append("")

    def handle_endtag(self, tag):
        if tag in ("textarea", "span", "blockquote"):
            self._in = None

    def handle_data(self, data):
        if self._in == "textarea":
            self.textarea_text += data
        elif self._in == "hint":
            self.hint += data
        elif self._in == "quote":
            self.quotes[-1] += data


def _parse(html: str) -> _Reasons:
    p = _Reasons()
    p.feed(html)
    return p


def _post_direct(client, rd, values, reason):
    _html, token, rev = vote_page(client, rd, "skjutreglage")
    data = {"csrf_token": token, "revision": str(rev), "varfor": reason}
    data.update({f"v-{c}": v for c, v in zip(rd.criteria, values, strict=True)})
    return client.post(f"/omgang/{rd.round_id}/skjutreglage", data=data)


@pytest.fixture
def facilitator_client(app):
    c = app.test_client()
    make_user(app, "pl-varfor@example.se", role="admin")
    assert login(c, "pl-varfor@example.se").status_code in (302, 303)
    return c


def test_reason_saved_with_vote_and_shown_again(app, client):
    rd = make_round(app)
    join(client, rd)
    html, _t, _r = vote_page(client, rd, "skjutreglage")
    form = _parse(html)
    assert form.textarea is not None and form.textarea["maxlength"] == "500"
    assert form.textarea["aria-describedby"] == "varfor-hint"
    assert "Skriv inga namn" in form.hint
    resp = _post_direct(client, rd, ["8", "2", "5", "5"], "Barnen <b>först</b>")
    assert resp.status_code == 303
    again = _parse(vote_page(client, rd, "skjutreglage")[0])
    assert again.textarea_text == "Barnen <b>först</b>"  # escaped in the HTML, parsed back
    db = rd.db()
    try:
        (part,) = db.execute("SELECT id FROM participants").fetchall()
        assert sv.latest_vote(db, part[0])["reason"] == "Barnen <b>först</b>"
    finally:
        db.conn.close()


def test_too_long_reason_is_refused_and_kept(app, client):
    rd = make_round(app)
    join(client, rd)
    resp = _post_direct(client, rd, ["8", "2", "5", "5"], "å" * 501)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "högst 500 tecken" in html
    assert _parse(html).textarea_text == "å" * 501
    db = rd.db()
    try:
        assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 0
    finally:
        db.conn.close()


def test_facilitator_hides_a_reason_and_next_round_shows_only_the_rest(
        app, client, facilitator_client):
    rd = make_round(app, methods=("direct", "points"))
    db = rd.db()
    try:
        for k, (muni, values) in enumerate(OTHERS):
            part = store_parts.join_round(db, rd.round_id, f"varfor-{k}-xxxxxxxxxxxxxxxx",
                                 rd.municipalities[muni])
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)},
                reason={0: "Räckvidden väger tyngst", 1: "Anna på kontoret tycker så"}.get(k),
            )
    finally:
        db.conn.close()
    join(client, rd, "Skara")
    assert _post_direct(client, rd, ["5", "0", "0", "5"], "Kostnaden avgör").status_code == 303

    page = facilitator_client.get(f"/processledare/omgang/{rd.round_id}").get_data(as_text=True)
    assert _parse(page).quotes == ["Räckvidden väger tyngst", "Anna på kontoret tycker så",
                                   "Kostnaden avgör"]
    db = rd.db()
    try:
        named = db.execute("SELECT vote_id FROM vote_reasons WHERE text LIKE 'Anna%'").fetchone()[0]
    finally:
        db.conn.close()
    url = f"/processledare/omgang/{rd.round_id}/motivering/{named}"
    assert facilitator_client.post(url, data={"dold": "1"}).status_code == 400  # no CSRF token
    assert facilitator_client.get(url).status_code == 405
    resp = facilitator_client.post(url, data={"dold": "1", "csrf_token": csrf_from(page)})
    assert resp.status_code == 303
    db = rd.db()
    try:
        assert db.execute("SELECT hidden FROM vote_reasons WHERE vote_id = ?",
                          [named]).fetchone()[0] == 1
        audit = db.execute("SELECT action, detail FROM audit_log WHERE action LIKE "
                           "'round.reason%'").fetchall()
        assert [(a[0], json.loads(a[1])) for a in audit] == [
            ("round.reason_hide", {"vote_id": named})]
        sr.close_round(db, rd.round_id)
        sr.set_revealed(db, rd.round_id, True)
        rid2 = sr.next_round(db, rd.round_id)
        sr.open_round(db, rid2)
        code2 = sr.get_round(db, rid2)["join_code"]
    finally:
        db.conn.close()
    page = facilitator_client.get(f"/processledare/omgang/{rd.round_id}").get_data(as_text=True)
    assert "Dold" in page

    import dataclasses
    rd2 = dataclasses.replace(rd, round_id=rid2, code=code2)
    join(client, rd2, "Skara")
    html, _t, _r = vote_page(client, rd2, "skjutreglage")
    section = parse_html(html).find("section", class_="previous-round")
    quotes = [q.text() for q in section.find_all("blockquote")]
    assert quotes == ["Kostnaden avgör", "Räckvidden väger tyngst"]  # alphabetical, no Anna
    for label in ("Hjo", "Vara", "Tibro", "Skara"):
        assert label not in section.text()


def _round_with_reasons(app, hide_named=True):
    """A closed round, nine voters in three municipalities; two reasons, one naming someone
    (hidden when ``hide_named``)."""
    rd = make_round(app, methods=("direct", "points"))
    db = rd.db()
    try:
        for k, (muni, values) in enumerate(OTHERS):
            part = store_parts.join_round(db, rd.round_id, f"rapport-{k}-xxxxxxxxxxxxxxxx",
                                 rd.municipalities[muni])
            total = sum(values)
            v = sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): x for c, x in zip(rd.criteria, values, strict=True)}},
                weights={str(c): x / total for c, x in zip(rd.criteria, values, strict=True)},
                reason={0: "Räckvidden väger tyngst", 1: "Anna på kontoret tycker så"}.get(k),
            )
            if k == 1 and hide_named:
                reasons.set_reason_hidden(db, rd.round_id, v["vote_id"], True)
        sr.close_round(db, rd.round_id)
    finally:
        db.conn.close()
    return rd


def test_report_and_exports_carry_shown_reasons_only_without_labels(app, facilitator_client):
    rd = _round_with_reasons(app)
    report = facilitator_client.get(f"/resultat/{rd.round_id}/rapport")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    section = parse_html(html).find(class_="report-reasons")
    assert [q.text() for q in section.find_all("blockquote")] == ["Räckvidden väger tyngst"]
    for label in ("Hjo", "Vara", "Tibro", "Anna"):
        assert label not in section.text()
    body = facilitator_client.get(f"/resultat/{rd.round_id}/export/motiveringar.csv")
    assert body.status_code == 200
    lines = body.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert lines == ["Motivering (utan kommun eller roll, i bokstavsordning)",
                     "Räckvidden väger tyngst"]
    wb = openpyxl.load_workbook(io.BytesIO(
        facilitator_client.get(f"/resultat/{rd.round_id}/export/arbetsbok.xlsx").data))
    ws = wb["Motiveringar"]
    assert [r[0] for r in ws.iter_rows(values_only=True)] == [
        "Motivering (utan kommun eller roll, i bokstavsordning)", "Räckvidden väger tyngst"]
    assert not any("Anna" in str(c) for s in wb for row in s.iter_rows(values_only=True)
                   for c in row)


def test_no_reasons_under_k(app, facilitator_client):
    rd = _round_with_reasons(app, hide_named=False)
    db = rd.db()
    try:
        db.execute("UPDATE rounds SET anonymity_k = 10 WHERE id = ?", [rd.round_id])
    finally:
        db.conn.close()
    html = facilitator_client.get(f"/resultat/{rd.round_id}/rapport").get_data(as_text=True)
    assert "report-reasons" not in html and "Räckvidden" not in html
    lines = facilitator_client.get(f"/resultat/{rd.round_id}/export/motiveringar.csv") \
        .get_data(as_text=True).strip().splitlines()
    assert not any("Räckvidden" in line for line in lines)


def test_reasons_deleted_with_votes_and_privacy_page_says_so(app, client, facilitator_client):
    app.config.update(DISPOSAL_DECISION_REF="SKKF 2026/45", DISPOSAL_DECISION_DATE="2026-03-01")
    rd = _round_with_reasons(app)
    page = facilitator_client.get(f"/resultat/{rd.round_id}/radera").get_data(as_text=True)
    done = facilitator_client.post(f"/resultat/{rd.round_id}/radera",
                                   data={"csrf_token": csrf_from(page), "confirm": "radera"})
    assert done.status_code == 303
    db = rd.db()
    try:
        assert db.execute("SELECT COUNT(*) FROM vote_reasons").fetchone()[0] == 0
        record = db.execute("SELECT record FROM round_records").fetchone()[0]
    finally:
        db.conn.close()
    assert "Räckvidden" not in record
    text = client.get("/personuppgifter").get_data(as_text=True)
    assert "motivering (Varför?, högst 500 tecken)" in text
    assert "Motiveringarna raderas tillsammans med viktningarna" in text
