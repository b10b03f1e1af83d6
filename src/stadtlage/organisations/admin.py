from django.contrib import admin

from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.organisations.models import Organisation, WorkingGroup


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "data_domain", "is_active")
    list_filter = ("kind", "data_domain", "is_active")
    search_fields = ("name", "short_name")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedModelAdmin):
    list_display = ("name", "order", "lead", "deputy", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("lead", "deputy")
