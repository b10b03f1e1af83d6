"""The report workflow as data: which state may follow which. Enforced by exactly one
function, `services._apply_transition`.

States are grouped open / closed (`models.OPEN_STATES`); GeoReport v2 maps them to "open" and
"closed" (see docs/open311.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from stadtlage.reports.models import Report, ReportStatus

S = ReportStatus

# The report workflow. A state not listed as a key has no way out; NEW is never a target.
# Closed states only lead back to REOPENED ("fixed" that is not fixed must be reopenable).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.INVESTIGATING: frozenset(
        {
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.ACTION_SCHEDULED: frozenset(
        {S.INVESTIGATING, S.IN_PROGRESS, S.INTERNAL_REFERRAL, S.FIXED, S.NO_FURTHER_ACTION}
    ),
    S.IN_PROGRESS: frozenset(
        {S.ACTION_SCHEDULED, S.INTERNAL_REFERRAL, S.FIXED, S.NO_FURTHER_ACTION}
    ),
    S.INTERNAL_REFERRAL: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.REOPENED: frozenset(
        {
            S.INVESTIGATING,
            S.ACTION_SCHEDULED,
            S.IN_PROGRESS,
            S.INTERNAL_REFERRAL,
            S.FIXED,
            S.DUPLICATE,
            S.NOT_RESPONSIBLE,
            S.NO_FURTHER_ACTION,
        }
    ),
    S.FIXED: frozenset({S.REOPENED}),
    S.DUPLICATE: frozenset({S.REOPENED}),
    S.NOT_RESPONSIBLE: frozenset({S.REOPENED}),
    S.NO_FURTHER_ACTION: frozenset({S.REOPENED}),
}
NOTE_REQUIRED = frozenset({S.FIXED})
# How long the reporter's e-mail link may confirm or reopen a report marked "fixed".
REPORTER_FOLLOW_UP_DAYS = 14


# The order in which a report passes through its states, for every list of states people pick
# from (filters, the next status): open states first, as the work goes on, then the closings.
WORKFLOW_ORDER: tuple[str, ...] = (
    S.NEW,
    S.REOPENED,
    S.INVESTIGATING,
    S.ACTION_SCHEDULED,
    S.IN_PROGRESS,
    S.FIXED,
    S.INTERNAL_REFERRAL,
    S.DUPLICATE,
    S.NOT_RESPONSIBLE,
    S.NO_FURTHER_ACTION,
)


def in_workflow_order(states: Iterable[str]) -> list[str]:
    """``states`` sorted as the workflow runs (``WORKFLOW_ORDER``)."""
    return sorted(states, key=WORKFLOW_ORDER.index)


def allowed_transitions(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def status_label(status: str) -> str:
    return str(ReportStatus(status).label) if status in ReportStatus.values else status


def reporter_may_reopen(report: Report, now: datetime | None = None) -> bool:
    """The reporter's link reopens a report marked "fixed" within REPORTER_FOLLOW_UP_DAYS."""
    now = now or timezone.now()
    return (
        report.status == ReportStatus.FIXED
        and report.closed_at is not None
        and now - report.closed_at <= timedelta(days=REPORTER_FOLLOW_UP_DAYS)
    )
