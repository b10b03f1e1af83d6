"""Checks of parsed field records against the catalogues, the patrols and the legal rules.

`SyncContext` loads everything a batch refers to in a handful of queries; the `check_*`
functions turn one parsed record into an unsaved model instance or raise `RecordRefused`
with the HTTP status and the German field errors.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from shapely.geometry import shape

from stadtlage.accounts.models import Role, User
from stadtlage.cleaning.models import CleaningKind
from stadtlage.organisations.models import DataDomain, Organisation, OrganisationKind
from stadtlage.patrols import permissions
from stadtlage.patrols.models import (
    LocationSource,
    Measure,
    MeasureType,
    Observation,
    ObservationCategory,
    Patrol,
    PatrolStatus,
    PositionSample,
    PresenceInterval,
    PresenceSource,
)
from stadtlage.patrols.wire import (
    ACCURACY_FLAG_M,
    FieldError,
    MeasureIn,
    ObservationIn,
    PositionIn,
    PresenceIn,
    WireRecord,
)
from stadtlage.places.models import Area
from stadtlage.privacy.screening import clean_short_text

# OWiG § 56: a Verwarnungsgeld is 5 to 55 euros, whatever a catalogue says.
OWIG_MIN_EUR = 5
CLEANING_WHAT_MAX = 200  # as the field app's input and the wire format
OWIG_MAX_EUR = 55
# A Bußgeldstelle case number: letters, digits and separators, with at least one digit; no names.
CASE_NUMBER_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9./\- ]{2,39}$")


class RecordRefused(Exception):
    def __init__(self, status: int, detail: str, errors: list[FieldError]) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def _invalid(name: str, message: str) -> RecordRefused:
    return RecordRefused(
        422, "Der Datensatz enthält ungültige Angaben.", [FieldError(name, message)]
    )


@dataclass(frozen=True)
class PatrolInfo:
    pk: int
    status: str
    member_ids: frozenset[int]


@dataclass(frozen=True)
class PlaceInfo:
    pk: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ObservationRef:
    pk: int
    category_id: int
    occurred_at: datetime
    lat: float
    lon: float
    area_ids: tuple[int, ...]


@dataclass
class SyncContext:
    actor: User | None
    categories: dict[str, ObservationCategory]
    measure_types: dict[str, MeasureType]
    places: dict[str, PlaceInfo]
    patrols: dict[uuid.UUID, PatrolInfo]
    observations: dict[uuid.UUID, ObservationRef] = field(default_factory=dict)
    _cleaning_org: Organisation | None = None
    # Observations without a patrol: their time span, and the sender's patrols within it.
    _unassigned_span: tuple[datetime, datetime] | None = None
    _on_duty: list[tuple[datetime, datetime | None]] | None = None

    @classmethod
    def load(cls, actor: User | None, records: list[WireRecord]) -> SyncContext:
        kinds = {r.kind for r in records}
        patrol_ids = {p for r in records if (p := getattr(r.parsed, "patrol", None))}
        place_slugs = {r.parsed.place for r in records if isinstance(r.parsed, ObservationIn)}
        place_slugs |= {r.parsed.area for r in records if isinstance(r.parsed, PresenceIn)}
        categories = (
            {c.code: c for c in ObservationCategory.objects.filter(is_active=True)}
            if kinds & {"observation", "measure"}
            else {}
        )
        measure_types = (
            {m.code: m for m in MeasureType.objects.filter(is_active=True)}
            if "measure" in kinds
            else {}
        )
        patrols: dict[uuid.UUID, PatrolInfo] = {}
        if patrol_ids:
            members: dict[int, set[int]] = {}
            rows = Patrol.members.through.objects.filter(patrol__uuid__in=patrol_ids)
            for patrol_id, user_id in rows.values_list("patrol_id", "user_id"):
                members.setdefault(patrol_id, set()).add(user_id)
            for pk, puuid, status in Patrol.objects.filter(uuid__in=patrol_ids).values_list(
                "pk", "uuid", "status"
            ):
                patrols[puuid] = PatrolInfo(pk, status, frozenset(members.get(pk, ())))
        places: dict[str, PlaceInfo] = {}
        place_slugs.discard("")
        if place_slugs:
            for area in Area.objects.filter(slug__in=place_slugs, is_active=True):
                point = shape(area.geometry).representative_point()
                places[area.slug] = PlaceInfo(area.pk, area.name, point.y, point.x)
        unassigned = [
            r.parsed.occurred_at
            for r in records
            if isinstance(r.parsed, ObservationIn) and r.parsed.patrol is None
        ]
        ctx = cls(actor, categories, measure_types, places, patrols)
        if unassigned:
            ctx._unassigned_span = (min(unassigned), max(unassigned))
        return ctx

    def load_observations(self, ids: set[uuid.UUID]) -> None:
        missing = ids - set(self.observations)
        if not missing:
            return
        rows = Observation.objects.filter(uuid__in=missing).values_list(
            "uuid", "pk", "category_id", "occurred_at", "lat", "lon"
        )
        found = {row[0]: row for row in rows}
        area_ids: dict[int, list[int]] = {}
        through = Observation.areas.through.objects.filter(
            observation_id__in=[row[1] for row in found.values()]
        )
        for obs_id, area_id in through.values_list("observation_id", "area_id"):
            area_ids.setdefault(obs_id, []).append(area_id)
        for ouuid, pk, category_id, occurred_at, lat, lon in found.values():
            self.observations[ouuid] = ObservationRef(
                pk, category_id, occurred_at, lat, lon, tuple(area_ids.get(pk, ()))
            )

    def cleaning_organisation(self, measure_type: MeasureType) -> Organisation | None:
        if measure_type.cleaning_organisation_id:
            return measure_type.cleaning_organisation
        if self._cleaning_org is None:
            utilities = list(
                Organisation.objects.filter(kind=OrganisationKind.UTILITY, is_active=True)[:2]
            )
            self._cleaning_org = utilities[0] if len(utilities) == 1 else None
        return self._cleaning_org

    def on_patrol_at(self, moment: datetime) -> bool:
        """Was the sender on a started patrol (as a member) at `moment`?

        Such a record must name its patrol: an app that lost the choice (issue 10) must not
        file the observation as one without a patrol.
        """
        if self._on_duty is None:
            actor_id = getattr(self.actor, "pk", None)
            first, last = self._unassigned_span or (moment, moment)
            self._on_duty = (
                [
                    (start, end)
                    for start, end in Patrol.objects.filter(
                        members=actor_id, started_at__isnull=False, started_at__lte=last
                    )
                    .exclude(status=PatrolStatus.PLANNED)
                    .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=first))
                    .values_list("started_at", "ended_at")
                    if start is not None
                ]
                if actor_id is not None
                else []
            )
        return any(
            start <= moment and (end is None or moment <= end) for start, end in self._on_duty
        )

    def patrol_for(self, ref: uuid.UUID | None) -> PatrolInfo | None:
        if ref is None:
            return None
        info = self.patrols.get(ref)
        if info is None:
            raise _invalid("patrol", "Unbekannte Streife.")
        if not permissions.can_operate_patrol(self.actor, info.member_ids):
            raise RecordRefused(
                403,
                "Sie gehören nicht zu dieser Streife.",
                [FieldError("patrol", "Sie gehören nicht zu dieser Streife.")],
            )
        return info


def check_observation(ctx: SyncContext, data: ObservationIn, record_id: uuid.UUID) -> Observation:
    category = ctx.categories.get(data.category)
    if category is None:
        raise _invalid("category", f"Unbekannte Feststellungsart „{data.category}“.")
    if data.persons_count and not category.counts_persons:
        raise _invalid(
            "persons_count", "Für diese Feststellungsart wird keine Personenzahl erfasst."
        )
    patrol = ctx.patrol_for(data.patrol)
    if patrol is None and ctx.on_patrol_at(data.occurred_at):
        raise _invalid(
            "patrol",
            "Sie waren zu diesem Zeitpunkt auf Streife: bitte die Streife angeben "
            "(in der App „Meine Streife“ wählen).",
        )
    lat, lon, place_name = data.lat, data.lon, ""
    if data.location_source == LocationSource.PLACE:
        place = ctx.places.get(data.place)
        if place is None:
            raise _invalid("place", f"Unbekannter Ort „{data.place}“.")
        place_name = place.name
        if lat is None or lon is None:
            lat, lon = place.lat, place.lon
    assert lat is not None and lon is not None
    return Observation(
        uuid=record_id,
        category=category,
        occurred_at=data.occurred_at,
        lat=lat,
        lon=lon,
        accuracy_m=data.accuracy_m,
        accuracy_flagged=data.accuracy_m is not None and data.accuracy_m > ACCURACY_FLAG_M,
        location_source=data.location_source,
        place_name=place_name,
        persons_count=data.persons_count,
        patrol_id=patrol.pk if patrol else None,
        recorded_by=ctx.actor,
        data_domain=DataDomain.CITY_OPERATIONS,
    )


def _role_labels(roles: list[str]) -> str:
    labels = [str(Role(r).label) for r in roles if r in Role.values]
    return ", ".join(labels) or "niemand"


def _check_amount(
    data: MeasureIn, mtype: MeasureType, category: ObservationCategory | None
) -> None:
    amount = data.amount_eur
    if not mtype.requires_amount:
        if amount is not None:
            raise _invalid("amount_eur", "Für diese Maßnahme wird kein Verwarnungsgeld erfasst.")
        return
    if amount is None:
        raise _invalid("amount_eur", "Bitte das Verwarnungsgeld in Euro angeben.")
    low, high = OWIG_MIN_EUR, OWIG_MAX_EUR
    if mtype.min_amount_eur is not None:
        low = max(low, mtype.min_amount_eur)
    if mtype.max_amount_eur is not None:
        high = min(high, mtype.max_amount_eur)
    if not OWIG_MIN_EUR <= amount <= OWIG_MAX_EUR:
        raise _invalid("amount_eur", "Ein Verwarnungsgeld beträgt 5 bis 55 € (§ 56 OWiG).")
    if category is not None and category.fine_min_eur is not None:
        low = max(low, category.fine_min_eur)
    if category is not None and category.fine_max_eur is not None:
        high = min(high, category.fine_max_eur)
    if not low <= amount <= high:
        raise _invalid(
            "amount_eur",
            f"Das Verwarnungsgeld liegt außerhalb des Tarifs für diesen Verstoß ({low}–{high} €).",
        )


def _check_details(data: MeasureIn, mtype: MeasureType) -> None:
    if mtype.requires_case_number:
        if not data.case_number:
            raise _invalid("case_number", "Bitte das Aktenzeichen der Bußgeldstelle angeben.")
        if not CASE_NUMBER_RE.match(data.case_number):
            raise _invalid(
                "case_number",
                "Nur das Aktenzeichen (Buchstaben, Ziffern, - / .), "
                "keine Namen oder Beschreibungen.",
            )
    elif data.case_number:
        raise _invalid("case_number", "Für diese Maßnahme wird kein Aktenzeichen erfasst.")
    services = [str(s) for s in mtype.referral_services or []]
    if services:
        if data.referral_service not in services:
            raise _invalid("referral_service", f"Bitte eine Stelle wählen: {', '.join(services)}.")
    elif data.referral_service:
        raise _invalid("referral_service", "Für diese Maßnahme wird keine Vermittlung erfasst.")
    if mtype.creates_cleaning_task:
        if data.cleaning_kind not in CleaningKind.values:
            raise _invalid("cleaning_kind", "Bitte angeben, was zu reinigen ist.")
    elif data.cleaning_kind or data.cleaning_what or data.syringes_count:
        raise _invalid("cleaning_kind", "Diese Maßnahme erzeugt keinen Reinigungsauftrag.")


def _cleaning_what(text: str) -> str:
    """What the crew is to remove: things, not people (DOMAIN.md §4); contact data masked."""
    try:
        return clean_short_text(
            text, field="cleaning_what", label="Reinigung: was", max_length=CLEANING_WHAT_MAX
        )
    except ValidationError as exc:
        raise _invalid("cleaning_what", exc.message_dict["cleaning_what"][0]) from exc


def check_measure(ctx: SyncContext, data: MeasureIn, record_id: uuid.UUID) -> Measure:
    mtype = ctx.measure_types.get(data.measure_type)
    if mtype is None:
        raise _invalid("measure_type", f"Unbekannte Maßnahmenart „{data.measure_type}“.")
    if not permissions.can_record_measure(ctx.actor, mtype.allowed_roles):
        message = (
            f"„{mtype.name}“ ist für Ihre Rolle nicht zulässig "
            f"(erlaubt: {_role_labels(list(mtype.allowed_roles))})."
        )
        raise RecordRefused(403, message, [FieldError("measure_type", message)])
    observation = ctx.observations.get(data.observation)
    if observation is None:
        raise RecordRefused(
            424,
            "Die zugehörige Feststellung ist noch nicht übertragen.",
            [FieldError("observation", "Die Feststellung ist noch nicht übertragen.")],
        )
    category = next((c for c in ctx.categories.values() if c.pk == observation.category_id), None)
    _check_amount(data, mtype, category)
    _check_details(data, mtype)
    if mtype.creates_cleaning_task and ctx.cleaning_organisation(mtype) is None:
        raise _invalid(
            "measure_type",
            "Für Reinigungsaufträge ist keine zuständige Organisation hinterlegt.",
        )
    return Measure(
        uuid=record_id,
        observation_id=observation.pk,
        measure_type=mtype,
        occurred_at=data.occurred_at,
        persons_count=data.persons_count,
        amount_eur=data.amount_eur,
        case_number=data.case_number,
        referral_service=data.referral_service,
        cleaning_kind=data.cleaning_kind,
        cleaning_what=_cleaning_what(data.cleaning_what),
        syringes_count=data.syringes_count,
        recorded_by=ctx.actor,
        data_domain=permissions.recording_domain(ctx.actor),
    )


def check_presence(ctx: SyncContext, data: PresenceIn, record_id: uuid.UUID) -> PresenceInterval:
    patrol = ctx.patrol_for(data.patrol)
    assert patrol is not None
    place = ctx.places.get(data.area)
    if place is None:
        raise _invalid("area", f"Unbekanntes Gebiet „{data.area}“.")
    return PresenceInterval(
        uuid=record_id,
        patrol_id=patrol.pk,
        area_id=place.pk,
        started_at=data.started_at,
        ended_at=data.ended_at,
        minutes=round((data.ended_at - data.started_at).total_seconds() / 60, 2),
        source=PresenceSource.CHECKIN,
        recorded_by=ctx.actor,
    )


def check_position(ctx: SyncContext, data: PositionIn, record_id: uuid.UUID) -> PositionSample:
    patrol = ctx.patrol_for(data.patrol)
    assert patrol is not None
    return PositionSample(
        uuid=record_id,
        patrol_id=patrol.pk,
        recorded_by=ctx.actor,
        at=data.at,
        lat=data.lat,
        lon=data.lon,
        accuracy_m=data.accuracy_m,
    )
