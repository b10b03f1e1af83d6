"""Citizen reports (Bürgermeldungen) and the categories that route them."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal
from stadtlage.cleaning.models import CleaningKind


class ServiceCategory(models.Model):
    """A report category (Open311 service) and its routing rule."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    description = models.TextField(_("Beschreibung"), blank=True)
    group = models.CharField(_("Gruppe"), max_length=80, blank=True)
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
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
    person_related = models.BooleanField(
        _("personenbezogen"),
        default=False,
        help_text=_(
            "Meldungen betreffen Menschen (z. B. Drogenkonsum, Lagern, aggressives Betteln, "
            "Belästigung). Öffentlich nur verallgemeinert: Rasterzelle statt Punkt, Tag statt "
            "Uhrzeit, keine Adresse, keine Fotos, Beschreibung erst nach Prüfung. Intern bleiben "
            "die genauen Angaben sichtbar."
        ),
    )
    creates_cleaning_task = models.BooleanField(
        _("erzeugt Reinigungsauftrag"),
        default=False,
        help_text=_(
            "Jede neue Meldung dieser Kategorie (Formular und Open311) wird zugleich ein "
            "Reinigungsauftrag an das städtische Entsorgungsunternehmen (EDG), mit der Frist "
            "der Reinigungsart."
        ),
    )
    cleaning_kind = models.CharField(
        _("Reinigungsart"), max_length=20, choices=CleaningKind.choices, blank=True
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Meldekategorie")
        verbose_name_plural = _("Meldekategorien")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.creates_cleaning_task and not self.cleaning_kind:
            raise ValidationError(
                {"cleaning_kind": _("Reinigungsart: Bitte angeben, was zu reinigen ist.")}
            )


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


class LocationBasis(models.TextChoices):
    """How the report's point was found: given as a point, or looked up from address text."""

    POINT = "point", _("Kartenpunkt, GPS oder Koordinaten")
    ADDRESS = "address", _("Adresse (Hauskoordinate)")
    STREET = "street", _("Straße (ungefähr)")
    PLACE = "place", _("Ortsname (ungefähr)")


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
    location_basis = models.CharField(
        _("Ortsangabe"), max_length=10, choices=LocationBasis.choices, default=LocationBasis.POINT
    )
    address_key = models.CharField(
        _("Adress-ID"),
        max_length=64,
        blank=True,
        help_text=_("Schlüssel des Eintrags im Adressverzeichnis, wenn der Ort daraus stammt."),
    )
    description = models.TextField(_("Beschreibung"), max_length=4000, blank=True)
    public_description = models.TextField(
        _("öffentliche Beschreibung"),
        max_length=4000,
        blank=True,
        help_text=_(
            "Was die Öffentlichkeit sieht: die Beschreibung ohne personenbezogene Angaben, "
            "von der Arbeitsliste moderiert."
        ),
    )
    description_reviewed_at = models.DateTimeField(
        _("Beschreibung geprüft"),
        null=True,
        blank=True,
        help_text=_("Wann die Arbeitsliste die öffentliche Beschreibung zuletzt geprüft hat."),
    )
    reporter_email = models.EmailField(_("E-Mail (vertraulich)"), blank=True)
    language = models.CharField(
        _("Sprache"),
        max_length=8,
        default="de",
        help_text=_("Sprache der meldenden Person; darin gehen die Status-E-Mails."),
    )
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
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bearbeitet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "reporter_email": personal(DataCategory.CONTACT, DataSubject.REPORTER),
        "description": personal(
            DataCategory.FREE_TEXT, DataSubject.REPORTER, DataSubject.THIRD_PARTY
        ),
        "public_description": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
        "address_string": personal(
            DataCategory.FREE_TEXT, DataSubject.REPORTER, DataSubject.THIRD_PARTY
        ),
        "attributes": personal(
            DataCategory.FREE_TEXT, DataSubject.REPORTER, DataSubject.THIRD_PARTY
        ),
    }

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        indexes = [
            models.Index(fields=["category", "submitted_at"]),
            models.Index(fields=["responsible", "due_at"], name="reports_queue_idx"),
            # The work queues read the few open reports of an organisation among its many
            # closed ones (a year of EDG reports: 110,000, of them 200 open).
            models.Index(
                fields=["responsible", "due_at"],
                name="reports_open_queue_idx",
                condition=models.Q(status__in=sorted(OPEN_STATES)),
            ),
        ]

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
    # Entries without a status change the public never sees (assignment): the timeline is still
    # the whole history for the staff, and Open311 publishes only the rest.
    internal_only = models.BooleanField(_("nur intern"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zugewiesen an"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    forwarded_to = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("weitergeleitet an"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "internal_note": personal(
            DataCategory.FREE_TEXT, DataSubject.REPORTER, DataSubject.THIRD_PARTY
        ),
    }

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Meldungsverlauf")
        verbose_name_plural = _("Meldungsverläufe")
        indexes = [
            # The latest public note of a report (Open311 `status_notes`), without a sort.
            models.Index(
                fields=["report", "at", "id"],
                condition=models.Q(internal_only=False),
                name="reports_update_public_idx",
            )
        ]

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


