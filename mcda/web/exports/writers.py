"""The two writers every export table goes through: ``csv.writer`` (Swedish Excel dialect:
``;``, UTF-8 with BOM, decimal comma) and xlsxwriter (formulas, URLs and number guessing off;
every user string written as a string)."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from mcda.web.exports.cells import csv_rows
from mcda.web.exports.tables import Table, stored


def csv_bytes(table: Table) -> bytes:
    """The table as a CSV file: the header on row 1, then the rows (shares in percent). Its
    note goes to the notes file (``anmarkningar.csv``), never above the header."""
    rows: list[list[Any]] = [table.csv_header(), *table.csv_rows()]
    return ("\ufeff" + csv_rows(rows)).encode("utf-8")


class Workbook:
    """An in-memory workbook with the house formats and a cell writer that skips None."""

    def __init__(self) -> None:
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.bold = self.wb.add_format({"bold": True})
        self.formats = {"pct": self.wb.add_format({"num_format": "0.0%"}),
                        "dec": self.wb.add_format({"num_format": "0.000"}),
                        "dec2": self.wb.add_format({"num_format": "0.00"}),
                        "wrap": self.wb.add_format({"text_wrap": True, "valign": "top"})}
        self.wrap = self.formats["wrap"]

    def sheet(self, name: str, first_width: int = 34) -> Any:
        ws = self.wb.add_worksheet(name[:31])
        ws.set_column(0, 0, first_width)
        ws.set_column(1, 40, 14)
        return ws

    def table_sheet(self, name: str, table: Table, *, first_width: int = 34,
                    first_bold: bool = False) -> None:
        """One table on its own sheet: the header on row 1 (frozen), the rows under it."""
        ws = self.sheet(name, first_width)
        self.table(ws, 0, table, first_bold=first_bold)
        ws.freeze_panes(1, 0)

    def put(self, ws: Any, r: int, c: int, v: Any, fmt: Any = None) -> None:
        if v is None:
            return
        if isinstance(fmt, str):
            v = stored(v, fmt)  # never more precision than the page shows
            fmt = self.formats[fmt]
        else:
            v = stored(v, None)
        if isinstance(v, bool):
            ws.write_string(r, c, "ja" if v else "nej", fmt)
        elif isinstance(v, int | float):
            ws.write_number(r, c, v, fmt)
        else:
            ws.write_string(r, c, str(v), fmt)

    def header(self, ws: Any, r: int, cells: list[Any]) -> None:
        for c, h in enumerate(cells):
            ws.write_string(r, c, str(h), self.bold)

    def table(self, ws: Any, r: int, table: Table, *, header: bool = True,
              first_bold: bool = False) -> int:
        """The table from row ``r`` (header, then rows); returns the last row written."""
        if header:
            self.header(ws, r, table.sheet_columns or table.columns)
            r += 1
        for i, row in enumerate(table.rows):
            for c, v in enumerate(row):
                fmt = self.bold if first_bold and i == 0 and c == 0 else table.fmt(i, c)
                self.put(ws, r + i, c, v, fmt)
        return r + len(table.rows) - 1

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()
