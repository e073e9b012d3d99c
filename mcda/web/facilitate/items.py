"""Criteria and alternatives: new/edit, move and delete, written once for both kinds.

Each kind is described by an :class:`ItemKind` (its store functions, form, template,
anchors and messages); three ``MethodView`` classes serve every kind under the endpoint
names the templates use (``facilitate.criterion_new``, ``…_edit``, ``…_move``,
``…_delete`` and the same for ``alternative``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _

from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import places as store_places
from mcda.store.csv_io import format_number
from mcda.store.errors import StoreError
from mcda.web.facilitate import place_form
from mcda.web.facilitate.common import (
    audited,
    confirm_or_400,
    decision_url,
    form_status,
    load_child,
    load_decision,
    store_error,
)
from mcda.web.facilitate.setup import CriterionUnitForm
from mcda.web.kit.access import login_required
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import ConfirmForm
from mcda.web.kit.i18n import error_text


@dataclass(frozen=True)
class ItemKind:
    """One kind of decision item: how to load, store, show and name it."""

    name: str  # "criterion" | "alternative": endpoint and audit prefix, template variable
    path: str  # URL segment: "kriterier" | "alternativ"
    list_anchor: str  # the decision page's section
    item_anchor: str  # one item's row: "<item_anchor>-<id>"
    template: str
    get: Callable[..., Any]
    add: Callable[..., Any]
    update: Callable[..., Any]
    move: Callable[..., Any]
    delete: Callable[..., Any]
    form: Callable[[dict[str, Any] | None], Any]
    fields: Callable[[Any], dict[str, Any]]
    audit_detail: Callable[[dict[str, Any]], dict[str, Any]]
    messages: Callable[[str], dict[str, str]]
    page_extra: Callable[[int, dict[str, Any] | None], dict[str, Any]] | None = None

    @property
    def id_arg(self) -> str:
        return f"{self.name}_id"


def _criterion_messages(name: str) -> dict[str, str]:
    return {"added": _("Kriteriet är tillagt."), "saved": _("Kriteriet är sparat."),
            "deleted": _("Kriteriet ”%(name)s” är borttaget.", name=name),
            "heading": _("Ta bort kriteriet ”%(name)s”?", name=name),
            "consequence": _("Kriteriets bedömningar tas också bort. Det går inte att ångra.")}


def _alternative_messages(name: str) -> dict[str, str]:
    return {"added": _("Alternativet är tillagt."), "saved": _("Alternativet är sparat."),
            "deleted": _("Alternativet ”%(name)s” är borttaget.", name=name),
            "heading": _("Ta bort alternativet ”%(name)s”?", name=name),
            "consequence": _("Alternativets bedömningar tas också bort. Det går inte att "
                             "ångra.")}


def _alternative_form(data: dict[str, Any] | None = None) -> place_form.PlacedAlternativeForm:
    if data is not None:
        data = {
            **data,
            "municipality_id": str(data["municipality_id"] or ""),
            "cost": format_number(data.get("cost")),
            "earliest_phase": ("" if data.get("earliest_phase") is None
                               else str(data["earliest_phase"])),
            **place_form.form_data(store_places.get_place(get_db(), data["id"])),
        }
    form = place_form.PlacedAlternativeForm(data=data)
    form.set_municipalities(store_munis.list_municipalities(get_db()))
    form.kind.choices = place_form.kind_choices()
    return form


def _alternative_extra(decision_id: int, item: dict[str, Any] | None) -> dict[str, Any]:
    """The map to place the alternative on (its current point, the others, the venues)."""
    place = store_places.get_place(get_db(), item["id"]) if item else None
    return {"picker": place_form.picker(decision_id, item["id"] if item else None, place)}


CRITERION = ItemKind(
    name="criterion", path="kriterier", list_anchor="kriterier", item_anchor="kriterium",
    template="facilitate/criterion_form.html", get=store_items.get_criterion,
    add=store_items.add_criterion, update=store_items.update_criterion,
    move=store_items.move_criterion, delete=store_items.delete_criterion,
    form=lambda data: CriterionUnitForm(data=data),
    fields=lambda f: {"name": f.name.data, "description": f.description.data or "",
                      "direction": f.direction.data, "unit": f.unit.data or ""},
    audit_detail=lambda fields: {"name": fields["name"]},
    messages=_criterion_messages,
)
ALTERNATIVE = ItemKind(
    name="alternative", path="alternativ", list_anchor="alternativ", item_anchor="alternativ",
    template="facilitate/alternative_form.html", get=store_items.get_alternative,
    add=place_form.add_alternative, update=place_form.update_alternative,
    move=store_items.move_alternative, delete=place_form.delete_alternative,
    form=_alternative_form,
    fields=lambda f: {"name": f.name.data, "description": f.description.data or "",
                      "municipality_id": f.municipality_value(), "cost": f.cost.number,
                      "earliest_phase": f.earliest_phase.number, "place": f.place()},
    audit_detail=lambda fields: fields,
    messages=_alternative_messages,
    page_extra=_alternative_extra,
)


class ItemFormView(MethodView):
    """New (no item id) or edit: the form, and on a valid POST the audited change."""

    def __init__(self, kind: ItemKind) -> None:
        self.kind = kind

    def get(self, decision_id: int, **ids: int):
        kind, item_id = self.kind, ids.get(self.kind.id_arg)
        d = load_decision(decision_id)
        item = None if item_id is None else load_child(kind.get, item_id, decision_id)
        form = kind.form(None if request.method == "POST" or item is None else item)
        if form.validate_on_submit():
            fields = kind.fields(form)
            try:
                self._save(decision_id, item_id, fields)
            except StoreError as exc:
                store_error(form, exc)
            else:
                msgs = kind.messages(fields["name"])
                flash(msgs["added"] if item is None else msgs["saved"], "success")
                return redirect(decision_url(decision_id, kind.list_anchor), code=303)
        ctx = {"form": form, "decision": d, kind.name: item,
               **(kind.page_extra(decision_id, item) if kind.page_extra else {})}
        return render_template(kind.template, **ctx), form_status()

    post = get

    def _save(self, decision_id: int, item_id: int | None, fields: dict[str, Any]) -> None:
        kind, detail = self.kind, self.kind.audit_detail(fields)
        if item_id is None:
            with audited(f"{kind.name}.add", f"decision:{decision_id}", **detail) as db:
                kind.add(db, decision_id, **fields)
        else:
            with audited(f"{kind.name}.update", f"{kind.name}:{item_id}", **detail) as db:
                kind.update(db, item_id, **fields)


class ItemMoveView(MethodView):
    """One step up (``riktning=upp``) or down (``ned``) in the decision's order."""

    def __init__(self, kind: ItemKind) -> None:
        self.kind = kind

    def post(self, decision_id: int, **ids: int):
        kind, item_id = self.kind, ids[self.kind.id_arg]
        load_decision(decision_id)
        load_child(kind.get, item_id, decision_id)
        confirm_or_400()
        direction = request.form.get("riktning")
        if direction not in ("upp", "ned"):
            abort(400)
        delta = -1 if direction == "upp" else 1
        with audited(f"{kind.name}.move", f"{kind.name}:{item_id}", delta=delta) as db:
            kind.move(db, item_id, delta)
        return redirect(decision_url(decision_id, f"{kind.item_anchor}-{item_id}"), code=303)


