"""JSON API of the field app: sync (write) and read endpoints, described in `openapi.py`.

Every failure is an RFC 9457 problem details object (application/problem+json); bad input
never yields a 500. Authentication is the session; writes check Django's CSRF token but answer
a failure as problem details, so the app can tell "log in again" from a network error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from stadtlage import apitools
from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.permissions import can_access_section
from stadtlage.apitools import BodyError, Refusal, json_response
from stadtlage.audit.access import audit_access
from stadtlage.patrols import photos, selectors, sync, wire
from stadtlage.patrols.metrics import count_sync_results
from stadtlage.patrols.openapi import openapi_document
from stadtlage.patrols.wire import FieldError

MAX_SYNC_BODY_BYTES = 4 * 1024 * 1024
RECORD_PATHS = {
    "observations": "observation",
    "measures": "measure",
    "presence": "presence",
    "positions": "position",
    "patrol-status": "patrol_status",
}

ApiView = Callable[..., HttpResponse]


def problem_response(
    status: int, detail: str, errors: list[FieldError] | None = None, **extra: Any
) -> JsonResponse:
    return apitools.problem_response(wire.problem(status, detail, errors, **extra))


def api_endpoint(section: str, methods: tuple[str, ...]) -> Callable[[ApiView], ApiView]:
    """Session auth, section check, CSRF on writes, problem details for every refusal."""

    def decorator(view: ApiView) -> ApiView:
        @wraps(view)
        @csrf_exempt
        @never_cache
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = problem_response(405, f"Erlaubt: {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            user, refusal = apitools.api_user(request)  # the session only: no tokens here
            if refusal is Refusal.SIGNED_OUT:
                return problem_response(401, "Bitte melden Sie sich neu an.")
            if refusal is Refusal.CSRF:
                return problem_response(
                    403, "Sicherheitstoken (CSRF) fehlt oder ist abgelaufen: Seite neu laden."
                )
            if not can_access_section(user, section):
                return problem_response(403, "Dieser Bereich ist für Ihre Rolle nicht freigegeben.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


BODY_PROBLEMS = {
    BodyError.TOO_LARGE: (413, "Die Sendung ist zu groß; bitte in Teilen senden."),
    BodyError.NUMBER: (400, "Kein gültiges JSON (Zahl zu lang)."),
    BodyError.DEPTH: (400, "Kein gültiges JSON (zu tief verschachtelt)."),
}


def _read_json(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    content_type = request.content_type or ""
    if content_type != "application/json":
        return None, problem_response(415, "Erwartet wird application/json.")
    try:
        return apitools.read_json(request, max_bytes=MAX_SYNC_BODY_BYTES), None
    except BodyError as exc:
        status, detail = BODY_PROBLEMS.get(exc.reason, (400, f"Kein gültiges JSON ({exc.detail})."))
        return None, problem_response(status, detail)


@api_endpoint("field", ("POST",))
def sync_view(request: HttpRequest) -> HttpResponse:
    """A batch of records; one answer per record, each echoing the record's id."""
    payload, error = _read_json(request)
    if error:
        return error
    try:
        records = wire.read_records(payload, now=timezone.now(), actor_id=request.user.pk)
    except wire.RecordInvalid as exc:
        return problem_response(400, "Die Sendung hat nicht das erwartete Format.", exc.errors)
    results = sync.sync_ingest(records=records, actor=acting_user(request))
    count_sync_results(results)
    return json_response({"results": results, "received": len(records)})


@api_endpoint("field", ("PUT",))
def record_view(request: HttpRequest, kind: str, record_id: str) -> HttpResponse:
    """One record under its client uuid: 201 created, 200 repeated, 409 conflict, 4xx refused."""
    if kind not in RECORD_PATHS:
        return problem_response(404, f"Unbekannte Datensatzart „{kind}“.")
    data, error = _read_json(request)
    if error:
        return error
    answer = sync.record_ingest(
        kind=RECORD_PATHS[kind], record_id=record_id, data=data, actor=acting_user(request)
    )
    return json_response(answer, status=answer["status"])


