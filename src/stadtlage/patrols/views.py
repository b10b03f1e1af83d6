"""Pages of the patrols app: the field app shell, its service worker, the shift overview,
patrol planning, the printable shift report and the review of sync conflicts."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.access import audit_access
from stadtlage.cleaning.models import CleaningKind
from stadtlage.patrols import permissions, selectors, services
from stadtlage.patrols.forms import ConflictResolveForm, DayForm, PatrolForm
from stadtlage.patrols.models import ObservationPhoto, Patrol, PatrolStatus, SyncConflict

# Static files of the app shell, cached by the service worker.
SHELL_ASSETS = (
    "stadtlage/stadtlage.css",
    "field/field.css",
    "field/ui.js",
    "field/store.js",
    "field/sync.js",
    "field/patrol.js",
    "field/outbox.js",
    "field/app.js",
    "hotspots/field-plan.js",
    "field/manifest.webmanifest",
    "field/icon.svg",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)
# Sync timing of the app; tests shorten it through settings.FIELD_SYNC.
SYNC_DEFAULTS = {
    "timeout_ms": 15000,
    "backoff_base_ms": 1000,
    "backoff_cap_ms": 60000,
    "track_interval_ms": 60000,
}


def _map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def tile_pattern(template: str) -> str:
    """A regular expression (JavaScript-compatible) for the URLs of a tile template such as
    `https://{s}.tile.example.org/{z}/{x}/{y}{r}.png`."""
    placeholders = {"{z}": r"\d+", "{x}": r"\d+", "{y}": r"\d+", "{s}": r"[a-z0-9-]+"}
    pieces = []
    for part in re.split(r"(\{[a-z]+\})", template):
        if part in placeholders:
            pieces.append(placeholders[part])
        elif part == "{r}":
            pieces.append(r"(?:@2x)?")
        elif part.startswith("{") and part.endswith("}"):
            pieces.append(r"[^/?#]*")
        else:
            pieces.append(re.escape(part))
    return "^" + "".join(pieces) + "$"


def _tile_cache() -> dict[str, Any] | None:
    """What the service worker keeps of the map: tiles seen online, for offline use."""
    template = settings.MAP_TILE_URL
    limit = int(getattr(settings, "FIELD_TILE_CACHE_MAX", 2000))
    if not template or limit <= 0:
        return None
    return {"pattern": tile_pattern(template), "max": limit}


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if isinstance(found, str):
        return Path(found).read_bytes()
    with staticfiles_storage.open(path) as handle:
        return bytes(handle.read())


@section_required(Section.FIELD)
def field_app(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "patrols/field_app.html",
        {
            "api_base": reverse("patrols:api_sync").removesuffix("sync"),
            "sync_config": SYNC_DEFAULTS | getattr(settings, "FIELD_SYNC", {}),
            "map": _map_settings(),
            "cleaning_kinds": CleaningKind.choices,
        },
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker at the site root, so that its scope covers the app and the API."""
    digest = hashlib.sha256()
    for path in (*SHELL_ASSETS, "field/sw.js"):
        digest.update(_static_bytes(path))
    digest.update(json.dumps(SHELL_ASSETS).encode())  # a changed asset list is a new shell
    shell = {
        "version": digest.hexdigest()[:16],
        "app": reverse("patrols:field_app"),
        "assets": [static(path) for path in SHELL_ASSETS],
        "tiles": _tile_cache(),
    }
    body = f"self.FIELD_SHELL = {json.dumps(shell)};\n" + _static_bytes("field/sw.js").decode()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@section_required(Section.SHIFT)
def shift_overview(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None)
    day = form.day()
    patrols = list(selectors.patrols_for_day(request.user, day))
    observations = list(selectors.observations_for_day(request.user, day))
    audit_access(
        request,
        object_type="patrols.observation",
        data_domain="city_operations",
        note=f"Schichtübersicht {day.isoformat()}",
    )
    points = [
        {
            "lat": o.lat,
            "lon": o.lon,
            "label": f"{o.occurred_at.astimezone().strftime('%H:%M')} {o.category.name} "
            f"({o.persons_count} Pers., {len(o.measures.all())} Maßn.)",
            "flagged": o.accuracy_flagged,
        }
        for o in observations
    ]
    return render(
        request,
        "patrols/shift_overview.html",
        {
            "form": form,
            "day": day,
            "patrols": patrols,
            "observations": observations,
            "measure_count": sum(len(o.measures.all()) for o in observations),
            "points": points,
            "open_conflicts": selectors.conflicts_for(request.user).count(),
            "map": _map_settings(),
        },
    )


