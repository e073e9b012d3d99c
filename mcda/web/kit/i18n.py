"""Swedish first, English second (Flask-Babel).

Message ids are the Swedish texts; ``translations/en`` holds the English. The
``.po`` files are compiled to ``.mo`` at start-up with Babel's API, so set-up stays
one command and no build step is forgotten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, get_locale, get_translations, gettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from mcda.core.errors import MCDAInputError
from mcda.store.errors import Msg, StoreError

babel = Babel()


def compile_catalogs(directory: Path) -> None:
    """Compile every ``messages.po`` under ``directory`` whose ``.mo`` is missing or stale."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        # a temporary file of this process's own, then an atomic rename: several workers (or
        # test processes) starting on a fresh clone compile at once, and a shared ".mo.tmp"
        # made one rename fail with FileNotFoundError
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix="messages.", suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                write_mo(fh, catalog)
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def select_locale() -> str:
    """The language chosen with ?lang= (kept in the session), else Swedish."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang in languages:
        session["lang"] = lang
        return lang
    return session.get("lang") if session.get("lang") in languages else "sv"


def _request_translations():  # noqa: ANN202 - babel's Translations or NullTranslations
    """This request's catalog, looked up once: Flask-Babel's own template callables resolve
    domain, locale and catalog on every ``_()`` (≈15 per page, ~10 % of a join page)."""
    try:
        return g._vagval_translations
    except AttributeError:
        g._vagval_translations = get_translations()
        return g._vagval_translations


def _template_gettext(message: str) -> str:
    return _request_translations().ugettext(message)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return _request_translations().ungettext(singular, plural, n)


#: per catalog (id of the Translations object, which Flask-Babel keeps for the process) and
#: autoescape flag: the finished text of every ``_("…")`` (with its plain variables)
_texts: dict[tuple[int, bool], tuple[Any, dict[Any, str]]] = {}


def _text_table(autoescape: bool) -> dict[Any, str]:
    """This request's table of finished texts, looked up once per request and flag."""
    key = "_vagval_texts_e" if autoescape else "_vagval_texts"
    try:
        return getattr(g, key)
    except AttributeError:
        translations = _request_translations()
        got = _texts.setdefault((id(translations), autoescape), (translations, {}))
        setattr(g, key, got[1])
        return got[1]


#: value types whose ``%s`` text is a function of the value alone (type part of the key:
#: a ``Markup`` value is not escaped, an equal ``str`` is)
_PLAIN = (str, int, float, bool, type(None), Markup)
#: finished texts with variables per table, at most this many (then the table starts over)
MAX_WITH_VARIABLES = 8192


@pass_context
def _fast_gettext(__context: Context, __string: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` with the same result (translate, ``Markup`` under
    autoescape, then ``% variables`` even without variables), but each text is finished once
    per catalog and set of plain values: the vote form asked ~115 times per page, each a
    catalog lookup, a ``Markup`` and a ``%`` with escaping (≈ 1 ms of the page)."""
    autoescape = __context.eval_ctx.autoescape
    table = _text_table(autoescape)
    key: Any = __string
    if variables:
        if not all(type(v) in _PLAIN for v in variables.values()):
            key = None
        else:
            key = (__string, *sorted((k, type(v).__name__, v) for k, v in variables.items()))
    if key is not None:
        try:
            return table[key]
        except KeyError:
            pass
    rv: Any = _request_translations().ugettext(__string)
    if autoescape:
        rv = Markup(rv)  # noqa: S704 - the catalog's text, as Jinja's own gettext does
    out = rv % variables
    if key is not None:
        if variables and len(table) > MAX_WITH_VARIABLES:
            table.clear()
        table[key] = out
    return out


#: rendered fragments that depend on nothing but the language: (template name, catalog id)
_fragments: dict[tuple[str, int, int], tuple[Any, Any, Markup]] = {}


def language_fragment(name: str) -> Markup:
    """``{{ language_fragment("x.html") }}`` renders the same HTML as ``{% include "x.html" %}``
    for a template whose output depends only on the request's language (texts, no request
    data), once per language and template version: the tablet's request alert is twenty
    translated attributes on five of the seven requests of a tablet."""
    env = current_app.jinja_env
    template = env.get_template(name)
    translations = _request_translations()
    key = (name, id(translations), id(template))
    got = _fragments.get(key)
    if got is None:
        # the template and the catalog are kept with the entry, so their ids stay unique
        got = (template, translations, Markup(template.render()))  # noqa: S704 - autoescaped
        _fragments[key] = got
    return got[2]


def error_text(error: StoreError | MCDAInputError | Msg) -> str:
    """A store or core input error in the request's language.

    Store errors carry a Swedish message id plus parameters (``exc.message`` is the Swedish
    text, which ``_()`` cannot translate once formatted); core errors carry both languages.
    """
    if isinstance(error, MCDAInputError):
        return error.message(str(get_locale() or "sv"))
    return error.translated(gettext)


def in_language(texts: Any) -> str:
    """``message_sv``/``message_en`` of a core result (object or its JSON dict) in the
    request's language: English when the request is in English, else Swedish."""
    key = "message_en" if str(get_locale() or "sv") == "en" else "message_sv"
    if isinstance(texts, dict):
        return str(texts.get(key) or texts.get("message_sv") or "")
    return str(getattr(texts, key, "") or getattr(texts, "message_sv", ""))


def locale_name() -> str:
    """The request's language as a string, looked up once per request (shared with
    ``present.numbers``): the ``sv`` filter runs on every criterion name of a page."""
    try:
        return g._vagval_num_lang
    except AttributeError:
        lang = g._vagval_num_lang = str(get_locale() or "sv")
        return lang


def mark_swedish(value: Any) -> Any:
    """User content (decision, criteria, alternatives, rounds: written in Swedish) on an
    English page, wrapped in ``<span lang="sv">`` so screen readers switch voice (WCAG 3.1.2).
    Unchanged on Swedish pages. For attributes and SVG use ``sv_lang()``."""
    if value is None or value == "" or locale_name() == "sv":
        return value
    return Markup('<span lang="sv">%s</span>') % value


def sv_lang() -> Markup:
    """`` lang="sv"`` on English pages (for an element holding only user content), else ''."""
    return Markup("") if locale_name() == "sv" else Markup(' lang="sv"')


def init_app(app: Flask) -> None:
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["sv_lang"] = sv_lang
    app.jinja_env.filters["sv"] = mark_swedish
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )
    # ``_()`` straight to the finished-text table (Jinja's alias resolves ``gettext`` per call)
    app.jinja_env.globals.update(gettext=_fast_gettext, _=_fast_gettext,
                                 language_fragment=language_fragment)
