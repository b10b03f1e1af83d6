"""Admin: configuration (the meeting rhythm; working groups are edited in ``organisations``) is
editable and audited; records of the workflow are read-only here, because their writes must go
through the services (transition map, frozen minutes, frozen reports)."""

from __future__ import annotations

from django.contrib import admin

from stadtlage.admintools import ReadOnlyAdmin
from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.taskforce.models import (
    BoardDecision,
    MayorReport,
    Meeting,
    MeetingSchedule,
    Recommendation,
)


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(AuditedModelAdmin):
    list_display = ("title", "weekday", "start_time", "location", "valid_from", "is_active")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("title", "working_group", "state", "responsible_organisation", "updated_at")
    list_filter = ("state", "working_group")
    search_fields = ("title",)


@admin.register(BoardDecision)
class BoardDecisionAdmin(ReadOnlyAdmin):
    list_display = ("recommendation", "outcome", "decided_on", "recorded_by")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "status", "minutes_sha256")


@admin.register(MayorReport)
class MayorReportAdmin(ReadOnlyAdmin):
    list_display = ("period_start", "period_end", "period", "status", "issued_at", "pdf_sha256")
    exclude = ("pdf", "snapshot")
