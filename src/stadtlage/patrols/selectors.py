"""Reads for patrols and field records, filtered by role and data domain (deny by default)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from stadtlage.accounts.permissions import readable_domains
from stadtlage.cleaning.selectors import outcome as cleaning_outcome
from stadtlage.patrols import permissions, presence, wire
from stadtlage.patrols.models import (
    ConflictStatus,
    Measure,
    MeasureType,
    Observation,
    ObservationCategory,
    ObservationPhoto,
    Patrol,
    PatrolStatus,
    PositionSample,
    PresenceInterval,
    SyncConflict,
)
from stadtlage.patrols.photos import MAX_PHOTO_BYTES
from stadtlage.places.models import Area


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def patrols_visible_to(user: Any) -> QuerySet[Patrol]:
    if permissions.can_lead_shift(user):
        return Patrol.objects.all()
    if permissions.can_use_field_app(user):
        return Patrol.objects.filter(members=user)
    return Patrol.objects.none()


def patrols_for_day(user: Any, day: date) -> QuerySet[Patrol]:
    """Patrols planned to run during that day (a night shift crossing midnight belongs to both
    days), and any still active."""
    start, end = day_bounds(day)
    return (
        patrols_visible_to(user)
        .filter(
            Q(planned_start__lt=end, planned_end__gt=start)
            | Q(status=PatrolStatus.ACTIVE, planned_start__lt=end)
        )
        .distinct()
        .prefetch_related("members", "planned_areas")
        .order_by("planned_start")
    )


def _measures_prefetch(user: Any) -> Prefetch:
    return Prefetch(
        "measures",
        queryset=Measure.objects.filter(data_domain__in=readable_domains(user))
        .select_related("measure_type")
        .prefetch_related("cleaning_tasks")
        .order_by("occurred_at"),
    )


def observations_visible_to(user: Any) -> QuerySet[Observation]:
    if not permissions.can_use_field_app(user):
        return Observation.objects.none()
    return Observation.objects.filter(data_domain__in=readable_domains(user))


def observations_for_day(user: Any, day: date) -> QuerySet[Observation]:
    start, end = day_bounds(day)
    return (
        observations_visible_to(user)
        .filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("category")
        .prefetch_related(_measures_prefetch(user), "areas", "photos")
        .order_by("occurred_at")
    )


def presence_minutes(patrol: Patrol) -> list[tuple[Area, float]]:
    """Minutes of visible presence per area (check-ins and track, overlaps counted once)."""
    intervals = [
        presence.Interval(area_id, s, e)
        for area_id, s, e in PresenceInterval.objects.filter(patrol=patrol).values_list(
            "area_id", "started_at", "ended_at"
        )
    ]
    minutes = presence.minutes_by_area(intervals)
    areas = Area.objects.in_bulk(list(minutes))
    return sorted(
        ((areas[a], round(m, 1)) for a, m in minutes.items()), key=lambda row: row[0].name
    )


def presence_by_area_and_day(start: date, end: date) -> dict[tuple[int, date], float]:
    """Minutes of presence per (area, local day), summed over patrols: input for "Präsenz".

    Overlaps within one patrol and area count once; two patrols in one area count twice.
    """
    begin, _ = day_bounds(start)
    _, stop = day_bounds(end)
    per_patrol: dict[tuple[int, int], list[presence.Interval]] = defaultdict(list)
    rows = PresenceInterval.objects.filter(started_at__lt=stop, ended_at__gt=begin).values_list(
        "patrol_id", "area_id", "started_at", "ended_at"
    )
    for patrol_id, area_id, s, e in rows:
        per_patrol[(patrol_id, area_id)].append(presence.Interval(area_id, s, e))
    totals: dict[tuple[int, date], float] = defaultdict(float)
    for (_patrol, area_id), intervals in per_patrol.items():
        for s, e in presence.merge((i.started_at, i.ended_at) for i in intervals):
            s, e = max(s, begin), min(e, stop)
            while s < e:
                local = timezone.localtime(s)
                _, day_end = day_bounds(local.date())
                piece_end = min(e, day_end)
                totals[(area_id, local.date())] += (piece_end - s).total_seconds() / 60
                s = piece_end
    return dict(totals)


@dataclass(frozen=True)
class ShiftReport:
    patrol: Patrol
    observations: list[Observation]
    measure_counts: list[tuple[str, int]]
    category_counts: list[tuple[str, int]]
    presence: list[tuple[Area, float]]
    presence_total: float


def shift_report(user: Any, patrol: Patrol) -> ShiftReport:
    observations = list(
        observations_visible_to(user)
        .filter(patrol=patrol)
        .select_related("category")
        .prefetch_related(_measures_prefetch(user), "areas")
        .order_by("occurred_at")
    )
    measures = Counter(m.measure_type.name for o in observations for m in o.measures.all())
    categories = Counter(o.category.name for o in observations)
    minutes = presence_minutes(patrol)
    return ShiftReport(
        patrol=patrol,
        observations=observations,
        measure_counts=sorted(measures.items()),
        category_counts=sorted(categories.items()),
        presence=minutes,
        presence_total=round(sum(m for _, m in minutes), 1),
    )


def conflicts_for(user: Any, *, open_only: bool = True) -> QuerySet[SyncConflict]:
    qs = SyncConflict.objects.select_related("submitted_by", "resolved_by")
    if open_only:
        qs = qs.filter(status=ConflictStatus.OPEN)
    if permissions.can_resolve_conflict(user):
        return qs
    if permissions.can_use_field_app(user):
        return qs.filter(submitted_by=user)
    return qs.none()


# Stored value of a wire field, for the side-by-side view of a conflict.
_STORED_VALUE: dict[str, Any] = {
    "category": lambda r: r.category.code,
    "measure_type": lambda r: r.measure_type.code,
    "patrol": lambda r: str(r.patrol.uuid) if r.patrol_id else "",
    "observation": lambda r: str(r.observation.uuid),
    "area": lambda r: r.area.slug,
    "place": lambda r: r.place_name,
}
FIELD_LABELS = {
    "category": _("Art der Feststellung"),
    "persons_count": _("Anzahl Personen"),
    "occurred_at": _("Zeitpunkt"),
    "location_source": _("Ortsangabe"),
    "lat": _("Breite"),
    "lon": _("Länge"),
    "accuracy_m": _("Genauigkeit (m)"),
    "place": _("Ort"),
    "patrol": _("Streife"),
    "observation": _("Feststellung"),
    "measure_type": _("Maßnahme"),
    "amount_eur": _("Verwarnungsgeld (€)"),
    "case_number": _("Aktenzeichen"),
    "referral_service": _("Vermittlung an"),
    "cleaning_kind": _("Reinigung: Art"),
    "cleaning_what": _("Reinigung: was"),
    "syringes_count": _("gefundene Spritzen"),
    "area": _("Gebiet"),
    "started_at": _("Beginn"),
    "ended_at": _("Ende"),
    "at": _("Zeitpunkt"),
    "status": _("Status"),
}
_CONFLICT_MODELS: dict[str, Any] = {
    "observation": Observation,
    "measure": Measure,
    "presence": PresenceInterval,
    "position": PositionSample,
    "photo": ObservationPhoto,
}


@dataclass(frozen=True)
class ConflictRow:
    field: str
    label: str
    stored: str
    submitted: str

    @property
    def differs(self) -> bool:
        return self.stored != self.submitted


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, str) and (moment := wire.parse_datetime(value)) is not None:
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def conflict_rows(conflict: SyncConflict) -> list[ConflictRow]:
    """Stored and submitted version of a conflict, field by field (photos: shown as images)."""
    if conflict.record_kind == "photo":
        return []
    model = _CONFLICT_MODELS.get(conflict.record_kind)
    stored = model.objects.filter(uuid=conflict.record_uuid).first() if model else None
    rows = []
    for name, submitted in sorted(conflict.submitted_data.items()):
        value: Any = None
        if stored is not None:
            getter = _STORED_VALUE.get(name)
            value = getter(stored) if getter else getattr(stored, name, None)
        label = str(FIELD_LABELS.get(name, name))
        rows.append(ConflictRow(name, label, _shown(value), _shown(submitted)))
    return rows


def stored_photo(conflict: SyncConflict) -> ObservationPhoto | None:
    if conflict.record_kind != "photo":
        return None
    return ObservationPhoto.objects.filter(uuid=conflict.record_uuid).first()


def catalogue_for(user: Any) -> dict[str, Any]:
    """What the field app needs offline: catalogues, places, limits, the user's patrols."""
    areas = []
    for area in Area.objects.filter(is_active=True).order_by("name"):
        point = shape(area.geometry).representative_point()
        areas.append(
            {
                "slug": area.slug,
                "name": area.name,
                "kind": area.kind,
                "lat": round(point.y, 6),
                "lon": round(point.x, 6),
            }
        )
    patrols = [
        patrol_wire(p) | {"member": any(m.pk == user.pk for m in p.members.all())}
        for p in patrols_for_day(user, timezone.localdate())
    ]
    return {
        "user": {
            "id": user.pk,
            "name": str(user),
            "roles": sorted(user.roles),
            "shift_lead": permissions.can_lead_shift(user),
        },
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "counts_persons": c.counts_persons,
                "fine_min_eur": c.fine_min_eur,
                "fine_max_eur": c.fine_max_eur,
            }
            for c in ObservationCategory.objects.filter(is_active=True)
        ],
        "measure_types": [
            {
                "code": m.code,
                "name": m.name,
                "legal_basis": m.legal_basis,
                "allowed": permissions.can_record_measure(user, m.allowed_roles),
                "requires_amount": m.requires_amount,
                "min_amount_eur": m.min_amount_eur,
                "max_amount_eur": m.max_amount_eur,
                "requires_case_number": m.requires_case_number,
                "referral_services": list(m.referral_services or []),
                "creates_cleaning_task": m.creates_cleaning_task,
            }
            for m in MeasureType.objects.filter(is_active=True)
        ],
        "areas": areas,
        "patrols": patrols,
        "limits": {
            "accuracy_flag_m": wire.ACCURACY_FLAG_M,
            "future_tolerance_s": int(wire.FUTURE_TOLERANCE.total_seconds()),
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "max_records_per_batch": wire.MAX_RECORDS_PER_BATCH,
        },
    }


