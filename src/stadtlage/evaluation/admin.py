"""Read-only admin views: evaluations change only through their services (versions, hashes)."""

from __future__ import annotations

from django.contrib import admin

from stadtlage.admintools import ReadOnlyAdmin
from stadtlage.evaluation.models import Evaluation, EvaluationDesign, EvaluationResult


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recommendation", "status", "updated_at")
    list_filter = ("status",)


@admin.register(EvaluationDesign)
class EvaluationDesignAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "number", "start_date", "frozen_at", "sha256")


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdmin):
    list_display = ("design", "verdict", "computed_at")
