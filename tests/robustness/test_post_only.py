"""An anonymous GET on an internal page that only takes POST gets the login page, not a 405:
the person is sent where they can sign in, and nobody learns which internal URLs exist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from stadtlage.audit.access import PUBLIC, rule_for
from tests.robustness.routes import routes

pytestmark = pytest.mark.django_db

MACHINE_FORMATS = ("application/problem+json", "application/json", "text/xml")
EXEMPT = {
    # Django's LogoutView: POST only by design (a GET must not sign anybody out); an anonymous
    # person has nothing to sign out of.
    "accounts:logout",
    # A citizen's own data, reached through the link in their receipt mail: citizens have no
    # login to be sent to; the button on that page posts here.
    "reports:reporter_forget_email",
}


def test_anonymous_get_on_post_only_pages_leads_to_the_login(client: Client) -> None:
    login = (reverse("accounts:login"), reverse("admin:login"))
    refused, checked = [], 0
    for route in routes():
        rule = rule_for(route.name)
        if route.name in EXEMPT or rule is None or rule.policy == PUBLIC:
            continue
        url = route.url()
        assert url is not None, route.name
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if content_type.startswith(MACHINE_FORMATS):
            continue  # APIs answer in their own format (401 problem details, Open311 errors)
        checked += 1
        if response.status_code == 405:
            refused.append(route.name)
        elif response.status_code == 302 and route.name != "admin:logout":
            assert response["Location"].startswith(login), (route.name, response["Location"])
    assert refused == [], f"405 instead of the login page for an anonymous GET: {refused}"
    assert checked > 100
