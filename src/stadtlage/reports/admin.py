"""Admin for report categories (routing rules, questions, routes per area) and a read-only
view of reports. Status changes happen in the work queue, never here; the reporter's e-mail
is not shown in the admin at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.acting import acting_user
from stadtlage.admintools import ReadOnlyAdmin, ReadOnlyInline
from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.reports.models import (
    CategoryRoute,
    Report,
    ReportPhoto,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)


class ServiceAttributeInline(admin.StackedInline):
    model = ServiceAttribute
    extra = 0
    fields = (
        ("order", "code", "datatype"),
        "description",
        "datatype_description",
        ("required", "variable"),
        "values",
    )


class CategoryRouteInline(admin.TabularInline):
    model = CategoryRoute
    extra = 0
    fields = ("area", "responsible", "sla_hours")
    verbose_name = _("abweichende Zuständigkeit in einem Gebiet")
    verbose_name_plural = _(
        "Zuständigkeit nach Gebiet (sonst gilt die Stelle der Kategorie; bei mehreren "
        "Treffern das kleinste Gebiet)"
    )


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "code",
        "group",
        "responsible",
        "sla_hours",
        "person_related",
        "is_active",
        "order",
    )
    list_filter = ("is_active", "person_related", "creates_cleaning_task", "group", "responsible")
    list_editable = ("sla_hours", "is_active", "order")
    search_fields = ("name", "code", "keywords")
    fieldsets = (
        (None, {"fields": ("name", "code", "description", "group", "keywords", "order")}),
        (
            _("Weiterleitung"),
            {"fields": ("responsible", "informed", "sla_hours", "working_group", "is_active")},
        ),
        (_("Veröffentlichung"), {"fields": ("person_related",)}),
        (_("Reinigung"), {"fields": ("creates_cleaning_task", "cleaning_kind")}),
    )
    filter_horizontal = ("informed",)
    inlines = [CategoryRouteInline, ServiceAttributeInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Questions and routes are rules too: every change of an inline row is audited."""
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                before, pk = snapshot(obj), obj.pk
                obj.delete()
                audit_record(
                    actor=acting_user(request),
                    action=Action.DELETE,
                    object_type=obj._meta.label_lower,
                    object_id=pk,
                    object_repr=str(obj),
                    before=before,
                    note="Administration",
                )
            for obj in instances:
                created = obj.pk is None
                previous = None if created else type(obj).objects.filter(pk=obj.pk).first()
                obj.save()
                audit_record(
                    actor=acting_user(request),
                    action=Action.CREATE if created else Action.UPDATE,
                    obj=obj,
                    before=snapshot(previous) if previous else None,
                    after=snapshot(obj),
                    note="Administration",
                )
            formset.save_m2m()


class ReportUpdateInline(ReadOnlyInline):
    model = ReportUpdate
    fields = readonly_fields = (
        "at",
        "actor",
        "from_status",
        "to_status",
        "public_note",
        "internal_note",
        "internal_only",
        "forwarded_to",
    )


class ReportPhotoInline(ReadOnlyInline):
    model = ReportPhoto
    fields = readonly_fields = ("uuid", "state", "width", "height", "uploaded_at", "moderated_at")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Read-only; deleting (e.g. abuse) is audited without the reporter's e-mail."""

    deletable = True
    list_display = ("id", "category", "status", "responsible", "source", "submitted_at", "due_at")
    list_filter = ("status", "source", "category", "responsible")
    search_fields = ("=id", "address_string")
    date_hierarchy = "submitted_at"
    exclude = ("reporter_email",)
    readonly_fields = (
        "uuid",
        "category",
        "status",
        "lat",
        "lon",
        "address_string",
        "location_basis",
        "address_key",
        "description",
        "public_description",
        "source",
        "submitted_at",
        "updated_at",
        "closed_at",
        "due_at",
        "responsible",
        "assignee",
        "duplicate_of",
        "attributes",
    )
    inlines = [ReportUpdateInline, ReportPhotoInline]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Report]:
        return super().get_queryset(request).select_related("category", "responsible")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = snapshot(obj, exclude=("reporter_email",))
            pk = obj.pk
            super().delete_model(request, obj)
            audit_record(
                actor=acting_user(request),
                action=Action.DELETE,
                object_type=obj._meta.label_lower,
                object_id=pk,
                object_repr=str(obj),
                before=before,
                data_domain=obj.responsible.data_domain,
                note="Administration",
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Report]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
