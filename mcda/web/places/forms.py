"""Forms of the places pages: a venue, a file of venues or points, a population layer."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from mcda.core import geo
from mcda.store import places as store_places
from mcda.web.kit.forms import choices
from mcda.web.present.maps import kind_label


class VenueForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[Length(max=200)])
    kind = SelectField(_l("Slag"), choices=[], validate_choice=False)
    crs = RadioField(_l("Koordinatsystem"), default=geo.WGS84, validate_choice=False,
                     choices=choices([(geo.WGS84, _l("WGS 84 (grader)")),
                                      (geo.SWEREF99TM, _l("SWEREF 99 TM (meter)"))]))
    lat = StringField(_l("Nordlig koordinat: latitud eller N"),
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    lon = StringField(_l("Östlig koordinat: longitud eller E"),
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([(k, kind_label(k)) for k in store_places.KINDS])

    def raw(self) -> dict[str, Any]:
        crs = self.crs.data if self.crs.data in store_places.CRS_CHOICES else geo.WGS84
        return {"name": self.name.data or "", "kind": self.kind.data, "crs": crs,
                "lat": self.lat.data or "", "lon": self.lon.data or ""}


class _Prefixed(FlaskForm):
    """Forms sharing a page get a prefix, so their ids (csrf_token, file) stay unique."""

    PREFIX = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class FileForm(_Prefixed):
    PREFIX = "fil"
    file = FileField(_l("Fil (CSV eller GeoJSON)"))
    replace = BooleanField(_l("Ersätt alla registrerade verksamheter med filens"))


class LayerForm(_Prefixed):
    PREFIX = "bef"
    file = FileField(_l("Befolkningsfil (CSV eller GeoPackage)"))
    source = StringField(_l("Källa"), validators=[Optional(), Length(max=300)])
    date = StringField(_l("Datum eller år"), validators=[Optional(), Length(max=60)])
    licence = StringField(_l("Licens"), validators=[Optional(), Length(max=120)])
    resolution = StringField(_l("Upplösning"), default="1 km-rutor",
                             validators=[Optional(), Length(max=120)])
