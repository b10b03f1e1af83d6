"""Which pages show non-public records, and the log of every read of them (DOMAIN.md §4).

Every URL of the site is classified by the app that owns it, in its own ``access.py``
(imported when the audit app is ready, like ``retention.py``), keyed by the URL's view name
(``"reports:queue_detail"``; a trailing ``*`` covers a namespace):

- ``PUBLIC``: public pages and what they need (no login; public data only);
- ``NO_RECORDS``: internal pages that show no individual non-public record — aggregates,
  empty forms, one's own account; the reason is written next to the entry;
- ``LOGGED``: pages, exports and APIs that show non-public records. ``AccessLogMiddleware``
  writes an access event (``view`` or ``export``) for every answer that showed something (2xx,
  or a form re-rendered with the record on a 400/409/422 page), unless the view already logged
  the read itself with more detail (``audit_access`` below, or any ``view``/``export`` event
  written during the request: `stadtlage.audit.context.mark_logged`).

A test walks all URL patterns and fails on a URL that is not classified, on a ``PUBLIC`` page
that needs a login, and on a ``LOGGED`` page whose read leaves no event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from stadtlage.audit.context import access_logged
from stadtlage.audit.models import Action, AuditEvent
from stadtlage.audit.services import audit_record

PUBLIC = "public"
NO_RECORDS = "no_records"
LOGGED = "logged"
POLICIES = (PUBLIC, NO_RECORDS, LOGGED)

Describe = Callable[[HttpRequest, dict[str, Any]], str]


@dataclass(frozen=True)
class AccessRule:
    policy: str
    object_type: str | Describe = ""  # model label (lower case) or a list's name; for LOGGED
    data_domain: str | Describe = ""
    action: str = Action.VIEW  # Action.EXPORT for downloads
    object_id: Describe | None = None  # default: the URL's arguments
    reason: str = ""  # why a page is PUBLIC or NO_RECORDS
    methods: tuple[str, ...] = ()  # only these methods are reads (empty: all)


_RULES: dict[str, AccessRule] = {}


def public(reason: str) -> AccessRule:
    return AccessRule(PUBLIC, reason=reason)


def no_records(reason: str) -> AccessRule:
    return AccessRule(NO_RECORDS, reason=reason)


def logged(
    object_type: str | Describe,
    *,
    data_domain: str | Describe = "",
    action: str = Action.VIEW,
    object_id: Describe | None = None,
    methods: tuple[str, ...] = (),
) -> AccessRule:
    return AccessRule(
        LOGGED,
        object_type,
        data_domain=data_domain,
        action=action,
        object_id=object_id,
        methods=methods,
    )


def register(rules: dict[str, AccessRule]) -> None:
    """Classify URLs by view name (call at import time of an app's ``access.py``)."""
    for name, rule in rules.items():
        if rule.policy not in POLICIES:
            raise ValueError(f"unknown access policy {rule.policy!r} for {name!r}")
        _RULES[name] = rule


def classified() -> dict[str, AccessRule]:
    """Every registered classification by view name (for the processing register)."""
    return dict(_RULES)


def rule_for(view_name: str) -> AccessRule | None:
    """The rule of a view name: exact, else the longest matching ``namespace:*`` entry."""
    if view_name in _RULES:
        return _RULES[view_name]
    prefixes = [k for k in _RULES if k.endswith("*") and view_name.startswith(k[:-1])]
    return _RULES[max(prefixes, key=len)] if prefixes else None


def request_actor(request: HttpRequest) -> AbstractBaseUser | None:
    """The signed-in person of a request as the audit trail's actor (None for a visitor).

    For the audit app's own view helpers and admin; the apps above use
    `stadtlage.accounts.acting.acting_user`, which gives their ``User``."""
    user = request.user
    return user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None


def audit_access(
    request: HttpRequest,
    *,
    object_type: str,
    object_id: str | int = "",
    data_domain: str,
    note: str = "",
    action: str = Action.VIEW,
) -> AuditEvent:
    """Log a read of non-public records (DOMAIN.md §4: every access is logged).

    A helper of views (and of `AccessLogMiddleware`), not a service: the reader is the request's
    user (a citizen reading their own report with its key is anonymous: no actor). The event
    marks the request's read as logged (`stadtlage.audit.context`).
    """
    return audit_record(
        actor=request_actor(request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        data_domain=data_domain,
        note=note,
    )


def _showed_records(response: HttpResponse) -> bool:
    if 200 <= response.status_code < 300:
        return True
    html = response.get("Content-Type", "").startswith("text/html")
    return html and response.status_code in (400, 409, 422)


def _default_id(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return "/".join(str(value) for value in kwargs.values())[:64]


class AccessLogMiddleware:
    """Log reads of pages classified ``LOGGED`` that the view did not log itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or access_logged():
            return response
        rule = rule_for(match.view_name)
        if rule is None or rule.policy != LOGGED or not _showed_records(response):
            return response
        if rule.methods and request.method not in rule.methods:
            return response
        kwargs = dict(match.kwargs)
        domain, kind = rule.data_domain, rule.object_type
        audit_access(
            request,
            object_type=kind(request, kwargs) if callable(kind) else kind,
            object_id=(rule.object_id or _default_id)(request, kwargs),
            data_domain=domain(request, kwargs) if callable(domain) else domain,
            action=rule.action,
            note=match.view_name,
        )
        return response


ADMIN_VIEWS = ("changelist", "change", "history", "delete", "add")


def _admin_object(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """``app_label.model`` of an admin page (``admin:reports_report_change``)."""
    name = request.resolver_match.url_name if request.resolver_match else ""
    name = name or ""
    for view in ADMIN_VIEWS:
        if name.endswith(f"_{view}"):
            app_model = name[: -len(view) - 1]
            app, _sep, model = app_model.rpartition("_")
            return f"{app}.{model}"[:80]
    return f"admin.{name}"[:80]


def _admin_id(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("object_id") or request.GET.get("q", ""))[:64]


register(
    {
        # Django's own helpers and the admin (data of every kind: every read is logged).
        "set_language": public("Sprachwahl"),
        "javascript-catalog": public("Übersetzungskatalog für JavaScript"),
        "admin:*": logged(_admin_object, object_id=_admin_id),
        "admin:login": no_records("Anmeldung zur Verwaltung"),
        "admin:logout": no_records("Abmeldung"),
        "admin:jsi18n": public("Übersetzungskatalog der Verwaltung"),
        "admin:password_change": no_records("eigenes Passwort"),
        "admin:password_change_done": no_records("eigenes Passwort"),
        # The audit trail itself: who read it, and with which filter.
        "audit:list": logged(
            "audit.auditevent", object_id=lambda request, kwargs: request.GET.urlencode()[:64]
        ),
    }
)
