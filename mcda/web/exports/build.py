"""Export builders: CSV (Swedish Excel dialect), an Excel workbook and the analysis JSON.

- CSV: ``;``-separated, UTF-8 with BOM, decimal comma (what Swedish Excel opens directly);
  any cell starting with ``= + - @``, TAB or CR gets a leading ``'`` so it is never a formula.
- Excel: xlsxwriter with ``strings_to_formulas`` (and URL/number guessing) off; every user
  string is written with ``write_string``.
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

from mcda.web.exports import tables
from mcda.web.exports.analysis_json import analysis_json
from mcda.web.exports.cells import file_name
from mcda.web.exports.workbook import workbook
from mcda.web.exports.writers import csv_bytes

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Builder = Callable[[dict[str, Any], Any, dict[str, Any], str | None], bytes]
KINDS: dict[str, tuple[Builder, str, str, str]] = {
    "roster.csv": (lambda rnd, ra, view, err: csv_bytes(tables.roster(ra, view, err)),
                   CSV, "roster", "csv"),
    "vikter.csv": (lambda rnd, ra, view, err: csv_bytes(tables.weights(view, err)),
                   CSV, "vikter", "csv"),
    "motiveringar.csv": (lambda rnd, ra, view, err: csv_bytes(tables.reasons(view)),
                         CSV, "motiveringar", "csv"),
    "rangordning.csv": (lambda rnd, ra, view, err: csv_bytes(tables.rankings(view, err)),
                        CSV, "rangordning", "csv"),
    "etapper.csv": (lambda rnd, ra, view, err: csv_bytes(tables.plan(ra, view, err)),
                    CSV, "etapper", "csv"),
    "arbetsbok.xlsx": (workbook, XLSX, "resultat", "xlsx"),
    "analys.json": (analysis_json, "application/json", "analys", "json"),
}
"""Export kind (the URL's last part) → (builder, MIME type, file-name part, extension)."""


def build(kind: str, rnd: dict[str, Any], ra: Any, view: dict[str, Any],
          error: str | None) -> tuple[bytes, str, str]:
    """(body, mimetype, filename) for one export kind; KeyError for an unknown one."""
    builder, mimetype, part, ext = KINDS[kind]
    return builder(rnd, ra, view, error), mimetype, file_name(rnd, part, ext, view.get("phase"))
