"""Forms of the hot-spot pages: what to map, and the patrol-plan parameters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.hotspots.maps import CELL_SIZES, MAX_WINDOW_DAYS, MapRequest, Method
from stadtlage.hotspots.selectors import Source, category_choices

DEFAULT_DAYS = 28
BAD_DATE = _("Bitte ein Datum angeben (TT.MM.JJJJ oder JJJJ-MM-TT).")


def default_window(today: date | None = None) -> tuple[date, date]:
    """The last four complete weeks up to yesterday."""
    end = (today or timezone.localdate()) - timedelta(days=1)
    return end - timedelta(days=DEFAULT_DAYS - 1), end


class HotspotForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Quelle"), choices=Source.choices, initial=Source.OBSERVATIONS
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategorien"),
        required=False,
        help_text=_("Keine Auswahl: alle Kategorien der Quelle."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    start = forms.DateField(
        label=_("von"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE, "required": _("Bitte den Beginn angeben.")},
    )
    end = forms.DateField(
        label=_("bis"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE, "required": _("Bitte das Ende angeben.")},
    )
    cell = forms.TypedChoiceField(
        label=_("Zellgröße"),
        coerce=int,
        choices=[(c, f"{c} m") for c in CELL_SIZES],
        initial=100,
        error_messages={"invalid_choice": _("Die Zellgröße ist 50, 100 oder 250 m.")},
    )
    method = forms.ChoiceField(
        label=_("Verfahren"),
        choices=Method.CHOICES,
        initial=Method.GI,
        error_messages={"invalid_choice": _("Verfahren: Gi* oder Kerndichte.")},
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        start, end = default_window()
        if data is not None and not any(k in data for k in self.base_fields):
            data = None  # first visit: defaults
        if data is None:
            data = {
                "source": Source.OBSERVATIONS,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "cell": "100",
                "method": Method.GI,
            }
        super().__init__(data, **kwargs)
        source = self.data.get("source") or Source.OBSERVATIONS
        field = self.fields["categories"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = category_choices(source if source in Source.values else "")
        self.fields["source"].error_messages["invalid_choice"] = _("Unbekannte Quelle „%(value)s“.")
        field.error_messages["invalid_choice"] = _("„%(value)s“ ist keine Kategorie dieser Quelle.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Das Ende liegt vor dem Beginn."))
            elif (end - start).days + 1 > MAX_WINDOW_DAYS:
                self.add_error(
                    "end",
                    _("Höchstens %(days)d Tage auf einmal.") % {"days": MAX_WINDOW_DAYS},
                )
        return data

    def map_request(self) -> MapRequest:
        d = self.cleaned_data
        return MapRequest(
            source=d["source"],
            categories=tuple(sorted(d.get("categories") or ())),
            start=d["start"],
            end=d["end"],
            cell=d["cell"],
            method=d["method"],
        )
