"""Retention with deletion (DOMAIN.md §4): one rule per data class, run by `stadtlage purge`.

Each app registers the rules for the data it owns in its own ``retention.py`` (imported when
the audit app is ready, like ``admin.py``), so this module imports no other app:

- ``settings.RETENTION_DAYS[data_class]`` is the period in days; its order is the order of
  the run and of the report. ``settings.RETENTION_BASIS[data_class]`` holds purpose and legal
  basis (shown by the report and the processing register).
- A rule gets a ``PurgeContext`` (now and its cutoff), deletes or blanks what has expired and
  returns how many records it touched. ``covers`` names the personal-data fields it removes
  (``app_label.Model.field``; the register and its completeness test read them).
- Figures already computed must not change when their raw rows go: a rule that deletes rows
  names their models in ``removes_rows_of``; before any rule runs, every *guard*
  (``register_guard``; kpi seals the closed periods of its series) gets the cutoff per model.

Everything runs in one transaction; a dry run rolls it back, so its counts are exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.models import Action, AuditEvent
from stadtlage.audit.services import audit_record

BATCH = 2000
# The longest period of a figure is a month; its rows may go once it is closed and sealed.
MIN_DAYS_FOR_FIGURES = 62
T = TypeVar("T")


@dataclass(frozen=True)
class PurgeContext:
    now: datetime
    cutoff: datetime  # records whose period started before this have expired


@dataclass(frozen=True)
class RetentionRule:
    data_class: str
    label: str | Promise  # what is deleted, in German ("E-Mail-Adressen von Meldenden")
    starts: str | Promise  # from when the period counts ("nach Abschluss der Meldung")
    purge: Callable[[PurgeContext], int]
    covers: tuple[str, ...] = ()
    removes_rows_of: tuple[str, ...] = ()
    min_days: int = 0  # a shorter period is refused at start-up (`checks.retention_settings`)

    @property
    def least_days(self) -> int:
        """Rows that feed figures are only deleted once their periods are closed (sealed)."""
        return max(self.min_days, MIN_DAYS_FOR_FIGURES if self.removes_rows_of else 0)


# A guard protects derived figures before rows go: (cutoff per model label, now) -> records kept.
Guard = Callable[[dict[str, datetime], datetime], int]

_RULES: dict[str, RetentionRule] = {}
_GUARDS: dict[str, Guard] = {}


def register(rule: RetentionRule) -> RetentionRule:
    """Add a rule (call at import time of the owning app's ``retention.py``)."""
    known = _RULES.get(rule.data_class)
    if known is not None and known.purge.__qualname__ != rule.purge.__qualname__:
        raise ImproperlyConfigured(f"two retention rules for {rule.data_class!r}")
    _RULES[rule.data_class] = rule
    return rule


def register_guard(name: str, guard: Guard) -> None:
    _GUARDS[name] = guard


def rules() -> list[RetentionRule]:
    """Registered rules in the order of ``settings.RETENTION_DAYS``."""
    order = {key: i for i, key in enumerate(settings.RETENTION_DAYS)}
    return sorted(
        _RULES.values(), key=lambda r: (order.get(r.data_class, len(order)), r.data_class)
    )


def retention_days(data_class: str) -> int:
    try:
        return int(settings.RETENTION_DAYS[data_class])
    except KeyError as exc:
        raise ImproperlyConfigured(f"RETENTION_DAYS has no entry for {data_class!r}") from exc


def basis(data_class: str) -> dict[str, Any]:
    """Purpose and legal basis of a data class (``settings.RETENTION_BASIS``)."""
    entry: dict[str, Any] = getattr(settings, "RETENTION_BASIS", {}).get(data_class, {})
    return entry


def cutoff(data_class: str, now: datetime) -> datetime:
    return now - timedelta(days=retention_days(data_class))


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def delete_in_batches(queryset: models.QuerySet[Any], *, size: int = BATCH) -> int:
    """Delete the rows of ``queryset`` (with their cascades) a batch of keys at a time, so a
    first purge of years of records does not load them all at once. Returns the rows of
    ``queryset``'s own model that were deleted."""
    model = queryset.model
    label = model._meta.label
    deleted = 0
    while True:
        keys = list(queryset.order_by().values_list("pk", flat=True)[:size])
        if not keys:
            return deleted
        _total, per_model = model._default_manager.filter(pk__in=keys).delete()
        deleted += per_model.get(label, 0)


def delete_files_on_commit(names: Iterable[str]) -> None:
    """Remove stored files once the purge commits (a dry run or a rollback keeps them)."""
    kept = [name for name in names if name]

    def delete() -> None:
        for name in kept:
            default_storage.delete(name)

    if kept:
        transaction.on_commit(delete)


@dataclass(frozen=True)
class ClassResult:
    rule: RetentionRule
    days: int
    cutoff: datetime
    count: int


@dataclass
class PurgeResult:
    now: datetime
    dry_run: bool
    classes: list[ClassResult] = field(default_factory=list)
    kept_by_guards: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {c.rule.data_class: c.count for c in self.classes}


def run_retention(
    *, now: datetime | None = None, dry_run: bool = False, actor: AbstractBaseUser | None = None
) -> PurgeResult:
    """Apply every rule in one transaction (rolled back for a dry run); report per class."""
    now = now or timezone.now()
    result = PurgeResult(now=now, dry_run=dry_run)
    ordered = rules()
    cutoffs: dict[str, datetime] = {}
    for rule in ordered:
        for label in rule.removes_rows_of:
            moment = cutoff(rule.data_class, now)
            cutoffs[label] = max(moment, cutoffs.get(label, moment))
    with transaction.atomic():
        if cutoffs:
            for name, guard in _GUARDS.items():
                result.kept_by_guards[name] = guard(cutoffs, now)
        for rule in ordered:
            days = retention_days(rule.data_class)
            moment = now - timedelta(days=days)
            count = rule.purge(PurgeContext(now=now, cutoff=moment))
            result.classes.append(ClassResult(rule, days, moment, count))
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action=Action.PURGE,
                object_type="retention",
                after={"counts": result.counts(), "kept_by_guards": result.kept_by_guards},
                note="Aufbewahrungsfristen angewendet",
            )
    return result


