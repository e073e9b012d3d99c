"""What the exports say for the authority's records (issue 26): the diarienummer as a line in
the CSV notes and a metadata sheet in the workbook. Only when the decision has one, so a
decision without a diarienummer exports exactly as before."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from mcda.web.exports.tables import Table

DEFAULT_AUTHORITY = "Skaraborgs kommunalförbund"


def authority() -> str:
    """The authority's name (configuration ``RECORDS_AUTHORITY``)."""
    return str(current_app.config.get("RECORDS_AUTHORITY") or DEFAULT_AUTHORITY)


def diarienummer(rnd: dict[str, Any]) -> str:
    return str(rnd.get("decision_diarienummer") or "")


def note_rows(rnd: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The notes file's first line: ("Diarienummer", the number), when the decision has one."""
    dnr = diarienummer(rnd)
    return [(_("Diarienummer"), f"{dnr} ({authority()})")] if dnr else []


def metadata_table(rnd: dict[str, Any]) -> Table | None:
    """The workbook's "Metadata" sheet: authority, diarienummer, decision, round, dates."""
    dnr = diarienummer(rnd)
    if not dnr:
        return None
    rows: list[list[Any]] = [
        [_("Myndighet"), authority()], [_("Diarienummer"), dnr],
        [_("Beslutsfråga"), rnd["decision_title"]], [_("Omgång"), rnd["number"]],
        [_("Öppnad"), (rnd.get("opened_at") or "")[:19]],
        [_("Stängd"), (rnd.get("closed_at") or "")[:19]],
    ]
    return Table(_("Metadata"), [_("Uppgift"), _("Värde")], rows)


def decision_dnr(decision: dict[str, Any]) -> str:
    """The decision's diarienummer ('' when none), from a decision record."""
    return str(decision.get("diarienummer") or "")


def decision_metadata_table(decision: dict[str, Any]) -> Table | None:
    """The scenario comparison's "Metadata" sheet (authority, diarienummer, decision)."""
    dnr = decision_dnr(decision)
    if not dnr:
        return None
    return Table(_("Metadata"), [_("Uppgift"), _("Värde")],
                 [[_("Myndighet"), authority()], [_("Diarienummer"), dnr],
                  [_("Beslutsfråga"), decision["title"]]])
