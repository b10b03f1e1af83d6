from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import Role, User
from stadtlage.formfields import DayField, ModelMultipleChoiceField
from stadtlage.patrols.models import ConflictStatus
from stadtlage.places.models import Area

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PatrolForm(forms.Form):
    planned_start = forms.DateTimeField(
        label=_("geplanter Beginn"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    planned_end = forms.DateTimeField(
        label=_("geplantes Ende"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    members = ModelMultipleChoiceField(
        label=_("Team"),
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("KOD- und Polizeikräfte; mit beiden ist es eine gemeinsame Streife."),
        error_messages={"required": _("Bitte mindestens eine Einsatzkraft auswählen.")},
    )
    planned_areas = ModelMultipleChoiceField(
        label=_("geplante Gebiete"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members: Any = self.fields["members"]
        members.queryset = (
            User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__role__in=[Role.KOD_OFFICER, Role.POLICE_OFFICER],
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        areas: Any = self.fields["planned_areas"]
        areas.queryset = Area.objects.filter(is_active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("planned_start", "planned_end"):
            moment = data.get(name)
            if moment and not 2000 <= moment.year <= 2100:
                self.add_error(name, _("Bitte einen Zeitpunkt zwischen 2000 und 2100 angeben."))
                data.pop(name, None)
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", _("Das Ende liegt vor dem Beginn."))
        return data


class DayForm(forms.Form):
    tag = DayField(label=_("Tag"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def day(self) -> date:
        if self.is_valid() and self.cleaned_data.get("tag"):
            return self.cleaned_data["tag"]
        return timezone.localdate()


class ConflictResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (ConflictStatus.KEPT, ConflictStatus.KEPT.label),
            (ConflictStatus.APPLIED, ConflictStatus.APPLIED.label),
        ],
    )
