from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Person"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Aktion"), required=False, choices=[("", _("alle")), *Action.choices]
    )
    object_type = forms.CharField(label=_("Objektart"), required=False, max_length=80)
    date_from = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Das Ende liegt vor dem Beginn."))
        return data
