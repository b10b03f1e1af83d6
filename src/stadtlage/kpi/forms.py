"""Forms of the key-figure pages. They validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import User
from stadtlage.formfields import ModelMultipleChoiceField
from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import (
    Aggregation,
    ChartType,
    Direction,
    Exposure,
    Indicator,
    IndicatorVersion,
    PartnerReason,
    PartnerSeries,
    Period,
    Quantity,
    Source,
)
from stadtlage.kpi.queries import known_categories
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area

CATEGORY_SOURCES = (Source.OBSERVATIONS, Source.MEASURES, Source.REPORTS, Source.CLEANING)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Catalogue entries grouped by source; values are ``source:code``."""
    return [
        (
            str(Source(source).label),
            [(f"{source}:{code}", name) for code, name in known_categories(source).items()],
        )
        for source in CATEGORY_SOURCES
    ]


class IndicatorForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Kurzname für Adressen und Exporte.")
    )
    name = forms.CharField(label=_("Bezeichnung"), max_length=160)
    working_group = forms.ModelChoiceField(
        label=_("Arbeitsgruppe"),
        queryset=WorkingGroup.objects.filter(is_active=True),
        required=False,
    )
    owner = forms.ModelChoiceField(
        label=_("verantwortlich"),
        queryset=User.objects.filter(is_active=True, memberships__is_active=True).distinct(),
        required=False,
    )
    counting_rule = forms.CharField(
        label=_("Zählregel"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In Klartext: was zählt, was nicht, Stichtag, Quelle."),
    )
    unit = forms.CharField(label=_("Einheit"), max_length=40)
    source = forms.ChoiceField(label=_("Quelle"), choices=Source.choices)
    partner_series = forms.ModelChoiceField(
        label=_("Partner-Kennzahl"),
        queryset=PartnerSeries.objects.filter(is_active=True),
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategorien"),
        required=False,
        help_text=_("Leer: alle Kategorien der Quelle."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    areas = ModelMultipleChoiceField(
        label=_("Gebiete"),
        queryset=Area.objects.filter(is_active=True),
        required=False,
        help_text=_("Leer: ganze Stadt."),
    )
    hour_from = forms.IntegerField(
        label=_("ab Uhrzeit (Stunde)"), min_value=0, max_value=24, required=False
    )
    hour_to = forms.IntegerField(
        label=_("bis Uhrzeit (Stunde)"), min_value=0, max_value=24, required=False
    )
    aggregation = forms.ChoiceField(label=_("Berechnung"), choices=Aggregation.choices)
    quantity = forms.ChoiceField(label=_("gezählt wird"), choices=Quantity.choices)
    exposure = forms.ChoiceField(
        label=_("Bezugsgröße"), choices=[("", "–"), *Exposure.choices], required=False
    )
    exposure_series = forms.ModelChoiceField(
        label=_("Bezugsgröße: Partner-Kennzahl"),
        queryset=PartnerSeries.objects.filter(is_active=True),
        required=False,
    )
    rate_per = forms.FloatField(label=_("Rate je"), initial=1, localize=True)
    within_hours = forms.FloatField(
        label=_("erledigt innerhalb (Stunden)"), required=False, localize=True
    )
    period = forms.ChoiceField(label=_("Zeitraum"), choices=Period.choices)
    direction = forms.ChoiceField(label=_("Richtung"), choices=Direction.choices)
    chart_type = forms.ChoiceField(label=_("Diagramm"), choices=ChartType.choices)
    enforcement_driven = forms.BooleanField(
        label=_("Kontrolldelikt"),
        required=False,
        help_text=_(
            "Mehr Kontrollen erzeugen mehr Datensätze. Feststellungen zu Kontrolldelikten und "
            "Maßnahmen werden automatisch so gekennzeichnet."
        ),
    )
    paired_indicator = forms.ModelChoiceField(
        label=_("Vergleichskennzahl (Nachfrageseite)"),
        queryset=Indicator.objects.filter(is_active=True).select_related("current_version"),
        required=False,
        help_text=_("Pflicht bei Kontrolldelikten: Bürgermeldungen, Spritzenfunde, Reinigung …"),
    )

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["categories"].choices = category_choices()  # type: ignore[attr-defined]
        if indicator is not None:
            del self.fields["code"]
            self.fields["paired_indicator"].queryset = (  # type: ignore[attr-defined]
                Indicator.objects.filter(is_active=True)
                .exclude(pk=indicator.pk)
                .select_related("current_version")
            )
            self.fields["valid_from"] = forms.DateField(
                label=_("gültig ab"),
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_(
                    "Ab diesem Zeitraum gilt die neue Definition; die Reihe zeigt dort einen "
                    "Bruch. Leer: ab dem laufenden Zeitraum."
                ),
                required=False,
            )
            self.fields["change_note"] = forms.CharField(label=_("Änderungsgrund"), max_length=300)

    @staticmethod
    def initial_for(version: IndicatorVersion) -> dict[str, Any]:
        d = Definition.of_version(version)
        values = d.values()
        values["categories"] = [f"{d.source}:{c}" for c in d.category_codes]
        values["areas"] = [a.pk for a in d.areas]
        for key in (
            "working_group",
            "owner",
            "partner_series",
            "exposure_series",
            "paired_indicator",
        ):
            values[key] = getattr(d, key).pk if getattr(d, key) is not None else None
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        chosen = data.get("categories") or []
        wrong = [c for c in chosen if not c.startswith(f"{source}:")]
        if wrong:
            self.add_error("categories", _("Die Kategorien gehören nicht zur gewählten Quelle."))
        return data

    def definition(self) -> Definition:
        data = self.cleaned_data
        return Definition(
            name=data["name"].strip(),
            counting_rule=data["counting_rule"].strip(),
            unit=data["unit"].strip(),
            source=data["source"],
            aggregation=data["aggregation"],
            period=data["period"],
            direction=data["direction"],
            chart_type=data["chart_type"],
            working_group=data.get("working_group"),
            owner=data.get("owner"),
            partner_series=data.get("partner_series"),
            category_codes=sorted(c.split(":", 1)[1] for c in data.get("categories") or []),
            areas=list(data.get("areas") or []),
            hour_from=data.get("hour_from"),
            hour_to=data.get("hour_to"),
            quantity=data["quantity"],
            exposure=data.get("exposure") or "",
            exposure_series=data.get("exposure_series"),
            rate_per=data.get("rate_per") or 1.0,
            within_hours=data.get("within_hours"),
            enforcement_driven=bool(data.get("enforcement_driven")),
            paired_indicator=data.get("paired_indicator"),
        )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Ziel"), max_length=200)
    baseline_value = forms.FloatField(label=_("Ausgangswert"), localize=True)
    baseline_label = forms.CharField(
        label=_("Ausgangswert bezieht sich auf"), max_length=120, required=False
    )
    target_value = forms.FloatField(label=_("Zielwert"), localize=True)
    target_date = forms.DateField(
        label=_("Zieldatum"), widget=forms.DateInput(attrs={"type": "date"})
    )


class GoalMilestoneForm(forms.Form):
    title = forms.CharField(label=_("Meilenstein"), max_length=200)
    due_date = forms.DateField(label=_("fällig am"), widget=forms.DateInput(attrs={"type": "date"}))
    target_value = forms.FloatField(label=_("Zwischenwert"), localize=True)


class PartnerValueForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Kennzahl"), queryset=PartnerSeries.objects.none())
    period_start = forms.DateField(
        label=_("Beginn des Zeitraums"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Montag der Woche bzw. Erster des Monats."),
    )
    value = forms.FloatField(label=_("Wert"), localize=True, min_value=0)
    source_system = forms.CharField(
        label=_("Quelle"),
        max_length=120,
        required=False,
        help_text=_("System oder Verfahren, z. B. „PKS“ oder „Zählanlage“."),
    )
    reason = forms.ChoiceField(
        label=_("Grund für einen auffälligen Wert"),
        choices=[("", _("– kein besonderer Grund –")), *PartnerReason.choices],
        required=False,
        help_text=_("Pflicht, wenn der Wert außerhalb der Prozessgrenzen liegt."),
    )
    note = forms.CharField(
        label=_("Bemerkung"),
        required=False,
        help_text=_(
            "Kurz und ohne Angaben zu einzelnen Personen oder zur Gesundheit; wird vor der "
            "Weitergabe vom Lagezentrum geprüft."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Ich habe den Wert geprüft: er stimmt trotz der Abweichung."), required=False
    )

    def __init__(self, *args: Any, series_queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series_queryset  # type: ignore[attr-defined]
        self.fields["note"].widget.attrs["maxlength"] = settings.PARTNER_NOTE_MAX_CHARS


class PartnerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_(
            "Spalten: code;zeitraum;wert (optional grund;bemerkung;quelle). Zeitraum als Datum "
            "(2025-02-10 oder 10.02.2025) oder ISO-Woche (2025-W07). Mit Semikolon getrennt "
            "gilt das deutsche Dezimalkomma."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Auffällige Werte sind geprüft und stimmen."), required=False
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 2 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Die Datei ist nicht UTF-8-kodiert.")) from exc
