"""Reference data: idempotent, valid for the models, sensible geometry and routing."""

from __future__ import annotations

import itertools

import pytest

from stadtlage.accounts.models import Role
from stadtlage.demo import catalogue, reporting
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.geography import AREAS
from stadtlage.kpi.models import PartnerSeries
from stadtlage.organisations.models import DataDomain, Organisation, WorkingGroup
from stadtlage.patrols.models import MeasureType, ObservationCategory
from stadtlage.places import geo
from stadtlage.places.models import Area, AreaKind
from stadtlage.reports.models import ServiceCategory

MODELS = (
    Organisation,
    WorkingGroup,
    ObservationCategory,
    MeasureType,
    ServiceCategory,
    PartnerSeries,
    Area,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_baseline_twice_changes_no_counts() -> None:
    load_baseline()
    first = _counts()
    result = load_baseline()
    assert _counts() == first
    assert result.created == 0
    assert first["WorkingGroup"] == 5
    assert first["Area"] == len(AREAS)


@pytest.mark.django_db
def test_five_working_groups_without_presence_group(baseline: None) -> None:
    names = list(WorkingGroup.objects.values_list("name", flat=True))
    assert names == [
        "Stadtbild verschönern",
        "Campieren reduzieren",
        "Belästigungen bekämpfen",
        "Sucht vermeiden",
        "Suchthilfe weiterentwickeln",
    ]
    assert all(WorkingGroup.objects.values_list("mission", flat=True))


@pytest.mark.django_db
def test_every_catalogue_row_passes_model_validation(baseline: None) -> None:
    for model in MODELS:
        for obj in model.objects.all():
            obj.full_clean()
    for cat in ObservationCategory.objects.exclude(fine_min_eur=None):
        low, high = cat.fine_min_eur, cat.fine_max_eur
        assert low is not None and high is not None and 5 <= low <= high <= 55


@pytest.mark.django_db
def test_keep_existing_keeps_administrators_edits(baseline: None) -> None:
    ObservationCategory.objects.filter(code="litter").update(legal_reference="geändert")
    load_baseline(update_existing=False)
    assert ObservationCategory.objects.get(code="litter").legal_reference == "geändert"
    load_baseline()
    assert ObservationCategory.objects.get(code="litter").legal_reference != "geändert"


@pytest.mark.django_db
def test_organisations_and_domains(baseline: None) -> None:
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    assert orgs["KOD"].parent == orgs["Stadt Dortmund"]
    assert orgs["Polizei"].data_domain == DataDomain.POLICE
    assert orgs["kick"].data_domain == DataDomain.ADDICTION_HELP
    assert orgs["Suchthilfe"].data_domain == DataDomain.ADDICTION_HELP
    assert orgs["Streetwork"].data_domain == DataDomain.CITY_OPERATIONS
    assert orgs["Lagezentrum"].parent == orgs["Stadt Dortmund"]


@pytest.mark.django_db
def test_measure_types_follow_the_legal_catalogue(baseline: None) -> None:
    types = {m.code: m for m in MeasureType.objects.all()}
    for measure in types.values():
        assert set(measure.allowed_roles) <= set(Role.values)
    assert {Role.KOD_OFFICER, Role.POLICE_OFFICER} <= set(types["platzverweis"].allowed_roles)
    assert types["area-ban"].allowed_roles == [Role.POLICE_OFFICER]
    assert types["criminal-complaint"].allowed_roles == [Role.POLICE_OFFICER]
    fine = types["warning-fine"]
    assert (fine.requires_amount, fine.min_amount_eur, fine.max_amount_eur) == (True, 5, 55)
    assert types["offence-report"].requires_case_number
    assert types["cleaning-request"].creates_cleaning_task
    assert "kick" in types["referral"].referral_services


@pytest.mark.django_db
def test_observation_categories(baseline: None) -> None:
    cats = {c.code: c for c in ObservationCategory.objects.all()}
    enforcement = {code for code, c in cats.items() if c.enforcement_driven}
    assert enforcement == {"drug-use-crack", "drug-use-other", "suspected-dealing", "camping"}
    assert (cats["aggressive-begging"].fine_min_eur, cats["aggressive-begging"].fine_max_eur) == (
        15,
        55,
    )
    assert cats["public-urination"].fine_min_eur == 50
    assert not cats["drug-waste"].counts_persons


@pytest.mark.django_db
def test_report_categories_route_to_the_right_body(baseline: None) -> None:
    services = {s.code: s for s in ServiceCategory.objects.select_related("responsible")}
    assert services["drug-waste"].responsible.short_name == "EDG"
    assert services["drug-waste"].sla_hours == 4
    assert list(services["drug-waste"].informed.values_list("short_name", flat=True)) == [
        "Streetwork"
    ]
    assert services["camping"].responsible.short_name == "KOD"
    assert services["broken-lighting"].responsible.short_name == "Tiefbauamt"
    assert services["graffiti"].sla_hours == 168
    assert all(s.working_group_id for s in services.values())


def test_area_geometries_are_valid_and_disjoint() -> None:
    for spec in AREAS:
        geo.validate_area_geometry(spec.polygon)
    for kind in (AreaKind.FOCUS, AreaKind.DISTRICT):
        polygons = [spec.polygon for spec in AREAS if spec.kind == kind]
        for a, b in itertools.combinations(polygons, 2):
            assert a.intersection(b).area == 0
    focus = [spec for spec in AREAS if spec.kind == AreaKind.FOCUS]
    assert len(focus) == 8
    assert all(geo.area_m2(spec.polygon) > 20_000 for spec in focus)


def test_catalogue_codes_are_unique() -> None:
    for specs in (
        catalogue.OBSERVATION_CATEGORIES,
        catalogue.MEASURE_TYPES,
        reporting.SERVICE_CATEGORIES,
        reporting.PARTNER_SERIES,
    ):
        codes = [spec.code for spec in specs]
        assert len(codes) == len(set(codes))
