"""``python -m mcda analyze FILE|-``: run the analysis on an input file and print the result.

The same :func:`mcda.core.analysis.analyze` the web app uses, so a researcher can reproduce a
workshop's numbers from its exported analysis input: either a bare input object or the results
page's JSON export as downloaded (``{"format": "vagval-analysis", "input", "output"}``, whose
``input`` is analysed; the result equals its ``output``). Errors in the input are printed (Swedish
by default, ``--lang en`` for English) naming the field and value; exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_INPUT_ERROR = 2
EXPORT_FORMAT = "vagval-analysis"
"""``format`` of the web app's JSON export; its ``input`` is what is analysed."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m mcda analyze",
        description="Kör Vägvals analys på en JSON-fil (se docs/analysis-format.md) och skriv "
        "resultatet som JSON. / Run Vägval's analysis on a JSON input file and print the "
        "result as JSON.",
    )
    p.add_argument("file", help="indatafil (JSON), eller - för standard in / input file, or -")
    p.add_argument("--lang", choices=("sv", "en"), default="sv",
                   help="språk för felmeddelanden / language of error messages (default sv)")
    p.add_argument("--indent", type=int, default=2, help="JSON-indrag / JSON indent (default 2)")
    p.add_argument("-o", "--output", help="skriv till fil i stället för standard ut / "
                   "write to a file instead of stdout")
    return p


def _fail(lang: str, sv: str, en: str) -> int:
    print(sv if lang == "sv" else en, file=sys.stderr)
    return EXIT_INPUT_ERROR


def _reject_constant(token: str) -> Any:
    raise ValueError(token)


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input or file)."""
    args = _parser().parse_args(argv)
    lang = args.lang
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        return _fail(lang, f"Fel: kan inte läsa {args.file}: {exc.strerror}",
                     f"Error: cannot read {args.file}: {exc.strerror}")
    except UnicodeDecodeError:
        return _fail(lang, f"Fel: {args.file} är inte UTF-8-text.",
                     f"Error: {args.file} is not UTF-8 text.")
    try:
        # NaN/Infinity are not JSON; Python's parser would accept them silently.
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _fail(lang, f"Fel: ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}: "
                     f"{exc.msg}", f"Error: invalid JSON at line {exc.lineno}, column "
                     f"{exc.colno}: {exc.msg}")
    except ValueError as exc:
        return _fail(lang, f"Fel: {exc} är inte tillåtet i JSON; ange ett ändligt tal.",
                     f"Error: {exc} is not allowed in JSON; give a finite number.")

    from .core.analysis import analyze
    from .core.errors import MCDAInputError

    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        # the results page's JSON export: {"format", "round", "input", "output"}; re-run its input
        if not isinstance(data.get("input"), dict):
            return _fail(lang, "Fel: exporten innehåller ingen analys (inga viktningar ännu).",
                         "Error: the export holds no analysis (no votes yet).")
        data = data["input"]

    try:
        result = analyze(data)
    except MCDAInputError as exc:
        value = json.dumps(exc.to_dict()["value"], ensure_ascii=False)
        return _fail(lang, f"Fel i indata, fält {exc.field} (värde {value}): {exc.message_sv}",
                     f"Input error, field {exc.field} (value {value}): {exc.message_en}")
    out = json.dumps(result, ensure_ascii=False, allow_nan=False,
                     indent=args.indent if args.indent >= 0 else None)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(out + "\n")
    else:
        sys.stdout.write(out + "\n")
    return 0
