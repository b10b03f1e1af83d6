from django.contrib import admin

from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.taskforce.models import WorkingGroup


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedModelAdmin):
    list_display = ("name", "order", "is_active")
    prepopulated_fields = {"slug": ("name",)}
