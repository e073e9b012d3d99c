"""Fill English translations into translations/en/LC_MESSAGES/messages.po from a JSON map.

Usage: python scripts/i18n_fill.py MAP.json   (keys: Swedish msgid, values: English)
Only empty msgstrs are filled; existing translations are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main(path: str) -> int:
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    filled = 0
    for message in catalog:
        if message.id and not message.string and message.id in mapping:
            message.string = mapping[message.id]
            filled += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    missing = sum(1 for m in catalog if m.id and not m.string)
    print(f"filled {filled}; still untranslated {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
