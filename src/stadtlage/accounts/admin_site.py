"""The admin site (`/verwaltung/`): signs in through stadtlage's own login, which asks for the
second factor, and admits only sessions that have one (besides is_staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts import twofactor


class StadtlageAdminSite(admin.AdminSite):
    site_header = _("stadtlage – Verwaltung")
    site_title = _("stadtlage – Verwaltung")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not twofactor.needs_second_factor_now(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated and not twofactor.needs_second_factor_now(request):
            raise PermissionDenied  # signed in, but no staff account: no login loop
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