# --------------------------------------------------------------------------- the audit trail

LOGIN_ACTIONS = [Action.LOGIN, Action.LOGOUT, Action.LOGIN_FAILED, Action.LOCKOUT]
READ_ACTIONS = [Action.VIEW, Action.EXPORT]
TRAIL_FIELDS = (
    "audit.AuditEvent.actor_name",
    "audit.AuditEvent.object_repr",
    "audit.AuditEvent.note",
    "audit.AuditEvent.ip_address",
    "audit.AuditEvent.before",
    "audit.AuditEvent.after",
)


def _purge_audit(ctx: PurgeContext) -> int:
    return delete_in_batches(
        AuditEvent.objects.filter(at__lt=ctx.cutoff).exclude(
            action__in=[*LOGIN_ACTIONS, *READ_ACTIONS]
        )
    )


def _purge_access_log(ctx: PurgeContext) -> int:
    return delete_in_batches(AuditEvent.objects.filter(at__lt=ctx.cutoff, action__in=READ_ACTIONS))


def _purge_login_attempts(ctx: PurgeContext) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    deleted = delete_in_batches(
        AuditEvent.objects.filter(at__lt=ctx.cutoff, action__in=LOGIN_ACTIONS)
    )
    deleted += AccessAttempt.objects.filter(attempt_time__lt=ctx.cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=ctx.cutoff).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=ctx.cutoff).delete()[0]
    return deleted


register(
    RetentionRule(
        "audit",
        _("Protokoll der Änderungen"),
        _("ab dem Protokolleintrag"),
        _purge_audit,
        covers=TRAIL_FIELDS,
    )
)
register(
    RetentionRule(
        "access_log",
        _("Protokoll der Zugriffe und Exporte"),
        _("ab dem Zugriff"),
        _purge_access_log,
        covers=TRAIL_FIELDS,
    )
)
register(
    RetentionRule(
        "login_attempts",
        _("Anmeldeversuche"),
        _("ab dem Anmeldeversuch"),
        _purge_login_attempts,
        covers=(
            *TRAIL_FIELDS,
            "axes.AccessAttempt.username",
            "axes.AccessAttempt.ip_address",
            "axes.AccessLog.username",
            "axes.AccessLog.ip_address",
            "axes.AccessFailureLog.username",
            "axes.AccessFailureLog.ip_address",
        ),
    )
)
