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


_SOLVE_MS = re.compile(r'("solve_ms": )[-+0-9.eE]+')


def normalise_versions(data: bytes) -> bytes:
    """Replace the library versions an analysis records (``meta.versions``) and the measured
    solve time of its plan (``phasing.solve_ms``) by ``"*"``."""
    text = _VERSIONS.sub(r'\1"*"', data.decode("utf-8"))
    return _SOLVE_MS.sub(r'\1"*"', text).encode("utf-8")


def timeless(output: Any) -> Any:
    """An analysis output without its measured solve time (the one value a re-run of the same
    input does not reproduce)."""
    if isinstance(output, dict) and isinstance(output.get("phasing"), dict):
        output = {**output, "phasing": {k: v for k, v in output["phasing"].items()
                                        if k != "solve_ms"}}
    return output


# --- page snapshots --------------------------------------------------------------------------

# Elements that start a new line of text (the rest run on, as a reader sees them).
_BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
          "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
          "h3", "h4", "h5", "h6", "header", "hr", "legend", "li", "main", "nav", "ol", "option",
          "p", "pre", "section", "summary", "table", "tr", "ul", "svg", "text", "title", "desc",
          "label", "button", "select", "textarea", "output", "td", "th", "body", "head"}
_SKIP = {"script", "style", "template"}
_FIELDS = {"input", "select", "textarea", "button"}
_HX = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
# Times of day and dates shown on a page (a "saved at", a round's closing time), and measured
# durations (the planning page's solve time in ms).
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?\b"
                        r"|\b\d{1,2}[:.]\d{2}:\d{2}\b|\bkl\. ?\d{1,2}[:.]\d{2}\b"
                        r"|\b\d+(?:[,.]\d+)?(?:\s|\u00a0)?(?:ms|millisekunder)\b")


def _without_tokens(html: str, replace: dict[str, str] | None) -> str:
    """The page with each ``replace`` key replaced, and its CSRF tokens (form fields and the
    body's ``hx-headers``) replaced by ``CSRF``."""
    from tests.helpers import parse_html

    for old, new in sorted((replace or {}).items(), key=lambda kv: -len(kv[0])):
        html = html.replace(old, new)
    tokens = set()
    for el in parse_html(html).iter():
        if el.tag == "input" and el.get("name") == "csrf_token" and el.get("value"):
            tokens.add(str(el.get("value")))
        if el.get("hx-headers"):
            tokens.add(str(json.loads(el.get("hx-headers") or "{}").get("X-CSRFToken") or ""))
    for token in tokens - {""}:
        html = html.replace(token, "CSRF")
    return html


def _text_lines(doc: Any) -> list[str]:
    """The visible text, a line per block element (no script, style or template)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = " ".join("".join(buf).split())
        if line:
            lines.append(line)
        buf.clear()

    def walk(el: Any) -> None:
        for ch in el.children:
            if isinstance(ch, str):
                buf.append(ch)
            elif ch.tag not in _SKIP:
                block = ch.tag in _BLOCK
                if block:
                    flush()
                if ch.tag == "img" and ch.get("alt"):
                    buf.append(f" [{ch.get('alt')}] ")
                walk(ch)
                if block:
                    flush()
                elif ch.tag in ("td", "th"):
                    buf.append(" | ")

    walk(doc)
    flush()
    return lines


_FIELD_ATTRS = ("type", "name", "value", "min", "max", "step", "required", "checked",
                "selected", "disabled", "readonly", "multiple", "form", "formaction")


def _field(el: Any) -> str:
    """One form control: tag, the attributes that decide what is sent, options, label."""
    parts = [el.tag] + [f"{k}={el.get(k)}" if el.get(k) is not None else k
                        for k in _FIELD_ATTRS if k in el.attrs]
    if el.tag == "select":
        parts += [f"[{o.get('value')}{'*' if 'selected' in o.attrs else ''}]"
                  for o in el.find_all("option")]
    if el.tag in ("textarea", "button"):
        parts.append(repr(" ".join(el.text().split())))
    return " ".join(parts)


def _forms(doc: Any) -> list[str]:
    out = []
    for form in doc.find_all("form"):
        attrs = " ".join(f"{k}={form.get(k)}" for k in ("method", "action", "id", *_HX)
                         if form.get(k) is not None)
        out.append(f"form {attrs}")
        out += [f"  {_field(el)}" for el in form.iter() if el.tag in _FIELDS]
    loose = [el for el in doc.iter() if el.tag in _FIELDS and el.closest("form") is None]
    if loose:
        out.append("outside forms")
        out += [f"  {_field(el)}" for el in loose]
    return out


def _htmx(doc: Any) -> list[str]:
    out = []
    for el in doc.iter():
        if any(el.get(k) is not None for k in _HX):
            hx = [f"{k}={el.get(k)}" for k in (*_HX, "hx-trigger", "hx-target", "hx-swap",
                                                "hx-select") if el.get(k) is not None]
            out.append(f"{el.tag} " + " ".join(hx))
    return out


def page_snapshot(html: str | bytes, replace: dict[str, str] | None = None) -> str:
    """What a page says and offers, for a golden file: the visible text (a line per block,
    whitespace collapsed, no script or style), every form (method, action, fields with their
    values, checked/selected), every htmx request and every link target.

    Removed: CSRF tokens (field values and the body's ``hx-headers``) and timestamps; each
    key of ``replace`` (e.g. a random join code) is replaced by its value first."""
    from tests.helpers import parse_html

    if isinstance(html, bytes):
        html = html.decode("utf-8")
    doc = parse_html(_without_tokens(html, replace))
    out = ["== text ==", *_text_lines(doc), "", "== forms ==", *_forms(doc),
           "", "== htmx ==", *_htmx(doc), "", "== links =="]
    out += [str(a.get("href")) for a in doc.find_all("a") if a.get("href") is not None]
    return _TIMESTAMP.sub("<tid>", "\n".join(out) + "\n")


def demo_rounds(db: Any, owner_id: int) -> tuple[int, int, dict[str, int], list[int]]:
    """Load the demo and name its rounds ("culture-1", "growth-1" …): the decisions' ids,
    the rounds by name and the culture decision's scenario ids, for both golden modules."""
    from mcda.store import rounds as sr
    from mcda.store import scenarios as ss
    from mcda.store.demo import load_demo

    culture, growth = load_demo(db, owner_id)
    rounds = {f"{key}-{r['number']}": r["id"]
              for key, did in (("culture", culture), ("growth", growth))
              for r in sr.list_rounds(db, did)}
    return culture, growth, rounds, [s["id"] for s in ss.list_scenarios(db, culture)]
