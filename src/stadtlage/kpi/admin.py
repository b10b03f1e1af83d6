"""Administration of partner series and tokens; indicators and values are read-only here.

Indicator definitions change only through the versioning service (the Kennzahlen pages), and
partner values only through submissions, so the admin cannot overwrite history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stadtlage.admintools import ReadOnlyAdmin, ReadOnlyInline
from stadtlage.audit.admin import AuditedModelAdmin
from stadtlage.kpi.models import (
    Indicator,
    IndicatorVersion,
    PartnerApiToken,
    PartnerSeries,
    PartnerValue,
)


@admin.register(PartnerSeries)
class PartnerSeriesAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "organisation", "period", "expected_every", "is_active")
    list_filter = ("organisation", "period", "is_active")
    search_fields = ("name", "code")


@admin.register(PartnerValue)
class PartnerValueAdmin(ReadOnlyAdmin):
    list_display = ("series", "period_start", "value", "revision", "is_current", "channel")
    list_filter = ("series", "channel", "is_current")
    date_hierarchy = "period_start"


class VersionInline(ReadOnlyInline):
    model = IndicatorVersion
    fk_name = "indicator"
    fields = ("number", "name", "valid_from", "source", "aggregation", "rebases", "change_note")
    readonly_fields = fields


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "__str__", "is_active")
    inlines = (VersionInline,)


@admin.register(PartnerApiToken)
class PartnerApiTokenAdmin(AuditedModelAdmin):
    list_display = ("label", "user", "prefix", "created_at", "last_used_at", "is_active")
    fields = ("label", "user", "prefix", "created_at", "last_used_at", "is_active")
    readonly_fields = ("label", "user", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # `stadtlage partner_token USER LABEL` shows the key once
