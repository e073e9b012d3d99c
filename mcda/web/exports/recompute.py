"""The workbook an auditor can recompute (issue 26 point 7): the region's weights and the
decision model's scores as spreadsheet formulas over the workbook's own data.

The data are the published group weights (each municipality's, or the pool's, weights with
its count and population: never an individual vote) on "Omräkning av vikter" and the score
matrix on "Poängmatris". "Omräkning av vikter" and "Omräkning av poäng" hold the steps, written
with the decision model's own definitions:

- region: a weighted mean of the group weights, each group's share by the round's rule
  (``between_groups``: equal, by participants, by population), divided by its sum
  (``core.aggregation.between_groups``);
- the additive value model: min–max value scores 0–1 per criterion, cost criteria reversed, a
  constant criterion 1 for every alternative, and the weighted sum with the region's weights
  (``core.constants.MODEL_METHOD``: pymcdm's WSM on min–max normalised scores).

"Kommunernas vikter" (its group rows and its region row) and the score column of "Ordning" point
at these cells, so changing a weight or a score recomputes the answer offline. Every formula
cell carries the analysis' value as its cached result (what a reader that does not recalculate
shows). Another decision model (TOPSIS, PROMETHEE …) is no short formula: its scores stay the
analysis' values and the sheet's note says so. User strings stay text cells (the writer keeps
``strings_to_formulas`` off); only these generated formulas are formulas.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from mcda.core.constants import DEFAULT_MODEL
from mcda.web.exports.tables import Table
from mcda.web.exports.writers import Workbook
from mcda.web.present.analysis_view import group_name

FIRST_CRIT_COL = 4
"""Column of the first criterion on "Omräkning av vikter" (A name, B count, C population,
D share)."""


def sheet_ref(sheet: str) -> str:
    """A sheet name as a formula reference (always quoted; a quote doubled)."""
    return "'" + sheet[:31].replace("'", "''") + "'!"


def cell(sheet: str, row: int, col: int, *, absolute: bool = False) -> str:
    return sheet_ref(sheet) + xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


PRECISION = 3
"""Decimals of every number the workbook holds, data and cached formula results alike: the
page's precision (0.1 % of weight). Spreadsheets recalculate on opening, so the formulas'
results are those of the published, rounded data (within 0.001 of the analysis)."""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), PRECISION)


def _share_formula(rule: str, row: int, first: int, last: int) -> str:
    """A group's share of the region under ``rule`` (``core.aggregation.between_groups``)."""
    if rule == "participants":
        return f"=B{row + 1}/SUM($B${first + 1}:$B${last + 1})"
    if rule == "population":
        return f"=C{row + 1}/SUM($C${first + 1}:$C${last + 1})"
    return f"=1/ROWS($A${first + 1}:$A${last + 1})"


