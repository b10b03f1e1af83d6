"""Admin integration: every change made through the Django admin is audited too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from stadtlage.admintools import ReadOnlyAdmin
from stadtlage.audit.access import request_actor
from stadtlage.audit.models import Action, AuditEvent
from stadtlage.audit.services import audit_record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit event in the same transaction."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Initial values from the query string, without dates and times: Django's split
        date-time widget cannot show a text there (`?planned_start=x` would be a 500)."""
        initial = super().get_changeform_initial_data(request)
        dated = {
            f.name
            for f in self.model._meta.get_fields()
            if isinstance(f, models.DateField | models.TimeField)
        }
        return {name: value for name, value in initial.items() if name not in dated}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = snapshot(previous) if previous else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request_actor(request),
                action=Action.UPDATE if change else Action.CREATE,
                obj=obj,
                before=before,
                after=snapshot(obj),
                note="Administration",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            audit_record(
                actor=request_actor(request),
                action=Action.DELETE,
                object_type=obj._meta.label_lower,
                object_id=pk,
                object_repr=str(obj),
                before=before,
                note="Administration",
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type", "data_domain")
    search_fields = ("actor_name", "object_repr", "object_id", "note")
    date_hierarchy = "at"
