"""Retention with deletion (DOMAIN.md §4): one rule per data class, run by `stadtlage purge`.

Days per data class come from settings.RETENTION_DAYS (environment, see .env.example).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stadtlage.audit.models import Action, AuditEvent
from stadtlage.audit.services import audit_record

LOGIN_ACTIONS = [Action.LOGIN, Action.LOGOUT, Action.LOGIN_FAILED, Action.LOCKOUT]


def _purge_audit(cutoff: datetime) -> int:
    qs = AuditEvent.objects.filter(at__lt=cutoff).exclude(action__in=[*LOGIN_ACTIONS, Action.VIEW])
    return qs.delete()[0]


def _purge_access_log(cutoff: datetime) -> int:
    return AuditEvent.objects.filter(at__lt=cutoff, action=Action.VIEW).delete()[0]


def _purge_login_attempts(cutoff: datetime) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    deleted = AuditEvent.objects.filter(at__lt=cutoff, action__in=LOGIN_ACTIONS).delete()[0]
    deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def _purge_reporter_emails(cutoff: datetime) -> int:
    """Reporters' e-mail addresses are only kept while a report can still be followed up."""
    from stadtlage.reports.models import Report

    return (
        Report.objects.filter(closed_at__lt=cutoff)
        .exclude(reporter_email="")
        .update(reporter_email="")
    )


def _purge_patrol_tracks(cutoff: datetime) -> int:
    from stadtlage.patrols.retention import purge_position_samples

    return purge_position_samples(cutoff)


@dataclass(frozen=True)
class RetentionRule:
    data_class: str
    description: str
    purge: Callable[[datetime], int]


RULES: tuple[RetentionRule, ...] = (
    RetentionRule("audit", "Protokoll der Änderungen", _purge_audit),
    RetentionRule("access_log", "Protokoll der Zugriffe", _purge_access_log),
    RetentionRule("login_attempts", "Anmeldeversuche", _purge_login_attempts),
    RetentionRule("reporter_email", "E-Mail-Adressen von Meldenden", _purge_reporter_emails),
    RetentionRule("patrol_track", "Standortverläufe der Streifen", _purge_patrol_tracks),
)


def run_retention(
    *, now: datetime | None = None, dry_run: bool = False, actor: Any = None
) -> dict[str, int]:
    """Apply every rule; returns the number of records deleted or blanked per data class."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    with transaction.atomic():
        for rule in RULES:
            cutoff = now - timedelta(days=settings.RETENTION_DAYS[rule.data_class])
            result[rule.data_class] = rule.purge(cutoff)
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action=Action.PURGE,
                object_type="retention",
                after=result,
                note="Aufbewahrungsfristen angewendet",
            )
    return result
