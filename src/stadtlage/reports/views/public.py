"""Public pages: report form, receipt, suggestions and confirmations, list, map, exports,
photos. No login. Thin: parse, call selectors/services, render.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from stadtlage.paging import page_number
from stadtlage.places.geo import DORTMUND_BBOX
from stadtlage.public import cache as public_cache
from stadtlage.public import disclosure
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.ratelimit import first_time, throttled
from stadtlage.reports import exports, selectors
from stadtlage.reports.forms import PublicFilterForm, ReportForm
from stadtlage.reports.models import Report, ReportSource, ServiceCategory
from stadtlage.reports.permissions import can_work_on_report
from stadtlage.reports.photos import max_photo_bytes, max_photo_count
from stadtlage.reports.services import report_create
from stadtlage.reports.services.followup import confirmation_add
from stadtlage.reports.views.common import map_settings

PAGE_SIZE = 50
MAX_PAGE = 1000  # deeper pages: narrow the filter or use the export
MAP_LIMIT = 2000
BBOX_STEP = 0.01  # degrees; map sections are snapped outward to this grid
EXPORT_DEFAULT_DAYS = 90
EXPORT_MAX_DAYS = 366


def _categories() -> list[ServiceCategory]:
    return [category for category, _has in selectors.service_catalogue()]


@require_GET
def choose_category(request: HttpRequest) -> HttpResponse:
    """Step 1: what is it about? Big buttons, grouped as in the catalogue."""
    groups: dict[str, list[ServiceCategory]] = {}
    for category in _categories():
        groups.setdefault(category.group or _("Sonstiges"), []).append(category)
    return render(request, "reports/choose_category.html", {"groups": groups})


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_photo_count() * max_photo_bytes() + 1024 * 1024


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the form of one category. Nothing is stored unless everything is valid."""
    category = selectors.active_category(code=code)
    if category is None:
        raise Http404
    context: dict[str, Any] = {
        "category": category,
        "map": map_settings(),
        "max_photos": max_photo_count(),
        "max_photo_bytes": max_photo_bytes(),
    }
    if request.method != "POST":
        context["form"] = ReportForm(category=category)
        return render(request, "reports/form.html", context)
    if _too_large(request):
        context["form"] = ReportForm(category=category)
        context["form_error"] = _("Die Fotos sind zusammen zu groß. Bitte weniger oder kleinere.")
        return render(request, "reports/form.html", context, status=413)
    form = ReportForm(request.POST, request.FILES, category=category)
    context["form"] = form
    limit = int(getattr(settings, "REPORT_FORM_LIMIT_PER_HOUR", 20))
    if throttled(request, "report-form", limit):
        form.add_error(
            None,
            _(
                "Von Ihrem Anschluss kamen in der letzten Stunde zu viele Meldungen. "
                "Bitte versuchen Sie es später noch einmal."
            ),
        )
        return render(request, "reports/form.html", context, status=429)
    if not form.is_valid():
        return render(request, "reports/form.html", context, status=400)
    data = form.cleaned_data
    try:
        report = report_create(
            category=category,
            lat=data["lat_value"],
            lon=data["lon_value"],
            address_string=data["address_string"],
            located=data.get("located"),
            language=translation.get_language() or "",
            description=data["description"],
            email=data["email"],
            attributes=form.answers(),
            photos=form.cleaned_photos,
            source=ReportSource.WEB,
            audit_note="Webformular",
        )
    except ValidationError as exc:
        form.apply_service_errors(exc)
        return render(request, "reports/form.html", context, status=400)
    except DatabaseError:
        form.add_error(
            None, _("Die Meldung konnte gerade nicht gespeichert werden. Bitte erneut senden.")
        )
        return render(request, "reports/form.html", context, status=503)
    return redirect("reports:receipt", report_uuid=report.uuid)


