"""Start-up checks of the retention settings and the audit middleware (`stadtlage check`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from stadtlage.audit.retention import rules


@register(Tags.compatibility)
def retention_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every data class has a rule, a period, a purpose and a legal basis; no period is too
    short for what depends on it."""
    errors: list[Error] = []
    days: dict[str, Any] = getattr(settings, "RETENTION_DAYS", {})
    basis: dict[str, Any] = getattr(settings, "RETENTION_BASIS", {})
    registered = {rule.data_class: rule for rule in rules()}
    for key in sorted(set(days) - set(registered)):
        errors.append(Error(f"RETENTION_DAYS[{key!r}] has no retention rule.", id="stadtlage.E101"))
    for key, rule in registered.items():
        if key not in days:
            errors.append(Error(f"RETENTION_DAYS has no entry for {key!r}.", id="stadtlage.E102"))
            continue
        entry = basis.get(key, {})
        if not entry.get("purpose") or not entry.get("legal_basis"):
            errors.append(
                Error(
                    f"RETENTION_BASIS[{key!r}] needs a purpose and a legal basis.",
                    id="stadtlage.E103",
                )
            )
        if int(days[key]) < rule.least_days:
            errors.append(
                Error(
                    f"RETENTION_DAYS[{key!r}] = {days[key]} is shorter than {rule.least_days} "
                    "days (see the rule's documentation).",
                    id="stadtlage.E104",
                )
            )
    return errors


CONTEXT_MIDDLEWARE = "stadtlage.audit.context.ClientContextMiddleware"
PROXY_MIDDLEWARE = "stadtlage.operations.middleware.ProxyClientAddressMiddleware"
ACCESS_LOG_MIDDLEWARE = "stadtlage.audit.access.AccessLogMiddleware"


@register(Tags.security)
def client_context_middleware(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The audit trail's client address and the access log need the context middleware after
    the proxy middleware (the real client) and before the access log (audit.context)."""
    middleware: list[str] = list(getattr(settings, "MIDDLEWARE", []))
    if CONTEXT_MIDDLEWARE not in middleware:
        return [Error(f"MIDDLEWARE lacks {CONTEXT_MIDDLEWARE}.", id="stadtlage.E110")]
    at = middleware.index(CONTEXT_MIDDLEWARE)
    if PROXY_MIDDLEWARE in middleware and middleware.index(PROXY_MIDDLEWARE) > at:
        return [Error(f"{CONTEXT_MIDDLEWARE} must follow {PROXY_MIDDLEWARE}.", id="stadtlage.E111")]
    if ACCESS_LOG_MIDDLEWARE in middleware and middleware.index(ACCESS_LOG_MIDDLEWARE) < at:
        return [
            Error(
                f"{CONTEXT_MIDDLEWARE} must precede {ACCESS_LOG_MIDDLEWARE}.", id="stadtlage.E112"
            )
        ]
    return []
