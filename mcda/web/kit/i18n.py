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
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, get_translations, gettext
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


def mark_swedish(value: Any) -> Any:
    """User content (decision, criteria, alternatives, rounds: written in Swedish) on an
    English page, wrapped in ``<span lang="sv">`` so screen readers switch voice (WCAG 3.1.2).
    Unchanged on Swedish pages. For attributes and SVG use ``sv_lang()``."""
    if value is None or value == "" or str(get_locale() or "sv") == "sv":
        return value
    return Markup('<span lang="sv">%s</span>') % value


def sv_lang() -> Markup:
    """`` lang="sv"`` on English pages (for an element holding only user content), else ''."""
    return Markup("") if str(get_locale() or "sv") == "sv" else Markup(' lang="sv"')


def init_app(app: Flask) -> None:
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["sv_lang"] = sv_lang
    app.jinja_env.filters["sv"] = mark_swedish
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )
