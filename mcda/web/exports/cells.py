"""Cells and file names of every export: the text of one cell (numbers with a decimal comma,
text guarded against formula injection), file names, and the download header. Quoting is
``csv.writer``'s job, never done by hand."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any
from urllib.parse import quote

from mcda.store.numbers import csv_number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DIALECT = {"delimiter": ";", "lineterminator": "\r\n"}


def slug(text: str) -> str:
    """ASCII file-name part: å→a, ä→a, ö→o, spaces→-, nothing else but [a-z0-9-]."""
    out = "".join(
        ch if ch.isascii() and ch.isalnum() else ("" if unicodedata.combining(ch) else "-")
        for ch in unicodedata.normalize("NFKD", text).lower()
    )
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:60] or "vagval"


def file_name(rnd: dict[str, Any], part: str, ext: str,
              phase: dict[str, Any] | None = None) -> str:
    """``vagval-[<diarienummer>-]<decision>-omgang-<n>[-etapp-<n>]-<part>.<ext>``."""
    etapp = f"-etapp-{phase['number']}" if phase else ""
    dnr = rnd.get("decision_diarienummer")
    dnr_part = f"{slug(dnr)}-" if dnr else ""
    title = slug(rnd["decision_title"])
    return f"vagval-{dnr_part}{title}-omgang-{rnd['number']}{etapp}-{part}.{ext}"


def content_disposition(filename: str) -> str:
    """ASCII ``filename`` plus RFC 5987 ``filename*`` (UTF-8)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "vagval"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def cell_text(value: Any) -> str:
    """One CSV cell's text: numbers with decimal comma (Swedish Excel), booleans as ja/nej,
    text starting with ``= + - @``, TAB or CR prefixed with ``'`` so it is never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return csv_number(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_rows(rows: list[list[Any]]) -> str:
    """Rows as ``;``-separated CSV text (``csv.writer`` quotes where needed)."""
    buf = io.StringIO()
    writer = csv.writer(buf, **CSV_DIALECT)
    writer.writerows([[cell_text(v) for v in row] for row in rows])
    return buf.getvalue()


def csv_cell(value: Any) -> str:
    """One cell as it appears in a file, quoted by ``csv.writer`` when it must be."""
    return csv_rows([[value, ""]])[: -len(";\r\n")]