class Recompute:
    """Lays out the recompute sheets and points the weights and order sheets at them."""

    def __init__(self, book: Workbook, ra: Any, sheets: dict[str, Table]) -> None:
        self.book = book
        self.ra = ra
        self.m = ra.model
        self.crits = [c["id"] for c in ra.input["criteria"]]
        self.sheets = sheets
        self.weights_sheet = _("Kommunernas vikter")
        self.order_sheet = _("Ordning")
        self.calc = _("Omräkning av vikter")
        self.matrix = _("Poängmatris")
        self.values = _("Omräkning av poäng")
        self.pct = book.formats["pct"]
        self.dec = book.formats["dec"]

    def _group_rows(self) -> list[tuple[int, str]]:
        """(row on "Kommunernas vikter", group id) of every published group, as laid out."""
        by_name = {group_name(g): g for g in self.m.groups}
        table = self.sheets[self.weights_sheet]
        return [(i + 1, by_name[row[0]]) for i, row in enumerate(table.rows)
                if i > 0 and row and row[0] in by_name]

    def shares_computable(self) -> bool:
        """Whether each group's share can be written from stated data: by population it needs
        every group's population, and the pool's summed population is never published
        (``core.disclosure``, rule 5)."""
        if self.ra.options.get("between_groups", "equal") != "population":
            return True
        return all(self.m.groups[g].population is not None for _r, g in self._group_rows())

    def region(self) -> int:
        """The published group weights (data at the page's precision, 0.1 %, as every export
        carries it: issue 24, A1; with counts and population),
        each group's share, the sum of share × weight and the region's weights on their sheet;
        "Kommunernas vikter" then shows both through references. Returns the row of the
        region's weights. No formula names "Kommunernas vikter": its translated name may hold
        an apostrophe, which not every engine reads in a reference."""
        rule = self.ra.options.get("between_groups", "equal")
        if not self.shares_computable():
            rule = None  # the pool's population is not published: no shares, values below
        ws_w = self.book.wb.get_worksheet_by_name(self.weights_sheet[:31])
        ws = self.book.sheet(self.calc, 28)
        names = [c.get("name") or c["id"] for c in self.ra.input["criteria"]]
        self.book.header(ws, 0, [_("Kommun"), _("Antal deltagare"), _("Folkmängd"),
                                 _("Andel av regionen"), *names])
        groups = self._group_rows()
        first, last = 1, len(groups)
        for k, (wrow, g) in enumerate(groups):
            r = first + k
            res = self.m.groups[g]
            ws.write_string(r, 0, group_name(g))
            ws.write_number(r, 1, res.n)
            if res.population is not None:
                ws.write_number(r, 2, float(res.population))
            if rule is not None:
                ws.write_formula(r, 3, _share_formula(rule, r, first, last), self.pct)
            for j, cid in enumerate(self.crits):
                value = round(float(res.weights.get(cid, 0.0)), PRECISION)
                ws.write_number(r, FIRST_CRIT_COL + j, value, self.pct)
                ws_w.write_formula(wrow, 2 + j, "=" + cell(self.calc, r, FIRST_CRIT_COL + j),
                                   self.pct, value)
        raw, reg = last + 1, last + 2
        ws.write_string(raw, 0, _("Summa andel × vikt"))
        ws.write_string(reg, 0, _("Regionens vikt"), self.book.bold)
        c0 = xl_col_to_name(FIRST_CRIT_COL)
        c1 = xl_col_to_name(FIRST_CRIT_COL + len(self.crits) - 1)
        for j, cid in enumerate(self.crits):
            col = FIRST_CRIT_COL + j
            letter = xl_col_to_name(col)
            value = round(float(self.m.weights.get(cid, 0.0)), PRECISION)
            if rule is None:
                ws.write_number(reg, col, value, self.pct)
            else:
                ws.write_formula(raw, col, f"=SUMPRODUCT($D${first + 1}:$D${last + 1},"
                                 f"{letter}{first + 1}:{letter}{last + 1})")
                ws.write_formula(reg, col, f"={letter}{raw + 1}/SUM(${c0}${raw + 1}:"
                                 f"${c1}${raw + 1})", self.pct, value)
            ws_w.write_formula(1, 2 + j, "=" + cell(self.calc, reg, col), self.pct, value)
        ws.freeze_panes(1, 1)
        return reg

    def scores(self, reg: int) -> None:
        """The score matrix (data) and the additive value model's scores (formulas), each on
        its own sheet with its header on row 1."""
        alts = self.ra.input["alternatives"]
        crits = self.ra.input["criteria"]
        crit_names = [c.get("name") or c["id"] for c in crits]
        mws = self.book.sheet(self.matrix, 40)
        self.book.header(mws, 0, [_("Alternativ"), *crit_names])
        cost, benefit = _("kostnad"), _("nytta")
        mws.write_string(1, 0, _("Riktning"), self.book.bold)
        for j, c in enumerate(crits):
            mws.write_string(1, 1 + j, cost if c["direction"] == "cost" else benefit)
        first, last = 2, 2 + len(alts) - 1
        for i, a in enumerate(alts):
            mws.write_string(first + i, 0, a.get("name") or a["id"])
            for j, c in enumerate(crits):
                mws.write_number(first + i, 1 + j, float(self.ra.input["scores"][a["id"]][c["id"]]))
        mws.freeze_panes(2, 1)

        ws = self.book.sheet(self.values, 40)
        self.book.header(ws, 0, [_("Alternativ"), _("Poäng enligt beslutsmodellen"),
                                 *crit_names])
        score = {o.id: o.score for o in self.m.verdict.order}
        v0, v1 = xl_col_to_name(2), xl_col_to_name(2 + len(crits) - 1)
        w0 = cell(self.calc, reg, FIRST_CRIT_COL, absolute=True)
        w1 = xl_rowcol_to_cell(reg, FIRST_CRIT_COL + len(crits) - 1, True, True)
        rows: dict[str, int] = {}
        for i, a in enumerate(alts):
            r = 1 + i
            rows[a["id"]] = r
            ws.write_string(r, 0, a.get("name") or a["id"])
            for j in range(len(crits)):
                col = self.matrix_col(j)
                rng = f"{sheet_ref(self.matrix)}${col}${first + 1}:${col}${last + 1}"
                x = f"{sheet_ref(self.matrix)}${col}${first + 1 + i}"
                d = f"{sheet_ref(self.matrix)}${col}$2"
                ws.write_formula(r, 2 + j, (
                    f'=IF(MAX({rng})=MIN({rng}),1,IF({d}="{cost}",(MAX({rng})-{x})/'
                    f"(MAX({rng})-MIN({rng})),({x}-MIN({rng}))/(MAX({rng})-MIN({rng}))))"),
                    self.dec)
            ws.write_formula(r, 1, f"=SUMPRODUCT({v0}{r + 1}:{v1}{r + 1},{w0}:{w1})", self.dec,
                             _rounded(score.get(a["id"])))
        ws.freeze_panes(1, 1)
        self.order_scores(rows)

    @staticmethod
    def matrix_col(j: int) -> str:
        return xl_col_to_name(1 + j)

    def order_scores(self, rows: dict[str, int]) -> None:
        """"Ordning"'s score column as references to the computed scores (same order)."""
        ws = self.book.wb.get_worksheet_by_name(self.order_sheet[:31])
        for i, o in enumerate(self.m.verdict.order):
            ws.write_formula(i + 1, 2, "=" + cell(self.values, rows[o.id], 1), self.dec,
                             _rounded(o.score))


