"""The one place that reads HX-* headers. Responses always vary on HX-Request."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    """True for an htmx request that is not a history restore (which needs the full page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def current_page() -> str | None:
    """The path (and query) of the page an htmx request came from (HX-Current-URL), or None."""
    from urllib.parse import urlsplit

    url = request.headers.get("HX-Current-URL") if is_htmx() else None
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def redirect_page(url: str, status: int = 401) -> Response:
    """Tell htmx to load ``url`` as a whole page (HX-Redirect) instead of swapping a reply."""
    resp = make_response("", status)
    resp.headers["HX-Redirect"] = url
    return vary(resp)


def render(full: str, partial: str, status: int = 200, **context: Any) -> Response:
    """Render ``partial`` for htmx swaps and ``full`` (which includes the partial) otherwise."""
    template = partial if is_htmx() else full
    resp = make_response(render_template(template, **context), status)
    vary(resp)
    return resp


def vary(resp: Response) -> Response:
    resp.vary.add("HX-Request")
    return resp


def redirect_after_post(url: str) -> Response:
    """303 to ``url`` for a plain form; for htmx an ``HX-Redirect`` so the browser loads the
    whole page (the XHR would otherwise follow the 303 and swap a page fragment)."""
    if is_htmx():
        resp = make_response("", 200)
        resp.headers["HX-Redirect"] = url
    else:
        resp = redirect(url, code=303)
    return vary(resp)
