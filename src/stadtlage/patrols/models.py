"""Joint foot patrols of KOD and police: patrols, presence, observations and measures.

Field records carry counts, never names or descriptions of people, and no health free text
(DOMAIN.md §4). Catalogues are data that administrators edit.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal
from stadtlage.cleaning.models import CleaningKind
from stadtlage.organisations.models import DataDomain


class ObservationCategory(models.Model):
    """Catalogue entry for what a patrol sees (Feststellung)."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    enforcement_driven = models.BooleanField(
        _("Kontrolldelikt"),
        default=False,
        help_text=_("Mehr Kontrollen erzeugen mehr Feststellungen (z. B. Drogenkonsum)."),
    )
    counts_persons = models.BooleanField(_("Personenzahl erfassen"), default=True)
    fine_min_eur = models.PositiveSmallIntegerField(
        _("Verwarnungsgeld min. (€)"), null=True, blank=True
    )
    fine_max_eur = models.PositiveSmallIntegerField(
        _("Verwarnungsgeld max. (€)"), null=True, blank=True
    )
    legal_reference = models.CharField(_("Rechtsgrundlage"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Feststellungsart")
        verbose_name_plural = _("Feststellungsarten")

    def __str__(self) -> str:
        return self.name


class MeasureType(models.Model):
    """Catalogue entry for what a patrol does (Maßnahme), with legal basis and allowed roles."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=200, blank=True)
    allowed_roles = models.JSONField(_("erlaubte Rollen"), default=list)
    requires_amount = models.BooleanField(_("Verwarnungsgeld erforderlich"), default=False)
    min_amount_eur = models.PositiveSmallIntegerField(_("Betrag min. (€)"), null=True, blank=True)
    max_amount_eur = models.PositiveSmallIntegerField(_("Betrag max. (€)"), null=True, blank=True)
    requires_case_number = models.BooleanField(_("Aktenzeichen erforderlich"), default=False)
    referral_services = models.JSONField(_("Vermittlung an"), default=list, blank=True)
    creates_cleaning_task = models.BooleanField(_("erzeugt Reinigungsauftrag"), default=False)
    cleaning_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Reinigung durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leer: das (einzige) aktive städtische Unternehmen, z. B. EDG."),
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Maßnahmenart")
        verbose_name_plural = _("Maßnahmenarten")

    def __str__(self) -> str:
        return self.name


class PatrolStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    ACTIVE = "active", _("unterwegs")
    FINISHED = "finished", _("beendet")


class Patrol(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=PatrolStatus.choices, default=PatrolStatus.PLANNED
    )
    planned_start = models.DateTimeField(_("geplanter Beginn"))
    planned_end = models.DateTimeField(_("geplantes Ende"))
    started_at = models.DateTimeField(_("Beginn"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("Team"), related_name="patrols"
    )
    planned_areas = models.ManyToManyField(
        "places.Area", verbose_name=_("geplante Gebiete"), blank=True, related_name="+"
    )
    is_joint = models.BooleanField(
        _("gemeinsame Streife"),
        default=False,
        help_text=_("Abgeleitet: Team mit KOD- und Polizeikräften."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-planned_start"]
        verbose_name = _("Streife")
        verbose_name_plural = _("Streifen")
        indexes = [models.Index(fields=["planned_start"])]

    def __str__(self) -> str:
        return f"Streife {self.planned_start:%d.%m.%Y %H:%M}"


class PresenceSource(models.TextChoices):
    CHECKIN = "checkin", _("Check-in")
    GPS = "gps", _("Standort (mit Einwilligung)")


class PresenceInterval(models.Model):
    """Visible presence of one patrol in one area (minutes), the raw material of "Präsenz"."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="presence")
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("von"), db_index=True)
    ended_at = models.DateTimeField(_("bis"))
    minutes = models.FloatField(_("Minuten"))
    source = models.CharField(_("Quelle"), max_length=10, choices=PresenceSource.choices)
    # Set for check-ins sent by the field app (idempotent sync); empty for derived intervals.
    uuid = models.UUIDField(null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("Präsenzzeit")
        verbose_name_plural = _("Präsenzzeiten")

    def __str__(self) -> str:
        return f"{self.area} {self.started_at:%d.%m.%Y %H:%M} ({self.minutes:.0f} min)"


class LocationSource(models.TextChoices):
    GPS = "gps", _("GPS")
    PIN = "pin", _("Kartenpunkt")
    PLACE = "place", _("benannter Ort")


class Observation(models.Model):
    """A Feststellung: what a patrol saw, where and when, with a count of persons."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    category = models.ForeignKey(
        ObservationCategory, verbose_name=_("Art"), on_delete=models.PROTECT
    )
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    accuracy_m = models.FloatField(_("Genauigkeit (m)"), null=True, blank=True)
    location_source = models.CharField(
        _("Ortsangabe"), max_length=10, choices=LocationSource.choices, default=LocationSource.GPS
    )
    place_name = models.CharField(_("Ort"), max_length=120, blank=True)
    persons_count = models.PositiveIntegerField(_("Anzahl Personen"), default=0)
    patrol = models.ForeignKey(
        Patrol, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_domain = models.CharField(
        max_length=30, choices=DataDomain.choices, default=DataDomain.CITY_OPERATIONS
    )
    areas = models.ManyToManyField("places.Area", blank=True, related_name="observations")
    accuracy_flagged = models.BooleanField(
        _("Ort ungenau"), default=False, help_text=_("GPS-Genauigkeit schlechter als 200 m.")
    )
    # SHA-256 of what the field app sent under this uuid: same uuid + same hash is a repeat.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "lat": personal(DataCategory.PLACE_AND_TIME, DataSubject.PERSON_CONCERNED),
        "lon": personal(DataCategory.PLACE_AND_TIME, DataSubject.PERSON_CONCERNED),
    }

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("Feststellung")
        verbose_name_plural = _("Feststellungen")
        indexes = [models.Index(fields=["category", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_at:%d.%m.%Y %H:%M}"


class Measure(models.Model):
    """A Maßnahme taken on an observation. An offence case is referenced only by the
    Bußgeldstelle's case number; personal data stay in that procedure."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="measures")
    measure_type = models.ForeignKey(MeasureType, verbose_name=_("Art"), on_delete=models.PROTECT)
    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    persons_count = models.PositiveIntegerField(_("Anzahl Personen"), default=1)
    amount_eur = models.PositiveSmallIntegerField(_("Verwarnungsgeld (€)"), null=True, blank=True)
    case_number = models.CharField(_("Aktenzeichen Bußgeldstelle"), max_length=40, blank=True)
    referral_service = models.CharField(_("vermittelt an"), max_length=60, blank=True)
    cleaning_kind = models.CharField(
        _("Reinigung: Art"), max_length=20, choices=CleaningKind.choices, blank=True
    )
    cleaning_what = models.CharField(_("Reinigung: was"), max_length=200, blank=True)
    syringes_count = models.PositiveIntegerField(_("gefundene Spritzen"), default=0)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_domain = models.CharField(
        max_length=30, choices=DataDomain.choices, default=DataDomain.CITY_OPERATIONS
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "case_number": personal(DataCategory.CASE_REFERENCE, DataSubject.PERSON_CONCERNED),
        "cleaning_what": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        indexes = [models.Index(fields=["measure_type", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.measure_type} {self.occurred_at:%d.%m.%Y %H:%M}"


class PatrolEvent(models.Model):
    """One status change of a patrol: the patrol's timeline and audit trail."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("von"), max_length=20, choices=PatrolStatus.choices)
    to_status = models.CharField(_("nach"), max_length=20, choices=PatrolStatus.choices)
    at = models.DateTimeField(_("Zeitpunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("Bemerkung"), max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "note": personal(DataCategory.FREE_TEXT, DataSubject.STAFF, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Statuswechsel der Streife")
        verbose_name_plural = _("Statuswechsel der Streifen")

    def __str__(self) -> str:
        return f"{self.patrol}: {self.from_status} → {self.to_status}"


class PositionSample(models.Model):
    """A phone position during an active patrol, sent only with the officer's consent.

    Kept only as long as the retention setting allows (`patrols.retention`); presence
    intervals derived from the track stay.
    """

    uuid = models.UUIDField(unique=True)
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="track")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("Zeitpunkt"))
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    accuracy_m = models.FloatField(_("Genauigkeit (m)"))
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "lat": personal(DataCategory.STAFF_LOCATION, DataSubject.STAFF),
        "lon": personal(DataCategory.STAFF_LOCATION, DataSubject.STAFF),
    }

    class Meta:
        ordering = ["at"]
        verbose_name = _("Standortpunkt")
        verbose_name_plural = _("Standortpunkte")
        indexes = [models.Index(fields=["patrol", "at"])]

    def __str__(self) -> str:
        return f"{self.patrol} {self.at:%H:%M:%S}"


class ObservationPhoto(models.Model):
    """A photo of the place (never of people), re-encoded as JPEG without any metadata."""

    uuid = models.UUIDField(unique=True)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("Bild"), upload_to="patrols/photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SHA-256 of the uploaded bytes (before re-encoding), for idempotent uploads.
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "image": personal(DataCategory.PHOTO, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")

    def __str__(self) -> str:
        return f"Foto {self.uuid}"


class RecordKind(models.TextChoices):
    """What a field-app record is; each kind has its own table with `uuid` + `content_hash`."""

    OBSERVATION = "observation", _("Feststellung")
    MEASURE = "measure", _("Maßnahme")
    PRESENCE = "presence", _("Check-in")
    POSITION = "position", _("Standortpunkt")
    PATROL_STATUS = "patrol_status", _("Statuswechsel")
    PHOTO = "photo", _("Foto")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("offen")
    KEPT = "kept", _("gespeicherte Fassung behalten")
    APPLIED = "applied", _("neue Fassung übernommen")


class SyncConflict(models.Model):
    """A resubmission under a known uuid with different content: kept for review, never dropped."""

    record_kind = models.CharField(_("Art"), max_length=20, choices=RecordKind.choices)
    record_uuid = models.UUIDField(_("Datensatz-ID"), db_index=True)
    submitted_data = models.JSONField(_("gesendete Fassung"))
    submitted_hash = models.CharField(max_length=64)
    stored_hash = models.CharField(max_length=64, blank=True)
    # Photos: the submitted image, already stripped of metadata, so it can be reviewed and applied.
    submitted_file = models.FileField(
        _("gesendetes Foto"), upload_to="patrols/conflicts/%Y/%m/", blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gesendet von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("eingegangen"), auto_now_add=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("geklärt"), null=True, blank=True)

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "submitted_data": personal(
            DataCategory.RECORD_COPY, DataSubject.PERSON_CONCERNED, DataSubject.STAFF
        ),
        "submitted_file": personal(DataCategory.PHOTO, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Sync-Konflikt")
        verbose_name_plural = _("Sync-Konflikte")
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "record_uuid", "submitted_hash"],
                name="unique_conflict_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()} {self.record_uuid}"
