"""Single sign-on pages: start at the provider, come back, or a clear refusal."""

from __future__ import annotations

import logging

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from stadtlage.accounts import sso, twofactor
from stadtlage.accounts.middleware import second_factor_url
from stadtlage.accounts.models import IdentityProvider, SignInMethod
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record

logger = logging.getLogger("stadtlage.accounts")


def _provider(slug: str) -> IdentityProvider:
    return get_object_or_404(IdentityProvider, slug=slug, is_active=True)


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        request.session[sso.NEXT_SESSION_KEY] = next_url
    try:
        return sso.start(request, provider)
    except sso.SsoError as exc:
        logger.warning("SSO %s: start failed: %s", provider.slug, exc)
        return _failed(request, provider, status=502)


def _failed(request: HttpRequest, provider: IdentityProvider, *, status: int) -> HttpResponse:
    return render(request, "accounts/sso_failed.html", {"provider": provider}, status=status)


@require_GET
def sso_callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug)
    try:
        claims, id_token = sso.finish(request, provider)
    except sso.SsoError as exc:
        logger.warning("SSO %s: callback refused: %s", provider.slug, exc)
        audit_record(
            actor=None,
            action=Action.LOGIN_FAILED,
            object_type="accounts.identityprovider",
            object_id=provider.pk,
            object_repr=str(provider),
            note=f"Single Sign-on abgebrochen oder ungültig: {str(exc)[:300]}",
        )
        return _failed(request, provider, status=400)
    account = sso.resolve_account(provider, claims)
    if isinstance(account, sso.Refusal):
        audit_record(
            actor=None,
            action=Action.LOGIN_FAILED,
            object_type="accounts.user",
            object_repr=account.username[:200],
            note=f"Single Sign-on über „{provider}“ abgelehnt: {account.reason}",
        )
        organisations = ", ".join(o.name for o in provider.organisations.order_by("name"))
        return render(
            request,
            "accounts/sso_refused.html",
            {"provider": provider, "refusal": account, "organisations": organisations},
            status=403,
        )
    next_url = request.session.pop(sso.NEXT_SESSION_KEY, "") or "/"
    request.sign_in_method = SignInMethod.SSO  # type: ignore[attr-defined]
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    request.session[sso.PROVIDER_SESSION_KEY] = provider.pk
    request.session[sso.ID_TOKEN_SESSION_KEY] = id_token
    if sso.provider_second_factor(provider, claims):
        request.session[twofactor.SSO_SECOND_FACTOR_SESSION_KEY] = provider.pk
    if twofactor.needs_second_factor_now(request):
        return HttpResponseRedirect(second_factor_url(request, next_url))
    return HttpResponseRedirect(next_url)
