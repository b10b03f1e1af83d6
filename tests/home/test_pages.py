from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import stadtlage
from stadtlage.accounts.models import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

# The panel each role must see first on its start page.
FIRST_PANEL = {
    Role.KOD_OFFICER: "Heute im Einsatz",
    Role.POLICE_OFFICER: "Heute im Einsatz",
    Role.SHIFT_LEAD: "Heute im Einsatz",
    Role.STREETWORKER: "Offene Meldungen und Aufträge",
    Role.CLEANING_CREW: "Offene Meldungen und Aufträge",
    Role.WG_MEMBER: "Lage der letzten acht Wochen",
    Role.WG_LEAD: "Lage der letzten acht Wochen",
    Role.TASKFORCE_LEAD: "Lage der letzten acht Wochen",
    Role.BOARD_MEMBER: "Lage der letzten acht Wochen",
    Role.MAYOR_OFFICE: "Lage der letzten acht Wochen",
    Role.ANALYST: "Lage der letzten acht Wochen",
    Role.PARTNER_SUBMITTER: "Partner-Kennzahlen",
    Role.ADMIN: "Administration",
    Role.DATA_PROTECTION_OFFICER: "Datenschutz",
}


def test_every_role_has_a_start_page() -> None:
    assert set(FIRST_PANEL) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_start_page_per_role(client: Client, role: Role) -> None:
    client.force_login(user_with_role(role))
    body = client.get("/").content.decode()
    headings = [h.split(">", 1)[1].split("<", 1)[0] for h in body.split("<h2 ")[1:]]
    assert headings[0] == FIRST_PANEL[role]


def test_anonymous_sees_public_start_page(client: Client) -> None:
    body = client.get("/").content.decode()
    assert "Ordnung und Stadtleben in der Dortmunder City" in body
    assert 'href="/orte/karte/"' not in body


def test_unknown_url_gives_german_404_inside_the_layout(client: Client) -> None:
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Seite nicht gefunden" in body
    assert 'class="skip-link"' in body


def test_english_is_available(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_layout_landmarks(client: Client) -> None:
    client.force_login(user_with_role(Role.ADMIN))
    body = client.get("/").content.decode()
    for landmark in (
        '<header class="site-header">',
        '<nav aria-label="Hauptnavigation"',
        '<main id="main"',
        "<footer",
    ):
        assert landmark in body
    assert 'aria-current="page"' in body


@pytest.mark.parametrize("role", [Role.SHIFT_LEAD, Role.TASKFORCE_LEAD, Role.ADMIN])
def test_start_page_query_count_is_bounded(client: Client, role: Role) -> None:
    client.force_login(user_with_role(role))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) <= 25, [q["sql"] for q in queries]


def test_only_the_most_specific_navigation_entry_is_current() -> None:
    from stadtlage.home.navigation import navigation_for

    user = user_with_role(Role.ANALYST)
    current = [item.url for item in navigation_for(user, "/kennzahlen/partner/") if item.current]
    assert len(current) == 1
    assert current[0] != "/kennzahlen/"


def test_public_start_page_leads_to_reporting(client: Client) -> None:
    body = client.get("/").content.decode()
    for url in ("/meldungen/neu/", "/meldungen/", "/meldungen/karte/"):
        assert f'href="{url}"' in body
    assert client.get("/meldungen/neu/").status_code == 200


def test_every_message_level_has_its_own_look() -> None:
    """Errors never appear in the green success box: each level tag has its own CSS rule."""
    css = (Path(stadtlage.__file__).parent / "static" / "stadtlage" / "stadtlage.css").read_text()
    rules = dict(re.findall(r"^\.messages \.message(\.\w+)? \{([^}]*)\}", css, re.MULTILINE))
    base = rules.pop("")
    for level in (constants.INFO, constants.WARNING, constants.ERROR):
        rule = rules.get("." + constants.DEFAULT_TAGS[level])
        assert rule is not None, constants.DEFAULT_TAGS[level]
        assert "background" in rule and rule != base
    assert "accent" in rules[".error"]
