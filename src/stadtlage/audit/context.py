"""The web request a write happens in, as far as the audit trail needs it.

Services never see the request (docs/architecture.md, "Writes"). `ClientContextMiddleware`
(early in ``settings.MIDDLEWARE``, after the proxy middleware has put the client's address in
``REMOTE_ADDR`` and before the access-log middleware) keeps the current request's client
address in a context variable for exactly the time of that request, and resets it in
``finally``: no address leaks into the next request on the same thread, into another thread
(threads start with an empty context) or into a test. Outside a request — management
commands, the worker's scheduled jobs, the demo seed — there is none (``None``).

`stadtlage.audit.services` reads the address for every event it writes; `mark_logged` notes
that the current request's read is logged already, so that ``AccessLogMiddleware`` does not
log it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(slots=True)
class RequestContext:
    """What the audit trail knows of the current web request."""

    address: str | None  # the client's address (REMOTE_ADDR after the proxy middleware)
    access_logged: bool = False  # the read of this request is in the trail already


_current: ContextVar[RequestContext | None] = ContextVar("stadtlage_audit_request", default=None)


@contextmanager
def request_context(address: str | None) -> Iterator[RequestContext]:
    """Run a block as (part of) a web request from ``address``; restores what was before."""
    context = RequestContext(address=address or None)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def outside_request() -> Iterator[None]:
    """Run a block as if no web request were running (a background task that the immediate
    task backend runs inside the request that enqueued it): no address, nothing marked."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> RequestContext | None:
    """The current web request's context, None outside a request."""
    return _current.get()


def client_address() -> str | None:
    """The client address of the current web request, None outside a request."""
    context = _current.get()
    return context.address if context is not None else None


def mark_logged() -> None:
    """The current request's read is logged already (by the view, with more detail, or by the
    public pages' cache, which shows no non-public records): the access log skips it."""
    context = _current.get()
    if context is not None:
        context.access_logged = True


def access_logged() -> bool:
    context = _current.get()
    return context is not None and context.access_logged


class ClientContextMiddleware:
    """Keeps the client address of each request in the context for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request.META.get("REMOTE_ADDR") or None):
            return self.get_response(request)
