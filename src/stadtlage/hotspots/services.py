"""Writes of the hotspots app: generating and publishing patrol plans.

Each write validates, writes and appends its audit record in one transaction (STYLE.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.hotspots import permissions, planning
from stadtlage.hotspots.models import PatrolPlan, PlanHotspot, PlanStatus, PlanStop
from stadtlage.hotspots.selectors import to_metric
from stadtlage.patrols.models import Patrol, PatrolStatus
from stadtlage.places.geo import in_dortmund
from stadtlage.places.models import Area, AreaKind
from stadtlage.places.selectors import area_index

MAX_HOTSPOTS = 15
MAX_TEAMS = 6
MAX_SHIFT = timedelta(hours=12)
# Smaller areas first: a hot spot belongs to its focus area rather than to its district.
KIND_ORDER: dict[str, int] = {AreaKind.FOCUS: 0, AreaKind.CITY_CORE: 1, AreaKind.DISTRICT: 2}


@dataclass(frozen=True)
class HotspotInput:
    name: str
    lat: float
    lon: float
    priority: float = 1.0


@dataclass(frozen=True)
class PlanParams:
    stop_min: int = 10
    stop_max: int = 16
    max_revisit: int = 120
    speed_kmh: float = 4.0
    detour: float = 1.3


def area_for_point(lat: float, lon: float) -> Area | None:
    """The area a hot spot's check-ins count for: the smallest containing active area."""
    ids = area_index().areas_for_point(lat, lon)
    areas = list(Area.objects.filter(pk__in=ids, is_active=True))
    if not areas:
        return None
    return min(areas, key=lambda a: (KIND_ORDER.get(str(a.kind), 9), a.area_m2, a.pk))


def _validate(
    *,
    shift_start: datetime,
    shift_end: datetime,
    patrols: list[Patrol],
    hotspots: list[HotspotInput],
    params: PlanParams,
) -> dict[str, Area]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if shift_end <= shift_start:
        add("shift_end", "Das Schichtende liegt vor dem Beginn.")
    elif shift_end - shift_start > MAX_SHIFT:
        add("shift_end", "Eine Schicht dauert höchstens 12 Stunden.")
    elif shift_end - shift_start < timedelta(minutes=30):
        add("shift_end", "Eine Schicht dauert mindestens 30 Minuten.")
    if not patrols:
        add("patrols", "Bitte mindestens eine Streife wählen.")
    elif len(patrols) > MAX_TEAMS:
        add("patrols", f"Höchstens {MAX_TEAMS} Streifen je Plan.")
    for patrol in patrols:
        if patrol.status == PatrolStatus.FINISHED:
            add("patrols", f"{patrol} ist bereits beendet.")
        elif patrol.planned_end <= shift_start or patrol.planned_start >= shift_end:
            add("patrols", f"{patrol} ist in dieser Schicht nicht im Dienst.")
    if not hotspots:
        add("hotspots", "Bitte mindestens einen Brennpunkt angeben.")
    elif len(hotspots) > MAX_HOTSPOTS:
        add("hotspots", f"Höchstens {MAX_HOTSPOTS} Brennpunkte je Plan.")
    areas: dict[str, Area] = {}
    for spot in hotspots:
        if not in_dortmund(spot.lat, spot.lon):
            add("hotspots", f"„{spot.name}“ liegt außerhalb von Dortmund.")
            continue
        area = area_for_point(spot.lat, spot.lon)
        if area is None:
            add("hotspots", f"„{spot.name}“ liegt in keinem Gebiet (Check-ins brauchen eines).")
        else:
            areas[spot.name] = area
    names = [s.name for s in hotspots]
    if len(set(names)) != len(names):
        add("hotspots", "Jeder Brennpunkt braucht einen eigenen Namen.")
    if not 1 <= params.stop_min <= params.stop_max <= 60:
        add("stop_max", "Aufenthalt: 1 bis 60 Minuten, höchstens nicht kleiner als mindestens.")
    if not 30 <= params.max_revisit <= 480:
        add("max_revisit", "Der Takt liegt zwischen 30 und 480 Minuten.")
    if not 1 <= params.speed_kmh <= 8:
        add("speed_kmh", "Die Gehgeschwindigkeit liegt zwischen 1 und 8 km/h.")
    if not 1 <= params.detour <= 3:
        add("detour", "Der Umwegfaktor liegt zwischen 1 und 3.")
    if errors:
        raise ValidationError(errors)
    return areas