@require_GET
def receipt(request: HttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    """The confirmation page after sending: number, token, who is responsible, until when."""
    report = selectors.public_report_by_uuid(report_uuid=report_uuid)
    if report is None:
        raise Http404
    return render(request, "reports/receipt.html", {"report": report, "token": report_uuid})


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """Open reports of the same category near the pin (HTML fragment for the form)."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return HttpResponse(status=400)
    suggestions = selectors.nearby_open_reports(
        category_code=request.GET.get("kategorie", "")[:60], lat=lat, lon=lon
    )
    return render(request, "reports/_suggestions.html", {"suggestions": suggestions})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, report_id: int) -> HttpResponse:
    """ "Already reported? Add your confirmation." GET asks, POST counts."""
    public = selectors.public_report(report_id=report_id)
    if public is None:
        raise Http404
    if request.method == "POST":
        limit = int(getattr(settings, "REPORT_FORM_LIMIT_PER_HOUR", 20))
        if throttled(request, "report-confirm", limit):
            messages.error(request, _("Zu viele Bestätigungen von Ihrem Anschluss. Bitte später."))
        elif not first_time(request, f"confirm:{report_id}"):
            messages.info(request, _("Sie haben diese Meldung bereits bestätigt. Danke!"))
        else:
            try:
                confirmation_add(report=Report.objects.get(pk=report_id))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Danke! Ihre Bestätigung wurde gezählt. So wissen wir, wie dringend es ist."),
                )
        return redirect("reports:detail", report_id=report_id)
    return render(request, "reports/confirm.html", {"report": public})


@require_GET
@public_cache.public_page("page-meldung")
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.public_report(report_id=report_id)
    if report is None:
        raise Http404
    context = {
        "report": report,
        "cell": _cell_corners(report),
        "timeline": selectors.public_timeline(report_id=report_id),
        "photos": selectors.public_photo_ids(report_id=report_id),
        "confirmations": selectors.confirmation_counts([report_id]).get(report_id, 0),
        "map": map_settings(),
    }
    return render(request, "reports/detail.html", context)


def _cell_corners(report: selectors.PublicReport) -> str:
    """The grid cell of a generalised report as JSON [[lat, lon], …] for the map ("" if exact)."""
    if not report.generalised:
        return ""
    cell_m = disclosure_policy().cell_m
    cell = disclosure.grid_cell(report.lat, report.lon, cell_m)
    return json.dumps(
        [[round(lat, 6), round(lon, 6)] for lat, lon in disclosure.cell_corners(cell, cell_m)]
    )


@require_GET
def photo(request: HttpRequest, photo_uuid: uuid.UUID) -> FileResponse:
    """Approved photos for everyone; pending ones only for the responsible queue staff."""
    found = selectors.photo_for_serving(photo_uuid=photo_uuid)
    if found is None:
        raise Http404
    public = selectors.is_public_photo(found)
    if not public and not can_work_on_report(request.user, found.report):
        raise Http404
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    # Approved photos only briefly: a later rejection must reach browsers and proxies soon.
    response["Cache-Control"] = (
        f"public, max-age={settings.PUBLIC_PHOTO_MAX_AGE}" if public else "private, no-store"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- list, map, exports ---------------------------------------------------------------------
#
# The public list is paginated; the map answers for a section of the city (bounded, cached under
# the data version); exports cover at most EXPORT_MAX_DAYS, default the last EXPORT_DEFAULT_DAYS,
# and are built once per data version into a file (``stadtlage.public.cache``). Anonymous
# clients may make only a limited number of answers per hour that are not in the cache.


class BadFilter(ValueError):
    """A filter value the public endpoints refuse; the message names the field (German)."""


def _filters(request: HttpRequest) -> tuple[PublicFilterForm, dict[str, Any]]:
    categories = [(c.code, c.name) for c in _categories()]
    form = PublicFilterForm(request.GET or None, categories=categories)
    query: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query["service_codes"] = [data["kategorie"]] if data["kategorie"] else None
        query["statuses"] = [data["status"]] if data["status"] else None
        query["start"] = _day_start(data["von"]) if data["von"] else None
        query["end"] = _day_start(data["bis"], end=True) if data["bis"] else None
    return form, query


def _strict_filters(request: HttpRequest) -> dict[str, Any]:
    """Filters of the data endpoints: a bad value is an error, never silently ignored."""
    form, query = _filters(request)
    if form.is_bound and not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        raise BadFilter(f"{field} ({label}): {text}" if label else text)
    return query


def _day_start(day: date, *, end: bool = False) -> datetime:
    moment = datetime.combine(day, time.max if end else time.min)
    return timezone.make_aware(moment)


@require_GET
@public_cache.public_page("page-meldungen")
def report_list(request: HttpRequest) -> HttpResponse:
    form, query = _filters(request)
    page = page_number(request, limit=MAX_PAGE)

    def rows() -> tuple[list[tuple[selectors.PublicReport, int]], bool]:
        reports = selectors.public_reports(
            **query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        shown = reports[:PAGE_SIZE]
        counts = selectors.confirmation_counts(r.id for r in shown)
        return [(r, counts.get(r.id, 0)) for r in shown], len(reports) > PAGE_SIZE

    listed, more = public_cache.cached_value("list", [*_canonical(query), str(page)], rows)
    params = request.GET.copy()
    params.pop("seite", None)
    context = {
        "form": form,
        "rows": listed,
        "page": page,
        "has_next": more and page < MAX_PAGE,
        "query": params.urlencode(),
        "export_days": EXPORT_DEFAULT_DAYS,
        "export_max_days": EXPORT_MAX_DAYS,
    }
    return render(request, "reports/list.html", context)


@require_GET
@public_cache.public_page("page-karte")
def report_map(request: HttpRequest) -> HttpResponse:
    form, _query = _filters(request)
    params = request.GET.copy()
    return render(
        request,
        "reports/map.html",
        {"form": form, "query": params.urlencode(), "map": map_settings(), "limit": MAP_LIMIT},
    )


def _json_error(field: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"fehler": {"feld": field, "meldung": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _bbox(raw: str | None) -> selectors.BBox:
    """The map section, snapped outward to a grid of BBOX_STEP degrees (so that clients share
    cached answers) and clipped to Dortmund. Missing: all of Dortmund."""
    d_min_lon, d_min_lat, d_max_lon, d_max_lat = DORTMUND_BBOX
    if not raw:
        return DORTMUND_BBOX
    parts = raw.split(",")
    try:
        if len(parts) != 4 or not all(p.strip().isascii() for p in parts):
            raise ValueError
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise BadFilter(
            _("bbox: vier Zahlen „West,Süd,Ost,Nord“ in Grad (WGS84) erwartet.")
        ) from None
    if not all(map(math.isfinite, (min_lon, min_lat, max_lon, max_lat))) or not (
        min_lon < max_lon and min_lat < max_lat
    ):
        raise BadFilter(_("bbox: West muss kleiner als Ost und Süd kleiner als Nord sein."))

    def down(v: float) -> float:
        return round(math.floor(v / BBOX_STEP) * BBOX_STEP, 6)

    def up(v: float) -> float:
        return round(math.ceil(v / BBOX_STEP) * BBOX_STEP, 6)

    box = (
        max(down(min_lon), d_min_lon),
        max(down(min_lat), d_min_lat),
        min(up(max_lon), d_max_lon),
        min(up(max_lat), d_max_lat),
    )
    if box[0] >= box[2] or box[1] >= box[3]:
        raise BadFilter(_("bbox: Der Kartenausschnitt liegt außerhalb von Dortmund."))
    return box


def _canonical(query: dict[str, Any]) -> list[str]:
    return [
        ",".join(query.get("service_codes") or []),
        ",".join(query.get("statuses") or []),
        query["start"].isoformat() if query.get("start") else "",
        query["end"].isoformat() if query.get("end") else "",
    ]


def _too_many(kind: str) -> str:
    return _(
        "Zu viele aufwendige Anfragen (%(kind)s) von Ihrem Anschluss in der letzten Stunde. "
        "Bitte später erneut versuchen – häufig abgerufene Daten kommen ohne Wartezeit."
    ) % {"kind": kind}


@require_GET
def map_geojson(request: HttpRequest) -> HttpResponseBase:
    """The newest MAP_LIMIT matching reports in the map section (`bbox`), open ones last so
    that they are drawn on top; person-related ones generalised. Cached under the data version."""
    try:
        query = _strict_filters(request)
        bbox = _bbox(request.GET.get("bbox"))
    except BadFilter as exc:
        return _json_error("bbox" if str(exc).startswith("bbox") else "filter", str(exc))
    key, body = public_cache.cached_bytes("map", [*_canonical(query), repr(bbox)])
    if body is None:
        limit = int(getattr(settings, "PUBLIC_MAP_LIMIT_PER_HOUR", 600))
        if not public_cache.build_allowed(request, "map", limit):
            refused = _json_error("", _too_many(_("Kartenausschnitte")), status=429)
            refused["Retry-After"] = "3600"
            return refused
        points, truncated = selectors.public_map_points(bbox=bbox, **query, limit=MAP_LIMIT)
        points.sort(key=lambda p: p.is_open)  # closed first: open reports are drawn on top
        labels: dict[str, str] = {}
        data = {
            "type": "FeatureCollection",
            "bbox": list(bbox),
            "limit": MAP_LIMIT,
            "truncated": truncated,
            "features": [exports.map_feature(p, labels) for p in points],
        }
        encoded = orjson.dumps(data)  # compact UTF-8, as json.dumps(ensure_ascii=False) writes
        body = public_cache.store_bytes(key, encoded)
    return public_cache.bytes_response(request, body, "application/geo+json; charset=utf-8")


def _export_window(query: dict[str, Any]) -> dict[str, Any]:
    """Exports cover at most EXPORT_MAX_DAYS; without dates the last EXPORT_DEFAULT_DAYS."""
    today_end = _day_start(timezone.localdate(), end=True)
    start, end = query.get("start"), query.get("end")
    if start is None and end is None:
        end = today_end
        start = _day_start(timezone.localdate() - timedelta(days=EXPORT_DEFAULT_DAYS - 1))
    elif start is None:
        start = _day_start(timezone.localdate(end) - timedelta(days=EXPORT_DEFAULT_DAYS - 1))
    elif end is None:
        end = min(
            today_end,
            _day_start(timezone.localdate(start) + timedelta(days=EXPORT_MAX_DAYS - 1), end=True),
        )
    if (timezone.localdate(end) - timezone.localdate(start)).days + 1 > EXPORT_MAX_DAYS:
        raise BadFilter(
            _(
                "bis: Ein Export umfasst höchstens %(days)d Tage; "
                "bitte „gemeldet ab“ und „bis“ enger wählen."
            )
            % {"days": EXPORT_MAX_DAYS}
        )
    return {**query, "start": start, "end": end}


def _export_name(extension: str, query: dict[str, Any]) -> str:
    first, last = timezone.localdate(query["start"]), timezone.localdate(query["end"])
    return f"buergermeldungen-{first:%Y-%m-%d}-bis-{last:%Y-%m-%d}.{extension}"


def _export(
    request: HttpRequest, extension: str, content_type: str, chunks: Any
) -> HttpResponseBase:
    try:
        query = _export_window(_strict_filters(request))
    except BadFilter as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    name = _export_name(extension, query)
    if public_cache.cache_seconds() <= 0:
        response: HttpResponseBase = StreamingHttpResponse(
            chunks(selectors.iter_public_reports(**query)), content_type=content_type
        )
    else:
        key = public_cache.key_for(f"export-{extension}", _canonical(query))
        path = public_cache.cached_file(key, f".{extension}")
        if path is None:
            limit = int(getattr(settings, "PUBLIC_EXPORT_LIMIT_PER_HOUR", 30))
            if not public_cache.build_allowed(request, "export", limit):
                response = HttpResponse(
                    _too_many(_("Exporte")), status=429, content_type="text/plain; charset=utf-8"
                )
                response["Retry-After"] = "3600"
                return response

            def write(out: Any) -> None:
                for chunk in chunks(selectors.iter_public_reports(**query)):
                    out.write(chunk.encode("utf-8"))

            path = public_cache.build_file(key, f".{extension}", write)
        response = public_cache.file_response(request, path, content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv", "text/csv; charset=utf-8", exports.csv_chunks)


@require_GET
def export_geojson(request: HttpRequest) -> HttpResponseBase:
    return _export(
        request, "geojson", "application/geo+json; charset=utf-8", exports.geojson_chunks
    )
