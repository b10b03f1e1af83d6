"""Cleaning tasks for EDG: from citizen reports or from a patrol's measure."""

from __future__ import annotations

from typing import ClassVar

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
    OPEN = "open", _("offen")
    DONE = "done", _("erledigt")
    NOT_FOUND = "not_found", _("nichts vorgefunden")


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
    done_at = models.DateTimeField(_("erledigt"), null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cleaning_tasks"
    )
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    measure = models.ForeignKey(
        "patrols.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    areas = models.ManyToManyField("places.Area", blank=True, related_name="cleaning_tasks")

    PERSONAL_DATA: ClassVar[PersonalFields] = {
        "what": personal(DataCategory.FREE_TEXT, DataSubject.THIRD_PARTY),
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Reinigungsauftrag")
        verbose_name_plural = _("Reinigungsaufträge")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y}"