def add_recompute(book: Workbook, ra: Any, sheets: dict[str, Table]) -> list[tuple[str, str]]:
    """Add the recompute sheets to ``book`` (after the tables are written) and return their
    (sheet name, note) pairs for "Anmärkningar"; nothing without a published analysis."""
    m = ra.model if ra is not None else None
    if m is None or not m.groups or _("Kommunernas vikter") not in sheets:
        return []
    rc = Recompute(book, ra, sheets)
    reg = rc.region()
    rule = {"participants": _("efter antal deltagare"), "population": _("efter folkmängd")}.get(
        ra.options.get("between_groups", "equal"), _("en kommun, en röst"))
    notes = [(rc.calc, _(
        "Kommunernas publicerade vikter (aldrig enskilda röster) står här som data, med antal "
        "deltagare och folkmängd; bladet %(sheet)s visar dem. Regionens vikter är formler: "
        "varje kommuns andel (%(rule)s) gånger dess vikter, summerat och delat med summan. "
        "Ändra en siffra här så räknas regionens vikter och beslutsmodellens poäng om.",
        sheet=rc.weights_sheet, rule=rule))]
    if not rc.shares_computable():
        notes[0] = (rc.calc, _(
            "Kommunernas publicerade vikter står här som data. Regionens vikter är analysens "
            "värden, inte formler: de väger kommunerna efter folkmängd, och de sammanslagna "
            "kommunernas sammanlagda folkmängd publiceras inte (den kunde visa vilka de är). "
            "Beslutsmodellens poäng räknas om från dem."))
    verdict = getattr(m, "verdict", None)
    has_verdict = verdict is not None and hasattr(verdict, "order") and ra.input.get("scores")
    if not has_verdict:
        return notes
    if verdict.model.id != DEFAULT_MODEL:
        other = _("Beslutsmodellen %(m)s går inte att skriva som korta kalkylbladsformler: "
                  "poängen på bladet %(sheet)s är analysens värden.", sheet=rc.order_sheet,
                  m=verdict.model.name_en if str(get_locale()) == "en" else verdict.model.name_sv)
        return [(rc.calc, notes[0][1] + " " + other)]
    rc.scores(reg)
    notes.append((rc.values, _(
        "Bedömningarna på bladet %(data)s är data. Poängen här är formler: "
        "värdepoäng 0–1 per kriterium (min–max; för kostnadskriterier vänd, så att lägst "
        "kostnad får 1; ett kriterium där alla har samma värde ger 1), sedan viktad summa "
        "med regionens vikter (additiv värdemodell).", data=rc.matrix)))
    return notes
