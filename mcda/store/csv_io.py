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
from .municipalities import MUNICIPALITIES
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

DETAIL_COLUMNS = {
    "värdkommun": "municipality",
    "kommun": "municipality",
    "kostnad (mnkr)": "cost",
    "kostnad mnkr": "cost",
    "tidigaste etapp": "earliest_phase",
    "latitud": "lat",
    "longitud": "lon",
}
"""Header names (case-insensitive) of the alternatives' own columns: host municipality, cost
(MSEK) and earliest phase. They are not criteria; their cells in the ``riktning`` and
``beskrivning`` rows stay empty."""
DETAIL_HEADERS = {"municipality": "värdkommun", "cost": "kostnad (mnkr)",
                  "earliest_phase": "tidigaste etapp", "lat": "latitud", "lon": "longitud"}
"""The name each detail column has in the downloadable template."""
_MUNICIPALITY_NAMES = {name.casefold(): name for name, _pop in MUNICIPALITIES}


def template_csv() -> str:
    """The downloadable template: the header row and one example row, in the format
    :func:`parse_csv` reads (semicolons, decimal comma, as Swedish Excel saves)."""
    rows = [
        ["alternativ", "Antal besökare per år", "Driftkostnad (mnkr per år)",
         DETAIL_HEADERS["municipality"], DETAIL_HEADERS["cost"],
         DETAIL_HEADERS["earliest_phase"]],
        ["riktning", "nytta", "kostnad", "", "", ""],
        ["beskrivning", "Hur många som kommer", "Vad det kostar att driva", "", "", ""],
        ["Kulturhus Skövde", "45000", "12,5", "Skövde", "120", "1"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


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
    details: tuple[str, ...] = ()
    """The detail columns the file has (``municipality``, ``cost``, ``earliest_phase``):
    their values replace the stored ones; the others are kept."""
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
    numbered = _read_rows(text.lstrip("\ufeff"), result)
    if not numbered:
        return result
    parser = _Parser(result, numbered[0])
    if parser.too_many_criteria:
        return result
    rest = numbered[1:]
    directions = parser.directions(rest)
    descriptions = parser.descriptions(rest)
    result.criteria = [
        {"name": n, "direction": d, "description": desc}
        for n, d, desc in zip(parser.crit_names, directions, descriptions, strict=True)
    ]
    parser.alternatives(rest)
    return result


Numbered = list[tuple[int, list[str]]]


def _read_rows(text: str, result: ParsedImport) -> Numbered:
    """The non-empty rows with their spreadsheet row numbers (1-based), cells with runs of
    white space made one space; [] after recording why the file cannot be read."""
    errors = result.errors
    if len(text.encode("utf-8")) > MAX_CSV_BYTES:
        errors.append(
            CsvIssue(
                0, 0, "", N_("Filen är för stor (högst %(kb)d kB)."), {"kb": MAX_CSV_BYTES // 1000}
            )
        )
        return []
    if "\x00" in text:
        errors.append(CsvIssue(0, 0, "", N_("Filen är ingen textfil (CSV).")))
        return []
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        errors.append(CsvIssue(0, 0, "", N_("Filen är tom.")))
        return []
    result.delimiter = _sniff_delimiter(first)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter))
    except csv.Error as exc:
        errors.append(
            CsvIssue(
                0, 0, "", N_("Filen kunde inte läsas som CSV: %(detail)s"), {"detail": str(exc)}
            )
        )
        return []
    numbered = [(i + 1, [" ".join(c.split()) for c in row]) for i, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        errors.append(CsvIssue(0, 0, "", N_("Filen är tom.")))
    return numbered


class _Parser:
    """The rows after the header, read against the header's criteria; problems go to
    ``result.errors`` in file order."""

    def __init__(self, result: ParsedImport, header_row: tuple[int, list[str]]) -> None:
        self.result = result
        self.errors = result.errors
        self.hrow_no, header = header_row
        header = _trim_trailing_empty(header)
        if header[0].lower() != "alternativ":
            self.errors.append(
                CsvIssue(
                    self.hrow_no,
                    1,
                    "",
                    N_("Första raden ska börja med 'alternativ', inte '%(value)s'."),
                    {"value": header[0]},
                )
            )
        self.columns = header[1:]
        self.detail_at = {j: DETAIL_COLUMNS[name.casefold()]
                          for j, name in enumerate(self.columns, start=2)
                          if name.casefold() in DETAIL_COLUMNS}
        self._check_details()
        self.crit_cols = [j for j in range(2, len(self.columns) + 2) if j not in self.detail_at]
        self.crit_names = [self.columns[j - 2] for j in self.crit_cols]
        self.width = len(self.columns)
        self.ncols = len(self.crit_names)
        self.too_many_criteria = self.ncols > MAX_CRITERIA
        result.details = tuple(sorted(set(self.detail_at.values())))
        self._check_criteria()

    def _check_details(self) -> None:
        seen: set[str] = set()
        for j, kind in self.detail_at.items():
            if kind in seen:
                self.errors.append(CsvIssue(
                    self.hrow_no, j, self.columns[j - 2],
                    N_("kolumnen finns redan (en kolumn för %(value)s räcker)"),
                    {"value": DETAIL_HEADERS[kind]}))
            seen.add(kind)

    def _check_criteria(self) -> None:
        hrow_no, errors = self.hrow_no, self.errors
        if self.ncols < MIN_CRITERIA:
            errors.append(
                CsvIssue(
                    hrow_no,
                    0,
                    "",
                    N_("Första raden ska namnge minst %(n)d kriterier efter 'alternativ'."),
                    {"n": MIN_CRITERIA},
                )
            )
        if self.too_many_criteria:
            errors.append(
                CsvIssue(hrow_no, 0, "", N_("Högst %(n)d kriterier."), {"n": MAX_CRITERIA})
            )
            return
        seen: set[str] = set()
        for j, name in zip(self.crit_cols, self.crit_names, strict=True):
            if not name:
                errors.append(CsvIssue(hrow_no, j, "", N_("kriteriets namn saknas")))
            elif len(name) > MAX_NAME:
                errors.append(
                    CsvIssue(
                        hrow_no, j, name[:40], N_("namnet är längre än %(n)d tecken"),
                        {"n": MAX_NAME},
                    )
                )
            elif name.casefold() in seen:
                errors.append(
                    CsvIssue(
                        hrow_no, j, name, N_("kriteriet '%(value)s' finns redan"), {"value": name}
                    )
                )
            seen.add(name.casefold())

    def colname(self, j: int) -> str:
        """The header of spreadsheet column ``j`` ('' outside the header)."""
        return self.columns[j - 2] if 2 <= j <= self.width + 1 else ""

    def row_cells(self, row_no: int, row: list[str]) -> dict[int, str]:
        """Every cell under the header by spreadsheet column; extra non-empty cells are
        errors."""
        width = self.width
        values = row[1 : width + 1] + [""] * max(0, width + 1 - len(row))
        if any(row[width + 1 :]):
            msgid = (N_("raden har fler värden än det finns kolumner (%(n)d)") if self.detail_at
                     else N_("raden har fler värden än det finns kriterier (%(n)d)"))
            self.errors.append(CsvIssue(row_no, width + 2, "", msgid,
                                        {"n": width + 1 if self.detail_at else width}))
        return dict(enumerate(values, start=2))

    def cells(self, row_no: int, row: list[str]) -> list[tuple[int, str]]:
        """The criterion cells of a row as (spreadsheet column, text)."""
        by_col = self.row_cells(row_no, row)
        return [(j, by_col[j]) for j in self.crit_cols]

    def directions(self, rest: Numbered) -> list[str]:
        """The ``riktning`` row (required, second), popped from ``rest``."""
        directions: list[str] = ["benefit"] * self.ncols
        if not rest or rest[0][1][0].lower() != "riktning":
            row_no = rest[0][0] if rest else self.hrow_no + 1
            self.errors.append(
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
            return directions
        row_no, row = rest.pop(0)
        for i, (j, value) in enumerate(self.cells(row_no, row)):
            d = DIRECTIONS.get(value.lower())
            if d is None:
                self.errors.append(
                    CsvIssue(
                        row_no,
                        j,
                        self.colname(j),
                        N_("'%(value)s' ska vara nytta eller kostnad"),
                        {"value": value},
                    )
                )
            else:
                directions[i] = d
        return directions

    def descriptions(self, rest: Numbered) -> list[str]:
        """The optional ``beskrivning`` row, popped from ``rest`` when it is there."""
        descriptions = [""] * self.ncols
        if not rest or rest[0][1][0].lower() != "beskrivning":
            return descriptions
        self.result.has_descriptions = True
        row_no, row = rest.pop(0)
        for i, (j, value) in enumerate(self.cells(row_no, row)):
            if len(value) > MAX_DESCRIPTION:
                self.errors.append(
                    CsvIssue(
                        row_no,
                        j,
                        self.colname(j),
                        N_("beskrivningen är längre än %(n)d tecken"),
                        {"n": MAX_DESCRIPTION},
                    )
                )
            descriptions[i] = value
        return descriptions

    def alternatives(self, rest: Numbered) -> None:
        """One alternative per remaining row, with its scores."""
        errors = self.errors
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
            errors.append(
                CsvIssue(0, 0, "", N_("Högst %(n)d alternativ."), {"n": MAX_ALTERNATIVES})
            )
            return
        seen: set[str] = set()
        for row_no, row in rest:
            name = row[0]
            self._check_alternative_name(row_no, name, seen)
            seen.add(name.casefold())
            alt: dict[str, Any] = {"name": name, "description": ""}
            self.result.alternatives.append(alt)
            self._scores(row_no, row, name)
            alt.update(self._details(row_no, row))

    def _check_alternative_name(self, row_no: int, name: str, seen: set[str]) -> None:
        if not name:
            self.errors.append(CsvIssue(row_no, 1, "", N_("alternativets namn saknas")))
        elif len(name) > MAX_NAME:
            self.errors.append(
                CsvIssue(row_no, 1, "", N_("namnet är längre än %(n)d tecken"), {"n": MAX_NAME})
            )
        elif name.casefold() in seen:
            self.errors.append(
                CsvIssue(row_no, 1, "", N_("alternativet '%(value)s' finns redan"), {"value": name})
            )

    def _scores(self, row_no: int, row: list[str], name: str) -> None:
        for (j, value), crit in zip(self.cells(row_no, row), self.crit_names, strict=True):
            try:
                number = parse_number(value)
            except NumberError as exc:
                self.errors.append(CsvIssue(row_no, j, self.colname(j), exc.msgid, exc.params))
                continue
            if crit:
                self.result.scores[(name, crit)] = number

    def _details(self, row_no: int, row: list[str]) -> dict[str, Any]:
        """The alternative's host municipality, cost and earliest phase (empty: unknown)."""
        by_col = self.row_cells(row_no, row) if self.detail_at else {}
        out: dict[str, Any] = {}
        for j, kind in self.detail_at.items():
            value = by_col[j]
            try:
                out[kind] = _DETAIL_PARSERS[kind](value) if value else None
            except _CellError as exc:
                self.errors.append(CsvIssue(row_no, j, self.colname(j), exc.msgid,
                                            {"value": value}))
        return out


class _CellError(ValueError):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def _municipality(value: str) -> str:
    name = _MUNICIPALITY_NAMES.get(value.casefold())
    if name is None:
        raise _CellError(N_("'%(value)s' är ingen av Skaraborgs 15 kommuner"))
    return name


def _cost(value: str) -> float:
    try:
        cost = parse_number(value)
    except NumberError:
        raise _CellError(N_("'%(value)s' är inget belopp i miljoner kronor")) from None
    if cost < 0:
        raise _CellError(N_("kostnaden '%(value)s' kan inte vara negativ"))
    return cost


def _phase(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise _CellError(N_("'%(value)s' ska vara ett heltal från 1 (etappens nummer)"))
    return int(value)


def _degrees(limit: float):
    """A WGS 84 coordinate in degrees (decimal comma or point) within ±``limit``; whether
    the point lies in Skaraborg and its host is checked at the preview (store.places)."""

    def parse(value: str) -> float:
        try:
            number = parse_number(value)
        except NumberError:
            raise _CellError(N_("'%(value)s' är ingen koordinat i grader (WGS 84)")) from None
        if not -limit <= number <= limit:
            raise _CellError(N_("'%(value)s' är ingen koordinat i grader (WGS 84)"))
        return number

    return parse


_DETAIL_PARSERS = {"municipality": _municipality, "cost": _cost, "earliest_phase": _phase,
                   "lat": _degrees(90.0), "lon": _degrees(180.0)}


def _trim_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end > 1 and not row[end - 1]:
        end -= 1
    return row[:end]

