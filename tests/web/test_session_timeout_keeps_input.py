"""WCAG 2.2.1 (issue 16): a facilitator whose session expired while typing loses nothing.
The posted form is kept on the login page and offered for sending again after logging in."""

from __future__ import annotations

from mcda.store import connect
from tests.helpers import csrf_from, login, make_user, parse_html

TITLE = "Kulturhus i Tidaholm <&> 2027"
DESCRIPTION = "Rad ett\nRad två med \"citat\" och å ä ö"


def _hidden(page: str, name: str) -> str:
    field = parse_html(page).find("input", name=name)
    assert field is not None and field.get("value") is not None, f"no hidden {name}"
    return str(field.get("value"))


def _titles(app) -> list[str]:
    db = connect(app.config["DATABASE"])
    try:
        return [r["title"] for r in db.execute("SELECT title FROM decisions")]
    finally:
        db.conn.close()


IDLE_S = 600


def test_form_posted_after_idle_timeout_survives_the_login(app, client, session_clock):
    app.config["FACILITATOR_IDLE_TIMEOUT_S"] = IDLE_S
    make_user(app, "pl@example.se")
    assert login(client, "pl@example.se").status_code == 303
    token = csrf_from(client.get("/processledare/ny").get_data(as_text=True))
    session_clock.advance(IDLE_S + 60)  # the facilitator types, and waits too long
    resp = client.post("/processledare/ny", data={"csrf_token": token, "title": TITLE,
                                                  "description": DESCRIPTION})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 401
    assert "Du loggades ut efter en stund utan aktivitet." in page
    assert "Det du skrev finns kvar" in page
    assert _titles(app) == []
    # log in again: the kept form travels along with the login form
    resp = client.post("/logga-in", data={
        "csrf_token": csrf_from(page), "email": "pl@example.se", "password": "fel lösenord",
        "kept": _hidden(page, "kept"), "kept_action": _hidden(page, "kept_action")})
    assert resp.status_code == 401  # a typo in the password keeps it too
    page = resp.get_data(as_text=True)
    resp = client.post("/logga-in", data={
        "csrf_token": csrf_from(page), "email": "pl@example.se",
        "password": "korrekt häst batteri",
        "kept": _hidden(page, "kept"), "kept_action": _hidden(page, "kept_action")})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Du är inloggad igen" in page
    assert 'action="/processledare/ny"' in page
    assert _hidden(page, "title") == TITLE and _hidden(page, "description") == DESCRIPTION
    data = {"csrf_token": csrf_from(page), "title": _hidden(page, "title"),
            "description": _hidden(page, "description")}
    resp = client.post("/processledare/ny", data=data)
    assert resp.status_code == 303
    assert _titles(app) == [TITLE]


def test_kept_form_only_goes_to_a_local_path(app, client):
    make_user(app, "pl@example.se")
    page = client.get("/logga-in").get_data(as_text=True)
    resp = client.post("/logga-in", data={
        "csrf_token": csrf_from(page), "email": "pl@example.se",
        "password": "korrekt häst batteri", "kept": '[["title", "x"]]',
        "kept_action": "https://evil.example/steal"})
    assert resp.status_code == 303  # an ordinary login; nothing offered


def test_htmx_request_after_timeout_reloads_the_page_to_the_login(app, client, session_clock):
    app.config["FACILITATOR_IDLE_TIMEOUT_S"] = IDLE_S
    make_user(app, "pl@example.se")
    login(client, "pl@example.se")
    token = csrf_from(client.get("/processledare/ny").get_data(as_text=True))
    session_clock.advance(IDLE_S + 60)
    resp = client.post("/processledare/1/bedomningar/1/1", data={"csrf_token": token},
                       headers={"HX-Request": "true",
                                "HX-Current-URL": "http://localhost/processledare/1"})
    assert resp.status_code == 401
    assert resp.headers["HX-Redirect"] == "/logga-in?next=/processledare/1"


def test_stay_logged_in_renews_the_idle_clock(app, client, session_clock):
    """The warning's button (POST /logga-in/forlang) makes the session active from now."""
    app.config["FACILITATOR_IDLE_TIMEOUT_S"] = IDLE_S
    make_user(app, "pl@example.se")
    login(client, "pl@example.se")
    page = client.get("/processledare/").get_data(as_text=True)
    warning = parse_html(page).find(id="session-warning")
    assert warning is not None and warning.get("data-idle-s") == str(IDLE_S)
    token = csrf_from(page)
    for _ in range(3):  # 3 × 0.6 of the timeout: longer in all, but renewed each time
        session_clock.advance(IDLE_S * 0.6)
        resp = client.post("/logga-in/forlang", data={"csrf_token": token},
                           headers={"X-Requested-With": "fetch"})
        assert resp.status_code == 204
    assert client.get("/processledare/").status_code == 200
    session_clock.advance(IDLE_S + 60)
    assert client.get("/processledare/").status_code == 302  # no renewal: logged out


def test_no_session_warning_for_participants_and_visitors(client):
    assert 'id="session-warning"' not in client.get("/delta").get_data(as_text=True)