class ItemDeleteView(MethodView):
    """Ask, then delete the item and its scores (a refused delete says why: 409)."""

    def __init__(self, kind: ItemKind) -> None:
        self.kind = kind

    def get(self, decision_id: int, **ids: int):
        kind, item_id = self.kind, ids[self.kind.id_arg]
        d = load_decision(decision_id)
        item = load_child(kind.get, item_id, decision_id)
        msgs, form, error = kind.messages(item["name"]), ConfirmForm(), None
        if form.validate_on_submit():
            try:
                with audited(f"{kind.name}.delete", f"{kind.name}:{item_id}",
                             name=item["name"]) as db:
                    kind.delete(db, item_id)
            except StoreError as exc:
                error = error_text(exc)
            else:
                flash(msgs["deleted"], "success")
                return redirect(decision_url(decision_id, kind.list_anchor), code=303)
        action = url_for(f"facilitate.{kind.name}_delete", decision_id=decision_id,
                         **{kind.id_arg: item_id})
        return render_template(
            "facilitate/confirm_delete.html", decision=d, form=form, heading=msgs["heading"],
            consequence=msgs["consequence"], action=action, error=error,
        ), (409 if error else 200)

    post = get


def register(bp: Blueprint) -> None:
    """The four routes of each kind, under the endpoint names the templates use."""
    for kind in (CRITERION, ALTERNATIVE):
        base, item = f"/<int:decision_id>/{kind.path}", f"<int:{kind.id_arg}>"
        for rule, suffix, view, methods in (
            (f"{base}/ny", "new", ItemFormView, ["GET", "POST"]),
            (f"{base}/{item}/redigera", "edit", ItemFormView, ["GET", "POST"]),
            (f"{base}/{item}/flytta", "move", ItemMoveView, ["POST"]),
            (f"{base}/{item}/ta-bort", "delete", ItemDeleteView, ["GET", "POST"]),
        ):
            endpoint = f"{kind.name}_{suffix}"
            bp.add_url_rule(rule, endpoint, login_required()(view.as_view(endpoint, kind)),
                            methods=methods)
