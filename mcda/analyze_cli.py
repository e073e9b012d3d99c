"""``python -m mcda analyze FILE|-``: run the analysis on an input file and print the result.

The same :func:`mcda.core.analysis.analyze` the web app uses, so a researcher can reproduce a
workshop's numbers from its exported analysis input: either a bare input object or the results
page's JSON export as downloaded (``{"format": "vagval-analysis", "input", "output"}``, whose
``input`` is analysed; the result equals its ``output``). Every bad input ends the same way: exit
status 2 and one line on standard error naming the field and value (Swedish by default,
``--lang en`` for English), never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .core.constants import MAX_INPUT_BYTES

EXIT_INPUT_ERROR = 2
EXPORT_FORMAT = "vagval-analysis"
"""``format`` of the web app's JSON export; its ``input`` is what is analysed."""


def _fail(lang: str, sv: str, en: str) -> int:
    line = " ".join((sv if lang == "sv" else en).split()).replace("\x00", "\\u0000")
    # A lone surrogate in the input must not turn the message itself into a traceback.
    click.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)
    return EXIT_INPUT_ERROR


def _read(file: str) -> bytes | str:
    """At most MAX_INPUT_BYTES + 1 bytes of the file (or standard input)."""
    if file == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        return stream.read(MAX_INPUT_BYTES + 1)
    with open(file, "rb") as fh:
        return fh.read(MAX_INPUT_BYTES + 1)


def _gettext(lang: str):  # noqa: ANN202 - a gettext callable
    """Swedish is the catalog's message id; other languages come from the web app's catalog
    (compiled on first use, as the web app does at start-up)."""
    if lang == "sv":
        return lambda msgid: msgid
    from pathlib import Path

    from babel.support import Translations

    from .web.kit.i18n import compile_catalogs

    directory = Path(__file__).resolve().parents[1] / "translations"
    compile_catalogs(directory)
    return Translations.load(str(directory), [lang]).gettext


def verdict_text(result: dict[str, Any], lang: str = "sv") -> list[str]:
    """The verdict in plain words (issue 23), worded by the results page's own renderer
    (``present.analysis_text.verdict_lines`` over ``analysis_sections.verdict_plain``), so
    the page, the projector, the report and this summary say the same sentences: what comes
    first and what follows, how sure, what would change it and what the other methods say.
    No method acronym: the model is named in plain words."""
    from .core.contract import Verdict
    from .web.present.analysis_sections import verdict_plain
    from .web.present.analysis_text import verdict_lines

    raw = result.get("verdict") or {}
    if not raw.get("first"):
        return []
    meta = result.get("meta") or {}
    alts = [(a["id"], a["name"]) for a in meta.get("alternatives") or []]
    cname = {c["id"]: c["name"] for c in meta.get("criteria") or []}
    v = verdict_plain(Verdict.model_validate(raw), alts, cname)
    if v is None:
        return []
    gettext = _gettext(lang)
    model = v["model_en"] if lang == "en" else v["model_sv"]
    head = [gettext("Besked"),
            gettext("Besked enligt beslutsfrågans beslutsmodell: %(m)s.") % {"m": model}]
    return head + verdict_lines(v, gettext=gettext, lang=lang)


def summary_text(result: dict[str, Any], lang: str = "sv") -> str:
    """The verdict in plain words first (:func:`verdict_text`), then the result's other
    ``summary`` statements numbered, each with the method it rests on: the same sentences
    as the results page (``mcda.web.present.analysis_text``)."""
    from .web.present.analysis_text import summary_sentences

    rest = [i for i in result.get("summary") or [] if i.get("kind") != "verdict"]
    items = summary_sentences(rest, gettext=_gettext(lang), lang=lang)
    lines = verdict_text(result, lang)
    if lines:
        lines.append("")
    lines += ["Sammanfattning" if lang == "sv" else "Summary", ""]
    for i, s in enumerate(items, start=1):
        lines += [f"{i}. {s['text']}", f"   {s['basis']}"]
    return "\n".join(lines)


