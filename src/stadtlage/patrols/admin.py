"""Administration of the catalogues (data, not code: ordinances change) and a read view of
patrols and sync conflicts. Every change is audited (AuditedModelAdmin)."""

from __future__ import annotations

from django.contrib import admin

from stadtlage.admintools import ReadOnlyAdmin
from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.patrols.models import MeasureType, ObservationCategory, Patrol, SyncConflict


@admin.register(ObservationCategory)
class ObservationCategoryAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "code",
        "working_group",
        "enforcement_driven",
        "fine_min_eur",
        "fine_max_eur",
        "is_active",
    )
    list_filter = ("working_group", "enforcement_driven", "is_active")
    search_fields = ("name", "code", "legal_reference")
    list_editable = ("is_active",)


@admin.register(MeasureType)
class MeasureTypeAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "legal_basis", "allowed_roles", "requires_amount", "is_active")
    list_filter = ("requires_amount", "requires_case_number", "creates_cleaning_task", "is_active")
    search_fields = ("name", "code", "legal_basis")


@admin.register(Patrol)
class PatrolAdmin(AuditedModelAdmin):
    list_display = ("__str__", "status", "is_joint", "started_at", "ended_at")
    list_filter = ("status", "is_joint")
    date_hierarchy = "planned_start"
    readonly_fields = ("status", "started_at", "ended_at", "is_joint")
    filter_horizontal = ("members", "planned_areas")


@admin.register(SyncConflict)
class SyncConflictAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ("received_at", "record_kind", "record_uuid", "submitted_by", "status")
    list_filter = ("record_kind", "status")
