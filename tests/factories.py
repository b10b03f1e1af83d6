"""factory_boy factories shared by the test suite."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from stadtlage.accounts.models import Membership, User
from stadtlage.organisations.models import DataDomain, Organisation, OrganisationKind, WorkingGroup
from stadtlage.places import geo
from stadtlage.places.models import Area, AreaKind

PASSWORD = "richtig-geheim-123"
_HASHED = make_password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    name = factory.LazyAttribute(lambda o: f"Organisation {o.short_name}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrganisationKind.CITY_DEPARTMENT
    data_domain = DataDomain.CITY_OPERATIONS


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Arbeitsgruppe {n}")
    slug = factory.Sequence(lambda n: f"ag-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    password = _HASHED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "kod_officer"


# Which organisation each role belongs to in tests (short name, kind, domain).
ROLE_ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "kod_officer": ("KOD", OrganisationKind.CITY_DEPARTMENT, DataDomain.CITY_OPERATIONS),
    "shift_lead": ("KOD", OrganisationKind.CITY_DEPARTMENT, DataDomain.CITY_OPERATIONS),
    "police_officer": ("POL", OrganisationKind.POLICE, DataDomain.POLICE),
    "streetworker": ("SW", OrganisationKind.SOCIAL_SERVICE, DataDomain.CITY_OPERATIONS),
    "cleaning_crew": ("EDG", OrganisationKind.UTILITY, DataDomain.CITY_OPERATIONS),
    "partner_submitter": ("KICK", OrganisationKind.SOCIAL_SERVICE, DataDomain.ADDICTION_HELP),
}


def user_with_role(role: str, *, username: str | None = None, **extra: Any) -> User:
    short, kind, domain = ROLE_ORGANISATIONS.get(
        role, ("LAGE", OrganisationKind.CITY_DEPARTMENT, DataDomain.CITY_OPERATIONS)
    )
    org = OrganisationFactory(short_name=short, kind=kind, data_domain=domain)
    user = UserFactory(username=username or f"{role}-user", **extra)
    MembershipFactory(user=user, organisation=org, role=role, **_group_for(role))
    return user


def _group_for(role: str) -> dict[str, Any]:
    if role in {"wg_member", "wg_lead"}:
        return {
            "working_group": WorkingGroupFactory(slug="stadtbild", name="Stadtbild verschönern")
        }
    return {}


def square(lat: float, lon: float, half_m: float = 100.0) -> dict[str, Any]:
    """A GeoJSON square of 2·half_m metres around a point (roughly, in degrees)."""
    dlat = half_m / 111_320
    dlon = half_m / (111_320 * 0.6225)  # cos(51.5°)
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - dlon, lat - dlat],
                [lon + dlon, lat - dlat],
                [lon + dlon, lat + dlat],
                [lon - dlon, lat + dlat],
                [lon - dlon, lat - dlat],
            ]
        ],
    }


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Gebiet {n}")
    slug = factory.Sequence(lambda n: f"gebiet-{n}")
    kind = AreaKind.FOCUS
    geometry = factory.LazyFunction(lambda: square(51.5137, 7.4605))
    area_m2 = factory.LazyAttribute(lambda o: geo.area_m2(geo.parse_area_geometry(o.geometry)))
    min_lon = factory.LazyAttribute(lambda o: geo.parse_area_geometry(o.geometry).bounds[0])
    min_lat = factory.LazyAttribute(lambda o: geo.parse_area_geometry(o.geometry).bounds[1])
    max_lon = factory.LazyAttribute(lambda o: geo.parse_area_geometry(o.geometry).bounds[2])
    max_lat = factory.LazyAttribute(lambda o: geo.parse_area_geometry(o.geometry).bounds[3])
