"""Forms of the hot-spot pages: what to map, and the patrol-plan parameters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.formfields import FIRST_YEAR, LAST_YEAR, DayField, ModelMultipleChoiceField
from stadtlage.hotspots.maps import CELL_SIZES, MAX_WINDOW_DAYS, MapRequest, Method
from stadtlage.hotspots.selectors import Source, category_choices, patrols_for_planning
from stadtlage.patrols.models import Patrol
from stadtlage.places.gazetteer import AddressNotFound, locate_text, message_for

DEFAULT_DAYS = 28
BAD_DATE = _("Bitte ein Datum angeben (TT.MM.JJJJ oder JJJJ-MM-TT).")
BAD_TIME = _("Bitte eine Uhrzeit angeben (HH:MM).")
NUMBER_ERRORS = {
    "invalid": _("Bitte eine Zahl angeben."),
    "required": _("Bitte eine Zahl angeben."),
    "min_value": _("Mindestens %(limit_value)s."),
    "max_value": _("Höchstens %(limit_value)s."),
}


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
    start = DayField(
        label=_("von"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE, "required": _("Bitte den Beginn angeben.")},
    )
    end = DayField(
        label=_("bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class PlanForm(forms.Form):
    """Shift window, teams and the Koper-curve parameters of a patrol plan."""

    day = DayField(
        label=_("Tag"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE, "required": _("Bitte den Tag angeben.")},
    )
    start = forms.TimeField(
        label=_("Schichtbeginn"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": BAD_TIME, "required": _("Bitte den Schichtbeginn angeben.")},
    )
    end = forms.TimeField(
        label=_("Schichtende"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Vor dem Beginn: Ende am nächsten Tag."),
        error_messages={"invalid": BAD_TIME, "required": _("Bitte das Schichtende angeben.")},
    )
    patrols = ModelMultipleChoiceField(
        label=_("Streifen (Teams)"),
        queryset=Patrol.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte mindestens eine Streife wählen."),
            "invalid_choice": _("Diese Streife gibt es an dem Tag nicht."),
            "invalid_pk_value": _("Diese Streife gibt es an dem Tag nicht."),
        },
    )
    stop_min = forms.IntegerField(
        label=_("Aufenthalt mindestens (min)"), initial=10, min_value=1, max_value=60
    )
    stop_max = forms.IntegerField(
        label=_("Aufenthalt höchstens (min)"), initial=16, min_value=1, max_value=60
    )
    max_revisit = forms.IntegerField(
        label=_("Jeder Brennpunkt spätestens wieder nach (min)"),
        initial=120,
        min_value=30,
        max_value=480,
    )
    speed_kmh = forms.FloatField(
        label=_("Gehgeschwindigkeit (km/h)"), initial=4.0, min_value=1, max_value=8
    )
    detour = forms.FloatField(
        label=_("Umwegfaktor gegenüber Luftlinie"), initial=1.3, min_value=1, max_value=3
    )

    def __init__(self, *args: Any, day: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        raw = self.data.get("day") if self.is_bound else None
        fallback = day or timezone.localdate()
        try:
            chosen = date.fromisoformat(raw) if raw else fallback
        except ValueError:
            chosen = fallback
        if not FIRST_YEAR <= chosen.year <= LAST_YEAR:  # the field says so; offer the fallback's
            chosen = fallback
        field = self.fields["patrols"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = patrols_for_planning(chosen)
        field.label_from_instance = _patrol_label  # type: ignore[method-assign,assignment]
        for name in ("stop_min", "stop_max", "max_revisit", "speed_kmh", "detour"):
            self.fields[name].error_messages.update(NUMBER_ERRORS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stop_min") and data.get("stop_max") and data["stop_max"] < data["stop_min"]:
            self.add_error("stop_max", _("Höchstens ist kleiner als mindestens."))
        return data

    def window(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(d["day"], d["start"]), tz)
        end = timezone.make_aware(datetime.combine(d["day"], d["end"]), tz)
        if end <= start:
            end = timezone.make_aware(datetime.combine(d["day"] + timedelta(days=1), d["end"]), tz)
        return start, end


class HotspotRowForm(forms.Form):
    """One hot spot of a plan: proposed from the map (with coordinates) or a place name."""

    include = forms.BooleanField(label=_("einplanen"), required=False, initial=True)
    name = forms.CharField(label=_("Ort"), max_length=120, required=False)
    lat = forms.FloatField(label=_("Breite"), required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Länge"), required=False, widget=forms.HiddenInput)
    priority = forms.FloatField(
        label=_("Priorität"), required=False, initial=1.0, min_value=0, max_value=1000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("include") or not data.get("name"):
            return data
        if data.get("lat") is None or data.get("lon") is None:
            try:
                found = locate_text(data["name"])
            except AddressNotFound as exc:
                self.add_error("name", message_for(exc))
            else:
                data["lat"], data["lon"] = found.lat, found.lon
        return data


HotspotFormSet = forms.formset_factory(HotspotRowForm, extra=2, max_num=20, absolute_max=20)


def _patrol_label(patrol: Patrol) -> str:
    members = ", ".join(str(m) for m in patrol.members.all())
    kind = _("gemeinsam") if patrol.is_joint else _("nicht gemeinsam")
    return (
        f"{timezone.localtime(patrol.planned_start):%H:%M}–"
        f"{timezone.localtime(patrol.planned_end):%H:%M} ({kind}): {members}"
    )
