"""Writes for cleaning tasks. Each change is audited in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.cleaning.models import CleaningStatus, CleaningTask


def cleaning_tasks_follow_report(
    *, report: Any, report_closed: bool, actor: Any, now: datetime
) -> int:
    """Keep the cleaning tasks of a citizen report in step with it.

    A report that is closed (fixed) closes its open tasks; a reopened report opens them again,
    so the queue and the start page never count a task whose report is done, or the reverse.
    Returns the number of tasks changed.
    """
    wanted = CleaningStatus.DONE if report_closed else CleaningStatus.OPEN
    current = CleaningStatus.OPEN if report_closed else CleaningStatus.DONE
    changed = 0
    for task in CleaningTask.objects.select_for_update().filter(report=report, status=current):
        before = snapshot(task)
        task.status = wanted
        task.done_at = now if report_closed else None
        task.save(update_fields=["status", "done_at"])
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=task,
            before=before,
            after=snapshot(task),
            data_domain=task.organisation.data_domain,
            note=f"folgt Meldung {report.pk}",
        )
        changed += 1
    return changed
