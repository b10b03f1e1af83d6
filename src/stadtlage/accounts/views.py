from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from stadtlage.accounts.forms import LoginForm
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = settings.DEMO_MODE
        return context


def lockout(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """Called by django-axes when a username/address pair has failed too often."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        actor=None,
        action=Action.LOCKOUT,
        object_type="accounts.user",
        object_repr=username,
        note=f"Zu viele Fehlversuche für „{username}“",
        request=request,
    )
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %(minutes)s Minuten "
        "und versuchen Sie es dann erneut."
    ) % {"minutes": minutes}
    form = LoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "lockout_message": message, "demo_mode": settings.DEMO_MODE},
        status=429,
    )
