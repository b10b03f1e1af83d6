from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from stadtlage.accounts import sso, twofactor
from stadtlage.accounts.forms import LoginForm
from stadtlage.accounts.middleware import second_factor_url
from stadtlage.accounts.models import IdentityProvider
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record


class LoginView(auth_views.LoginView):
    """First step: password (or single sign-on). The second factor follows when required."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = settings.DEMO_MODE
        context["identity_providers"] = IdentityProvider.objects.filter(is_active=True)
        return context

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if twofactor.needs_second_factor_now(self.request):
            return second_factor_url(self.request, url)
        return url

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Signed in with the password but not yet with the second factor: continue there
        # (redirect_authenticated_user would send the person back and forth).
        if request.user.is_authenticated and twofactor.needs_second_factor_now(request):
            return HttpResponseRedirect(second_factor_url(request, self.get_redirect_url() or "/"))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]


class LogoutView(auth_views.LogoutView):
    """Sign out; a session that came through single sign-on ends at the provider too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_logout = sso.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            return HttpResponseRedirect(provider_logout)
        return response


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
        {
            "form": form,
            "lockout_message": message,
            "demo_mode": settings.DEMO_MODE,
            "identity_providers": IdentityProvider.objects.filter(is_active=True),
        },
        status=429,
    )