class CategoryRoute(models.Model):
    """An area-specific routing rule: reports of `category` inside `area` go to `responsible`.

    Without a matching route the category's own organisation is responsible. When several
    routes match, the one with the smallest area wins (the most specific rule).
    """

    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("Kategorie"),
        on_delete=models.CASCADE,
        related_name="routes",
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("Gebiet"), on_delete=models.CASCADE, related_name="+"
    )
    responsible = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("zuständig"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sla_hours = models.PositiveIntegerField(
        _("Reaktionszeit (Stunden)"),
        null=True,
        blank=True,
        help_text=_("Leer: die Reaktionszeit der Kategorie gilt."),
    )

    class Meta:
        ordering = ["category", "area"]
        verbose_name = _("Zuständigkeit nach Gebiet")
        verbose_name_plural = _("Zuständigkeiten nach Gebiet")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="reports_route_unique_area")
        ]

    def __str__(self) -> str:
        return f"{self.category.code} @ {self.area}"


class PhotoState(models.TextChoices):
    PENDING = "pending", _("wartet auf Prüfung")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"reports/photos/{instance.uploaded_at:%Y/%m}/{instance.uuid}.jpg"


class ReportPhoto(models.Model):
    """A photo of a place, re-encoded without metadata; public only once approved.

    The file of a rejected photo is deleted; the row stays as part of the history.
    """

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("Foto"), upload_to=_photo_path, blank=True)
    width = models.PositiveIntegerField(_("Breite (px)"))
    height = models.PositiveIntegerField(_("Höhe (px)"))
    size_bytes = models.PositiveIntegerField(_("Größe (Bytes)"))
    state = models.CharField(
        _("Prüfung"), max_length=10, choices=PhotoState.choices, default=PhotoState.PENDING
    )
    uploaded_at = models.DateTimeField(_("hochgeladen"))
    moderated_at = models.DateTimeField(_("geprüft"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "image": personal(DataCategory.PHOTO, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("Foto zur Meldung")
        verbose_name_plural = _("Fotos zu Meldungen")
        indexes = [
            models.Index(fields=["report", "state"]),
            # The first approved photo of a report (Open311 `media_url`), without a sort.
            models.Index(
                fields=["report", "uploaded_at", "id"],
                condition=models.Q(state=PhotoState.APPROVED),
                name="reports_photo_approved_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uuid} ({self.get_state_display()})"


class Confirmation(models.Model):
    """Someone else saw the same problem ("already reported? add your confirmation").

    Nothing about the person is stored: no address, no e-mail, no IP address.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="confirmations")
    at = models.DateTimeField(_("Zeitpunkt"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Bestätigung")
        verbose_name_plural = _("Bestätigungen")

    def __str__(self) -> str:
        return f"{self.report_id} {self.at:%d.%m.%Y %H:%M}"
