from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.display import kind_choices
from stadtlage.audit.selectors import audit_object_types

KIND = re.compile(r"[a-z0-9_]+\.[a-z0-9_.]+")


class KindField(forms.ChoiceField):
    """A kind of record from the list (by its German name), or any kind as the audit trail
    spells it (``reports.report``), so that links and bookmarks work before the first event."""

    def valid_value(self, value: Any) -> bool:
        return super().valid_value(value) or bool(KIND.fullmatch(str(value)))


class RecordHistoryForm(forms.Form):
    """Which record: its kind (as the audit trail names it) and its number."""

    object_type = KindField(
        label=_("Art des Datensatzes"),
        help_text=_("wie in der Spalte „Datensatz“ des Protokolls, z. B. „Meldung“"),
    )
    object_id = forms.CharField(
        label=_("Nummer"),
        max_length=64,
        help_text=_("z. B. die Nummer der Meldung"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("— bitte wählen —")),
            *kind_choices(audit_object_types()),
        ]
