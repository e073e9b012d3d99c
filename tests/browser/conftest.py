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


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    app.config["WTF_CSRF_SSL_STRICT"] = False
    server = LiveServer(app).start()
    yield server
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