def plan_create(
    *,
    shift_start: datetime,
    shift_end: datetime,
    patrols: list[Patrol],
    hotspots: list[HotspotInput],
    params: PlanParams,
    actor: User | None,
    seed: int | None = None,
    source_query: str = "",
    time_limit_s: float = 3.0,
) -> PatrolPlan:
    """Solve and store a plan (a draft); raises ValidationError (German, per field)."""
    if not permissions.can_plan_patrols(actor):
        raise PermissionDenied("Nur die Schichtleitung plant Streifen.")
    areas = _validate(
        shift_start=shift_start,
        shift_end=shift_end,
        patrols=patrols,
        hotspots=hotspots,
        params=params,
    )
    seed = secrets.randbelow(2**31) if seed is None else seed
    length = int((shift_end - shift_start).total_seconds() // 60)
    xs, ys = to_metric([h.lon for h in hotspots], [h.lat for h in hotspots])
    spots = [
        planning.Spot(h.name, float(x), float(y), h.priority)
        for h, x, y in zip(hotspots, xs, ys, strict=True)
    ]

    def minute(moment: datetime) -> int:
        return int((moment - shift_start).total_seconds() // 60)

    teams = [
        planning.Team(
            str(p.pk), max(0, minute(p.planned_start)), min(length, minute(p.planned_end))
        )
        for p in patrols
    ]
    solver_params = planning.Params(
        shift_minutes=length,
        stop_min=params.stop_min,
        stop_max=params.stop_max,
        max_revisit=params.max_revisit,
        speed_kmh=params.speed_kmh,
        detour=params.detour,
        seed=seed,
        time_limit_s=time_limit_s,
    )
    result = planning.solve(spots, teams, solver_params)
    problems = planning.check_plan(result, spots, teams, solver_params)
    if problems:  # never store a plan that breaks its own rules
        raise ValidationError({"__all__": ["Der Plan verletzt Regeln: " + "; ".join(problems)]})
    with transaction.atomic():
        plan = PatrolPlan.objects.create(
            shift_start=shift_start,
            shift_end=shift_end,
            stop_min_minutes=params.stop_min,
            stop_max_minutes=params.stop_max,
            max_revisit_minutes=params.max_revisit,
            walking_speed_kmh=params.speed_kmh,
            detour_factor=params.detour,
            seed=seed,
            visits_per_hotspot=result.visits_needed,
            solver=result.solver,
            solve_seconds=round(result.seconds, 3),
            source_query=source_query[:500],
            created_by=actor,
        )
        plan.patrols.set(patrols)
        unserved = {u.spot: u for u in result.unserved}
        stored: dict[str, PlanHotspot] = {}
        for order, spot in enumerate(hotspots):
            u = unserved.get(spot.name)
            stored[spot.name] = PlanHotspot.objects.create(
                plan=plan,
                name=spot.name,
                lat=spot.lat,
                lon=spot.lon,
                area=areas[spot.name],
                priority=spot.priority,
                order=order,
                unserved_reason=u.reason if u else "",
                needed_minutes=u.needed if u else 0,
                available_minutes=u.available if u else 0,
            )
        by_pk = {str(p.pk): p for p in patrols}
        sequence: dict[str, int] = {}
        rows = []
        for stop in sorted(result.stops, key=lambda s: (s.team, s.arrive)):
            sequence[stop.team] = sequence.get(stop.team, 0) + 1
            rows.append(
                PlanStop(
                    plan=plan,
                    patrol=by_pk[stop.team],
                    hotspot=stored[stop.spot],
                    sequence=sequence[stop.team],
                    visit=stop.visit + 1,
                    arrive_at=shift_start + timedelta(minutes=stop.arrive),
                    leave_at=shift_start + timedelta(minutes=stop.leave),
                    walk_minutes=stop.walk,
                    planned_minutes=stop.leave - stop.arrive,
                )
            )
        PlanStop.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=plan,
            after={
                "shift_start": shift_start.isoformat(),
                "shift_end": shift_end.isoformat(),
                "patrols": [p.pk for p in patrols],
                "hotspots": [h.name for h in hotspots],
                "stops": len(rows),
                "unserved": sorted(unserved),
            },
        )
    return plan


def plan_publish(*, plan: PatrolPlan, actor: User | None) -> PatrolPlan:
    """Release a draft to the teams' phones."""
    if not permissions.can_plan_patrols(actor):
        raise PermissionDenied("Nur die Schichtleitung gibt Streifenpläne frei.")
    with transaction.atomic():
        plan = PatrolPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.DRAFT:
            raise ValidationError({"status": ["Der Plan ist bereits freigegeben."]})
        if plan.shift_end <= timezone.now():
            raise ValidationError({"status": ["Die Schicht ist vorbei."]})
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now()
        plan.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=plan,
            before={"status": PlanStatus.DRAFT},
            after={"status": PlanStatus.PUBLISHED},
        )
    return plan
