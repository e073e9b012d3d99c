"""Real-browser fixtures: Playwright driving Debian's /usr/bin/chromium.

No browser is downloaded. Without Chromium these tests skip locally but FAIL
when ``CI`` is set, so CI can never pass by silently skipping them.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("VAGVAL_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1366, "height": 900}
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    have = Path(CHROMIUM).exists() or shutil.which(CHROMIUM)
    if not have:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class LiveServer:
    """The app served by werkzeug in a thread on a free loopback port."""

    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


class _CurrentApp:
    """WSGI app that hands each request to the running test's app (one server per session)."""

    def __init__(self) -> None:
        self.app = None

    def __call__(self, environ, start_response):
        if self.app is None:  # between tests: a late poll of a closed page
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no test running"]
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def _session_server() -> Iterator[tuple[LiveServer, _CurrentApp]]:
    current = _CurrentApp()
    server = LiveServer(current).start()
    yield server, current
    server.stop()


@pytest.fixture
def live_server(app, _session_server) -> Iterator[LiveServer]:
    """The session's server, serving this test's ``app`` while the test runs."""
    server, current = _session_server
    app.config["WTF_CSRF_SSL_STRICT"] = False
    current.app = app
    yield server
    current.app = None


DEMO_PASSWORD = "korrekt häst batteri"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """One app with the demo data, served for the whole session (loading it costs seconds):
    ``(app, url, demo)``, where ``demo`` names the open round (``round_id``, ``code``), its
    ``decision_id``, the same decision's ``closed_round_id`` and both demo ``decisions``.
    Users pl@example.se (facilitator) and kansli@example.se (secretariat), DEMO_PASSWORD.
    The modules using it only read, apart from joining the open round."""
    from mcda.store import connect
    from mcda.store import rounds as sr
    from mcda.store import users as su
    from mcda.store.demo import load_demo
    from mcda.web import create_app
    from tests.helpers import FAST_SCRYPT_N, make_user

    tmp = tmp_path_factory.mktemp("demo-browser")
    app = create_app({"TESTING": True, "DATABASE": str(tmp / "demo.sqlite"),
                      "SECRET_KEY": "demo-test-secret-key-0123456789abcdef",
                      "WTF_CSRF_SSL_STRICT": False})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(su, "SCRYPT_N", FAST_SCRYPT_N)
        owner = make_user(app, "pl@example.se", DEMO_PASSWORD, "facilitator")
        make_user(app, "kansli@example.se", DEMO_PASSWORD, "secretariat")
    db = connect(app.config["DATABASE"])
    try:
        ids = load_demo(db, owner_id=owner)
        open_round = db.execute("SELECT id FROM rounds WHERE state = 'open' ORDER BY id").fetchone()
        rnd = sr.get_round(db, open_round["id"])
        closed = db.execute("SELECT id FROM rounds WHERE state = 'closed' AND decision_id = ?",
                            [rnd["decision_id"]]).fetchone()["id"]
    finally:
        db.conn.close()
    server = LiveServer(app).start()
    yield app, server.url, {"round_id": rnd["id"], "code": rnd["join_code"],
                            "decision_id": ids[0], "closed_round_id": closed, "decisions": ids}
    server.stop()


@pytest.fixture
def page_factory(browser):
    """Make pages in fresh contexts; collects console CSP violations and page errors."""
    contexts = []

    def make(viewport: dict | None = None, *, touch: bool = False):
        ctx = browser.new_context(
            viewport=viewport or TABLET, has_touch=touch, is_mobile=False, locale="sv-SE"
        )
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.csp_violations = []  # type: ignore[attr-defined]
        pg.page_errors = []  # type: ignore[attr-defined]
        pg.dialogs = []  # type: ignore[attr-defined]

        def on_console(msg):
            text = msg.text
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                pg.csp_violations.append(text)

        def on_dialog(dialog):
            pg.dialogs.append(dialog.message)
            dialog.dismiss()

        pg.on("console", on_console)
        pg.on("pageerror", lambda err: pg.page_errors.append(str(err)))
        pg.on("dialog", on_dialog)
        return pg

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(page_factory):
    return page_factory(TABLET, touch=True)


_AXE_CACHE: list[str] = []


def _axe_source() -> str:
    if not _AXE_CACHE:
        _AXE_CACHE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_CACHE[0]


def axe_violations(pg, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core (vendored) on the current page; return the violations."""
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        # Runtime.evaluate is not subject to the page's CSP (add_script_tag would be).
        pg.evaluate(_axe_source() + "\n;true")
    result = pg.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags or WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_axe_violations(pg, where: str = "") -> None:
    violations = axe_violations(pg)
    assert violations == [], f"axe violations {where}: {violations}"


POLL_MS = 3000  # hx-trigger="every 3s" on the live views (projector, planning projector)


def next_poll(pg, path: str = "/projektor/live", ms: int = POLL_MS) -> None:
    """Move the page's clock (installed with ``pg.clock.install()`` before the page loaded)
    past one poll interval and wait for the answer to the poll it sends: no real waiting."""
    with pg.expect_response(lambda r: path in r.url):
        pg.clock.run_for(ms + 200)
