"""Dosage at hot spots: planned against delivered minutes (DOMAIN.md §7: measure delivered
dosage, not planned dosage).

Delivered minutes of a hot spot in a plan are the union of
- the check-ins of its stops (presence records whose uuid is the stop's `checkin_uuid`), and
- the time the plan's patrols spent within `RADIUS_M` of it according to their consented
  position tracks (`HotspotVisit`, derived when a patrol ends, with the rules of
  `patrols.presence`: samples ≤ 5 min apart, accuracy ≤ 100 m),
clipped to the plan's shift, overlaps counted once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import transaction

from stadtlage.hotspots.models import HotspotVisit, PatrolPlan, PlanHotspot, PlanStatus, PlanStop
from stadtlage.hotspots.selectors import to_metric
from stadtlage.patrols import presence
from stadtlage.patrols.models import Patrol, PositionSample, PresenceInterval

RADIUS_M = 75.0


def track_visits_rebuild_for(*, patrol_ids: Iterable[int]) -> int:
    """Derive the time at plan hot spots from the kept tracks of finished patrols; the
    derived rows stay after the track is deleted. Returns the number of rows written."""
    written = 0
    for patrol in Patrol.objects.filter(pk__in=list(patrol_ids)):
        hotspots = list(
            PlanHotspot.objects.filter(
                stops__patrol=patrol, plan__status=PlanStatus.PUBLISHED
            ).distinct()
        )
        samples = [
            presence.Sample(at, lat, lon, acc)
            for at, lat, lon, acc in PositionSample.objects.filter(patrol=patrol).values_list(
                "at", "lat", "lon", "accuracy_m"
            )
        ]
        if not hotspots or not samples:
            continue
        hx, hy = to_metric([h.lon for h in hotspots], [h.lat for h in hotspots])

        def near(lat: float, lon: float, hx: Any = hx, hy: Any = hy) -> list[int]:
            x, y = to_metric([lon], [lat])
            d = np.hypot(hx - x[0], hy - y[0])
            return [int(i) for i in np.flatnonzero(d <= RADIUS_M)]

        start = patrol.started_at or min(s.at for s in samples)
        intervals = presence.intervals_from_track(samples, near, window=(start, patrol.ended_at))
        with transaction.atomic():
            HotspotVisit.objects.filter(patrol=patrol).delete()
            HotspotVisit.objects.bulk_create(
                HotspotVisit(
                    hotspot=hotspots[i.area_id],
                    patrol=patrol,
                    started_at=i.started_at,
                    ended_at=i.ended_at,
                    minutes=round(i.minutes, 2),
                )
                for i in intervals
            )
        written += len(intervals)
    return written


@dataclass
class DosageRow:
    name: str
    stops: int
    checked_in: int
    planned: float
    delivered: float


def _spans(hotspots: list[PlanHotspot], plans: dict[int, PatrolPlan]) -> dict[int, list[Any]]:
    """Delivered time spans per hot spot (check-ins and tracks), clipped to the shift."""
    spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    stops = list(PlanStop.objects.filter(hotspot__in=hotspots).values("hotspot_id", "checkin_uuid"))
    by_uuid = {s["checkin_uuid"]: s["hotspot_id"] for s in stops}
    checkins = PresenceInterval.objects.filter(uuid__in=list(by_uuid)).values_list(
        "uuid", "started_at", "ended_at"
    )
    for uuid, start, end in checkins:
        if uuid is not None:
            spans[by_uuid[uuid]].append((start, end))
    visits = HotspotVisit.objects.filter(hotspot__in=hotspots).values_list(
        "hotspot_id", "started_at", "ended_at"
    )
    for hotspot_id, start, end in visits:
        spans[hotspot_id].append((start, end))
    clipped: dict[int, list[Any]] = {}
    plan_of = {h.pk: plans[h.plan_id] for h in hotspots}
    for hotspot_id, items in spans.items():
        plan = plan_of[hotspot_id]
        clipped[hotspot_id] = _clip(items, plan.shift_start, plan.shift_end)
    return clipped


def _clip(spans: Iterable[Any], start: datetime, end: datetime) -> list[Any]:
    return [(max(s, start), min(e, end)) for s, e in spans if min(e, end) > max(s, start)]


def _minutes(spans: list[Any]) -> float:
    return sum((e - s).total_seconds() for s, e in presence.merge(spans)) / 60


def plan_dosage(plan: PatrolPlan) -> list[DosageRow]:
    """Planned and delivered minutes per hot spot of one plan."""
    hotspots = list(plan.hotspots.all())
    spans = _spans(hotspots, {plan.pk: plan})
    stops = list(PlanStop.objects.filter(plan=plan))
    done = set(
        PresenceInterval.objects.filter(uuid__in=[s.checkin_uuid for s in stops]).values_list(
            "uuid", flat=True
        )
    )
    rows = []
    for h in hotspots:
        mine = [s for s in stops if s.hotspot_id == h.pk]
        if not mine:
            continue
        rows.append(
            DosageRow(
                name=h.name,
                stops=len(mine),
                checked_in=sum(1 for s in mine if s.checkin_uuid in done),
                planned=sum(s.planned_minutes for s in mine),
                delivered=_minutes(spans.get(h.pk, [])),
            )
        )
    return rows


def patrol_dosage(patrol: Patrol) -> list[DosageRow]:
    """Planned and delivered minutes of one patrol's stops (its shift report)."""
    stops = list(
        PlanStop.objects.filter(patrol=patrol, plan__status=PlanStatus.PUBLISHED)
        .select_related("hotspot", "plan")
        .order_by("sequence")
    )
    if not stops:
        return []
    hotspots = list({s.hotspot_id: s.hotspot for s in stops}.values())
    plans = {s.plan_id: s.plan for s in stops}
    checkins = {
        uuid: (start, end)
        for uuid, start, end in PresenceInterval.objects.filter(
            uuid__in=[s.checkin_uuid for s in stops]
        ).values_list("uuid", "started_at", "ended_at")
    }
    visits = HotspotVisit.objects.filter(hotspot__in=hotspots, patrol=patrol).values_list(
        "hotspot_id", "started_at", "ended_at"
    )
    spans: dict[int, list[Any]] = defaultdict(list)
    for hotspot_id, start, end in visits:
        spans[hotspot_id].append((start, end))
    for stop in stops:
        if stop.checkin_uuid in checkins:
            spans[stop.hotspot_id].append(checkins[stop.checkin_uuid])
    rows = []
    for h in hotspots:
        mine = [s for s in stops if s.hotspot_id == h.pk]
        plan = plans[h.plan_id]
        clipped = _clip(spans.get(h.pk, []), plan.shift_start, plan.shift_end)
        rows.append(
            DosageRow(
                name=h.name,
                stops=len(mine),
                checked_in=sum(1 for s in mine if s.checkin_uuid in checkins),
                planned=sum(s.planned_minutes for s in mine),
                delivered=_minutes(clipped),
            )
        )
    return rows


