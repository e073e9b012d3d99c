"""Export builders: CSV (Swedish Excel dialect), an Excel workbook and the analysis JSON.

- CSV: ``;``-separated, UTF-8 with BOM, decimal comma (what Swedish Excel opens directly);
  any cell starting with ``= + - @``, TAB or CR gets a leading ``'`` so it is never a formula.
  The header is row 1; shares are percent with one decimal (as the page shows them, the
  column says "(%)"); every file's note (why it is empty, how it was computed) is in
  ``anmarkningar.csv``.
- Excel: xlsxwriter with ``strings_to_formulas`` (and URL/number guessing) off; every user
  string is written with ``write_string``. One table per sheet, its header on row 1; the
  verdict first; shares as fractions formatted as percent; the notes on the last sheet.
- JSON: ``{"input": …, "output": …}`` (``analysis_json``).
- A round without votes gives valid files that say why they are empty.
- A round with per-phase weights is exported one phase at a time (``?etapp=<phase id>``,
  default the first): the file name carries ``etapp-<n>``, the CSV notes and the workbook's
  summary name the phase, and the JSON has a top-level ``phase``.

Each table is defined once in ``tables`` and written by ``writers``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcda.web.exports import filing, geojson, tables
from mcda.web.exports.analysis_json import analysis_json
from mcda.web.exports.cells import file_name
from mcda.web.exports.workbook import workbook
from mcda.web.exports.writers import csv_bytes

CSV = "text/csv"
GEOJSON = "application/geo+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Builder = Callable[[dict[str, Any], Any, dict[str, Any], str | None], bytes]
CSV_TABLES: dict[str, Callable[[Any, dict[str, Any], str | None], tables.Table]] = {
    "roster.csv": tables.roster,
    "vikter.csv": lambda ra, view, err: tables.weights(view, err),
    "motiveringar.csv": lambda ra, view, err: tables.reasons(view),
    "rangordning.csv": lambda ra, view, err: tables.rankings(view, err),
    "etapper.csv": tables.plan,
    "vinnare-forlorare.csv": tables.regrets,
}
"""Each CSV file's one table (the file and the notes file are written from it)."""


def _notes(rnd: dict[str, Any], ra: Any, view: dict[str, Any], err: str | None) -> bytes:
    """Every CSV file's note, one row per file (the files themselves start with the header)."""
    return csv_bytes(tables.notes(filing.note_rows(rnd)  # the diarienummer first, if any
                                  + [(file_name(rnd, KINDS[k][2], "csv", view.get("phase")),
                                      build(ra, view, err).note)
                                     for k, build in CSV_TABLES.items()]))


KINDS: dict[str, tuple[Builder, str, str, str]] = {
    **{kind: ((lambda rnd, ra, view, err, t=t: csv_bytes(t(ra, view, err))),
              CSV, kind.removesuffix(".csv"), "csv") for kind, t in CSV_TABLES.items()},
    "anmarkningar.csv": (_notes, CSV, "anmarkningar", "csv"),
    "arbetsbok.xlsx": (workbook, XLSX, "resultat", "xlsx"),
    "analys.json": (analysis_json, "application/json", "analys", "json"),
    "etapper.geojson": (geojson.plan_bytes, GEOJSON, "etapper", "geojson"),
    "kommuner.geojson": (geojson.municipalities_bytes, GEOJSON, "kommuner", "geojson"),
}
"""Export kind (the URL's last part) → (builder, MIME type, file-name part, extension)."""


def build(kind: str, rnd: dict[str, Any], ra: Any, view: dict[str, Any],
          error: str | None) -> tuple[bytes, str, str]:
    """(body, mimetype, filename) for one export kind; KeyError for an unknown one."""
    builder, mimetype, part, ext = KINDS[kind]
    return builder(rnd, ra, view, error), mimetype, file_name(rnd, part, ext, view.get("phase"))
