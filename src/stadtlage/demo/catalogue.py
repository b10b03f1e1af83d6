"""Reference data of the Ordnungspartnerschaft (DOMAIN.md §1–§3), read from
``demo/data/catalogue.json`` and checked when this module is imported.

Loaded into the database by `stadtlage.demo.baseline`; afterwards administrators edit the rows,
the code never consults these tuples at runtime except for loading. Natural keys: organisation
`short_name`, working group `slug`, everything else `code`. The data file holds the values;
this module holds their shape (the specs), the checks (`parse`, `DataFileError` naming file,
entry and field) and the natural keys that code refers to by name (`KOD`, `WG_CAMPING`, …).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from stadtlage.accounts.models import Role
from stadtlage.organisations.models import DataDomain, OrganisationKind
from stadtlage.packagedata import DataFileError, load_json, records

FILE: Final = "demo/data/catalogue.json"


@dataclass(frozen=True)
class OrganisationSpec:
    short_name: str
    name: str
    kind: str
    data_domain: str
    parent: str | None = None


@dataclass(frozen=True)
class WorkingGroupSpec:
    slug: str
    name: str
    mission: str
    order: int


@dataclass(frozen=True)
class ObservationCategorySpec:
    code: str
    name: str
    working_group: str | None
    legal_reference: str
    enforcement_driven: bool = False
    counts_persons: bool = True
    fine_min_eur: int | None = None
    fine_max_eur: int | None = None


@dataclass(frozen=True)
class MeasureTypeSpec:
    code: str
    name: str
    legal_basis: str
    allowed_roles: tuple[str, ...]
    requires_amount: bool = False
    min_amount_eur: int | None = None
    max_amount_eur: int | None = None
    requires_case_number: bool = False
    referral_services: tuple[str, ...] = field(default_factory=tuple)
    creates_cleaning_task: bool = False
    cleaning_organisation: str | None = None  # short name; EDG, not any other utility


@dataclass(frozen=True)
class ReferenceData:
    organisations: tuple[OrganisationSpec, ...]
    working_groups: tuple[WorkingGroupSpec, ...]
    observation_categories: tuple[ObservationCategorySpec, ...]
    measure_types: tuple[MeasureTypeSpec, ...]


# Natural keys the code refers to by name (demo accounts, the generator's routing).
CITY: Final = "Stadt Dortmund"
KOD: Final = "KOD"
SOCIAL_OFFICE: Final = "Sozialamt"
HEALTH_OFFICE: Final = "Gesundheitsamt"
YOUTH_OFFICE: Final = "Jugendamt"
CIVIL_ENGINEERING: Final = "Tiefbauamt"
ECONOMIC_DEVELOPMENT: Final = "Wirtschaftsförderung"
STATISTICS: Final = "Statistik"
SITUATION_CENTRE: Final = "Lagezentrum"
POLICE: Final = "Polizei"
EDG: Final = "EDG"
KICK: Final = "kick"
ADDICTION_COUNSELLING: Final = "Suchthilfe"
STREETWORK: Final = "Streetwork"
DSW21: Final = "DSW21"
RETAIL: Final = "Einzelhandel"
NAMED_ORGANISATIONS: Final = (
    CITY, KOD, SOCIAL_OFFICE, HEALTH_OFFICE, YOUTH_OFFICE, CIVIL_ENGINEERING,
    ECONOMIC_DEVELOPMENT, STATISTICS, SITUATION_CENTRE, POLICE, EDG, KICK,
    ADDICTION_COUNSELLING, STREETWORK, DSW21, RETAIL,
)  # fmt: skip

WG_CITYSCAPE: Final = "stadtbild-verschoenern"
WG_CAMPING: Final = "campieren-reduzieren"
WG_HARASSMENT: Final = "belaestigungen-bekaempfen"
WG_ADDICTION_PREVENTION: Final = "sucht-vermeiden"
WG_ADDICTION_HELP: Final = "suchthilfe-weiterentwickeln"
NAMED_WORKING_GROUPS: Final = (
    WG_CITYSCAPE, WG_CAMPING, WG_HARASSMENT, WG_ADDICTION_PREVENTION, WG_ADDICTION_HELP,
)  # fmt: skip

_SECTIONS: Final = ("organisations", "working_groups", "observation_categories", "measure_types")


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise DataFileError(f"{FILE}, {where}: {message}")


def _choice(value: str, allowed: Iterable[str], where: str, name: str) -> None:
    allowed = list(allowed)
    _check(
        value in allowed,
        where,
        f"Feld „{name}“ hat den unbekannten Wert „{value}“ (erlaubt: {', '.join(allowed)}).",
    )


def _check_range(low: int | None, high: int | None, where: str, *names: str) -> None:
    """A range of euros: both ends or neither, 0 ≤ low ≤ high."""
    _check(
        (low is None and high is None)
        or (low is not None and high is not None and 0 <= low <= high),
        where,
        f"Felder „{names[0]}“/„{names[1]}“: beide oder keines, 0 ≤ Minimum ≤ Maximum.",
    )


def _check_organisations(organisations: tuple[OrganisationSpec, ...]) -> None:
    earlier: set[str] = set()
    for spec in organisations:
        where = f"organisations „{spec.short_name}“"
        _choice(spec.kind, OrganisationKind.values, where, "kind")
        _choice(spec.data_domain, DataDomain.values, where, "data_domain")
        _check(
            spec.parent is None or spec.parent in earlier,
            where,
            f"Feld „parent“: „{spec.parent}“ steht nicht weiter oben in organisations.",
        )
        earlier.add(spec.short_name)


def _check_categories(data: ReferenceData) -> None:
    groups = {g.slug for g in data.working_groups}
    for spec in data.observation_categories:
        where = f"observation_categories „{spec.code}“"
        _check(
            spec.working_group is None or spec.working_group in groups,
            where,
            f"Feld „working_group“: unbekannte Arbeitsgruppe „{spec.working_group}“.",
        )
        _check_range(spec.fine_min_eur, spec.fine_max_eur, where, "fine_min_eur", "fine_max_eur")


def _check_measure_types(data: ReferenceData) -> None:
    organisations = {o.short_name for o in data.organisations}
    for spec in data.measure_types:
        where = f"measure_types „{spec.code}“"
        _check(bool(spec.allowed_roles), where, "Feld „allowed_roles“ ist leer.")
        for role in spec.allowed_roles:
            _choice(role, Role.values, where, "allowed_roles")
        _check_range(
            spec.min_amount_eur, spec.max_amount_eur, where, "min_amount_eur", "max_amount_eur"
        )
        _check(
            spec.cleaning_organisation is None or spec.cleaning_organisation in organisations,
            where,
            f"Feld „cleaning_organisation“: unbekannte Organisation "
            f"„{spec.cleaning_organisation}“.",
        )
        _check(
            spec.cleaning_organisation is None or spec.creates_cleaning_task,
            where,
            "Feld „cleaning_organisation“ nur zusammen mit „creates_cleaning_task“: true.",
        )


def parse(raw: Any) -> ReferenceData:
    """The reference data of a parsed data file, checked; `DataFileError` names what is wrong."""
    if not isinstance(raw, dict):
        raise DataFileError(f"{FILE}: kein JSON-Objekt.")
    unknown = sorted(k for k in raw if not k.startswith("_") and k not in _SECTIONS)
    if unknown:
        raise DataFileError(f"{FILE}: unbekannter Abschnitt „{unknown[0]}“.")

    def section(cls: Any, name: str, key: str) -> Any:
        return records(cls, raw.get(name), file=FILE, section=name, key=key)

    data = ReferenceData(
        organisations=section(OrganisationSpec, "organisations", "short_name"),
        working_groups=section(WorkingGroupSpec, "working_groups", "slug"),
        observation_categories=section(ObservationCategorySpec, "observation_categories", "code"),
        measure_types=section(MeasureTypeSpec, "measure_types", "code"),
    )
    _check_organisations(data.organisations)
    _check_categories(data)
    _check_measure_types(data)
    for named, present, what in (
        (NAMED_ORGANISATIONS, {o.short_name for o in data.organisations}, "organisations"),
        (NAMED_WORKING_GROUPS, {g.slug for g in data.working_groups}, "working_groups"),
    ):
        missing = [key for key in named if key not in present]
        if missing:
            raise DataFileError(
                f"{FILE}: in {what} fehlt „{missing[0]}“ (der Code bezieht sich darauf)."
            )
    return data


_DATA: Final = parse(load_json("stadtlage.demo", "catalogue.json"))
ORGANISATIONS: Final[tuple[OrganisationSpec, ...]] = _DATA.organisations
WORKING_GROUPS: Final[tuple[WorkingGroupSpec, ...]] = _DATA.working_groups
OBSERVATION_CATEGORIES: Final[tuple[ObservationCategorySpec, ...]] = _DATA.observation_categories
MEASURE_TYPES: Final[tuple[MeasureTypeSpec, ...]] = _DATA.measure_types
