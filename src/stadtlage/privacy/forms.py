from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class RecordHistoryForm(forms.Form):
    """Which record: its type as the audit trail names it (``reports.report``) and its ID."""

    object_type = forms.CharField(
        label=_("Objektart"),
        max_length=80,
        help_text=_("wie im Protokoll, z. B. „reports.report“ für eine Bürgermeldung"),
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+\.[a-z0-9_.]+$",
                _("Bitte die Objektart wie im Protokoll angeben, z. B. „reports.report“."),
            )
        ],
    )
    object_id = forms.CharField(
        label=_("Objekt-ID"),
        max_length=64,
        help_text=_("z. B. die Nummer der Meldung"),
    )
