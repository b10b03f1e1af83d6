from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.display import kind_choices
from stadtlage.audit.models import Action
from stadtlage.organisations.models import Organisation


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Benutzername oder Name, auch ein Teil davon"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("alle"),
    )
    action = forms.ChoiceField(
        label=_("Aktion"), required=False, choices=[("", _("alle")), *Action.choices]
    )
    object_type = forms.ChoiceField(label=_("Art des Datensatzes"), required=False)
    date_from = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("alle")),
            *kind_choices(object_types),
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Das Ende liegt vor dem Beginn."))
        return data
