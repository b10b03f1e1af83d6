"""Operational state: the last runs of the scheduled jobs and the heartbeats of the workers.

Both are read by ``/health/ready`` and ``/metrics``; neither holds personal data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.Model):
    """One row per scheduled job (``operations.jobs.JOBS``): its lease and its last runs."""

    name = models.CharField(_("Aufgabe"), max_length=60, primary_key=True)
    first_seen_at = models.DateTimeField(_("zuerst gesehen"), auto_now_add=True)
    # Lease: set while a run is in progress; a run older than the job's lease counts as dead.
    running_since = models.DateTimeField(_("läuft seit"), null=True, blank=True)
    running_token = models.CharField(max_length=32, blank=True)
    last_started_at = models.DateTimeField(_("zuletzt gestartet"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("zuletzt erfolgreich"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("zuletzt fehlgeschlagen"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("Dauer (ms)"), null=True, blank=True)
    last_summary = models.CharField(_("Ergebnis"), max_length=500, blank=True)
    last_error = models.TextField(_("Fehler"), blank=True)
    successes = models.PositiveIntegerField(_("erfolgreiche Läufe"), default=0)
    failures = models.PositiveIntegerField(_("fehlgeschlagene Läufe"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("geplante Aufgabe")
        verbose_name_plural = _("geplante Aufgaben")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A background worker says it is alive every ``HEARTBEAT_SECONDS``."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("Worker")
        verbose_name_plural = _("Worker")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
