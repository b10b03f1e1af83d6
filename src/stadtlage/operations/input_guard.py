"""Refuse requests whose address, query or form carries a NUL character.

No text of stadtlage may contain NUL (``%00``): PostgreSQL cannot store it in a text column, so a
NUL that reached a lookup, a filter or the access log was a 500 there (on SQLite it went
through). This middleware answers such a request with a 400 in the format of the interface it
came through – the Open311 ``<errors>`` document, RFC 9457 problem details for the JSON APIs,
the German error page otherwise – before any view or the access log sees it.
JSON bodies are checked by each API's reader (``patrols.wire``, ``kpi.partner_wire``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
JSON_API_PREFIXES = ("/streife/api/", "/kennzahlen/api/", "/brennpunkte/api/")


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    sources = [request.GET]
    # URL-encoded bodies only: they are read once and kept, so a view that reads them again gets
    # the same answer (also "too large"). A multipart stream cannot be read twice after an error;
    # its text fields go through Django's form fields, which refuse NUL, or Open311's reader.
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        sources.append(request.POST)
    return any(
        NUL in key or any(NUL in value for value in values)
        for source in sources
        for key, values in source.lists()
    )


def refusal(request: HttpRequest) -> HttpResponse:
    detail = _("Die Anfrage enthält ein Nullzeichen (%00); das ist in keinem Feld erlaubt.")
    path = request.path
    if path.startswith("/open311/"):
        from stadtlage.open311 import documents, wire

        fmt = "json" if path.endswith(".json") else "xml"
        body, content_type = wire.render(fmt, "errors", documents.error_document(400, [detail]))
        return HttpResponse(body, content_type=content_type, status=400)
    if path.startswith(JSON_API_PREFIXES):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": _("Ungültige Anfrage"),
                "status": 400,
                "detail": detail,
            },
            status=400,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "errors/400.html", {"detail": detail}, status=400)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refuse = carries_nul(request)
        except (SuspiciousOperation, UnreadablePostError):
            refuse = False  # too large or unreadable: the view answers that in its format
        if refuse:
            return refusal(request)
        return self.get_response(request)
