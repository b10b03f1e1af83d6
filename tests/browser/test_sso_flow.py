"""Single sign-on in a real browser against a real OpenID Connect provider (node
`oidc-provider`): sign in, second factor, sign out at both ends, refusal without membership."""

from __future__ import annotations

from typing import Any

import pytest

from stadtlage.accounts.models import IdentityProvider, Role
from tests.accounts.helpers import app_for, current_code
from tests.accounts.oidc import CLIENT_ID, CLIENT_SECRET, account, running_provider
from tests.factories import OrganisationFactory, user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.oidc,
    pytest.mark.two_factor,
    pytest.mark.django_db(transaction=True),
]

ACCOUNTS = {"kim.krause": account("kod-kim"), "ohne.rolle": account("ohne-rolle")}
BUTTON = "Anmelden mit Dienstkonto Stadt Dortmund (Test)"


def provider_sign_in(page: Any, login: str) -> None:
    page.get_by_label("Dienstkennung").fill(login)
    page.get_by_label("Kennwort").fill("idp-kennwort")
    page.get_by_role("button", name="Beim Anmeldedienst anmelden").click()


def test_single_sign_on_in_the_browser(live_server: Any, page: Any) -> None:
    base = live_server.url
    with running_provider(redirect_bases=[base], accounts=ACCOUNTS) as idp:
        city = IdentityProvider.objects.create(
            slug="stadt",
            name="Dienstkonto Stadt Dortmund (Test)",
            issuer=idp.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )
        city.organisations.set([OrganisationFactory(short_name="KOD")])
        officer = user_with_role(Role.KOD_OFFICER, username="kod-kim")
        device = app_for(officer)
        user_with_role(Role.POLICE_OFFICER, username="ohne-rolle")  # member elsewhere only

        page.goto(f"{base}/konto/anmelden/")
        page.get_by_role("link", name=BUTTON).click()
        page.wait_for_url(f"{idp.issuer}/**")
        provider_sign_in(page, "kim.krause")
        page.wait_for_url("**/konto/zweiter-faktor/**")  # field role: stadtlage's own factor
        page.get_by_label("Code").fill(current_code(device))
        page.get_by_role("button", name="Bestätigen").click()
        page.wait_for_url(f"{base}/")
        assert page.get_by_role("heading", level=2).first.inner_text() == "Heute im Einsatz"

        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url(f"{idp.issuer}/**")
        page.get_by_role("button", name="Ja, abmelden").click()
        page.wait_for_url(f"{base}/konto/anmelden/**")

        # The provider's session is over: it asks again; this identity has no role here.
        page.get_by_role("link", name=BUTTON).click()
        page.wait_for_url(f"{idp.issuer}/**")
        provider_sign_in(page, "ohne.rolle")
        page.wait_for_url(f"{base}/konto/sso/stadt/zurueck/**")
        alert = page.get_by_role("alert").inner_text()
        assert "Das Konto „ohne-rolle“ hat keine aktive Rolle in" in alert
        assert page.get_by_role("button", name="Abmelden").count() == 0
