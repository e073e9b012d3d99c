"""An alternative's location on its form: kind of venue, coordinates typed in WGS 84 or
SWEREF 99 TM (or filled by a click on the map, static/js/place-picker.js), saved in the same
audited change as the alternative, and the computed reach scores brought up to date."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlite_utils import Database
from wtforms import RadioField, SelectField, StringField

from mcda.core import geo
from mcda.store import items as store_items
from mcda.store import places as store_places
from mcda.store.errors import N_, StoreError
from mcda.web.kit import places as kit_places
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import AlternativeForm, choices
from mcda.web.present import maps


def kind_choices() -> list[Any]:
    return choices([("", "– " + str(_l("ingen")) + " –")]
                   + [(k, maps.kind_label(k)) for k in store_places.KINDS])


class PlacedAlternativeForm(AlternativeForm):
    kind = SelectField(_l("Slag av kulturverksamhet"), choices=[], validate_choice=False)
    crs = RadioField(_l("Koordinatsystem"), default=geo.WGS84, validate_choice=False,
                     choices=choices([
                         (geo.WGS84, _l("WGS 84 (grader, som i en mobil eller webbkarta)")),
                         (geo.SWEREF99TM, _l("SWEREF 99 TM (meter, som i kommunens kartor)"))]))
    lat = StringField(_l("Nordlig koordinat: latitud eller N"),
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    lon = StringField(_l("Östlig koordinat: longitud eller E"),
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def place(self) -> dict[str, Any]:
        """The raw place fields; converted and checked inside the save (store errors)."""
        crs = self.crs.data if self.crs.data in store_places.CRS_CHOICES else geo.WGS84
        return {"kind": self.kind.data or None, "crs": crs, "lon": self.lon.data or "",
                "lat": self.lat.data or ""}


def _coordinate_text(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def form_data(place: dict[str, Any] | None) -> dict[str, Any]:
    """The stored place as the form's initial data (WGS 84, decimal comma)."""
    if not place:
        return {}
    return {"kind": place.get("kind") or "", "crs": geo.WGS84,
            "lon": _coordinate_text(place.get("lon")),
            "lat": _coordinate_text(place.get("lat"))}


def save_place(db: Database, decision_id: int, alternative_id: int,
               place: dict[str, Any]) -> None:
    """Convert, check and store the point (errors on the ``lon`` field), then recompute."""
    x = store_places.parse_coordinate(place["lon"], "lon")
    y = store_places.parse_coordinate(place["lat"], "lat")
    if (x is None) != (y is None):
        raise StoreError("lon", N_("Ange båda koordinaterna, eller ingen."))
    lon, lat = (None, None) if x is None else store_places.to_point(x, y, place["crs"])
    store_places.set_place(db, alternative_id, lon, lat, place["kind"])
    kit_places.recompute(db, decision_id)


def add_alternative(db: Database, decision_id: int, *, place: dict[str, Any],
                    **fields: Any) -> int:
    aid = store_items.add_alternative(db, decision_id, **fields)
    save_place(db, decision_id, aid, place)
    return aid


def update_alternative(db: Database, alternative_id: int, *, place: dict[str, Any],
                       **fields: Any) -> None:
    store_items.update_alternative(db, alternative_id, **fields)
    alt = store_items.get_alternative(db, alternative_id)
    save_place(db, alt["decision_id"], alternative_id, place)


def delete_alternative(db: Database, alternative_id: int) -> None:
    """Delete (its place and scores go with it), then recompute: the record of how the
    reach scores were made must not list an alternative that is gone."""
    alt = store_items.get_alternative(db, alternative_id)
    store_items.delete_alternative(db, alternative_id)
    if alt is not None:
        kit_places.recompute(db, alt["decision_id"])


def picker(decision_id: int, alternative_id: int | None,
           place: dict[str, Any] | None) -> dict[str, Any]:
    """The map to click on: the region, the other placed alternatives and the venues, and
    the current point (if any), with the projection the script inverts."""
    pl = kit_places.map_places(decision_id)
    pl["alternatives"] = [a for a in pl["alternatives"] if a["id"] != alternative_id]
    names = store_places.region_names(get_db())
    g = maps.with_places(maps.geometry(names), pl)
    point = None
    if place and place.get("lon") is not None:
        point = maps.point_xy(g, place["lon"], place["lat"])
    return {"geo": g, "point": point}
