"""Shared helpers of the Sonderstab views: run a service and report its German message.

Every form POST of the Sonderstab takes one path (``submit``): validate the form (errors name
the field by its German label), call the service inside one transaction (a refusal stores
nothing, also when the action calls several services), show the message, redirect. Pages of
their own with a form (``form_page``: create or edit a recommendation, edit a working group)
take the same path for a valid POST and otherwise show the form, with its errors by the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from stadtlage.formfields import form_errors
from stadtlage.taskforce.errors import TaskforceError

_REFUSED = object()


Success = str | Callable[[Any], str]


def _run(request: HttpRequest, action: Callable[[], Any], success: Success) -> Any:
    """The action's result, or ``_REFUSED`` after showing the service's refusal.

    ``success`` is the message once stored; a callable gets the action's result.
    """
    try:
        with transaction.atomic():
            result = action()
    except TaskforceError as exc:
        messages.error(request, str(exc))
        return _REFUSED
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _REFUSED
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return result


def attempt(request: HttpRequest, action: Callable[[], Any], success: str = "") -> bool:
    """Call a service; show its refusal as an error message instead of a crash page.

    The action runs in one transaction: if it calls several services and one refuses, none of
    the writes stays.
    """
    return _run(request, action, success) is not _REFUSED


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    to: str | Callable[[Any], str],
    success: Success = "",
    what: str = "",
    on_error: str | None = None,
) -> HttpResponse:
    """The one path of a Sonderstab form POST: form → service → message → redirect.

    ``save`` gets the cleaned data and calls the service(s); ``to`` is where to go afterwards
    (a callable gets the service's result, e.g. a created meeting); ``on_error`` is where to go
    when the input or the service refuses (default: ``to`` if it is a URL).
    """
    if form.is_valid():
        result = _run(request, lambda: save(form.cleaned_data), success)
        if result is not _REFUSED:
            return redirect(to(result) if callable(to) else to)
    else:
        messages.error(request, form_errors(form, what))
    if on_error is None:
        if callable(to):
            raise TypeError("submit() needs on_error when `to` depends on the result")
        on_error = to
    return redirect(on_error)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    context: dict[str, Any] | None = None,
    to: str | Callable[[Any], str],
    success: Success = "",
) -> HttpResponse:
    """A page with a form: a valid POST goes form → service → message → redirect as in
    ``submit``; a GET, invalid input or a refusal (shown as a message) renders `template` with
    ``form`` and `context` again."""
    if request.method == "POST" and form.is_valid():
        result = _run(request, lambda: save(form.cleaned_data), success)
        if result is not _REFUSED:
            return redirect(to(result) if callable(to) else to)
    return render(request, template, {**(context or {}), "form": form})


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
