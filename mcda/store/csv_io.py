"""Import of criteria, alternatives and the score matrix from CSV (format: docs/csv-import.md).

Parsing is separate from storing so the web layer can show a preview: :func:`parse_csv`
returns every problem at once (by row and column), without touching the database;
:func:`mcda.store.decision_import.import_parsed` writes a clean result (all or nothing).

Messages are Swedish message ids with ``%(name)s`` parameters: the store has no Flask, so the
web layer translates them (``_(issue.msgid) % issue.params``). ``N_`` only marks them for
extraction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ..core.constants import MAX_ALTERNATIVES, MAX_CRITERIA
from .numbers import (  # noqa: F401 - re-exported: the one number parser lives in numbers
    MAX_ABS_VALUE,
    N_,
    NumberError,
    format_number,
    parse_number,
)

MAX_CSV_BYTES = 200_000
MAX_NAME = 200
MAX_DESCRIPTION = 4000
MIN_CRITERIA = 2
MIN_ALTERNATIVES = 2
DIRECTIONS = {
    "nytta": "benefit",
    "benefit": "benefit",
    "kostnad": "cost",
    "cost": "cost",
}


@dataclass
class CsvIssue:
    """One problem, located by spreadsheet row and column (1-based; 0 = whole file/row)."""

    row: int
    col: int
    column_name: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedImport:
    criteria: list[dict[str, str]] = field(default_factory=list)
    alternatives: list[dict[str, str]] = field(default_factory=list)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    has_descriptions: bool = False
    delimiter: str = ";"
    errors: list[CsvIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def matrix(self) -> list[tuple[str, list[float | None]]]:
        """Rows of (alternative, values in criterion order) for the preview."""
        names = [c["name"] for c in self.criteria]
        return [
            (a["name"], [self.scores.get((a["name"], c)) for c in names]) for a in self.alternatives
        ]


def decode_csv(data: bytes) -> str:
    """Decode an upload: UTF-8 (with or without BOM); Windows-1252 as a fallback.

    Swedish Excel saves "CSV (semikolonavgränsad)" in Windows-1252 by default, so refusing it
    would refuse most real files. A file that is valid UTF-8 is always read as UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","


