"""Static files: versioned URLs and a year's caching (issue 17)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from flask import url_for

from mcda.web import create_app
from mcda.web.kit.assets import IMMUTABLE, RECHECK_S
from tests.helpers import parse_html


def _cache_control(client, url: str) -> str:
    resp = client.get(url)
    try:
        assert resp.status_code == 200
        return resp.headers.get("Cache-Control", "")
    finally:
        resp.close()  # a static file is streamed: close it


def _css_url(html: str) -> str:
    hrefs = [str(link.get("href")) for link in parse_html(html).find_all("link", rel="stylesheet")]
    linked = [h for h in hrefs if re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{12}", h)]
    assert linked, f"the stylesheet is not linked with a version: {hrefs}"
    return linked[0]


def test_pages_link_static_files_with_a_content_version_cached_for_a_year(client):
    html = client.get("/delta").get_data(as_text=True)
    url = _css_url(html)
    assert _cache_control(client, url) == IMMUTABLE
    scripts = [str(s.get("src")) for s in parse_html(html).find_all("script", src=True)]
    assert scripts and all("?v=" in s for s in scripts)


def test_a_request_without_or_with_an_old_version_is_not_cached_for_a_year(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        cc = _cache_control(client, url)
        assert "immutable" not in cc and "max-age=31536000" not in cc


def test_the_url_changes_when_the_file_changes(tmp_path: Path):
    static = Path(__file__).resolve().parents[2] / "static"
    copy = tmp_path / "static"
    shutil.copytree(static, copy)
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite"),
                      "SECRET_KEY": "test-secret-key-not-for-production"})
    app.static_folder = str(copy)
    versions = app.extensions["vagval_assets"]
    versions.folder = str(copy)
    now = time.monotonic()
    versions._clock = lambda: now  # a frozen clock: no flakiness on a loaded machine
    with app.test_request_context():
        before = url_for("static", filename="app.css")
    css = copy / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    st = css.stat()
    os.utime(css, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    with app.test_request_context():  # looked at again only after RECHECK_S (issue 25)
        assert url_for("static", filename="app.css") == before
    versions._clock = lambda: now + RECHECK_S + 1
    with app.test_request_context():
        after = url_for("static", filename="app.css")
    assert before != after and after.startswith("/static/app.css?v=")
    client = app.test_client()
    assert "immutable" not in _cache_control(client, before)
    assert _cache_control(client, after) == IMMUTABLE
