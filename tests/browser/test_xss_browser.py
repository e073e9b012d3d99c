"""Hostile names in Chromium: every page built from them (walked over the URL map as the
facilitator, the secretariat and a participant, including the closed round with results and
htmx swaps) shows them as text: no dialog opens, no request leaves for an injected URL, the
CSP reports no violation and no script error occurs. htmx is self-hosted and configured with
``allowEval: false`` and ``allowScriptTags: false``."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.security.world import (
    HOSTILE,
    build_path,
    build_world,
    client_as,
    routes,
    url_values,
)

from .conftest import DESKTOP, TABLET

PASSWORD = "korrekt häst batteri"
SKIP = {"auth.logout", "results.export", "static"}


def _watch(pg, base: str) -> list[str]:
    """Record requests to injected URLs or to any other origin."""
    bad: list[str] = []
    origin = urlsplit(base).netloc

    def on_request(req):
        parts = urlsplit(req.url)
        if parts.scheme in ("http", "https") and (
            parts.netloc != origin or "x-evil" in req.url or "x.invalid" in req.url
        ) or parts.scheme == "javascript":
            bad.append(req.url)

    pg.on("request", on_request)
    return bad


def _login(pg, base: str, email: str) -> None:
    pg.goto(base + "/logga-in")
    pg.fill("#email", email)
    pg.fill("#password", PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _clean(pg, where: str, bad_requests: list[str]) -> list[str]:
    out = []
    if pg.dialogs:
        out.append(f"{where}: dialog {pg.dialogs}")
    if bad_requests:
        out.append(f"{where}: requests {bad_requests}")
    if pg.csp_violations:
        out.append(f"{where}: CSP {pg.csp_violations}")
    if pg.page_errors:
        out.append(f"{where}: errors {pg.page_errors}")
    pg.dialogs.clear()
    bad_requests.clear()
    pg.csp_violations.clear()
    pg.page_errors.clear()
    return out


# Escaped fragments of HOSTILE: a page without any of them renders no hostile name, so it
# cannot execute one; only pages that do are loaded in Chromium (keeps the test fast).
ESCAPED = ("&lt;img src=x onerror", "&lt;script&gt;alert(2)", "hx-post=&#34;/x-evil",
           "&lt;svg onload", "&lt;iframe src=&#34;/x-evil", "javascript:alert(5)")


def _paths(app, world, rule_filter, client) -> list[str]:
    out = []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in SKIP or not rule_filter(rule):
            continue
        values = url_values(world, rule)
        candidates = [build_path(rule, values)]
        if "round_id" in rule.arguments and rule.endpoint.startswith("results."):
            # the closed, revealed round with votes shows the names in charts and tables
            candidates = [build_path(rule, dict(values, round_id=world.closed_round_id))]
        for path in candidates:
            resp = client.get(path)
            if resp.mimetype != "text/html":  # a download (GeoJSON, CSV): not a page to render
                continue
            html = resp.get_data(as_text=True)
            if any(e in html for e in ESCAPED):
                out.append(path)
    return sorted(set(out))


def test_hostile_names_are_inert_in_chromium(app, live_server, page_factory):
    w = build_world(app, names=HOSTILE)
    base = live_server.url
    failures: list[str] = []
    shown_as_text = 0

    def rule_of(name):
        return lambda rule: getattr(app.view_functions[rule.endpoint], "_access_rule", "") \
            .startswith(name)

    walked = 0
    for role, email, flt, viewport in (
        ("owner", "agare@example.se", rule_of("login"), DESKTOP),
        ("secretariat", "kansli@example.se",
         lambda rule: rule.endpoint.startswith("secretariat."), TABLET),
    ):
        pg = page_factory(viewport)
        bad = _watch(pg, base)
        _login(pg, base, email)
        for path in _paths(app, w, flt, client_as(w, role)):
            walked += 1
            pg.goto(base + path)
            pg.wait_for_timeout(50)  # let htmx process the DOM (hx-trigger="load" etc.)
            failures += _clean(pg, f"{email} {path}", bad)
            shown_as_text += pg.get_by_text(HOSTILE["decision"]).count() > 0
    # participant: join by code, walk the participant pages, then an htmx swap
    pg = page_factory(TABLET, touch=True)
    bad = _watch(pg, base)
    pg.goto(f"{base}/delta?kod={w.join_code}")
    failures += _clean(pg, "join page", bad)
    pg.locator("#kommun").select_option(index=1)
    pg.get_by_role("button", name="Gå vidare till viktningen").click()
    pg.wait_for_url("**/omgang/**")  # joining is an htmx request answered with HX-Redirect
    for path in _paths(app, w, rule_of("participant"), client_as(w, "participant")):
        walked += 1
        pg.goto(base + path)
        pg.wait_for_timeout(50)
        failures += _clean(pg, f"participant {path}", bad)
    pg.goto(f"{base}/omgang/{w.round_id}/skjutreglage")
    shown_as_text += pg.get_by_text(HOSTILE["criterion"]).count() > 0
    pg.locator("button[id^=plus-]").first.click()
    pg.wait_for_load_state("networkidle")
    pg.locator("button.save-button, button[type=submit]").last.click()
    pg.wait_for_load_state("networkidle")
    failures += _clean(pg, "participant after htmx swaps", bad)

    # htmx is self-hosted and locked down.
    config = pg.evaluate(
        "() => ({eval: htmx.config.allowEval, scripts: htmx.config.allowScriptTags, "
        "self: htmx.config.selfRequestsOnly, "
        "src: [...document.scripts].map(s => s.getAttribute('src'))})"
    )
    assert config["eval"] is False and config["scripts"] is False and config["self"] is True
    assert all(s and s.startswith("/static/") for s in config["src"]), config["src"]
    assert failures == [], "\n".join(failures)
    assert shown_as_text >= 3, "hostile names should be visible as text"
    assert walked >= 10, f"only {walked} pages show the hostile names"
