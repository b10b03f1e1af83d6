"""Cleaning tasks for EDG: from citizen reports or from a patrol's measure.

The states and their order are the workflow of `cleaning.workflow`; only `cleaning.services`
changes them (with the audit record in the same transaction).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.personal import DataCategory, DataSubject, PersonalFields, personal


class CleaningKind(models.TextChoices):
    DRUG_WASTE = "drug_waste", _("Drogenabfall (Spritzen, Folien, Pfeifen)")
    LITTER = "litter", _("Müll")
    BULKY = "bulky", _("Sperrmüll / Lagerreste")
    EXCREMENT = "excrement", _("Fäkalien / Urin")
    OTHER = "other", _("Sonstiges")


class CleaningStatus(models.TextChoices):
    """In workflow order: open → accepted → done or not found."""

    OPEN = "open", _("offen")
    ACCEPTED = "accepted", _("angenommen")
    DONE = "done", _("erledigt")
    NOT_FOUND = "not_found", _("nichts vorgefunden")


# Tasks still waiting for the crew (queue, start page, "open" figures).
OPEN_TASK_STATES = frozenset({CleaningStatus.OPEN, CleaningStatus.ACCEPTED})
CLOSED_TASK_STATES = frozenset({CleaningStatus.DONE, CleaningStatus.NOT_FOUND})


def _photo_path(instance: Any, filename: str) -> str:
    return f"cleaning/photos/{filename}"


class CleaningTask(models.Model):
    kind = models.CharField(_("Art"), max_length=20, choices=CleaningKind.choices)
    status = models.CharField(
        _("Status"), max_length=20, choices=CleaningStatus.choices, default=CleaningStatus.OPEN
    )
    lat = models.FloatField(_("Breite"))
    lon = models.FloatField(_("Länge"))
    what = models.CharField(_("was ist zu entfernen"), max_length=200, blank=True)
    syringes_count = models.PositiveIntegerField(_("gefundene Spritzen"), default=0)
    created_at = models.DateTimeField(_("angelegt"), db_index=True)
    due_at = models.DateTimeField(_("fällig"))
    accepted_at = models.DateTimeField(_("angenommen"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angenommen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the task is closed: done or nothing found.
    done_at = models.DateTimeField(_("abgeschlossen"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abgeschlossen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome_note = models.CharField(_("Rückmeldung"), max_length=200, blank=True)
    photo = models.FileField(_("Foto nach der Reinigung"), upload_to=_photo_path, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cleaning_tasks"
    )
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cleaning_tasks",
    )
    measure = models.ForeignKey(
        "patrols.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cleaning_tasks",
    )
    areas = models.ManyToManyField("places.Area", blank=True, related_name="cleaning_tasks")

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "what": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
        "outcome_note": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
        "photo": personal(DataCategory.PHOTO, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Reinigungsauftrag")
        verbose_name_plural = _("Reinigungsaufträge")
        indexes = [models.Index(fields=["organisation", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y}"

    @property
    def in_time(self) -> bool | None:
        """Closed by its deadline (None while open)."""
        if self.done_at is None:
            return None
        return self.done_at <= self.due_at