@api_endpoint("field", ("PUT",))
def photo_view(request: HttpRequest, photo_id: str) -> HttpResponse:
    photo_uuid = wire.parse_uuid(photo_id)
    observation_uuid = wire.parse_uuid(request.GET.get("observation", ""))
    errors = []
    if photo_uuid is None:
        errors.append(FieldError("id", "Keine gültige ID (UUID erwartet)."))
    if observation_uuid is None:
        errors.append(FieldError("observation", "Keine gültige Feststellungs-ID."))
    if errors:
        return problem_response(422, "Das Foto kann nicht zugeordnet werden.", errors, id=photo_id)
    assert photo_uuid is not None and observation_uuid is not None
    raw = request.read(photos.MAX_PHOTO_BYTES + 1)
    try:
        status, photo, conflict_id = photos.photo_attach(
            photo_id=photo_uuid,
            observation_id=observation_uuid,
            raw=raw,
            actor=acting_user(request),
        )
    except photos.PhotoRefused as exc:
        return problem_response(exc.status, exc.detail, exc.errors, id=photo_id)
    if status == 409:
        return problem_response(
            409,
            "Unter dieser ID ist bereits ein anderes Foto gespeichert; zur Prüfung abgelegt.",
            [FieldError("id", "Anderes Foto unter derselben ID.")],
            id=photo_id,
            conflict_id=conflict_id,
        )
    assert photo is not None
    return json_response(
        {
            "id": str(photo.uuid),
            "kind": "photo",
            "status": status,
            "result": "created" if status == 201 else "duplicate",
            "observation": str(observation_uuid),
            "width": photo.width,
            "height": photo.height,
            "bytes": photo.size_bytes,
        },
        status=status,
    )


@api_endpoint("field", ("GET",))
def catalogue_view(request: HttpRequest) -> HttpResponse:
    return json_response(selectors.catalogue_for(request.user))


def _day(request: HttpRequest) -> tuple[date | None, JsonResponse | None]:
    raw = request.GET.get("date", "")
    if not raw:
        return timezone.localdate(), None
    try:
        day = date.fromisoformat(raw)
        if not 2000 <= day.year <= 2100:
            raise ValueError(raw)
        return day, None
    except ValueError:
        return None, problem_response(
            400,
            "Ungültiges Datum.",
            [FieldError("date", "Bitte ein Datum im Format JJJJ-MM-TT angeben.")],
        )


@api_endpoint("field", ("GET",))
def patrols_view(request: HttpRequest) -> HttpResponse:
    day, error = _day(request)
    if error:
        return error
    assert day is not None
    return json_response(
        {
            "patrols": [
                selectors.patrol_wire(p) for p in selectors.patrols_for_day(request.user, day)
            ]
        }
    )


@api_endpoint("field", ("GET",))
def observations_view(request: HttpRequest) -> HttpResponse:
    day, error = _day(request)
    if error:
        return error
    assert day is not None
    observations = selectors.observations_for_day(request.user, day)
    audit_access(
        request,
        object_type="patrols.observation",
        data_domain="city_operations",
        note=f"API Feststellungen {day.isoformat()}",
    )
    return json_response(
        {
            "date": day.isoformat(),
            "observations": [selectors.observation_wire(o) for o in observations],
        }
    )


@api_endpoint("field", ("GET",))
def presence_view(request: HttpRequest, patrol_id: str) -> HttpResponse:
    """`patrol_id` is matched as text, so a malformed id gets problem details too."""
    patrol_uuid = wire.parse_uuid(patrol_id)
    if patrol_uuid is None:
        return problem_response(
            404, "Streife nicht gefunden.", [FieldError("id", "Keine gültige ID (UUID erwartet).")]
        )
    patrol = selectors.patrols_visible_to(request.user).filter(uuid=patrol_uuid).first()
    if patrol is None:
        return problem_response(404, "Streife nicht gefunden.")
    minutes = selectors.presence_minutes(patrol)
    return json_response(
        {
            "patrol": str(patrol.uuid),
            "areas": [{"area": a.slug, "name": a.name, "minutes": m} for a, m in minutes],
            "total_minutes": round(sum(m for _, m in minutes), 1),
        }
    )


@api_endpoint("field", ("GET",))
def conflicts_view(request: HttpRequest) -> HttpResponse:
    return json_response(
        {
            "conflicts": [
                {
                    "id": c.pk,
                    "kind": c.record_kind,
                    "record": str(c.record_uuid),
                    "status": c.status,
                    "received_at": c.received_at.isoformat(),
                }
                for c in selectors.conflicts_for(request.user, open_only=False)[:200]
            ]
        }
    )


@csrf_exempt  # any other method gets problem details, not the CSRF page
def openapi_view(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description of this API (public: it contains no data)."""
    if request.method not in ("GET", "HEAD"):
        response = problem_response(405, "Erlaubt: GET.")
        response["Allow"] = "GET, HEAD"
        return response
    return json_response(openapi_document())
