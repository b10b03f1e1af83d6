"""Forms of the cleaning queue. They check the shape of the input (German messages naming
the field); the workflow rules are `cleaning.services`' business."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stadtlage.cleaning.models import CleaningKind, CleaningStatus
from stadtlage.cleaning.services import OUTCOME_NOTE_MAX, SYRINGES_MAX
from stadtlage.images import clean_photo, max_photo_bytes


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("zu erledigen (offen und angenommen)")), *CleaningStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle")), *CleaningKind.choices]
    )
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("frist", _("Frist, die dringendsten zuerst")),
            ("frist-absteigend", _("Frist, die spätesten zuerst")),
            ("neueste", _("neueste zuerst")),
        ],
    )
    overdue = forms.BooleanField(label=_("nur überfällige"), required=False)


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Rückmeldung"),
        required=False,
        max_length=OUTCOME_NOTE_MAX,
        help_text=_(
            "Kurz, was vorgefunden oder getan wurde (höchstens 200 Zeichen). Keine Angaben zu "
            "Personen."
        ),
        error_messages={
            "max_length": _(
                "Rückmeldung: höchstens %(limit_value)d Zeichen (jetzt %(show_value)d)."
            )
        },
        widget=forms.TextInput(attrs={"maxlength": OUTCOME_NOTE_MAX}),
    )


class AcceptForm(forms.Form):
    pass


class NotFoundForm(forms.Form):
    note = _note_field()


class DoneForm(forms.Form):
    note = _note_field()
    syringes_count = forms.IntegerField(
        label=_("Entsorgte Spritzen"),
        required=False,
        min_value=0,
        max_value=SYRINGES_MAX,
        help_text=_("Nur bei Drogenabfall; leer lassen, wenn die gemeldete Zahl stimmt."),
        error_messages={
            "invalid": _("Entsorgte Spritzen: Bitte eine ganze Zahl eingeben."),
            "min_value": _("Entsorgte Spritzen: mindestens %(limit_value)s."),
            "max_value": _("Entsorgte Spritzen: höchstens %(limit_value)s."),
        },
    )
    photo = forms.FileField(
        label=_("Foto nach der Reinigung"),
        required=False,
        help_text=_(
            "Freiwillig. Nur den Ort fotografieren, keine Personen; Standortdaten des Fotos "
            "werden entfernt."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self) -> bytes | None:
        """The uploaded photo, checked and re-encoded without metadata (as report photos)."""
        upload: Any = self.cleaned_data.get("photo")
        if not upload:
            return None
        limit = max_photo_bytes()
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                _("Foto: Das Foto ist größer als %(mb)d MB.") % {"mb": limit // 1024 // 1024}
            )
        try:
            return clean_photo(upload.read()).jpeg
        except ValidationError as exc:
            raise ValidationError(
                [_("Foto: %(message)s") % {"message": message} for message in exc.messages]
            ) from None
