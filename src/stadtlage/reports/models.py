"""Citizen reports (Bürgermeldungen) and the categories that route them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.Model):
    """A report category (Open311 service) and its routing rule."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    description = models.TextField(_("Beschreibung"), blank=True)
    group = models.CharField(_("Gruppe"), max_length=80, blank=True)
    working_group = models.ForeignKey(
        "taskforce.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    responsible = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("zuständig"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    informed = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("informiert"), blank=True, related_name="+"
    )
    sla_hours = models.PositiveIntegerField(_("Reaktionszeit (Stunden)"))
    keywords = models.CharField(_("Stichworte"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Meldekategorie")
        verbose_name_plural = _("Meldekategorien")

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    """Extended states (FixMyStreet), grouped open / fixed / closed."""

    NEW = "new", _("neu")
    INVESTIGATING = "investigating", _("wird geprüft")
    ACTION_SCHEDULED = "action_scheduled", _("Maßnahme geplant")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    FIXED = "fixed", _("erledigt")
    DUPLICATE = "duplicate", _("Duplikat")
    NOT_RESPONSIBLE = "not_responsible", _("nicht zuständig")
    NO_FURTHER_ACTION = "no_further_action", _("keine weitere Maßnahme")
    INTERNAL_REFERRAL = "internal_referral", _("weitergeleitet")
    REOPENED = "reopened", _("wieder geöffnet")


OPEN_STATES = frozenset(
    {
        ReportStatus.NEW,
        ReportStatus.INVESTIGATING,
        ReportStatus.ACTION_SCHEDULED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.INTERNAL_REFERRAL,
        ReportStatus.REOPENED,
    }
)


class ReportSource(models.TextChoices):
    WEB = "web", _("Webformular")
    OPEN311 = "open311", _("Open311-App")
    FIELD = "field", _("Streife")
    PHONE = "phone", _("Telefon")


class Report(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("Kategorie"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    address_string = models.CharField(_("Adresse"), max_length=250, blank=True)
    description = models.TextField(_("Beschreibung"), max_length=4000, blank=True)
    reporter_email = models.EmailField(_("E-Mail (vertraulich)"), blank=True)
    source = models.CharField(
        _("Eingang"), max_length=10, choices=ReportSource.choices, default=ReportSource.WEB
    )
    submitted_at = models.DateTimeField(_("gemeldet"), db_index=True)
    updated_at = models.DateTimeField(_("aktualisiert"))
    closed_at = models.DateTimeField(_("abgeschlossen"), null=True, blank=True)
    due_at = models.DateTimeField(_("fällig"))
    responsible = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("zuständig"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    areas = models.ManyToManyField("places.Area", blank=True, related_name="reports")
    attributes = models.JSONField(
        _("Zusatzangaben"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Antworten auf die Zusatzfragen der Kategorie (Merkmal-Code → Wert)."),
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        indexes = [models.Index(fields=["category", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.category} {self.submitted_at:%d.%m.%Y}"


class ReportUpdate(models.Model):
    """One timeline entry; the timeline is the report's audit trail."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("Zeitpunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    public_note = models.TextField(_("öffentliche Notiz"), blank=True)
    internal_note = models.TextField(_("interne Notiz"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Meldungsverlauf")
        verbose_name_plural = _("Meldungsverläufe")

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.from_status or '–'} → {self.to_status}"


class AttributeDatatype(models.TextChoices):
    """The six Open311 attribute datatypes."""

    STRING = "string", _("Text (einzeilig)")
    NUMBER = "number", _("Zahl")
    DATETIME = "datetime", _("Datum und Uhrzeit")
    TEXT = "text", _("Text (mehrzeilig)")
    SINGLEVALUELIST = "singlevaluelist", _("Auswahl (ein Wert)")
    MULTIVALUELIST = "multivaluelist", _("Auswahl (mehrere Werte)")


LIST_DATATYPES = frozenset({AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST})


class ServiceAttribute(models.Model):
    """An additional question of a category (Open311 service definition attribute)."""

    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("Kategorie"),
        on_delete=models.CASCADE,
        related_name="attributes",
    )
    code = models.SlugField(_("Code"), max_length=60)
    description = models.CharField(_("Frage"), max_length=300)
    datatype = models.CharField(_("Datentyp"), max_length=20, choices=AttributeDatatype.choices)
    datatype_description = models.CharField(_("Hinweis zur Eingabe"), max_length=200, blank=True)
    required = models.BooleanField(_("Pflichtangabe"), default=False)
    variable = models.BooleanField(
        _("Eingabe"),
        default=True,
        help_text=_("Aus: nur ein Hinweistext, keine Eingabe durch die meldende Person."),
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)
    values = models.JSONField(
        _("Auswahlwerte"),
        default=list,
        blank=True,
        help_text=_('Nur für Auswahllisten: [{"key": "…", "name": "…"}, …]'),
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        ordering = ["category", "order", "id"]
        verbose_name = _("Zusatzfrage")
        verbose_name_plural = _("Zusatzfragen")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="reports_attribute_unique_code"
            ),
            models.UniqueConstraint(
                fields=["category", "order"], name="reports_attribute_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}: {self.code}"

    def allowed_keys(self) -> list[str]:
        return [str(item["key"]) for item in self.values]

    def clean(self) -> None:
        if self.order < 1:
            raise ValidationError({"order": _("Die Reihenfolge beginnt bei 1.")})
        if self.datatype not in LIST_DATATYPES:
            if self.values:
                raise ValidationError({"values": _("Auswahlwerte gibt es nur bei Auswahllisten.")})
            return
        if not isinstance(self.values, list) or not self.values:
            raise ValidationError({"values": _("Eine Auswahlliste braucht mindestens einen Wert.")})
        keys: set[str] = set()
        for item in self.values:
            if (
                not isinstance(item, dict)
                or not str(item.get("key", "")).strip()
                or not str(item.get("name", "")).strip()
            ):
                raise ValidationError({"values": _("Jeder Auswahlwert braucht „key“ und „name“.")})
            key = str(item["key"])
            if key in keys:
                raise ValidationError({"values": _("Der Schlüssel „%s“ ist doppelt.") % key})
            keys.add(key)
