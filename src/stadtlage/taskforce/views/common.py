"""Shared helpers of the Sonderstab views: run a service and report its German message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from stadtlage.taskforce.errors import TaskforceError


def attempt(request: HttpRequest, action: Callable[[], Any], success: str = "") -> bool:
    """Call a service; show its refusal as an error message instead of a crash page."""
    try:
        action()
    except TaskforceError as exc:
        messages.error(request, str(exc))
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if success:
        messages.success(request, success)
    return True


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` field of a form if it points into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
