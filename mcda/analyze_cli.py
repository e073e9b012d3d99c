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


def _pct(x: float, lang: str) -> str:
    if 0 < x < 0.005:
        return "under 1 %" if lang == "sv" else "under 1%"
    n = round(100 * x)
    return f"{n} %" if lang == "sv" else f"{n}%"


def _and(names: list[str], lang: str) -> str:
    word = " och " if lang == "sv" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def _points(p: float, lang: str) -> str:
    n = round(p)
    if n < 1:
        return "mindre än 1 procentenhet" if lang == "sv" else "less than 1 percentage point"
    if lang == "sv":
        return f"{n} procentenhet" + ("" if n == 1 else "er")
    return f"{n} percentage point" + ("" if n == 1 else "s")


def verdict_text(result: dict[str, Any], lang: str = "sv") -> list[str]:
    """The verdict in plain words (issue 23): what comes first and what follows, how sure
    (the share of the participants' weightings), what would change it and what the other
    methods say. No method acronym: the model is named in plain words."""
    v = result.get("verdict") or {}
    if not v.get("first"):
        return []
    meta = result.get("meta") or {}
    an = {a["id"]: a["name"] for a in meta.get("alternatives") or []}
    cn = {c["id"]: c["name"] for c in meta.get("criteria") or []}
    sv = lang == "sv"
    first, runner = an.get(v["first"], v["first"]), v.get("runner_up")
    tied = [an.get(o["id"], o["id"]) for o in v["order"] if o["rank"] == 1]
    rest = [an.get(o["id"], o["id"]) for o in v["order"] if o["rank"] > 1]
    model = v["model"]["name_sv" if sv else "name_en"]
    lines = ["Utslaget" if sv else "Verdict",
             (f"Rangordnat med beslutets modell: {model.lower()}." if sv else
              f"Ranked with the decision's model: {model.lower()}.")]
    if len(tied) > 1:
        lines.append(f"{_and(tied, lang)} delar förstaplatsen." if sv else
                     f"{_and(tied, lang)} share first place.")
    else:
        lines.append(f"{first} kommer först." if sv else f"{first} comes first.")
    if rest:
        lines.append(f"Därefter: {_and(rest[:3], lang)}." if sv else
                     f"Then: {_and(rest[:3], lang)}.")
    share = _pct(v["share_first"], lang)
    lines.append(f"{first} kommer först med {share} av deltagarnas viktningar." if sv else
                 f"{first} comes first under {share} of the participants' weightings.")
    if v.get("explain") == "other_first_more_often":
        leader = v["share_leader"]
        ls = _pct(v["shares"][leader], lang)
        lines.append(
            f"Med regionens vikter kommer {first} först, men {an.get(leader, leader)} kommer "
            f"först med fler enskilda viktningar ({ls}): {first} är en kompromiss mellan dem."
            if sv else
            f"With the region's weights {first} comes first, but {an.get(leader, leader)} "
            f"comes first under more individual weightings ({ls}): {first} is a compromise "
            "between them.")
    fl = v.get("flip")
    if fl is not None and runner is not None:
        crit, ru = cn.get(fl["criterion"], fl["criterion"]), an.get(runner, runner)
        pts = _points(fl["points"], lang)
        if sv:
            more = "mer" if fl["direction"] == "up" else "mindre"
            lines.append(f"Om {crit} vägde {pts} {more} skulle {ru} komma först.")
        else:
            more = "more" if fl["direction"] == "up" else "less"
            lines.append(f"If {crit} weighed {pts} {more}, {ru} would come first.")
    elif runner is not None and len(tied) == 1:
        lines.append(f"Ingen ändring av en enskild vikt får {an.get(runner, runner)} att komma "
                     "först." if sv else
                     f"No change of a single weight puts {an.get(runner, runner)} first.")
    m = v.get("methods") or {}
    if m.get("of"):
        agree, of = m["agree"], m["of"]
        if agree:
            lines.append(f"{agree} av {of} andra metoder sätter också {first} först." if sv else
                         f"{agree} of {of} other methods also put {first} first.")
        else:
            lines.append(f"Ingen av {of} andra metoder sätter {first} först." if sv else
                         f"None of {of} other methods puts {first} first.")
    return lines


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
