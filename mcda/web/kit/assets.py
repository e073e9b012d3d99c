"""Static files under versioned URLs (``?v=<content hash>``), cached by browsers for a year.

A room of tablets loading the round page, the vote form and the saved page fetched the same
stylesheets and scripts again and again (``no-cache``: one revalidation each). Every
``url_for("static", ...)`` now adds ``v=``, the first 12 hex digits of the file's SHA-256,
so a changed file gets a new URL, and a request carrying the current ``v`` is answered with
``Cache-Control: public, max-age=31536000, immutable``. A request without ``v``, or with an
old one, keeps the revalidated default: an old URL never pins new content for a year.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from typing import Any

from flask import Flask, Response, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
_HASH_CHARS = 12
#: how long a looked-up version is trusted before the file is looked at again (an edited
#: stylesheet shows up within a second; a page no longer pays a realpath and a stat per URL)
RECHECK_S = 1.0


class AssetVersions:
    """Content hashes of static files, recomputed when a file's mtime or size changes."""

    def __init__(self, folder: str, clock=time.monotonic) -> None:  # noqa: ANN001
        self.folder = folder
        self._cache: dict[str, tuple[int, int, str]] = {}
        self._recent: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def version(self, filename: str) -> str | None:
        """The file's short content hash, or None when it is not a file in the folder.

        Every page builds four to six static URLs; the answer is reused for ``RECHECK_S``."""
        now = self._clock()
        got = self._recent.get(filename)
        if got is not None and now - got[0] < RECHECK_S:
            return got[1]
        v = self._lookup(filename)
        self._recent[filename] = (now, v)
        return v

    def _lookup(self, filename: str) -> str | None:
        path = os.path.realpath(os.path.join(self.folder, filename))
        if not path.startswith(os.path.realpath(self.folder) + os.sep):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        got = self._cache.get(filename)
        if got is not None and got[0] == st.st_mtime_ns and got[1] == st.st_size:
            return got[2]
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
        digest = h.hexdigest()[:_HASH_CHARS]
        with self._lock:
            self._cache[filename] = (st.st_mtime_ns, st.st_size, digest)
        return digest


def init_app(app: Flask) -> None:
    """Version every static URL and cache a request for the current version for a year."""
    versions = AssetVersions(str(app.static_folder))
    app.extensions["vagval_assets"] = versions
    built: dict[tuple[str, str, str | None], str] = {}

    def template_url_for(endpoint: str, **values: Any) -> str:
        """Templates' ``url_for``: a static file's URL is built once per (application root,
        file, version). Werkzeug builds each URL anew (~10 µs); a page has four to six
        stylesheets and scripts."""
        filename = values.get("filename")
        if endpoint == "static" and len(values) == 1 and isinstance(filename, str):
            key = (request.script_root, filename, versions.version(filename))
            url = built.get(key)
            if url is None:
                if len(built) > 512:
                    built.clear()
                url = built[key] = url_for(endpoint, **values)
            return url
        return url_for(endpoint, **values)

    app.jinja_env.globals["url_for"] = template_url_for

    @app.url_defaults
    def _version_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            v = versions.version(values["filename"])
            if v:
                values["v"] = v

    @app.after_request
    def _cache_static(resp: Response) -> Response:
        if request.endpoint == "static" and resp.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            v = request.args.get("v")
            if v and v == versions.version(filename):
                resp.headers["Cache-Control"] = IMMUTABLE
        return resp
