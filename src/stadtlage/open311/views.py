"""Open311 GeoReport v2 endpoints. Thin: parse parameters, call selectors/services, render.

Every failure is answered with the spec's <errors> document in the requested format:
404 unknown resource / service_code / jurisdiction, 403 missing or bad api_key, 429 rate limit,
400 everything else. Bad input never produces a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse, UnreadablePostError
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from stadtlage.open311 import documents as docs
from stadtlage.open311 import params, request_list, stored, wire
from stadtlage.open311.cache import cached_get
from stadtlage.open311.errors import Open311Error, bad_request, not_found
from stadtlage.open311.openapi import openapi_document
from stadtlage.open311.services import api_key_authenticate
from stadtlage.places.gazetteer import (
    AddressNotFound,
    Located,
    locate_key,
    locate_text,
    message_for,
)
from stadtlage.ratelimit import client_address, hit
from stadtlage.reports import selectors
from stadtlage.reports.models import ReportSource
from stadtlage.reports.services import report_create

logger = logging.getLogger("stadtlage.open311")

View = Callable[..., HttpResponseBase]


def jurisdiction_id() -> str:
    return str(getattr(settings, "OPEN311_JURISDICTION_ID", "dortmund.de"))


def _param(request: HttpRequest, name: str) -> str | None:
    """A parameter from the form body (POST) or the query string; empty counts as missing."""
    value = request.POST.get(name) if request.method == "POST" else None
    return params.optional(value) or params.optional(request.GET.get(name))


def _list_param(request: HttpRequest, name: str) -> list[str]:
    """A comma list that may also be given as repeated parameters (`status=open&status=closed`)."""
    source = request.POST if request.method == "POST" else request.GET
    return params.comma_list(",".join(source.getlist(name)))


def _respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    body, content_type = wire.render(fmt, root, data)
    response = HttpResponse(body, content_type=content_type, status=status)
    if status < 400:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    response = _respond(
        fmt if fmt in wire.FORMATS else "xml",
        "errors",
        docs.error_document(error.status, error.descriptions),
        status=error.status,
    )
    for header, value in error.headers.items():
        response[header] = value
    return response


def endpoint(*methods: str) -> Callable[[View], View]:
    """Format, method and jurisdiction checks plus error rendering for one Open311 resource."""

    def decorate(view: View) -> View:
        @csrf_exempt  # clients authenticate with api_key, never with a session cookie
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponseBase:
            fmt = fmt.lower()
            try:
                if fmt not in wire.FORMATS:
                    raise not_found(f"Format „{fmt[:10]}“ wird nicht angeboten (xml, json).")
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        f"Methode {request.method} ist hier nicht erlaubt.",
                        headers={"Allow": ", ".join(methods)},
                    )
                if request.method == "POST":
                    try:
                        form = request.POST  # parse now to answer oversized bodies
                    except (SuspiciousOperation, UnreadablePostError) as exc:
                        raise bad_request("Die Anfrage ist zu groß oder unlesbar.") from exc
                    if any("\x00" in k or "\x00" in v for k, vs in form.lists() for v in vs):
                        raise bad_request(  # PostgreSQL cannot store it (multipart bodies)
                            "Die Anfrage enthält ein Nullzeichen (%00); "
                            "das ist in keinem Feld erlaubt."
                        )
                wanted = _param(request, "jurisdiction_id")
                if wanted is not None and wanted.lower() != jurisdiction_id():
                    raise not_found(
                        f"jurisdiction_id „{wanted[:60]}“ ist unbekannt; "
                        f"dieser Dienst bedient „{jurisdiction_id()}“."
                    )
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return _error(fmt, error)

        return wrapper

    return decorate


@csrf_exempt  # any other method gets the Open311 error, not the CSRF page
def openapi(request: HttpRequest) -> HttpResponse:
    """An OpenAPI 3.1 description of these endpoints (see `openapi.py`)."""
    if request.method not in ("GET", "HEAD"):
        error = Open311Error(
            405, f"Methode {request.method} ist hier nicht erlaubt.", headers={"Allow": "GET"}
        )
        return _error("json", error)
    body, content_type = wire.render("json", "openapi", openapi_document())
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt  # a POST to a wrong path gets the Open311 404, not the CSRF page
def unknown_resource(request: HttpRequest) -> HttpResponse:
    fmt = "json" if request.path.endswith(".json") else "xml"
    return _error(fmt, not_found("Diese Open311-Ressource gibt es nicht."))


# --- catalogue ------------------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0] + "/"
    data = docs.discovery_document(
        url=request.build_absolute_uri(base),
        changeset=selectors.catalogue_changed_at(),
        contact=str(
            getattr(
                settings,
                "OPEN311_CONTACT",
                "Stadt Dortmund, Ordnungspartnerschaft – Kommunales Lagezentrum",
            )
        ),
        key_service=str(
            getattr(
                settings,
                "OPEN311_KEY_SERVICE",
                "API-Schlüssel für Anwendungen vergibt die Administration von stadtlage.",
            )
        ),
        is_test=bool(settings.DEMO_MODE or settings.DEBUG),
    )
    return _respond(fmt, "discovery", data)


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    data = [
        docs.service_document(category, has_metadata=has_metadata)
        for category, has_metadata in selectors.service_catalogue()
    ]
    return _respond(fmt, "services", data)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    found = selectors.service_definition(code=code)
    if found is None:
        raise not_found(f"service_code „{code[:60]}“ ist unbekannt.")
    category, attributes = found
    return _respond(
        fmt, "service_definition", docs.service_definition_document(category, attributes)
    )


# --- service requests -----------------------------------------------------------------------


@endpoint("GET", "POST")
@cached_get
def service_requests(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if request.method == "POST":
        return _create(request, fmt)
    page = params.parse_int(
        "page", _param(request, "page"), default=1, minimum=1, maximum=params.MAX_PAGE
    )
    page_size = params.parse_int(
        "page_size",
        _param(request, "page_size"),
        default=params.MAX_PAGE_SIZE,
        minimum=1,
        maximum=params.MAX_PAGE_SIZE,
    )
    offset = (page - 1) * page_size
    raw_ids = _list_param(request, "service_request_id")
    if raw_ids:
        if len(raw_ids) > params.MAX_PAGE_SIZE:
            raise bad_request("Höchstens 1000 service_request_id auf einmal.")
        question = selectors.page_question(
            ids=params.parse_ids(raw_ids), offset=offset, limit=page_size
        )
    else:
        codes = _list_param(request, "service_code")
        unknown = selectors.unknown_service_codes(codes) if codes else []
        if unknown:
            raise not_found(*(f"service_code „{code[:60]}“ ist unbekannt." for code in unknown))
        statuses = _list_param(request, "status")
        invalid = [s for s in statuses if s not in {"open", "closed"}]
        if invalid:
            raise bad_request(f"status „{invalid[0][:20]}“: erlaubt sind open und closed.")
        start, end = params.date_range(
            _date(request, "start_date"), _date(request, "end_date"), now=timezone.now()
        )
        question = selectors.page_question(
            service_codes=codes,
            statuses=statuses,
            start=start,
            end=end,
            offset=offset,
            limit=page_size,
        )
    extensions = (_param(request, "extensions") or "").lower() in {"true", "1"}
    response: HttpResponse | StreamingHttpResponse
    if fmt == "json":
        response = HttpResponse(
            stored.requests_json(question, extensions=extensions),
            content_type=wire.JSON_CONTENT_TYPE,
        )
    else:
        rows = selectors.public_page_rows(question)
        response = StreamingHttpResponse(
            request_list.iter_xml(rows, extensions=extensions), content_type=wire.XML_CONTENT_TYPE
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@endpoint("GET")
@cached_get
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    ids = params.parse_ids([request_id])
    report = selectors.public_report(report_id=ids[0]) if ids else None
    if report is None:
        raise not_found(f"Meldung „{request_id[:40]}“ gibt es nicht.")
    extensions = (_param(request, "extensions") or "").lower() in {"true", "1"}
    return _respond(fmt, "service_requests", [docs.request_document(report, extensions=extensions)])


@endpoint("GET")
def token_lookup(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    report_id = selectors.public_report_id_for_token(token=token)
    if report_id is None:
        raise not_found(f"Token „{token[:40]}“ ist unbekannt.")
    return _respond(fmt, "service_requests", docs.token_document(report_id=report_id, token=token))


@endpoint("GET")
@cached_get
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    page = params.parse_int(
        "page", _param(request, "page"), default=1, minimum=1, maximum=params.MAX_PAGE
    )
    page_size = params.parse_int(
        "page_size",
        _param(request, "page_size"),
        default=params.MAX_PAGE_SIZE,
        minimum=1,
        maximum=params.MAX_PAGE_SIZE,
    )
    start, end = params.date_range(
        _date(request, "start_date"), _date(request, "end_date"), now=timezone.now()
    )
    updates = selectors.public_updates(
        start=start, end=end, offset=(page - 1) * page_size, limit=page_size
    )
    return _respond(
        fmt, "service_request_updates", [docs.update_document(update) for update in updates]
    )


def _date(request: HttpRequest, name: str) -> Any:
    value = _param(request, name)
    if value is None:
        return None
    return params.parse_datetime(name, value, default_tz=timezone.get_default_timezone())


# --- POST requests --------------------------------------------------------------------------


def _throttle(request: HttpRequest, scope: str, ident: str, limit: int, message: str) -> None:
    retry_after = hit(request, scope=f"open311-{scope}", ident=ident, limit=limit)
    if retry_after is not None:
        raise Open311Error(429, message, headers={"Retry-After": str(retry_after)})


def _location(request: HttpRequest) -> tuple[float, float, Located | None]:
    """The point of a new request: lat/long, else `address_id` (a key of the address
    register), else `address_string` looked up in the register."""
    lat, lon = _param(request, "lat"), _param(request, "long")
    if lat is None and lon is None:
        address_id, address = _param(request, "address_id"), _param(request, "address_string")
        if address_id is not None:
            located = locate_key(address_id)
            if located is None:
                raise bad_request(
                    f"address_id „{address_id[:60]}“ ist im Adressverzeichnis unbekannt."
                )
        elif address is not None:
            try:
                located = locate_text(address)
            except AddressNotFound as exc:
                raise bad_request(f"address_string: {message_for(exc)}") from exc
        else:
            raise bad_request(
                "Ort fehlt: bitte lat und long (WGS84), address_string oder address_id angeben."
            )
        return located.lat, located.lon, located
    if lat is None or lon is None:
        raise bad_request("lat und long müssen beide angegeben werden.")
    return params.parse_coordinate("lat", lat), params.parse_coordinate("long", lon), None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    _throttle(
        request,
        "ip",
        client_address(request),
        int(getattr(settings, "OPEN311_IP_LIMIT_PER_HOUR", 60)),
        "Zu viele Meldungen von dieser Adresse. Bitte später erneut versuchen.",
    )
    client = api_key_authenticate(_param(request, "api_key"))
    if client is None:
        raise Open311Error(403, "api_key fehlt oder ist ungültig – Meldung nicht angenommen.")
    _throttle(
        request,
        "key",
        str(client.pk),
        client.rate_limit_per_hour,
        "Zu viele Meldungen mit diesem API-Schlüssel. Bitte später erneut versuchen.",
    )
    code = _param(request, "service_code")
    if code is None:
        raise bad_request("service_code fehlt.")
    category = selectors.active_category(code=code)
    if category is None:
        raise not_found(f"service_code „{code[:60]}“ ist unbekannt.")
    lat, lon, located = _location(request)
    address = request.POST.get("address_string", "") or (located.label if located else "")
    try:
        report = report_create(
            category=category,
            lat=lat,
            lon=lon,
            address_string=address,
            located=located,
            description=request.POST.get("description", ""),
            email=request.POST.get("email", ""),
            attributes=params.parse_attributes(dict(request.POST.lists())),
            source=ReportSource.OPEN311,
            audit_note=f"Open311: {client.name}",
        )
    except ValidationError as exc:
        raise bad_request(*exc.messages) from exc
    except DatabaseError as exc:
        logger.exception("Open311 report could not be stored")
        raise bad_request(
            "Allgemeiner Dienstfehler: Die Meldung wurde nicht gespeichert. "
            "Bitte später erneut senden."
        ) from exc
    notice = (
        f"Ihre Meldung ist eingegangen. Zuständig: {category.responsible.name}. "
        f"Reaktion spätestens bis {timezone.localtime(report.due_at):%d.%m.%Y, %H:%M} Uhr."
    )
    return _respond(
        fmt,
        "service_requests",
        docs.created_document(report_id=report.pk, service_notice=notice),
    )
