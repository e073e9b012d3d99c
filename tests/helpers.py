"""Plain test helpers: an HTML parser for asserting on pages, the CSRF token, users and login.

Why here and not in conftest: conftest holds fixtures (tests ask for ``csrf_from``, ``login``,
``make_user`` or ``parse_html`` by argument name); modules that are not tests (world builders,
helper modules) import these functions from here. Pages are asserted through
:func:`parse_html` (Python's ``html.parser``) rather than regexes on markup, so attribute
order, quoting and whitespace do not decide a test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect
from mcda.store import users as store_users

# Tests do not need OWASP-strength hashing on every login; one test checks the real parameters.
FAST_SCRYPT_N = 2**10

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    """One element of a parsed page: tag, attributes (None for a bare attribute), children."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def elements(self) -> list[Element]:
        """The child elements (no text)."""
        return [ch for ch in self.children if isinstance(ch, Element)]

    def closest(self, tag: str) -> Element | None:
        """This element or the nearest ancestor with this tag."""
        el: Element | None = self
        while el is not None and el.tag != tag:
            el = el.parent
        return el

    def text(self) -> str:
        """The text inside, ASCII whitespace collapsed (as a reader sees it; no-break spaces
        stay, number formatting is asserted through them)."""
        parts: list[str] = []

        def walk(el: Element) -> None:
            for ch in el.children:
                if isinstance(ch, str):
                    parts.append(ch)
                else:
                    walk(ch)

        walk(self)
        return re.sub(r"[ \t\n\r\f]+", " ", "".join(parts)).strip()

    def iter(self) -> Iterator[Element]:
        """Every element below this one, in document order."""
        for ch in self.children:
            if isinstance(ch, Element):
                yield ch
                yield from ch.iter()

    def find_all(self, tag: str | None = None, class_: str | None = None,
                 **attrs: str | bool) -> list[Element]:
        """Elements with this tag (any if None), this class and these attributes.

        An attribute value ``True`` asks only that the attribute is present; names use ``_``
        for ``-`` (``data_alt="x"`` matches ``data-alt="x"``).
        """
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        out = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if class_ is not None and class_ not in el.classes:
                continue
            if all((k in el.attrs) if v is True else el.attrs.get(k) == v
                   for k, v in want.items()):
                out.append(el)
        return out

    def find(self, tag: str | None = None, class_: str | None = None,
             **attrs: str | bool) -> Element | None:
        hits = self.find_all(tag, class_, **attrs)
        return hits[0] if hits else None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):  # close up to the matching open tag
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str | bytes) -> Element:
    """The page as a tree of :class:`Element` (root tag ``#document``)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root


def csrf_from(html: str | bytes) -> str:
    """The CSRF token of a rendered page: a form's ``csrf_token`` field, else the token htmx
    sends (``hx-headers`` on the body)."""
    doc = parse_html(html)
    field_ = doc.find("input", name="csrf_token")
    if field_ is not None and field_.get("value"):
        return str(field_.get("value"))
    for el in doc.find_all(hx_headers=True):
        token = json.loads(el.get("hx-headers") or "{}").get("X-CSRFToken")
        if token:
            return str(token)
    raise AssertionError("no CSRF token on page")


def make_user(
    app: Flask, email: str, password: str = "korrekt häst batteri", role: str = "facilitator"
) -> int:
    db = connect(app.config["DATABASE"])
    try:
        return store_users.create_user(db, email, password, role)
    finally:
        db.conn.close()


def login(client: FlaskClient, email: str, password: str = "korrekt häst batteri"):
    page = client.get("/logga-in")
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        "/logga-in", data={"email": email, "password": password, "csrf_token": token}
    )


def svg_references(html: str | bytes) -> tuple[set[str], list[str]]:
    """The ids defined on a page and the ``#id`` its SVG refers to (``<use href>``, and
    ``url(#id)`` in any attribute), so a test can say no reference dangles (a blank map)."""
    doc = parse_html(html)
    ids = {str(el.get("id")) for el in doc.iter() if el.get("id")}
    refs: list[str] = []
    for el in doc.iter():
        href = el.get("href") or el.get("xlink:href") or ""
        if el.tag == "use" and href.startswith("#"):
            refs.append(href[1:])
        for value in el.attrs.values():
            refs += re.findall(r"url\(#([^)]+)\)", value or "")
    return ids, refs


def visible_text(page: str | bytes | Element, *, drop_lang: str | None = None,
                 drop_root_lang: bool = True) -> str:
    """The text a reader sees (no script or style), tags separating words, whitespace
    collapsed; without elements marked ``lang=drop_lang`` (``<html>`` too unless
    ``drop_root_lang`` is False)."""
    parts: list[str] = []

    def walk(el: Element) -> None:
        for ch in el.children:
            if isinstance(ch, str):
                parts.append(ch)
            elif ch.tag in ("script", "style") or (
                    drop_lang is not None and ch.get("lang") == drop_lang
                    and (drop_root_lang or ch.tag != "html")):
                continue
            else:
                walk(ch)

    walk(page if isinstance(page, Element) else parse_html(page))
    return " ".join(" ".join(parts).split())


def map_values(fig: str | bytes | Element) -> dict[str, str]:
    """Area name → the value printed under it on a map (``text.map-name`` followed by
    ``text.map-value``)."""
    root = fig if isinstance(fig, Element) else parse_html(fig)
    out: dict[str, str] = {}
    for el in [root, *root.iter()]:
        kids = el.elements()
        for a, b in zip(kids, kids[1:], strict=False):
            if a.get("class") == "map-name" and b.tag == "text" and b.get("class") == "map-value":
                out[a.text()] = b.text()
    return out
