"""The English catalog is complete, consistent with the sources, and actually used.

Message ids are the Swedish texts, so a new or reworded Swedish string silently shows up in
Swedish on the English pages unless the catalog is re-extracted and translated. These tests
catch that. To fix a failure: ``python scripts/i18n_update.py``, then fill the empty msgstrs.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from flask.testing import FlaskClient

from tests.helpers import parse_html, visible_text

ROOT = Path(__file__).resolve().parents[2]

# %(name)s / %s / %d / %% (printf style), {name} (str.format style)
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%%"
    r"|%[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|\{[A-Za-z_][^{}]*\}"
)
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;")


def _load_update_script() -> ModuleType:
    name = "i18n_update"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "i18n_update.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def i18n() -> ModuleType:
    return _load_update_script()


@pytest.fixture(scope="module")
def catalog(i18n: ModuleType) -> Catalog:
    return i18n.read_catalog()


def _pairs(catalog: Catalog):
    """(msgid, msgstr) for every real message; plural forms pair with singular/plural ids."""
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, (list, tuple)):
            strings = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
            for i, s in enumerate(strings):
                yield m.id[min(i, len(m.id) - 1)], s
        else:
            yield m.id, m.string


def test_every_message_is_translated(i18n: ModuleType, catalog: Catalog) -> None:
    assert len(catalog) > 0
    missing = i18n.untranslated(catalog)
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_placeholders_and_markup_match(catalog: Catalog) -> None:
    bad = []
    for msgid, msgstr in _pairs(catalog):
        if not msgstr:
            continue  # reported by the test above
        for rx in (PLACEHOLDER, MARKUP):
            if sorted(rx.findall(msgid)) != sorted(rx.findall(msgstr)):
                bad.append((msgid, msgstr))
    assert not bad, "placeholder/markup mismatch:\n" + "\n".join(f"{a!r} -> {b!r}" for a, b in bad)


def test_placeholder_check_catches_mismatch() -> None:
    assert PLACEHOLDER.findall("%(n)s av %(total)s: 100 %%") == ["%(n)s", "%(total)s", "%%"]
    assert PLACEHOLDER.findall("Hej {name}, %d") == ["{name}", "%d"]
    assert PLACEHOLDER.findall("Rad %(row)d") != PLACEHOLDER.findall("Row %(rad)d")


def test_catalog_is_up_to_date_with_sources(i18n: ModuleType, catalog: Catalog) -> None:
    template = i18n.extract()
    assert len(template) > 100  # the extraction really found the UI strings
    missing = i18n.missing_from_catalog(template, catalog)
    assert not missing, (
        f"{len(missing)} message(s) in the sources are not in the catalog, e.g. {missing[:5]}. "
        "Run `python scripts/i18n_update.py` and translate the new entries."
    )


# Whole words that are Swedish and never English UI text.
SWEDISH_WORDS = re.compile(
    r"\b(och|för|är|inte|att|eller|med|din|ditt|dina|kommun|kommuner|kod|koden|logga|lösenord|"
    r"fortsätt|ange|processledare|processledaren|deltagare|omgång|viktning)\b",
    re.IGNORECASE,
)


def _visible_text(page: str) -> str:
    """Text a reader sees, minus elements explicitly marked Swedish (the language switch)."""
    return visible_text(page, drop_lang="sv")


@pytest.mark.parametrize(
    ("path", "english"),
    [
        ("/", ["Join a workshop", "Enter code", "Skip to content"]),
        ("/delta", ["Join a workshop", "Continue"]),
        ("/logga-in", ["Email", "Password", "Log in"]),
    ],
)
def test_english_pages_have_no_swedish(
    client: FlaskClient, catalog: Catalog, path: str, english: list[str]
) -> None:
    sep = "&" if "?" in path else "?"
    resp = client.get(f"{path}{sep}lang=en")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert parse_html(page).find("html").get("lang") == "en"
    text = _visible_text(page)
    for phrase in english:
        assert phrase in text, f"{path}: {phrase!r} missing"
    words = sorted({w.lower() for w in SWEDISH_WORDS.findall(text)})
    assert not words, f"{path}: Swedish words on the English page: {words}\n{text}"
    leaked = [
        msgid
        for msgid, msgstr in _pairs(catalog)
        if len(msgid) >= 8 and msgid != msgstr and "%" not in msgid and msgid in text
    ]
    assert not leaked, f"{path}: untranslated UI strings: {leaked}"


def test_language_choice_sticks_and_swedish_stays_default(client: FlaskClient) -> None:
    assert "Logga in" in client.get("/logga-in").get_data(as_text=True)
    client.get("/?lang=en")
    assert "Password" in client.get("/logga-in").get_data(as_text=True)


def test_catalogs_compile_in_many_processes_at_once(tmp_path):
    """Found on a fresh clone: xdist workers (like gunicorn workers) compiled the missing .mo
    at the same moment through one shared ".mo.tmp", and one rename failed with
    FileNotFoundError. Each process now writes its own temporary file."""
    import multiprocessing
    import shutil

    from mcda.web.kit.i18n import compile_catalogs

    root = Path(__file__).resolve().parents[2] / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        target = tmp_path / po.relative_to(root)
        target.parent.mkdir(parents=True)
        shutil.copy(po, target)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(compile_catalogs, [tmp_path] * 8)
    mos = sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and ".mo" in p.name)
    assert mos == ["messages.mo"] * len(list(tmp_path.glob("*/LC_MESSAGES/messages.po")))
