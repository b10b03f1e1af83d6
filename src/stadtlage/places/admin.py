"""Admin for the address register (areas have their own pages with a map)."""

from __future__ import annotations

from django.contrib import admin

from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.places.models import AddressPoint


@admin.register(AddressPoint)
class AddressPointAdmin(AuditedModelAdmin):
    list_display = ("__str__", "kind", "postcode", "lat", "lon", "source", "key")
    list_filter = ("kind", "source")
    search_fields = ("street", "name", "=house_number", "=postcode", "=key")
    readonly_fields = ("search_key", "updated_at")
