"""What the JSON APIs share: the field app's sync API, the partner-figure API, Open311 clients.

A ground-floor module (it imports only Django), so that every API answers, authenticates and
keeps its keys the same way without importing another app:

* **Problem details** (RFC 9457, ``application/problem+json``): ``problem`` builds the object,
  ``problem_response`` / ``json_response`` send it. Each API keeps its own ``type`` URIs and
  titles; Open311 keeps the spec's ``<errors>`` document on the wire and uses only the keys.
* **Session or token**: ``api_user`` takes a bearer token (``Authorization: Bearer …``) where the
  API accepts one, else the signed-in session. Token clients carry no cookie, so they need no
  CSRF token; session clients get Django's CSRF check (``csrf_refused``), answered by the API
  as problem details instead of Django's CSRF page (the views are ``csrf_exempt``).
* **Hashed keys**: ``token_issue`` makes a random 256-bit key that is shown once; only its
  SHA-256 hash (``token_hash``) and a short prefix for recognising it are stored. A fast hash is
  enough for random keys (nothing to guess as with passwords); a key is found by its hash.
* **JSON bodies**: ``read_json`` reads a body and names what is wrong with it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware

PROBLEM_CONTENT_TYPE = "application/problem+json"
TOKEN_PREFIX_LENGTH = 8


# --- Answers ---------------------------------------------------------------------------------


def problem(status: int, detail: str, *, type: str, title: str, **members: Any) -> dict[str, Any]:
    """An RFC 9457 problem details object; `members` are the API's extension members."""
    return {"type": type, "title": title, "status": status, "detail": detail, **members}


def json_response(data: Any, status: int = 200, *, ensure_ascii: bool = False) -> JsonResponse:
    """JSON (any value), as problem details from status 400 on."""
    return JsonResponse(
        data,
        status=status,
        safe=False,
        content_type=PROBLEM_CONTENT_TYPE if status >= 400 else "application/json",
        json_dumps_params={"ensure_ascii": ensure_ascii},
    )


def problem_response(
    body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JsonResponse:
    """Send a problem details object with its status (and e.g. WWW-Authenticate, Allow)."""
    response = json_response(body, status=int(body["status"]))
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- Who is calling --------------------------------------------------------------------------


class Refusal(StrEnum):
    BAD_TOKEN = "bad-token"  # noqa: S105 - a header that names no active key
    SIGNED_OUT = "signed-out"  # neither a token nor a session
    CSRF = "csrf"  # a session write without a valid CSRF token


def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse(status=204)


def csrf_refused(request: HttpRequest) -> bool:
    """Django's CSRF check for a session client (safe methods always pass)."""
    return CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {}) is not None


def bearer_token(request: HttpRequest) -> str | None:
    """The key of ``Authorization: Bearer KEY``; "" for another scheme; None without header."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, raw = header.partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def api_user(
    request: HttpRequest, *, token_user: Callable[[str], Any] | None = None
) -> tuple[Any, Refusal | None]:
    """The caller: by bearer token if the API takes tokens (`token_user` maps a key to its
    active user or None) and the request sends one, else by session with the CSRF check."""
    if token_user is not None:
        raw = bearer_token(request)
        if raw is not None:
            user = token_user(raw) if raw else None
            return (user, None) if user is not None else (None, Refusal.BAD_TOKEN)
    if not request.user.is_authenticated:
        return None, Refusal.SIGNED_OUT
    if csrf_refused(request):
        return None, Refusal.CSRF
    return request.user, None


# --- Keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    raw: str  # shown once, never stored
    prefix: str  # stored, to recognise a key in lists
    hash: str  # stored, to find the key


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue() -> IssuedToken:
    raw = secrets.token_urlsafe(32)
    return IssuedToken(raw=raw, prefix=raw[:TOKEN_PREFIX_LENGTH], hash=token_hash(raw))


# --- Bodies ----------------------------------------------------------------------------------


class BodyError(ValueError):
    """A request body that is not the JSON expected: `reason` says why, `detail` in short."""

    TOO_LARGE = "too-large"
    SYNTAX = "syntax"  # not UTF-8 or not JSON
    NUMBER = "number"  # an integer of more than 4300 digits
    DEPTH = "depth"  # nested too deep

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def read_json(request: HttpRequest, *, max_bytes: int | None = None) -> Any:
    """The parsed body: at most `max_bytes` (else Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    try:
        raw = request.body if max_bytes is None else request.read(max_bytes + 1)
    except RequestDataTooBig as exc:
        raise BodyError(BodyError.TOO_LARGE) from exc
    if max_bytes is not None and len(raw) > max_bytes:
        raise BodyError(BodyError.TOO_LARGE)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(BodyError.SYNTAX, str(exc)) from exc
    except ValueError as exc:
        raise BodyError(BodyError.NUMBER, str(exc)) from exc
    except RecursionError as exc:
        raise BodyError(BodyError.DEPTH) from exc