def run(file: str, lang: str = "sv", indent: int = 2, output: str | None = None,
        summary: bool = False) -> int:
    """Analyse ``file`` and write the result (or with ``summary`` only its summary as text);
    the exit status (0 ok, 2 bad input or file)."""
    name = "standard in" if file == "-" else file
    try:
        raw = _read(file)
    except OSError as exc:
        return _fail(lang, f"Fel: kan inte läsa {name}: {exc.strerror}.",
                     f"Error: cannot read {name}: {exc.strerror}.")
    if len(raw) > MAX_INPUT_BYTES:
        mb = MAX_INPUT_BYTES // (1024 * 1024)
        return _fail(lang, f"Fel: {name} är större än {mb} MB; en analys av en hel workshop "
                     "är några MB.", f"Error: {name} is larger than {mb} MB; the analysis of "
                     "a whole workshop is a few MB.")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        return _fail(lang, f"Fel: {name} är inte UTF-8-text (byte {exc.start}).",
                     f"Error: {name} is not UTF-8 text (byte {exc.start}).")

    from .core.analysis import analyze
    from .core.contract import loads
    from .core.errors import MCDAInputError

    try:
        data = loads(text)
        if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
            # the results page's JSON export: {"format", "round", "input", "output"}
            if not isinstance(data.get("input"), dict):
                return _fail(lang, "Fel: exporten innehåller ingen analys (inga viktningar "
                             "ännu).", "Error: the export holds no analysis (no votes yet).")
            data = data["input"]
        result = analyze(data)
    except MCDAInputError as exc:
        value = json.dumps(exc.to_dict()["value"], ensure_ascii=False)
        return _fail(lang, f"Fel i indata, fält {exc.field} (värde {value}): {exc.message_sv}",
                     f"Input error, field {exc.field} (value {value}): {exc.message_en}")
    if summary:
        out = summary_text(result, lang) + "\n"
    else:  # the summary leads the output, as it leads the results page
        result = {"summary": result.get("summary", []), **result}
        out = json.dumps(result, ensure_ascii=False, allow_nan=False,
                         indent=indent if indent >= 0 else None) + "\n"
    if not output:
        sys.stdout.write(out)
        return 0
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(out)
    except OSError as exc:
        return _fail(lang, f"Fel: kan inte skriva {output}: {exc.strerror}.",
                     f"Error: cannot write {output}: {exc.strerror}.")
    return 0


@click.command("analyze")
@click.argument("file", metavar="FILE")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
              help="Språk för felmeddelanden och sammanfattning / language of error messages "
              "and the summary.")
@click.option("--indent", type=int, default=2, show_default=True,
              help="JSON-indrag, -1 för en rad / JSON indent, -1 for one line.")
@click.option("-o", "--output", metavar="FILE",
              help="Skriv till fil i stället för standard ut / write to a file, not stdout.")
@click.option("--sammanfattning", "--summary", "summary", is_flag=True,
              help="Skriv bara sammanfattningen som text (på --lang) / print only the "
              "summary as plain text (in --lang).")
@click.pass_context
def analyze_command(ctx: click.Context, file: str, lang: str, indent: int,
                    output: str | None, summary: bool) -> None:
    """Run Vägval's analysis on a JSON input file (FILE, or - for standard input) and print
    the result as JSON (docs/analysis-format.md). Bad input: exit status 2 and one line
    naming the field."""
    code = run(file, lang, indent, output, summary)
    if code:
        ctx.exit(code)


def main(argv: list[str]) -> int:
    """``python -m mcda analyze`` with ``argv``; returns the exit status (for tests)."""
    try:
        code: Any = analyze_command.main(args=argv, prog_name="python -m mcda analyze",
                                         standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return int(code or 0)
