"""Receivers of Django's authentication signals: the audit trail and the signed-in device."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from stadtlage.accounts.middleware import end_own_signed_in_device, start_signed_in_device
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=Action.LOGIN, obj=user)
    if request is not None and hasattr(request, "session"):
        start_signed_in_device(request, user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, obj=user)
    if request is not None and hasattr(request, "session"):
        end_own_signed_in_device(request)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username,
        note=f"Anmeldung fehlgeschlagen für „{username}“",
    )