@section_required(Section.SHIFT)
def patrol_create_view(request: HttpRequest) -> HttpResponse:
    form = PatrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patrol = services.patrol_create(
                planned_start=form.cleaned_data["planned_start"],
                planned_end=form.cleaned_data["planned_end"],
                members=list(form.cleaned_data["members"]),
                planned_areas=list(form.cleaned_data["planned_areas"]),
                actor=acting_user(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            kind = _("gemeinsame Streife") if patrol.is_joint else _("Streife")
            messages.success(request, _("%(kind)s geplant.") % {"kind": kind})
            return redirect("patrols:shift_overview")
    return render(request, "patrols/patrol_form.html", {"form": form})


@section_required(Section.FIELD)
@require_POST
def patrol_transition_view(request: HttpRequest, patrol_id: str) -> HttpResponse:
    patrol = get_object_or_404(selectors.patrols_visible_to(request.user), uuid=patrol_id)
    to_status = request.POST.get("status", "")
    if to_status not in PatrolStatus.values:
        messages.error(request, _("Status: unbekannter Wert."))
    else:
        try:
            services.patrol_transition(
                patrol=patrol, to_status=to_status, actor=acting_user(request)
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Status geändert."))
    return redirect(request.POST.get("next") or "patrols:shift_overview")


@section_required(Section.SHIFT)
def shift_report_view(request: HttpRequest, patrol_id: str) -> HttpResponse:
    patrol = get_object_or_404(
        Patrol.objects.prefetch_related("members", "planned_areas", "events__actor"),
        uuid=patrol_id,
    )
    report = selectors.shift_report(request.user, patrol)
    audit_access(
        request,
        object_type="patrols.patrol",
        object_id=patrol.pk,
        data_domain="city_operations",
        note="Schichtbericht",
    )
    return render(request, "patrols/shift_report.html", {"report": report, "patrol": patrol})


@section_required(Section.FIELD)
def conflict_list(request: HttpRequest) -> HttpResponse:
    conflicts = selectors.conflicts_for(request.user, open_only=False)[:200]
    items = [
        {
            "conflict": c,
            "rows": selectors.conflict_rows(c),
            "stored_photo": selectors.stored_photo(c),
        }
        for c in conflicts
    ]
    return render(
        request,
        "patrols/conflicts.html",
        {
            "items": items,
            "can_resolve": permissions.can_resolve_conflict(request.user),
            "form": ConflictResolveForm(),
        },
    )


@section_required(Section.SHIFT)
@require_POST
def conflict_resolve_view(request: HttpRequest, conflict_id: int) -> HttpResponse:
    conflict = get_object_or_404(SyncConflict, pk=conflict_id)
    form = ConflictResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Entscheidung: bitte wählen."))
        return redirect("patrols:conflicts")
    try:
        services.conflict_resolve(
            conflict=conflict,
            resolution=form.cleaned_data["resolution"],
            actor=acting_user(request),
        )
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Konflikt geklärt."))
    return redirect("patrols:conflicts")


@section_required(Section.FIELD)
def conflict_photo(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """The submitted version of a photo kept in a conflict (metadata already stripped)."""
    conflict = selectors.conflicts_for(request.user, open_only=False).filter(pk=conflict_id).first()
    if conflict is None or not conflict.submitted_file:
        raise Http404
    audit_access(
        request,
        object_type="patrols.syncconflict",
        object_id=conflict.pk,
        data_domain="city_operations",
        note="gesendetes Foto (Konflikt)",
    )
    with conflict.submitted_file.open("rb") as handle:
        return _private_image(handle.read())


@section_required(Section.FIELD)
def photo_file(request: HttpRequest, photo_id: str) -> HttpResponse:
    photo = ObservationPhoto.objects.select_related("observation").filter(uuid=photo_id).first()
    if photo is None or not permissions.can_read_record(
        request.user, photo.observation.data_domain
    ):
        raise Http404
    audit_access(
        request,
        object_type="patrols.observationphoto",
        object_id=photo.pk,
        data_domain=photo.observation.data_domain,
    )
    with photo.image.open("rb") as handle:
        return _private_image(handle.read())


def _private_image(data: bytes) -> HttpResponse:
    """Field photos are records of the city or the police: never kept by a cache or proxy."""
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
