"""Admin for Open311 client applications. A new key is shown exactly once, as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from stadtlage.accounts.acting import acting_user
from stadtlage.admintools import ReadOnlyInline
from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.open311.models import ApiKey, ClientApplication
from stadtlage.open311.services import api_key_issue, api_key_revoke, client_rotate_key

KEY_MESSAGE = (
    "API-Schlüssel für „{client}“: {key} – bitte jetzt kopieren und sicher übermitteln; "
    "er wird nicht gespeichert und nie wieder angezeigt."
)


class ApiKeyInline(ReadOnlyInline):
    model = ApiKey
    fields = readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")


@admin.register(ClientApplication)
class ClientApplicationAdmin(AuditedModelAdmin):
    list_display = ("name", "contact_email", "is_active", "rate_limit_per_hour", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_email")
    fields = ("name", "contact_email", "description", "rate_limit_per_hour", "is_active")
    inlines = [ApiKeyInline]
    actions = ["rotate_keys"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            _key, raw = api_key_issue(client=obj, actor=acting_user(request))
            messages.warning(request, KEY_MESSAGE.format(client=obj, key=raw))

    @admin.action(description="Neuen API-Schlüssel ausgeben (bisherige widerrufen)")
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        for client in queryset:
            raw = client_rotate_key(client=client, actor=acting_user(request))
            messages.warning(request, KEY_MESSAGE.format(client=client, key=raw))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "client", "created_at", "last_used_at", "revoked_at")
    list_filter = ("client",)
    readonly_fields = ("client", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Ausgewählte Schlüssel widerrufen")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key, actor=acting_user(request))
        messages.success(request, f"{queryset.count()} Schlüssel widerrufen.")