def patrol_wire(patrol: Patrol) -> dict[str, Any]:
    return {
        "id": str(patrol.uuid),
        "status": patrol.status,
        "status_label": str(patrol.get_status_display()),
        "planned_start": patrol.planned_start.isoformat(),
        "planned_end": patrol.planned_end.isoformat(),
        "started_at": patrol.started_at.isoformat() if patrol.started_at else None,
        "ended_at": patrol.ended_at.isoformat() if patrol.ended_at else None,
        "is_joint": patrol.is_joint,
        "members": [str(m) for m in patrol.members.all()],
        "areas": [a.slug for a in patrol.planned_areas.all()],
    }


def _cleaning_outcome(measure: Measure) -> dict[str, Any] | None:
    tasks = list(measure.cleaning_tasks.all())
    return cleaning_outcome(tasks[0]).wire() if tasks else None


def observation_wire(obs: Observation) -> dict[str, Any]:
    return {
        "id": str(obs.uuid),
        "category": obs.category.code,
        "category_name": obs.category.name,
        "occurred_at": obs.occurred_at.isoformat(),
        "lat": obs.lat,
        "lon": obs.lon,
        "accuracy_m": obs.accuracy_m,
        "accuracy_flagged": obs.accuracy_flagged,
        "location_source": obs.location_source,
        "place_name": obs.place_name,
        "persons_count": obs.persons_count,
        "areas": [a.name for a in obs.areas.all()],
        "photos": len(obs.photos.all()),
        "measures": [
            {
                "id": str(m.uuid),
                "measure_type": m.measure_type.code,
                "name": m.measure_type.name,
                "occurred_at": m.occurred_at.isoformat(),
                "amount_eur": m.amount_eur,
                # The outcome of the cleaning task the measure asked for (None: none asked).
                "cleaning": _cleaning_outcome(m),
            }
            for m in obs.measures.all()
        ],
    }
