"""The report to the Oberbürgermeister (Rückkopplung): issued once, then frozen.

An issued report keeps the data it was built from (``snapshot``), the PDF and the SHA-256 of
both; the HTML view renders the snapshot, so it never changes either.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MayorReportPeriod(models.TextChoices):
    WEEK = "week", _("Woche")
    MONTH = "month", _("Monat")


class MayorReportStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("wird erstellt")
    ISSUED = "issued", _("ausgegeben")
    FAILED = "failed", _("fehlgeschlagen")


class MayorReportTrigger(models.TextChoices):
    ON_DEMAND = "on_demand", _("auf Anforderung")
    SCHEDULE = "schedule", _("planmäßig")


class MayorReport(models.Model):
    period = models.CharField(
        _("Berichtszeitraum"), max_length=10, choices=MayorReportPeriod.choices
    )
    period_start = models.DateField(_("von"))
    period_end = models.DateField(_("bis"))
    trigger = models.CharField(_("Anlass"), max_length=20, choices=MayorReportTrigger.choices)
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=MayorReportStatus.choices,
        default=MayorReportStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    progress_step = models.CharField(_("Schritt"), max_length=120, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ausgegeben am"), null=True, blank=True, db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    snapshot = models.JSONField(_("Datenstand"), null=True, blank=True, encoder=DjangoJSONEncoder)
    snapshot_sha256 = models.CharField(_("Prüfsumme Datenstand"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("Prüfsumme PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("Größe (Bytes)"), default=0)

    class Meta:
        ordering = ["-period_end", "-requested_at", "-id"]
        verbose_name = _("Bericht an den Oberbürgermeister")
        verbose_name_plural = _("Berichte an den Oberbürgermeister")
        indexes = [models.Index(fields=["status", "period", "period_start"])]

    def __str__(self) -> str:
        return gettext("Bericht an den Oberbürgermeister %(start)s–%(end)s") % {
            "start": f"{self.period_start:%d.%m.%Y}",
            "end": f"{self.period_end:%d.%m.%Y}",
        }

    @property
    def is_issued(self) -> bool:
        return self.status == MayorReportStatus.ISSUED

    @property
    def is_pending(self) -> bool:
        return self.status in (MayorReportStatus.QUEUED, MayorReportStatus.RUNNING)
