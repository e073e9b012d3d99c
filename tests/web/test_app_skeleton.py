"""The application shell: Swedish by default, headers, error pages, secret key, access rules."""

from __future__ import annotations

import stat

import pytest

from mcda.web import create_app
from tests.helpers import parse_html


def _lang(html: str | bytes) -> str | None:
    root = parse_html(html).find("html")
    return root.get("lang") if root is not None else None


def test_swedish_is_served_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert _lang(html) == "sv"
    assert "Hoppa till innehållet" in html
    assert "Så hanterar vi personuppgifter" in html


def test_english_can_be_chosen_and_sticks(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert _lang(html) == "en"
    assert "Skip to content" in html
    assert _lang(client.get("/personuppgifter").data) == "en"
    assert _lang(client.get("/?lang=sv").data) == "sv"


def test_security_headers_on_every_page(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["Cache-Control"] == "no-store"


def test_static_files_are_cacheable(client):
    resp = client.get("/static/app.css")
    assert resp.status_code == 200
    assert resp.headers.get("Cache-Control") != "no-store"
    resp.close()


def test_404_is_swedish_with_request_id(client):
    resp = client.get("/finns-inte")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404
    assert "Sidan finns inte." in html
    assert "Fel-id" in html


def test_500_is_swedish_without_stack_trace(app):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("hemlig detalj i stackspåret")

    boom._access_rule = "public"
    resp = app.test_client().get("/_boom")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Ett oväntat fel inträffade" in html
    assert "hemlig detalj" not in html and "Traceback" not in html


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("VAGVAL_INSTANCE", str(tmp_path / "inst"))
    a1 = create_app({"DATABASE": str(tmp_path / "a.sqlite"), "TESTING": True})
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    a2 = create_app({"DATABASE": str(tmp_path / "a.sqlite"), "TESTING": True})
    assert a1.config["SECRET_KEY"] == a2.config["SECRET_KEY"] and len(a1.config["SECRET_KEY"]) >= 64


def test_csrf_missing_token_is_400(client):
    resp = client.post("/logga-ut")
    assert resp.status_code == 400


@pytest.mark.parametrize("path", ["/", "/personuppgifter", "/tillganglighet"])
def test_public_pages_link_privacy_and_accessibility(client, path):
    html = client.get(path).get_data(as_text=True)
    assert 'href="/personuppgifter"' in html and 'href="/tillganglighet"' in html


def test_every_route_has_an_explicit_access_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "_access_rule", None):
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert missing == [], f"routes without an access rule: {missing}"


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("VAGVAL_INSTANCE", str(tmp_path / "prod"))
    monkeypatch.setenv("VAGVAL_ENV", "production")
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"DATABASE": str(tmp_path / "p.sqlite"), "ENV_NAME": "production"})
    with pytest.raises(RuntimeError, match="shorter than 32"):
        create_app(
            {"DATABASE": str(tmp_path / "p.sqlite"), "ENV_NAME": "production", "SECRET_KEY": "x"}
        )


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("kort", False),
        ("password123", False),
        ("Lösenord123", False),
        ("sommar2026", False),
        ("aaaaaaaaaaaa", False),
        ("12345678901", False),
        ("korrekt häst batteri häftklammer", True),
        ("x" * 200 + "en lång fras", True),
    ],
)
def test_password_policy(password, ok):
    from mcda.store.password_policy import password_problem

    assert (password_problem(password) is None) is ok


@pytest.mark.parametrize("path", ["/resultat/{}", "/omgang/{}/", "/processledare/{}"])
def test_ids_beyond_sqlite_range_are_404(client, path):
    assert client.get(path.format(10**20)).status_code == 404


def test_error_pages_are_translated(client):
    client.get("/?lang=en")
    html = client.get("/finns-inte").get_data(as_text=True)
    assert "The page does not exist." in html


def test_health_endpoint_is_plain_and_sets_no_cookie(client):
    resp = client.get("/halsa")
    assert resp.status_code == 200 and resp.data == b"ok\n"
    assert resp.mimetype == "text/plain" and resp.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in resp.headers
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
