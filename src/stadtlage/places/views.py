from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.places import services
from stadtlage.places.forms import AreaForm, AreaImportForm
from stadtlage.places.models import Area
from stadtlage.places.selectors import areas_geojson


def _map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@section_required(Section.MAP)
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "places/map.html", {"map": _map_settings()})


@section_required(Section.MAP)
def areas_geojson_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(areas_geojson(), json_dumps_params={"ensure_ascii": False})


@section_required(Section.AREAS_EDIT)
def area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/area_list.html", {"areas": Area.objects.all()})


def _apply_validation_error(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@section_required(Section.AREAS_EDIT)
def area_create_view(request: HttpRequest) -> HttpResponse:
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_create(actor=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, _("Gebiet „%(name)s“ angelegt.") % {"name": area.name})
            return redirect("places:area_list")
    return render(
        request, "places/area_form.html", {"form": form, "map": _map_settings(), "area": None}
    )


@section_required(Section.AREAS_EDIT)
def area_edit_view(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(Area, slug=slug)
    initial = {
        "name": area.name,
        "kind": area.kind,
        "description": area.description,
        "geometry": _geometry_text(area),
    }
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(area=area, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, _("Gebiet „%(name)s“ gespeichert.") % {"name": area.name})
            return redirect("places:area_list")
    return render(
        request, "places/area_form.html", {"form": form, "map": _map_settings(), "area": area}
    )


def _geometry_text(area: Area) -> str:
    return json.dumps(area.geometry)


@section_required(Section.AREAS_EDIT)
def area_import_view(request: HttpRequest) -> HttpResponse:
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            areas = services.areas_import_geojson(
                text=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                actor=acting_user(request),
            )
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(n)d Gebiete importiert.") % {"n": len(areas)})
            return redirect("places:area_list")
    return render(request, "places/area_import.html", {"form": form})
