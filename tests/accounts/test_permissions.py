"""Role × page and role × data domain, written out as the specification (deny by default)."""

from __future__ import annotations

import pytest
from django.test import Client

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import readable_domains
from tests.factories import user_with_role

ALL_ROLES = set(Role.values)
MAP_ROLES = ALL_ROLES - {"partner_submitter", "dpo"}
PAGES: dict[str, set[str]] = {
    "/orte/karte/": MAP_ROLES,
    "/orte/gebiete.geojson": MAP_ROLES,
    "/orte/gebiete/": {"admin"},
    "/orte/gebiete/neu/": {"admin"},
    "/orte/gebiete/import/": {"admin"},
    "/protokoll/": {"admin", "dpo"},
}

# Which data domains' records each role reads (aggregates are a separate matter).
DOMAINS: dict[str, set[str]] = {
    "kod_officer": {"public", "city_operations"},
    "shift_lead": {"public", "city_operations"},
    "police_officer": {"public", "city_operations", "police"},
    "streetworker": {"public", "city_operations"},
    "cleaning_crew": {"public", "city_operations"},
    "wg_member": {"public"},
    "wg_lead": {"public"},
    "taskforce_lead": {"public"},
    "board_member": {"public"},
    "mayor_office": {"public"},
    "analyst": {"public", "city_operations"},
    "partner_submitter": {"public", "addiction_help"},
    "admin": {"public", "city_operations"},
    "dpo": {"public"},
}


def test_specification_covers_every_role() -> None:
    assert set(DOMAINS) == ALL_ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_pages_per_role(client: Client, role: str) -> None:
    client.force_login(user_with_role(role))
    for url, allowed in PAGES.items():
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PAGES))
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/?next=")


@pytest.mark.django_db
def test_user_without_membership_sees_nothing(client: Client) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="ohne-rolle"))
    for url in PAGES:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_readable_domains(role: str) -> None:
    assert readable_domains(user_with_role(role)) == DOMAINS[role]


@pytest.mark.django_db
def test_inactive_membership_grants_nothing(client: Client) -> None:
    user = user_with_role("admin")
    user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get("/protokoll/").status_code == 403
