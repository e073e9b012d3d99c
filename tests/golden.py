"""Golden files: a test's output compared byte for byte with a file in ``tests/data/golden``.

Why: the exports and the main pages are refactored without behaviour changes; a golden file
says exactly what a user downloaded or read before the move. The files are rewritten only when
the environment variable ``UPDATE_GOLDEN=1`` is set (then the test passes and the diff is
reviewed in git); otherwise a missing or different file fails with a diff.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).parent / "data" / "golden"


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN") == "1"


def assert_golden(name: str, data: bytes) -> None:
    """``data`` equals ``tests/data/golden/<name>`` (or is written there under UPDATE_GOLDEN=1)."""
    path = GOLDEN_DIR / name
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to write it"
    want = path.read_bytes()
    if data == want:
        return
    try:
        diff = "".join(difflib.unified_diff(
            want.decode("utf-8").splitlines(keepends=True),
            data.decode("utf-8").splitlines(keepends=True),
            fromfile=f"golden/{name}", tofile="now", n=1))
    except UnicodeDecodeError:
        diff = f"binary output differs ({len(want)} → {len(data)} bytes)"
    raise AssertionError(f"output differs from golden/{name}:\n{diff[:6000]}")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # exact digits, and 1.0 stays distinct from 1
    return value


def xlsx_cells(data: bytes) -> bytes:
    """Every sheet of a workbook, in order, as JSON: each non-empty cell's value (floats as
    ``repr``) and its number format where it is not General. openpyxl reads the values, so the
    golden file does not depend on how the writer lays out the zip."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets = []
    for ws in wb.worksheets:
        cells = {}
        formats = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                value = c.value
                if isinstance(value, str):  # the workbook's notes carry the analysis' meta
                    value = _VERSIONS.sub(r'\1"*"', value)
                cells[c.coordinate] = _cell(value)
                if c.number_format != "General":
                    formats[c.coordinate] = c.number_format
        sheets.append({"title": ws.title, "cells": cells, "number_formats": formats})
    return (json.dumps(sheets, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# Library versions in an analysis' ``meta.versions`` depend on the environment, not on the
# code under test.
_VERSIONS = re.compile(
    r'("(?:python|vagval|pymcdm|numpy|scipy)": ?)"[^"]*"')


def normalise_versions(data: bytes) -> bytes:
    """Replace the library versions an analysis records (``meta.versions``) by ``"*"``."""
    return _VERSIONS.sub(r'\1"*"', data.decode("utf-8")).encode("utf-8")
