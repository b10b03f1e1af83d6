"""Aggregated figures submitted by partners. Person-level addiction-help data never exists here.

Every value keeps its provenance (who, when, which channel, which source system); a correction
is a new revision, the earlier revision stays (``is_current=False``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal


class Period(models.TextChoices):
    WEEK = "week", _("ISO-Woche")
    MONTH = "month", _("Monat")


class PartnerSeries(models.Model):
    """A figure a partner organisation reports periodically, e.g. consumption episodes in kick."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=160)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("meldende Organisation"),
        on_delete=models.PROTECT,
        related_name="partner_series",
    )
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    unit = models.CharField(_("Einheit"), max_length=40)
    period = models.CharField(_("Zeitraum"), max_length=10, choices=Period.choices)
    counting_rule = models.TextField(_("Zählregel"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    expected_every = models.PositiveSmallIntegerField(
        _("erwartet in jedem n-ten Zeitraum"),
        default=1,
        help_text=_("1 = jede Woche bzw. jeden Monat; 3 = quartalsweise bei Monatswerten."),
    )
    submission_lag_days = models.PositiveSmallIntegerField(
        _("Meldefrist (Tage nach Zeitraumende)"), default=7
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("Partner-Kennzahl")
        verbose_name_plural = _("Partner-Kennzahlen")

    def __str__(self) -> str:
        return self.name


class SubmissionChannel(models.TextChoices):
    FORM = "form", _("Formular")
    CSV = "csv", _("CSV-Upload")
    API = "api", _("Schnittstelle")
    DEMO = "demo", _("Demo-Daten")


class PartnerReason(models.TextChoices):
    """Why a value is unusual: the structured channel instead of free text (DOMAIN.md §4)."""

    EVENT = "event", _("Veranstaltung oder Großereignis")
    HOURS_CHANGED = "hours_changed", _("geänderte Öffnungs- oder Einsatzzeiten")
    CLOSURE = "closure", _("Schließung, Umbau oder Ausfall des Angebots")
    STAFFING = "staffing", _("Personalengpass")
    COUNTING_CHANGED = "counting_changed", _("geänderte Zählweise oder Erhebung")
    SYSTEM_OUTAGE = "system_outage", _("Ausfall des Erfassungssystems")
    WEATHER = "weather", _("Witterung")
    LATE_ENTRY = "late_entry", _("Nachmeldung oder Korrektur")
    OTHER = "other", _("Sonstiges (siehe Bemerkung)")


class NoteReview(models.TextChoices):
    """A note is shown to others only once the Lagezentrum has reviewed it."""

    PENDING = "pending", _("wartet auf Prüfung")
    APPROVED = "approved", _("freigegeben")


class PartnerValue(models.Model):
    """One revision of one period's value. Corrections add a revision; nothing is overwritten."""

    series = models.ForeignKey(PartnerSeries, on_delete=models.PROTECT, related_name="values")
    period_start = models.DateField(_("Beginn des Zeitraums"))
    value = models.FloatField(_("Wert"))
    revision = models.PositiveIntegerField(_("Revision"), default=1)
    is_current = models.BooleanField(default=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gemeldet am"))
    channel = models.CharField(_("Weg"), max_length=10, choices=SubmissionChannel.choices)
    reason = models.CharField(_("Grund"), max_length=20, choices=PartnerReason.choices, blank=True)
    # Short, screened and redacted (`privacy.screening`); others see it once reviewed.
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    note_review = models.CharField(
        _("Prüfung der Bemerkung"), max_length=10, choices=NoteReview.choices, blank=True
    )
    note_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bemerkung geprüft von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note_reviewed_at = models.DateTimeField(_("Bemerkung geprüft am"), null=True, blank=True)
    source_system = models.CharField(
        _("Quelle"),
        max_length=120,
        blank=True,
        help_text=_("System oder Verfahren, aus dem der Wert stammt (z. B. PKS, Zählanlage)."),
    )
    confirmed_outside_limits = models.BooleanField(
        _("außerhalb der Prozessgrenzen bestätigt"), default=False
    )

    class Meta:
        ordering = ["series", "period_start", "revision"]
        verbose_name = _("Partner-Wert")
        verbose_name_plural = _("Partner-Werte")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_start", "revision"], name="unique_partner_revision"
            ),
            models.UniqueConstraint(
                fields=["series", "period_start"],
                condition=models.Q(is_current=True),
                name="one_current_partner_value",
            ),
        ]

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "note": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
    }

    def __str__(self) -> str:
        value = f"{self.value:g}".replace(".", ",")  # German decimal comma
        return f"{self.series} {self.period_start:%d.%m.%Y} = {value} (Rev. {self.revision})"


class PartnerApiToken(models.Model):
    """A bearer token for the partner-figure API. Only a hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="partner_api_tokens",
    )
    label = models.CharField(_("Bezeichnung"), max_length=120)
    prefix = models.CharField(_("Anfang des Schlüssels"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-Schlüssel für Partner-Kennzahlen")
        verbose_name_plural = _("API-Schlüssel für Partner-Kennzahlen")

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"
