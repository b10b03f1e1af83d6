"""Single sign-on with OpenID Connect (authorisation code flow with PKCE, via Authlib).

Identity providers are data (`IdentityProvider`, edited in the admin), one or more per
organisation. The provider answers *who* someone is; *what* they may do comes only from their
memberships in stadtlage — claims such as `roles` or `groups` are never read. Sign-in is refused
(with a German explanation) unless the person has an account here that is active and holds an
active membership in one of the provider's organisations.

Accounts are matched once by a configurable claim (default `preferred_username`) against the
user name; the match is stored as `ExternalIdentity` (provider + `sub`), and later sign-ins use
`sub` only, so a renamed or recycled user name at the provider cannot take over an account.

Sign-out ends the session here and, when the provider offers it, at the provider too
(RP-initiated logout with `id_token_hint`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client.apps import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from requests import RequestException

from stadtlage.accounts.models import ExternalIdentity, IdentityProvider, User

PROVIDER_SESSION_KEY = "stadtlage_sso_provider"
ID_TOKEN_SESSION_KEY = "stadtlage_sso_id_token"  # noqa: S105 - a session key name
NEXT_SESSION_KEY = "stadtlage_sso_next"
# `amr` values (RFC 8176) that mean the provider asked for more than a password.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "pin"})


class SsoError(Exception):
    """The provider could not be reached, refused, or answered something invalid."""


@dataclass(frozen=True)
class Refusal:
    reason: str  # unknown_account | inactive | no_membership
    username: str


def _client(provider: IdentityProvider) -> DjangoOAuth2App:
    return DjangoOAuth2App(
        DjangoIntegration(f"sso-{provider.pk}"),
        name=f"sso-{provider.pk}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": settings.OIDC_HTTP_TIMEOUT,
        },
    )


def callback_url(request: HttpRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("accounts:sso_callback", args=[provider.slug]))


def start(request: HttpRequest, provider: IdentityProvider) -> Any:
    """Redirect to the provider's sign-in (state, nonce and PKCE verifier kept in the session)."""
    try:
        return _client(provider).authorize_redirect(request, callback_url(request, provider))
    except (OAuthError, RequestException, KeyError, ValueError) as exc:
        raise SsoError(str(exc)) from exc


def finish(request: HttpRequest, provider: IdentityProvider) -> tuple[dict[str, Any], str]:
    """Exchange the code; the ID token is checked (signature, issuer, audience, expiry,
    nonce) by Authlib. Returns the claims (plus the user-info answer when the ID token lacks
    the username claim) and the raw ID token for the sign-out."""
    client = _client(provider)
    try:
        token = client.authorize_access_token(request)
        claims: dict[str, Any] = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise SsoError("ID-Token ohne Kennung (sub)")
        if provider.username_claim not in claims:
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") != claims["sub"]:
                raise SsoError("Benutzerinformationen gehören zu einer anderen Kennung")
            claims = {**extra, **claims}
    except (OAuthError, RequestException, KeyError, ValueError) as exc:
        raise SsoError(str(exc)) from exc
    except Exception as exc:  # joserfc raises its own errors for bad signatures and claims
        if exc.__class__.__module__.startswith(("joserfc", "authlib")):
            raise SsoError(str(exc)) from exc
        raise
    return claims, str(token.get("id_token") or "")


def provider_second_factor(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    """Whether the provider's sign-in counts as the second factor here: only when the provider
    is trusted for it and its ID token says (amr) that it asked for more than a password."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return provider.trust_second_factor and bool(SECOND_FACTOR_AMR.intersection(amr))


def _is_member_for(user: User, provider: IdentityProvider) -> bool:
    return user.memberships.filter(
        is_active=True, organisation__in=provider.organisations.all()
    ).exists()


@transaction.atomic
def resolve_account(provider: IdentityProvider, claims: dict[str, Any]) -> User | Refusal:
    """The stadtlage account for these claims, or why there is none. Never creates accounts
    or memberships: roles come only from memberships made in stadtlage."""
    subject = str(claims["sub"])
    username = str(claims.get(provider.username_claim) or "")
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if link is not None:
        user = link.user
    else:
        found = User.objects.filter(username=username).first() if username else None
        if found is None:
            return Refusal("unknown_account", username or subject)
        if ExternalIdentity.objects.filter(provider=provider, user=found).exists():
            return Refusal("unknown_account", username)  # linked to another identity already
        user = found
    if not user.is_active:
        return Refusal("inactive", user.username)
    if not _is_member_for(user, provider):
        return Refusal("no_membership", user.username)
    if link is None:
        link = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
    ExternalIdentity.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return user


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send the browser after signing out here, to end the provider's session too."""
    provider_id = request.session.get(PROVIDER_SESSION_KEY)
    if provider_id is None:
        return None
    provider = IdentityProvider.objects.filter(pk=provider_id).first()
    if provider is None:
        return None
    try:
        result = _client(provider).create_logout_url(
            post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:login")),
            id_token_hint=request.session.get(ID_TOKEN_SESSION_KEY) or None,
            client_id=provider.client_id,
        )
    except (RuntimeError, OAuthError, RequestException, KeyError, ValueError):
        return None  # no end_session_endpoint, or the provider is unreachable: sign out here
    return str(result["url"])