def parse_csv(text: str) -> ParsedImport:
    """Parse and validate the whole file; every problem is collected, nothing is stored."""
    result = ParsedImport()
    errors = result.errors
    text = text.lstrip("\ufeff")
    if len(text.encode("utf-8")) > MAX_CSV_BYTES:
        errors.append(
            CsvIssue(
                0, 0, "", N_("Filen är för stor (högst %(kb)d kB)."), {"kb": MAX_CSV_BYTES // 1000}
            )
        )
        return result
    if "\x00" in text:
        errors.append(CsvIssue(0, 0, "", N_("Filen är ingen textfil (CSV).")))
        return result
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        errors.append(CsvIssue(0, 0, "", N_("Filen är tom.")))
        return result
    result.delimiter = _sniff_delimiter(first)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter))
    except csv.Error as exc:
        errors.append(
            CsvIssue(
                0, 0, "", N_("Filen kunde inte läsas som CSV: %(detail)s"), {"detail": str(exc)}
            )
        )
        return result

    # Keep spreadsheet row numbers (1-based) while skipping empty rows.
    numbered = [(i + 1, [" ".join(c.split()) for c in row]) for i, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        errors.append(CsvIssue(0, 0, "", N_("Filen är tom.")))
        return result

    # Header row: alternativ;<criterion>;...
    hrow_no, header = numbered[0]
    header = _trim_trailing_empty(header)
    if header[0].lower() != "alternativ":
        errors.append(
            CsvIssue(
                hrow_no,
                1,
                "",
                N_("Första raden ska börja med 'alternativ', inte '%(value)s'."),
                {"value": header[0]},
            )
        )
    crit_names = header[1:]
    if len(crit_names) < MIN_CRITERIA:
        errors.append(
            CsvIssue(
                hrow_no,
                0,
                "",
                N_("Första raden ska namnge minst %(n)d kriterier efter 'alternativ'."),
                {"n": MIN_CRITERIA},
            )
        )
    if len(crit_names) > MAX_CRITERIA:
        errors.append(CsvIssue(hrow_no, 0, "", N_("Högst %(n)d kriterier."), {"n": MAX_CRITERIA}))
        return result
    seen: set[str] = set()
    for j, name in enumerate(crit_names, start=2):
        if not name:
            errors.append(CsvIssue(hrow_no, j, "", N_("kriteriets namn saknas")))
        elif len(name) > MAX_NAME:
            errors.append(
                CsvIssue(
                    hrow_no, j, name[:40], N_("namnet är längre än %(n)d tecken"), {"n": MAX_NAME}
                )
            )
        elif name.casefold() in seen:
            errors.append(
                CsvIssue(hrow_no, j, name, N_("kriteriet '%(value)s' finns redan"), {"value": name})
            )
        seen.add(name.casefold())
    ncols = len(crit_names)

    def colname(j: int) -> str:
        return crit_names[j - 2] if 2 <= j <= ncols + 1 else ""

    def cells(row_no: int, row: list[str]) -> list[str]:
        """The criterion cells of a row; extra non-empty cells are errors."""
        values = row[1 : ncols + 1] + [""] * max(0, ncols + 1 - len(row))
        extra = [c for c in row[ncols + 1 :] if c]
        if extra:
            errors.append(
                CsvIssue(
                    row_no,
                    ncols + 2,
                    "",
                    N_("raden har fler värden än det finns kriterier (%(n)d)"),
                    {"n": ncols},
                )
            )
        return values

    # Direction row.
    rest = numbered[1:]
    directions: list[str] = ["benefit"] * ncols
    if not rest or rest[0][1][0].lower() != "riktning":
        row_no = rest[0][0] if rest else hrow_no + 1
        errors.append(
            CsvIssue(
                row_no,
                1,
                "",
                N_(
                    "Andra raden ska börja med 'riktning' och ange nytta eller kostnad "
                    "för varje kriterium."
                ),
            )
        )
    else:
        row_no, row = rest.pop(0)
        for j, value in enumerate(cells(row_no, row), start=2):
            d = DIRECTIONS.get(value.lower())
            if d is None:
                errors.append(
                    CsvIssue(
                        row_no,
                        j,
                        colname(j),
                        N_("'%(value)s' ska vara nytta eller kostnad"),
                        {"value": value},
                    )
                )
            else:
                directions[j - 2] = d

    descriptions = [""] * ncols
    if rest and rest[0][1][0].lower() == "beskrivning":
        result.has_descriptions = True
        row_no, row = rest.pop(0)
        for j, value in enumerate(cells(row_no, row), start=2):
            if len(value) > MAX_DESCRIPTION:
                errors.append(
                    CsvIssue(
                        row_no,
                        j,
                        colname(j),
                        N_("beskrivningen är längre än %(n)d tecken"),
                        {"n": MAX_DESCRIPTION},
                    )
                )
            descriptions[j - 2] = value

    result.criteria = [
        {"name": n, "direction": d, "description": desc}
        for n, d, desc in zip(crit_names, directions, descriptions, strict=True)
    ]

    if len(rest) < MIN_ALTERNATIVES:
        errors.append(
            CsvIssue(
                0,
                0,
                "",
                N_("Filen ska ha minst %(n)d rader med alternativ."),
                {"n": MIN_ALTERNATIVES},
            )
        )
    if len(rest) > MAX_ALTERNATIVES:
        errors.append(CsvIssue(0, 0, "", N_("Högst %(n)d alternativ."), {"n": MAX_ALTERNATIVES}))
        return result
    alt_seen: set[str] = set()
    for row_no, row in rest:
        name = row[0]
        if not name:
            errors.append(CsvIssue(row_no, 1, "", N_("alternativets namn saknas")))
        elif len(name) > MAX_NAME:
            errors.append(
                CsvIssue(row_no, 1, "", N_("namnet är längre än %(n)d tecken"), {"n": MAX_NAME})
            )
        elif name.casefold() in alt_seen:
            errors.append(
                CsvIssue(row_no, 1, "", N_("alternativet '%(value)s' finns redan"), {"value": name})
            )
        alt_seen.add(name.casefold())
        result.alternatives.append({"name": name, "description": ""})
        for j, value in enumerate(cells(row_no, row), start=2):
            try:
                number = parse_number(value)
            except NumberError as exc:
                errors.append(CsvIssue(row_no, j, colname(j), exc.msgid, exc.params))
                continue
            if 2 <= j <= ncols + 1 and crit_names[j - 2]:
                result.scores[(name, crit_names[j - 2])] = number
    return result


def _trim_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end > 1 and not row[end - 1]:
        end -= 1
    return row[:end]

