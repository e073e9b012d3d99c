"""Re-extract UI strings and merge them into the English catalog.

Usage: python scripts/i18n_update.py [--check]

Message ids are the Swedish texts, so every new or reworded Swedish string becomes a new,
untranslated entry. Fuzzy matching is off on purpose: a guessed translation of a *similar*
Swedish sentence is worse than an empty one, because the test suite only catches empty ones.
Obsolete entries are dropped so the catalog mirrors the sources. ``--check`` writes nothing
and exits 1 if a message in the sources is missing from the catalog.

Fill the empty msgstrs afterwards (by hand, or ``scripts/i18n_fill.py MAP.json``).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MAPPING = ROOT / "babel.cfg"
WIDTH = 100

# Babel's defaults (_, gettext, ngettext, ...) plus the project's aliases. The store raises
# ``StoreError(field, msgid, **params)`` (and subclasses) with a literal Swedish message id
# as the second argument, and builds phrases with ``Msg(msgid, ...)`` (mcda/store/errors.py);
# the web layer translates them. A non-literal argument is skipped (mark it with ``N_``).
KEYWORDS: dict[str, object] = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "N_": None,
    "Msg": None,
    "LayerError": None,
    "StoreError": (2,),
    "RoundClosedError": (2,),
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def extract(root: Path = ROOT) -> Catalog:
    """Extract every translatable message under ``root`` (per babel.cfg) into a template."""
    with MAPPING.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    template = Catalog(project="Vägval", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read_catalog(path: Path = PO) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="en")


def msgids(catalog: Iterable) -> set[tuple[object, object]]:
    """Keys (id, context) of real messages; plural ids are tuples."""
    return {(m.id, m.context) for m in catalog if m.id}


def missing_from_catalog(template: Catalog, catalog: Catalog) -> list[object]:
    """Message ids found in the sources but absent from the catalog."""
    return sorted((k[0] for k in msgids(template) - msgids(catalog)), key=str)


def untranslated(catalog: Catalog) -> list[object]:
    """Message ids whose msgstr (or any plural form) is empty."""
    out = []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        if not all(strings):
            out.append(m.id)
    return out


def update(path: Path = PO) -> Catalog:
    """Merge a fresh extraction into ``path``: keep translations, drop obsolete, no fuzzy."""
    template = extract()
    catalog = read_catalog(path)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    buf = io.BytesIO()
    write_po(buf, catalog, width=WIDTH, ignore_obsolete=True, include_previous=False)
    if _without_date(buf.getvalue()) != _without_date(path.read_bytes()):
        tmp = path.with_suffix(".po.tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(path)
    return catalog


def _without_date(po: bytes) -> bytes:
    """The catalog minus its creation date, so a no-op run leaves no diff behind."""
    return re.sub(rb'"POT-Creation-Date: [^"]*"', b"", po)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        missing = missing_from_catalog(extract(), read_catalog())
        for msgid in missing:
            print(f"missing: {msgid!r}")
        print(f"{len(missing)} message(s) missing from {PO.relative_to(ROOT)}")
        return 1 if missing else 0
    catalog = update()
    todo = untranslated(catalog)
    total = sum(1 for m in catalog if m.id)
    print(f"{total} entries in {PO.relative_to(ROOT)}; {len(todo)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