def stops_refresh(*, patrol_ids: Iterable[int]) -> int:
    """Store delivered minutes on the stops of the patrols' plans (read by the key figure)."""
    ids = list(patrol_ids)
    stops = list(
        PlanStop.objects.filter(patrol_id__in=ids, plan__status=PlanStatus.PUBLISHED)
        .select_related("plan", "hotspot")
        .order_by("hotspot_id", "arrive_at")
    )
    if not stops:
        return 0
    hotspots = list({s.hotspot_id: s.hotspot for s in stops}.values())
    spans = _spans(hotspots, {s.plan_id: s.plan for s in stops})
    changed = []
    for stop in stops:
        # A stop's delivered time: the hot spot's delivered spans within the stop's slot
        # (from the end of the previous stop of that hot spot to the start of the next).
        mine = spans.get(stop.hotspot_id, [])
        clipped = _clip(mine, *_slot(stop, stops))
        minutes = round(_minutes(clipped), 2)
        if stop.delivered_minutes != minutes:
            stop.delivered_minutes = minutes
            changed.append(stop)
    PlanStop.objects.bulk_update(changed, ["delivered_minutes"])
    return len(changed)


def _slot(stop: PlanStop, stops: list[PlanStop]) -> tuple[datetime, datetime]:
    same = [s for s in stops if s.hotspot_id == stop.hotspot_id]
    same.sort(key=lambda s: s.arrive_at)
    i = same.index(stop)
    start = same[i - 1].leave_at if i > 0 else stop.plan.shift_start
    end = same[i + 1].arrive_at if i + 1 < len(same) else stop.plan.shift_end
    return start, end
