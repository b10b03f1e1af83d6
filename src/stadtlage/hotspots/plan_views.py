"""Patrol-plan pages for the shift lead and the plan API of the field app."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.hotspots import dosage, maps, permissions, selectors, services
from stadtlage.hotspots.forms import HotspotForm, HotspotFormSet, PlanForm
from stadtlage.hotspots.models import PatrolPlan, PlanStatus, PlanStop
from stadtlage.patrols.permissions import can_use_field_app
from stadtlage.patrols.selectors import day_bounds, patrols_visible_to

PLAN_FIELDS = {"shift_end": "end", "patrols": "patrols", "stop_max": "stop_max"}
PLAN_FIELDS |= {"max_revisit": "max_revisit", "speed_kmh": "speed_kmh", "detour": "detour"}


@section_required(Section.SHIFT)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = PatrolPlan.objects.prefetch_related("patrols", "hotspots")[:50]
    return render(request, "hotspots/plan_list.html", {"plans": plans})


def _proposals(request: HttpRequest) -> list[dict[str, Any]]:
    """Hot spots of the map the shift lead came from (or of the last four weeks)."""
    form = HotspotForm(request.GET)
    if not form.is_valid():
        form = HotspotForm(None)
        form.is_valid()
    result = maps.build_map(
        form.map_request(),
        domains=permissions.map_domains(request.user),
        internal=permissions.is_internal(request.user),
    )
    return [
        {"include": True, "name": p.name, "lat": p.lat, "lon": p.lon, "priority": p.priority}
        for p in maps.propose_hotspots(result)
    ]


def _initial_window(day: date) -> dict[str, Any]:
    patrols = list(selectors.patrols_for_planning(day))
    if patrols:
        start = min(timezone.localtime(p.planned_start) for p in patrols)
        end = max(timezone.localtime(p.planned_end) for p in patrols)
        return {"day": day, "start": start.time(), "end": end.time(), "patrols": patrols}
    return {"day": day, "start": time(14), "end": time(22)}


@section_required(Section.SHIFT)
def plan_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PlanForm(request.POST)
        spots = HotspotFormSet(request.POST, prefix="spot")
        spot_errors: list[str] = []
        if form.is_valid() and spots.is_valid():
            hotspots = [
                services.HotspotInput(
                    name=row["name"], lat=row["lat"], lon=row["lon"], priority=row["priority"] or 1
                )
                for row in spots.cleaned_data
                if row.get("include") and row.get("name")
            ]
            start, end = form.window()
            d = form.cleaned_data
            try:
                plan = services.plan_create(
                    shift_start=start,
                    shift_end=end,
                    patrols=list(d["patrols"]),
                    hotspots=hotspots,
                    params=services.PlanParams(
                        stop_min=d["stop_min"],
                        stop_max=d["stop_max"],
                        max_revisit=d["max_revisit"],
                        speed_kmh=d["speed_kmh"],
                        detour=d["detour"],
                    ),
                    actor=acting_user(request),
                    source_query=request.POST.get("source_query", ""),
                    time_limit_s=settings.HOTSPOT_PLAN_TIME_LIMIT_S,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        if field == "hotspots":
                            spot_errors.append(error)
                        else:
                            form.add_error(PLAN_FIELDS.get(field), error)
            else:
                messages.success(request, _("Streifenplan berechnet. Bitte prüfen und freigeben."))
                return redirect("hotspots:plan_detail", plan_id=plan.uuid)
        status = 400
    else:
        day = timezone.localdate()
        form = PlanForm(initial=_initial_window(day), day=day)
        spots = HotspotFormSet(initial=_proposals(request), prefix="spot")
        spot_errors = []
        status = 200
    return render(
        request,
        "hotspots/plan_form.html",
        {
            "form": form,
            "spots": spots,
            "spot_errors": spot_errors,
            "source_query": request.GET.urlencode() or request.POST.get("source_query", ""),
        },
        status=status,
    )


@section_required(Section.SHIFT)
def plan_detail(request: HttpRequest, plan_id: str) -> HttpResponse:
    plan = get_object_or_404(PatrolPlan.objects.prefetch_related("patrols__members"), uuid=plan_id)
    stops = list(plan.stops.select_related("hotspot", "patrol").order_by("patrol_id", "sequence"))
    teams = [
        {"patrol": patrol, "stops": [s for s in stops if s.patrol_id == patrol.pk]}
        for patrol in plan.patrols.all().order_by("planned_start", "pk")
    ]
    hotspots = list(plan.hotspots.all())
    return render(
        request,
        "hotspots/plan_detail.html",
        {
            "plan": plan,
            "teams": teams,
            "hotspots": hotspots,
            "unserved": [h for h in hotspots if not h.served],
            "dosage": dosage.plan_dosage(plan),
            "stops_json": [_stop_wire(s) for s in stops],
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            },
            "can_publish": plan.status == PlanStatus.DRAFT and plan.shift_end > timezone.now(),
        },
    )


@section_required(Section.SHIFT)
@require_POST
def plan_publish(request: HttpRequest, plan_id: str) -> HttpResponse:
    plan = get_object_or_404(PatrolPlan, uuid=plan_id)
    try:
        services.plan_publish(plan=plan, actor=acting_user(request))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request, _("Plan freigegeben: Er erscheint in der Streifen-App der Teams.")
        )
    return redirect("hotspots:plan_detail", plan_id=plan.uuid)


def _stop_wire(stop: PlanStop) -> dict[str, Any]:
    return {
        "id": str(stop.checkin_uuid),
        "patrol": str(stop.patrol.uuid),
        "sequence": stop.sequence,
        "visit": stop.visit,
        "name": stop.hotspot.name,
        "lat": stop.hotspot.lat,
        "lon": stop.hotspot.lon,
        "area": stop.hotspot.area.slug,
        "arrive_at": stop.arrive_at.isoformat(),
        "leave_at": stop.leave_at.isoformat(),
        "walk_minutes": stop.walk_minutes,
    }


def plans_api(request: HttpRequest) -> HttpResponse:
    """Published plans of the caller's patrols for a day (field app; cached offline there)."""
    if not request.user.is_authenticated:
        return _problem(401, _("Bitte anmelden."))
    if not can_use_field_app(request.user):
        return _problem(403, _("Kein Zugriff auf die Streifen-App."))
    raw = request.GET.get("date", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return _problem(400, _("Ungültiges Datum."), {"date": _("Format JJJJ-MM-TT.")})
    if not 2000 <= day.year <= 2100:  # the field API's range; year 1 or 9999 cannot be bounded
        return _problem(400, _("Ungültiges Datum."), {"date": _("Jahr 2000 bis 2100.")})
    start, end = day_bounds(day)
    patrols = patrols_visible_to(request.user)
    stops = (
        PlanStop.objects.filter(
            plan__status=PlanStatus.PUBLISHED,
            plan__shift_start__lt=end,
            plan__shift_end__gt=start - timedelta(hours=12),
            patrol__in=patrols,
        )
        .select_related("hotspot__area", "patrol", "plan")
        .order_by("plan__shift_start", "patrol_id", "sequence")
    )
    plans: dict[str, dict[str, Any]] = {}
    for stop in stops:
        plan = plans.setdefault(
            str(stop.plan.uuid),
            {
                "id": str(stop.plan.uuid),
                "shift_start": stop.plan.shift_start.isoformat(),
                "shift_end": stop.plan.shift_end.isoformat(),
                "stops": [],
            },
        )
        plan["stops"].append(_stop_wire(stop))
    return JsonResponse(
        {"date": day.isoformat(), "plans": list(plans.values())},
        json_dumps_params={"ensure_ascii": False},
    )


def _problem(status: int, title: str, errors: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "title": title}
    if errors:
        body["errors"] = [{"field": k, "message": v} for k, v in errors.items()]
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response
