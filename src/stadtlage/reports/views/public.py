"""Public pages: report form, receipt, suggestions and confirmations, list, map, exports,
photos. No login. Thin: parse, call selectors/services, render.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

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
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from stadtlage.reports import exports, selectors
from stadtlage.reports.followup import confirmation_add
from stadtlage.reports.forms import PublicFilterForm, ReportForm
from stadtlage.reports.models import Report, ReportSource, ServiceCategory
from stadtlage.reports.permissions import can_work_on_report
from stadtlage.reports.photos import max_photo_bytes, max_photo_count
from stadtlage.reports.services import report_create
from stadtlage.reports.views.common import (
    first_time_for,
    map_settings,
    throttled,
)

PAGE_SIZE = 50
MAP_LIMIT = 1000


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
        elif not first_time_for(request, f"confirm:{report_id}"):
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
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.public_report(report_id=report_id)
    if report is None:
        raise Http404
    context = {
        "report": report,
        "timeline": selectors.public_timeline(report_id=report_id),
        "photos": selectors.approved_photo_ids(report_id=report_id),
        "confirmations": selectors.confirmation_counts([report_id]).get(report_id, 0),
        "map": map_settings(),
    }
    return render(request, "reports/detail.html", context)


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
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- list, map, exports ---------------------------------------------------------------------


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


def _day_start(day: date, *, end: bool = False) -> datetime:
    moment = datetime.combine(day, time.max if end else time.min)
    return timezone.make_aware(moment)


def _page(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("seite", "1")), 10_000))
    except ValueError:
        return 1


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    form, query = _filters(request)
    page = _page(request)
    reports = selectors.public_reports(**query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    shown = reports[:PAGE_SIZE]
    params = request.GET.copy()
    params.pop("seite", None)
    counts = selectors.confirmation_counts(r.id for r in shown)
    context = {
        "form": form,
        "rows": [(r, counts.get(r.id, 0)) for r in shown],
        "page": page,
        "has_next": len(reports) > PAGE_SIZE,
        "query": params.urlencode(),
    }
    return render(request, "reports/list.html", context)


@require_GET
def report_map(request: HttpRequest) -> HttpResponse:
    form, _query = _filters(request)
    params = request.GET.copy()
    return render(
        request,
        "reports/map.html",
        {"form": form, "query": params.urlencode(), "map": map_settings(), "limit": MAP_LIMIT},
    )


@require_GET
def map_geojson(request: HttpRequest) -> JsonResponse:
    """The newest MAP_LIMIT matching reports for the public map."""
    _form, query = _filters(request)
    reports = selectors.public_reports(**query, limit=MAP_LIMIT)
    data = {"type": "FeatureCollection", "features": [exports.feature(r) for r in reports]}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _export_name(extension: str) -> str:
    return f"buergermeldungen-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, query = _filters(request)
    response = StreamingHttpResponse(
        exports.csv_chunks(selectors.iter_public_reports(**query)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@require_GET
def export_geojson(request: HttpRequest) -> StreamingHttpResponse:
    _form, query = _filters(request)
    response = StreamingHttpResponse(
        exports.geojson_chunks(selectors.iter_public_reports(**query)),
        content_type="application/geo+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("geojson")}"'
    return response
