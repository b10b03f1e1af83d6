from django.contrib import admin

from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "data_domain", "is_active")
    list_filter = ("kind", "data_domain", "is_active")
    search_fields = ("name", "short_name")
