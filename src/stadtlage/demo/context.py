"""What the generator needs from the database, read once, and its running state."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ImproperlyConfigured

from stadtlage.accounts.models import Membership, Role
from stadtlage.demo import catalogue as cat
from stadtlage.demo import reporting
from stadtlage.demo.bulk import Columns
from stadtlage.demo.geography import AREAS
from stadtlage.organisations.models import Organisation
from stadtlage.patrols.models import MeasureType, ObservationCategory
from stadtlage.places.models import Area
from stadtlage.reports.models import ServiceCategory

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Service:
    id: int
    responsible_id: int
    sla_hours: int


@dataclass(frozen=True)
class Catalogue:
    categories: dict[str, int]
    measure_types: dict[str, int]
    allowed_roles: dict[str, frozenset[str]]
    services: dict[str, Service]
    areas: dict[str, int]  # geography key -> Area id
    edg_id: int
    kod_id: int
    kod_pool: IntArray
    police_pool: IntArray
    actors: dict[int, list[int]]  # organisation id -> users who update reports


def _require(found: dict[str, Any], wanted: list[str], what: str) -> None:
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ImproperlyConfigured(
            f"{what} fehlen: {', '.join(missing)}. Bitte zuerst „stadtlage baseline“ ausführen."
        )


def load_catalogue() -> Catalogue:
    categories = dict(ObservationCategory.objects.values_list("code", "id"))
    _require(categories, [c.code for c in cat.OBSERVATION_CATEGORIES], "Feststellungsarten")
    measure_rows = list(MeasureType.objects.values_list("code", "id", "allowed_roles"))
    measure_types = {code: pk for code, pk, _ in measure_rows}
    _require(measure_types, [m.code for m in cat.MEASURE_TYPES], "Maßnahmenarten")
    services = {
        code: Service(pk, responsible, sla)
        for code, pk, responsible, sla in ServiceCategory.objects.values_list(
            "code", "id", "responsible_id", "sla_hours"
        )
    }
    _require(services, [s.code for s in reporting.SERVICE_CATEGORIES], "Meldekategorien")
    by_name = dict(Area.objects.values_list("name", "id"))
    _require(by_name, [a.name for a in AREAS], "Gebiete")
    orgs = dict(Organisation.objects.values_list("short_name", "id"))
    _require(orgs, [cat.EDG, cat.KOD, cat.POLICE], "Organisationen")

    def pool(role: str, org: str) -> IntArray:
        ids = Membership.objects.filter(
            role=role, organisation_id=orgs[org], is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
        return np.array(sorted(set(ids)), dtype=np.int64)

    kod_pool, police_pool = pool(Role.KOD_OFFICER, cat.KOD), pool(Role.POLICE_OFFICER, cat.POLICE)
    if not len(kod_pool) or not len(police_pool):
        raise ImproperlyConfigured("Für die Streifen fehlen KOD- und Polizeikonten (Demo-Konten).")
    actors: dict[int, list[int]] = {}
    for user_id, org_id in Membership.objects.filter(
        is_active=True, role__in=[Role.SHIFT_LEAD, Role.CLEANING_CREW, Role.STREETWORKER]
    ).values_list("user_id", "organisation_id"):
        actors.setdefault(org_id, []).append(user_id)
    return Catalogue(
        categories=categories,
        measure_types=measure_types,
        allowed_roles={code: frozenset(roles or []) for code, _, roles in measure_rows},
        services=services,
        areas={spec.key: by_name[spec.name] for spec in AREAS},
        edg_id=orgs[cat.EDG],
        kod_id=orgs[cat.KOD],
        kod_pool=kod_pool,
        police_pool=police_pool,
        actors={org: sorted(users) for org, users in actors.items()},
    )


@dataclass
class Context:
    """Running state of one generation: scale, limits, id counters and totals."""

    seed: int
    scale: float
    until_ts: int  # UTC epoch seconds; nothing happens after it
    catalogue: Catalogue
    next_id: dict[str, int]
    columns: Columns = field(default_factory=Columns)
    case_numbers: Counter[int] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)

    def take_ids(self, table: str, n: int) -> IntArray:
        first = self.next_id[table]
        self.next_id[table] = first + n
        return np.arange(first, first + n, dtype=np.int64)

    def case_number(self, year: int) -> str:
        self.case_numbers[year] += 1
        return f"BS-{year}-{10000 + self.case_numbers[year]:06d}"


def stochastic_round(rng: np.random.Generator, values: npt.ArrayLike) -> IntArray:
    """Round to integers keeping the expectation (exact for whole numbers)."""
    arr = np.asarray(values, dtype=np.float64)
    floor = np.floor(arr)
    return (floor + (rng.random(arr.shape) < (arr - floor))).astype(np.int64)
