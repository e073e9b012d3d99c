"""Swedish first, English second (Flask-Babel).

Message ids are the Swedish texts; ``translations/en`` holds the English. The
``.po`` files are compiled to ``.mo`` at start-up with Babel's API, so set-up stays
one command and no build step is forgotten.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel, get_locale

babel = Babel()


def compile_catalogs(directory: Path) -> None:
    """Compile every ``messages.po`` under ``directory`` whose ``.mo`` is missing or stale."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)


def select_locale() -> str:
    """The language chosen with ?lang= (kept in the session), else Swedish."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang in languages:
        session["lang"] = lang
        return lang
    return session.get("lang") if session.get("lang") in languages else "sv"


def init_app(app: Flask) -> None:
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
