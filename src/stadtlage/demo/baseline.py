"""Reference data for production and demo: organisations, working groups, catalogues, areas.

`load_baseline()` is idempotent: every row is looked up by its natural key and created or
updated, so running it twice changes nothing. Areas are the exception: an existing area (found by
name) is left alone, because administrators replace our rough demo polygons with the official
ones and a re-run must not undo that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.demo import catalogue as cat
from stadtlage.demo import gazetteer, reporting
from stadtlage.demo.geography import AREAS
from stadtlage.kpi.models import PartnerSeries
from stadtlage.organisations.models import Organisation, WorkingGroup
from stadtlage.patrols.models import MeasureType, ObservationCategory
from stadtlage.places import geo
from stadtlage.places.addresses import addresses_import
from stadtlage.places.models import AddressPoint, Area
from stadtlage.places.services import area_create
from stadtlage.reports.models import ServiceAttribute, ServiceCategory


@dataclass
class BaselineResult:
    created: int = 0
    updated: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.updated += 1


def _known_fields(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Only the values whose fields the model has (for fields added after this catalogue)."""
    names = {f.name for f in model._meta.get_fields()}
    return {key: value for key, value in values.items() if key in names}


def _upsert(
    model: Any, result: BaselineResult, update: bool, defaults: dict[str, Any], **key: Any
) -> Any:
    if update:
        obj, created = model.objects.update_or_create(defaults=defaults, **key)
    else:
        obj, created = model.objects.get_or_create(defaults=defaults, **key)
    result.count(created)
    return obj


def _organisations(result: BaselineResult, update: bool) -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for spec in cat.ORGANISATIONS:
        orgs[spec.short_name] = _upsert(
            Organisation,
            result,
            update,
            {
                "name": spec.name,
                "kind": spec.kind,
                "data_domain": spec.data_domain,
                "parent": orgs[spec.parent] if spec.parent else None,
            },
            short_name=spec.short_name,
        )
    return orgs


def _working_groups(result: BaselineResult, update: bool) -> dict[str, WorkingGroup]:
    return {
        spec.slug: _upsert(
            WorkingGroup,
            result,
            update,
            {"name": spec.name, "mission": spec.mission, "order": spec.order},
            slug=spec.slug,
        )
        for spec in cat.WORKING_GROUPS
    }


def _observation_categories(
    result: BaselineResult, update: bool, groups: dict[str, WorkingGroup]
) -> None:
    for order, spec in enumerate(cat.OBSERVATION_CATEGORIES, start=1):
        _upsert(
            ObservationCategory,
            result,
            update,
            {
                "name": spec.name,
                "working_group": groups[spec.working_group] if spec.working_group else None,
                "enforcement_driven": spec.enforcement_driven,
                "counts_persons": spec.counts_persons,
                "fine_min_eur": spec.fine_min_eur,
                "fine_max_eur": spec.fine_max_eur,
                "legal_reference": spec.legal_reference,
                "order": order * 10,
            },
            code=spec.code,
        )


def _measure_types(result: BaselineResult, update: bool, orgs: dict[str, Organisation]) -> None:
    for order, spec in enumerate(cat.MEASURE_TYPES, start=1):
        optional = _known_fields(
            MeasureType,
            {
                "cleaning_organisation": orgs[spec.cleaning_organisation]
                if spec.cleaning_organisation
                else None
            },
        )
        _upsert(
            MeasureType,
            result,
            update,
            {
                "name": spec.name,
                "legal_basis": spec.legal_basis,
                "allowed_roles": list(spec.allowed_roles),
                "requires_amount": spec.requires_amount,
                "min_amount_eur": spec.min_amount_eur,
                "max_amount_eur": spec.max_amount_eur,
                "requires_case_number": spec.requires_case_number,
                "referral_services": list(spec.referral_services),
                "creates_cleaning_task": spec.creates_cleaning_task,
                "order": order * 10,
                **optional,
            },
            code=spec.code,
        )


def _service_categories(
    result: BaselineResult,
    update: bool,
    orgs: dict[str, Organisation],
    groups: dict[str, WorkingGroup],
) -> None:
    for order, spec in enumerate(reporting.SERVICE_CATEGORIES, start=1):
        category = _upsert(
            ServiceCategory,
            result,
            update,
            {
                "name": spec.name,
                "description": spec.description,
                "group": spec.group,
                "working_group": groups[spec.working_group],
                "responsible": orgs[spec.responsible],
                "sla_hours": spec.sla_hours,
                "keywords": spec.keywords,
                "person_related": spec.person_related,
                "creates_cleaning_task": bool(spec.cleaning_kind),
                "cleaning_kind": spec.cleaning_kind,
                "order": order * 10,
            },
            code=spec.code,
        )
        if update or not category.informed.exists():
            category.informed.set([orgs[short] for short in spec.informed])
        if update or not category.attributes.exists():  # administrators may have edited them
            for number, question in enumerate(spec.attributes, start=1):
                _upsert(
                    ServiceAttribute,
                    result,
                    update,
                    {
                        "description": question.description,
                        "datatype": question.datatype,
                        "datatype_description": question.datatype_description,
                        "required": question.required,
                        "order": number,
                        "values": question.values_json(),
                    },
                    category=category,
                    code=question.code,
                )


def _partner_series(
    result: BaselineResult,
    update: bool,
    orgs: dict[str, Organisation],
    groups: dict[str, WorkingGroup],
) -> None:
    for spec in reporting.PARTNER_SERIES:
        _upsert(
            PartnerSeries,
            result,
            update,
            {
                "name": spec.name,
                "organisation": orgs[spec.organisation],
                "working_group": groups[spec.working_group],
                "unit": spec.unit,
                "period": spec.period,
                "counting_rule": spec.counting_rule,
                **_known_fields(PartnerSeries, {"expected_every": spec.expected_every}),
            },
            code=spec.code,
        )


def _areas(result: BaselineResult) -> None:
    existing = set(Area.objects.values_list("name", flat=True))
    for spec in AREAS:
        if spec.name in existing:
            continue
        area_create(
            name=spec.name,
            geometry=geo.to_geojson(spec.polygon),
            kind=spec.kind,
            description=spec.description,
            actor=None,
        )
        result.created += 1


def _address_register(result: BaselineResult) -> None:
    """Named places and street points; entries already there (perhaps corrected or replaced
    by the official register) are left alone."""
    existing = set(AddressPoint.objects.values_list("key", flat=True))
    missing = [row for row in gazetteer.rows() if row.key not in existing]
    if missing:
        addresses_import(rows=missing, source=gazetteer.SOURCE)
        result.created += len(missing)


def load_baseline(*, update_existing: bool = True) -> BaselineResult:
    """Create or update all reference data. With update_existing=False, existing rows are kept
    as they are (administrators' edits win) and only missing ones are added."""
    result = BaselineResult()
    with transaction.atomic():
        orgs = _organisations(result, update_existing)
        groups = _working_groups(result, update_existing)
        _observation_categories(result, update_existing, groups)
        _measure_types(result, update_existing, orgs)
        _service_categories(result, update_existing, orgs, groups)
        _partner_series(result, update_existing, orgs, groups)
        _areas(result)
        _address_register(result)
        audit_record(
            actor=None,
            action=Action.IMPORT,
            object_type="demo.baseline",
            note=(
                f"Stammdaten geladen: {result.created} angelegt, {result.updated} "
                f"{'aktualisiert' if update_existing else 'unverändert'}"
            ),
        )
    return result
