"""Forms of the public report pages. They parse what a browser sends (numbers, files, lists)
and place messages next to the inputs; what a report may contain is decided once, by
`services.report_create` and `validation` (shared with Open311).
"""

from __future__ import annotations

import math
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from stadtlage.places.gazetteer import AddressNotFound, locate_text, message_for
from stadtlage.reports.models import (
    AttributeDatatype,
    ReportSource,
    ServiceAttribute,
    ServiceCategory,
)
from stadtlage.reports.photos import CleanPhoto, clean_photos, max_photo_count
from stadtlage.reports.services import report_input_errors
from stadtlage.reports.validation import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    STRING_ATTRIBUTE_MAX,
    attribute_errors,
)

D = AttributeDatatype
HONEYPOT = "website"
# Which form field shows a message `report_create` keyed by its own field name.
SERVICE_FIELDS = {
    "location": "lat",
    "description": "description",
    "address_string": "address_string",
    "email": "email",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class ListField(forms.Field):
    """Several values of one name (checkboxes); checked by the service, not here."""

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


def _attribute_field(attribute: ServiceAttribute) -> forms.Field:
    label = attribute.description + (" " + str(_("(Pflichtangabe)")) if attribute.required else "")
    help_text = attribute.datatype_description
    attrs: dict[str, Any] = {"aria-required": "true"} if attribute.required else {}
    choices = [(str(v["key"]), str(v["name"])) for v in attribute.values]
    if attribute.datatype == D.MULTIVALUELIST:
        return ListField(
            label=label,
            required=False,
            help_text=help_text,
            widget=forms.CheckboxSelectMultiple(choices=choices),
        )
    if attribute.datatype == D.SINGLEVALUELIST:
        widget: forms.Widget = forms.Select(attrs=attrs, choices=[("", "—"), *choices])
    elif attribute.datatype == D.TEXT:
        widget = forms.Textarea(attrs={**attrs, "rows": 3, "maxlength": DESCRIPTION_MAX})
    elif attribute.datatype == D.NUMBER:
        widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal"})
    elif attribute.datatype == D.DATETIME:
        widget = forms.DateTimeInput(attrs={**attrs, "type": "datetime-local"})
    else:
        widget = forms.TextInput(attrs={**attrs, "maxlength": STRING_ATTRIBUTE_MAX})
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=widget, strip=False
    )


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _coordinate(raw: str) -> float | None:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class ReportForm(forms.Form):
    """One category's report form: location, description, answers, photos, e-mail."""

    lat = forms.CharField(
        label=_("Breite"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lon = forms.CharField(
        label=_("Länge"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    address_string = forms.CharField(
        label=_("Adresse oder Ortsbeschreibung"),
        required=False,
        help_text=_(
            "z. B. „Kampstraße 12“ oder „am Nordmarkt“. Ohne Markierung auf der Karte "
            "verorten wir die Meldung über diese Angabe."
        ),
        widget=forms.TextInput(attrs={"maxlength": ADDRESS_MAX, "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        strip=False,
        help_text=_(
            "Was ist wo? Bitte beschreiben Sie den Ort und die Sache, keine Personen. "
            "Höchstens 4.000 Zeichen, nur Text."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DESCRIPTION_MAX}),
    )
    photos = MultipleFileField(
        label=_("Fotos (freiwillig)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    email = forms.CharField(
        label=_("E-Mail für Rückmeldungen (freiwillig)"),
        required=False,
        help_text=_(
            "Nur für Nachrichten zu dieser Meldung. Sie wird nie veröffentlicht oder weitergegeben."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by simple bots.
    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, category: ServiceCategory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        self.questions = list(category.attributes.order_by("order", "id"))
        self.notes = [a for a in self.questions if not a.variable]
        for attribute in self.questions:
            if attribute.variable:
                self.fields[f"attr_{attribute.code}"] = _attribute_field(attribute)
        self.fields["photos"].help_text = _(
            "Bis zu %(n)d Fotos (JPEG, PNG oder WebP). Bitte fotografieren Sie den Ort, "
            "keine Personen. Fotos werden erst nach Prüfung gezeigt; Standort- und "
            "Kameradaten werden entfernt."
        ) % {"n": max_photo_count()}
        self.cleaned_photos: list[CleanPhoto] = []

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("attr_")]

    def answers(self) -> dict[str, str | list[str]]:
        return {
            name.removeprefix("attr_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("attr_") and value not in ("", [], None)
        }

    def clean_photos(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("photos") or []
        try:
            self.cleaned_photos = clean_photos(files)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["photos"]) from exc
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_bot:
            raise ValidationError(_("Die Meldung konnte nicht angenommen werden."), code="bot")
        raw_lat, raw_lon = data.get("lat", "").strip(), data.get("lon", "").strip()
        lat = lon = math.nan
        address = data.get("address_string", "").strip()
        if not raw_lat and not raw_lon and address:
            try:
                located = locate_text(address)
            except AddressNotFound as exc:
                self.add_error("address_string", message_for(exc))
            else:
                lat, lon = located.lat, located.lon
                data["lat_value"], data["lon_value"], data["located"] = lat, lon, located
        elif not raw_lat and not raw_lon:
            self.add_error(
                "lat",
                _(
                    "Ort fehlt: Bitte tippen Sie auf die Karte, nutzen Sie „Meinen Standort "
                    "verwenden“, geben Sie eine Adresse ein (z. B. „Kampstraße 12“ oder "
                    "„Nordmarkt“) oder Breite und Länge."
                ),
            )
        else:
            parsed_lat, parsed_lon = _coordinate(raw_lat), _coordinate(raw_lon)
            if parsed_lat is not None and parsed_lon is not None:
                lat, lon = parsed_lat, parsed_lon
                data["lat_value"], data["lon_value"] = lat, lon
        # The service's own checks, all at once; the answers are placed at their questions.
        answers = self.answers()
        errors = report_input_errors(
            category=self.category,
            lat=lat,
            lon=lon,
            address_string=data.get("address_string", ""),
            description=data.get("description", ""),
            email=data.get("email", ""),
            attributes=answers,
            source=ReportSource.WEB,
        )
        errors.pop("attributes", None)
        if "lat" in self.errors or "address_string" in self.errors:
            errors.pop("location", None)
        self.apply_service_errors(ValidationError(errors) if errors else None)
        _cleaned, by_question = attribute_errors(self.category, answers)
        for code, messages in by_question.items():
            for message in messages:
                self.add_error(f"attr_{code}" if code else None, message)
        return data

    def apply_service_errors(self, exc: ValidationError | None) -> None:
        """Show `report_create`'s messages at the matching inputs."""
        if exc is None:
            return
        for field, messages in exc.message_dict.items():
            if field == "attributes" and any(n.startswith("attr_") for n in self.errors):
                continue  # already placed at the questions
            for message in messages:
                self.add_error(SERVICE_FIELDS.get(field), message)


class PublicFilterForm(forms.Form):
    """Filters of the public list, map and exports."""

    kategorie = forms.ChoiceField(label=_("Kategorie"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), ("open", _("offen")), ("closed", _("abgeschlossen"))],
    )
    von = forms.DateField(
        label=_("gemeldet ab"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bis = forms.DateField(
        label=_("gemeldet bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "kategorie").choices = [("", _("alle")), *categories]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("„gemeldet bis“ liegt vor „gemeldet ab“."))
        return data


class FollowUpForm(forms.Form):
    """The reporter's answer to "is it fixed?"."""

    action = forms.ChoiceField(
        choices=[("confirm", _("Ja, erledigt")), ("reopen", _("Nein, besteht noch"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Was ist noch nicht erledigt? (freiwillig)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_MAX}),
    )


# --- work queue -----------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategorie"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(
        label=_("Bearbeitung"),
        required=False,
        choices=[("", _("alle")), ("me", _("mir zugewiesen")), ("none", _("niemandem zugewiesen"))],
    )
    overdue = forms.BooleanField(label=_("nur überfällige"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        statuses: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "category").choices = [("", _("alle")), *categories]
        _choice(self, "status").choices = [("", _("alle offenen")), *statuses]


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Neuer Status"))
    public_note = forms.CharField(
        label=_("Öffentliche Notiz"),
        required=False,
        strip=False,
        help_text=_("Sieht die meldende Person und die Öffentlichkeit. Bei „erledigt“ Pflicht."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": DESCRIPTION_MAX}),
    )
    internal_note = forms.CharField(
        label=_("Interne Notiz"),
        required=False,
        help_text=_(
            "Nur für die Bearbeitung sichtbar, höchstens 500 Zeichen. Keine Angaben zu "
            "einzelnen Personen oder zur Gesundheit."
        ),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "to_status").choices = [("", _("— bitte wählen —")), *targets]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Zuweisen an"), required=False, coerce=int)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "assignee").choices = [("", _("niemandem")), *people]


class ForwardForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Weiterleiten an"), coerce=int)
    public_note = forms.CharField(
        label=_("Öffentliche Notiz (freiwillig)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": DESCRIPTION_MAX}),
    )
    internal_note = forms.CharField(
        label=_("Interne Notiz"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "organisation").choices = organisations


class DuplicateForm(forms.Form):
    original = forms.IntegerField(
        label=_("Nummer der ursprünglichen Meldung"),
        min_value=1,
        error_messages={"invalid": _("Bitte die Nummer einer Meldung angeben.")},
    )


class PhotoModerationForm(forms.Form):
    photo = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", _("freigeben")), ("reject", _("ablehnen und löschen"))]
    )


class PublicDescriptionForm(forms.Form):
    """Moderation of the public description: save the edited text or reset it to the
    automatically masked original (two buttons, `decision`)."""

    public_description = forms.CharField(
        label=_("Öffentliche Beschreibung"),
        required=False,
        strip=False,
        help_text=_(
            "Das sieht die Öffentlichkeit (Liste, Karte, Exporte, Open311). Bitte Namen, "
            "Beschreibungen von Personen und Kontaktdaten entfernen; E-Mail-Adressen, "
            "Telefonnummern und Kennzeichen werden beim Speichern zusätzlich automatisch "
            "entfernt. Leer: keine Beschreibung veröffentlichen."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DESCRIPTION_MAX}),
    )
    decision = forms.ChoiceField(
        choices=[("save", "save"), ("reset", "reset")], widget=forms.HiddenInput
    )


class TrackingKeyForm(forms.Form):
    """The tracking key (Vorgangsschlüssel) from the receipt of a report."""

    key = forms.UUIDField(
        label=_("Vorgangsschlüssel"),
        help_text=_("steht auf der Eingangsbestätigung, z. B. 3f2b…-…"),
        error_messages={
            "invalid": _(
                "Bitte den Vorgangsschlüssel so eingeben, wie er auf der Bestätigung steht."
            )
        },
    )
