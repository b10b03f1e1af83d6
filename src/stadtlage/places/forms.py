from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stadtlage.places.models import AreaKind

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Art"), choices=AreaKind.choices)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    geometry = forms.CharField(
        label=_("Geometrie (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 4, "data-geometry-input": "true"}),
        help_text=_("Zeichnen Sie das Gebiet auf der Karte oder fügen Sie GeoJSON ein."),
        error_messages={"required": _("Bitte zeichnen Sie ein Gebiet auf der Karte.")},
    )


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON-Datei"),
        help_text=_(
            "FeatureCollection mit Polygonen; jedes Feature braucht die Eigenschaft „name“."
        ),
    )
    kind = forms.ChoiceField(label=_("Art der Gebiete"), choices=AreaKind.choices)

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Die Datei ist nicht UTF-8-kodiert.")) from exc
