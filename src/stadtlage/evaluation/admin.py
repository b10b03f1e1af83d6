"""Read-only admin views: evaluations change only through their services (versions, hashes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stadtlage.evaluation.models import Evaluation, EvaluationDesign, EvaluationResult


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly):
    list_display = ("title", "recommendation", "status", "updated_at")
    list_filter = ("status",)


@admin.register(EvaluationDesign)
class EvaluationDesignAdmin(ReadOnly):
    list_display = ("evaluation", "number", "start_date", "frozen_at", "sha256")


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnly):
    list_display = ("design", "verdict", "computed_at")
