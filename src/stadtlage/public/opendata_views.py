"""Open data: the page, the files (built once per data version) and the DCAT-AP.de catalogue."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from stadtlage.public import cache as public_cache
from stadtlage.public import dcat, opendata

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _base(request: HttpRequest) -> str:
    configured = str(getattr(settings, "STADTLAGE_BASE_URL", "")).rstrip("/")
    return configured or request.build_absolute_uri("/").rstrip("/")


def _file_url(base: str) -> Any:
    def url(slug: str, ext: str) -> str:
        return base + reverse("public:dataset", kwargs={"slug": slug, "ext": ext})

    return url


@require_GET
@public_cache.public_page("page-offene-daten")
def open_data(request: HttpRequest) -> HttpResponse:
    context = {
        "datasets": opendata.DATASETS,
        "license_name": opendata.LICENSE_NAME,
        "license_url": opendata.LICENSE_URL,
        "attribution": dcat.ATTRIBUTION,
    }
    return render(request, "public/open_data.html", context)


@require_GET
def catalogue(request: HttpRequest) -> JsonResponse:
    base = _base(request)
    document = dcat.catalogue(base, _file_url(base), timezone.now())
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def dataset_file(request: HttpRequest, slug: str, ext: str) -> HttpResponseBase:
    dataset = opendata.BY_SLUG.get(slug)
    if dataset is None or ext not in ("csv", "json", "schema.json"):
        raise Http404
    if ext == "schema.json":
        response: HttpResponseBase = JsonResponse(
            opendata.table_schema(dataset), json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = _built(request, dataset, ext)
        response["Content-Disposition"] = f'inline; filename="{slug}.{ext}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _render(dataset: opendata.Dataset, ext: str) -> bytes:
    rows = dataset.rows()
    if ext == "csv":
        return opendata.to_csv(dataset, rows)
    return opendata.to_json(dataset, rows, generated=timezone.now())


def _built(request: HttpRequest, dataset: opendata.Dataset, ext: str) -> HttpResponseBase:
    """From the file built for the current data version (reports) or the last minute."""
    if public_cache.cache_seconds() <= 0:
        return HttpResponse(_render(dataset, ext), content_type=CONTENT_TYPES[ext])
    key = public_cache.key_for(f"opendata-{dataset.slug}", [ext])

    def write(out: Any) -> None:
        out.write(_render(dataset, ext))

    path = public_cache.cached_file(key, f".{ext}") or public_cache.build_file(
        key, f".{ext}", write
    )
    return public_cache.file_response(request, path, CONTENT_TYPES[ext])


def schema_text(dataset: opendata.Dataset) -> str:
    return json.dumps(opendata.table_schema(dataset), ensure_ascii=False, indent=2)
