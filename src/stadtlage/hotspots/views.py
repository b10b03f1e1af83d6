"""Hot-spot pages: the map with its table, the GeoJSON layer and export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from stadtlage.audit.access import audit_access
from stadtlage.audit.models import Action
from stadtlage.hotspots import maps, permissions
from stadtlage.hotspots.forms import HotspotForm
from stadtlage.organisations.models import DataDomain


def _guard(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_view_hotspots(request.user):
        raise PermissionDenied
    return None


def _build(request: HttpRequest, form: HotspotForm) -> maps.HotspotMap:
    return maps.build_map(
        form.map_request(),
        domains=permissions.map_domains(request.user),
        internal=permissions.is_internal(request.user),
    )


def _map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def hotspot_map(request: HttpRequest) -> HttpResponse:
    if (denied := _guard(request)) is not None:
        return denied
    form = HotspotForm(request.GET)
    context: dict[str, Any] = {"form": form, "map": _map_settings(), "result": None}
    status = 200
    if form.is_valid():
        result = _build(request, form)
        table = result.cells[: maps.TABLE_ROWS]
        maps.name_cells(table)
        context.update(
            result=result,
            table=table,
            query=request.GET.urlencode() or _default_query(form),
            legend=maps.KDE_LABELS if result.request.method == maps.Method.KDE else maps.GI_LABELS,
            can_plan=permissions.can_plan_patrols(request.user),
        )
        if DataDomain.POLICE in permissions.map_domains(request.user):
            audit_access(
                request,
                object_type="hotspots.map",
                data_domain=DataDomain.POLICE,
                note=_describe(form),
            )
    else:
        status = 400
    return render(request, "hotspots/map.html", context, status=status)


def _default_query(form: HotspotForm) -> str:
    return urlencode({k: v for k, v in form.data.items() if v})


def _describe(form: HotspotForm) -> str:
    r = form.map_request()
    return f"{r.source} {r.start:%d.%m.%Y}–{r.end:%d.%m.%Y} {r.cell} m {r.method}"[:200]


def hotspot_geojson(request: HttpRequest) -> HttpResponse:
    """The shown cells as GeoJSON; `download=1` makes it an (audited) file download."""
    if (denied := _guard(request)) is not None:
        return denied
    form = HotspotForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse(
            {"title": _("Ungültige Angaben."), "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    result = _build(request, form)
    maps.name_cells(result.cells)
    response = JsonResponse(
        maps.geojson(result), json_dumps_params={"ensure_ascii": False}, status=200
    )
    response["Content-Type"] = "application/geo+json"
    if request.GET.get("download"):
        r = result.request
        name = f"brennpunkte-{r.source}-{r.start:%Y%m%d}-{r.end:%Y%m%d}-{r.cell}m-{r.method}"
        response["Content-Disposition"] = f'attachment; filename="{name}.geojson"'
        domain = (
            DataDomain.POLICE
            if DataDomain.POLICE in permissions.map_domains(request.user)
            else DataDomain.CITY_OPERATIONS
        )
        audit_access(
            request,
            object_type="hotspots.map",
            data_domain=domain,
            note=_describe(form),
            action=Action.EXPORT,
        )
    return response
