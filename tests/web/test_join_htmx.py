"""Joining over htmx (issue 18): a success answers with HX-Redirect (the browser then loads the
whole round page) instead of a 303 the XHR would follow and swap as a fragment; without
JavaScript it is still a 303. Errors come back as the join page, so the swap shows them."""

from __future__ import annotations

from mcda.web.kit import outcome_pass
from tests.helpers import csrf_from, parse_html

from .participate_helpers import make_round


def _municipality_step(client, rd):
    page = client.get(f"/delta?kod={rd.code}")
    return csrf_from(page.get_data(as_text=True))


def test_htmx_join_answers_with_hx_redirect(app, client):
    rd = make_round(app)
    token = _municipality_step(client, rd)
    resp = client.post(
        "/delta", headers={"HX-Request": "true"},
        data={"csrf_token": token, "kod": rd.code, "kommun": str(rd.municipalities["Hjo"])},
    )
    assert resp.status_code == 200
    assert resp.headers["HX-Redirect"] == f"/omgang/{rd.round_id}/"
    assert "HX-Request" in resp.headers["Vary"]
    assert client.get(f"/omgang/{rd.round_id}/").status_code == 200  # joined


def test_plain_join_still_redirects_with_303(app, client):
    rd = make_round(app)
    token = _municipality_step(client, rd)
    resp = client.post(
        "/delta",
        data={"csrf_token": token, "kod": rd.code, "kommun": str(rd.municipalities["Hjo"])},
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/omgang/{rd.round_id}/")
    assert "HX-Redirect" not in resp.headers


def test_htmx_join_error_is_the_join_page_with_focus_on_the_summary(app, client):
    rd = make_round(app)
    token = _municipality_step(client, rd)
    resp = client.post(
        "/delta", headers={"HX-Request": "true"},
        data={"csrf_token": token, "kod": rd.code, "kommun": "999"},
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    doc = parse_html(html)
    assert doc.find(id="main") is not None and doc.find(id="request-alert") is not None
    summary = doc.find(id="error-summary")
    assert summary.get("tabindex") == "-1" and "data-focus-after-swap" in summary.attrs
    assert doc.find(hx_select="#main") is not None


def _main_of(html: str) -> str:
    start = html.index('<main id="main"')
    return html[start:html.index("</main>", start) + len("</main>")]


def test_htmx_code_step_answers_with_the_pages_main_only(app, client):
    """The code step over htmx renders only what the form swaps (#main) and the title, and
    that <main> is the one the full page has (issue 25, second pass)."""
    rd = make_round(app)
    token = csrf_from(client.get("/delta").get_data(as_text=True))
    for data, status in (({"kod": rd.code}, 200), ({"kod": "ZZZZ ZZZZ"}, 404),
                         ({"kod": rd.code, "kommun": "999"}, 422)):
        data = {"csrf_token": token, **data}
        full = client.post("/delta", data=data)
        swap = client.post("/delta", data=data, headers={"HX-Request": "true"})
        assert full.status_code == swap.status_code == status
        assert "HX-Request" in swap.headers["Vary"]
        html = swap.get_data(as_text=True)
        assert html.lstrip().startswith("<title>Delta – Vägval</title>")
        assert "<header" not in html and "<footer" not in html and "<head>" not in html
        assert _main_of(html) == _main_of(full.get_data(as_text=True))
        assert html.rstrip().endswith("</main>")


def test_round_page_after_joining_writes_no_cookie(app, client):
    """The code step grants the outcome pass with its own session write, so a tablet's round
    page answers without re-signing the session cookie (issue 25, second pass); the pass is
    there, as before, once the tablet has joined."""
    rd = make_round(app)
    token = _municipality_step(client, rd)
    resp = client.post("/delta", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "kod": rd.code, "kommun": str(rd.municipalities["Hjo"])})
    assert resp.headers["HX-Redirect"] == f"/omgang/{rd.round_id}/"
    page = client.get(f"/omgang/{rd.round_id}/")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    with client.session_transaction() as sess:
        assert outcome_pass.granted(sess, rd.round_id)
