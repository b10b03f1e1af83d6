"""Admin building blocks every app shares (ground floor: imports only Django).

``ReadOnlyAdmin`` shows records that change only through their services (history, decisions,
audit entries): nothing is added or changed here. Records the administration may still remove
set ``deletable = True`` (their admin audits the deletion itself). ``ReadOnlyInline`` lists
related rows on such pages, without adding, changing or deleting them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    deletable = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
