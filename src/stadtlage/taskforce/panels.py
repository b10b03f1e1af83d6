"""The start-page panel of the Sonderstab (lead, board, mayor's office); reads via selectors."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce import selectors
from stadtlage.taskforce.models import MayorReport, MayorReportStatus, RecommendationState


def taskforce_panel(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    sees_taskforce = perm.can_view_taskforce(user)
    due = selectors.due_milestones(today=today) if sees_taskforce else None
    return {
        "sees_taskforce": sees_taskforce,
        "next_meeting": selectors.next_meeting(timezone.now()) if sees_taskforce else None,
        "submitted": perm.recommendations_visible_to(user)
        .filter(state=RecommendationState.SUBMITTED)
        .count(),
        "overdue": due.filter(due_date__lt=today).count() if due is not None else 0,
        "due": due.filter(due_date__gte=today).count() if due is not None else 0,
        "latest_report": MayorReport.objects.defer("pdf", "snapshot")
        .filter(status=MayorReportStatus.ISSUED)
        .order_by("-issued_at")
        .first()
        if perm.can_read_mayor_reports(user)
        else None,
        "can_view_board": perm.can_view_board(user),
    }
