"""View decorators that turn the permission predicates into 302 (login) or 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from stadtlage.accounts.permissions import can_access_section

View = Callable[..., HttpResponse]


def section_required(section: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_access_section(request.user, section):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
