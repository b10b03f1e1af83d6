"""Single sign-on against a real OpenID Connect provider (node `oidc-provider`, started here).

The Django side is the test client; the provider side is a `requests` session that behaves like
the browser (its cookies are the provider's sign-in session).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from stadtlage.accounts.models import ExternalIdentity, IdentityProvider, Role, SignedInDevice
from stadtlage.audit.models import AuditEvent
from stadtlage.organisations.models import Organisation
from tests.accounts.helpers import SECOND_FACTOR, app_for
from tests.accounts.oidc import CLIENT_ID, CLIENT_SECRET, OidcProvider, account, running_provider
from tests.factories import OrganisationFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.oidc]

ACCOUNTS = {
    "kim.krause": account("kod-kim", name="Kim Krause"),
    "ada.admin": account("analyse-ada", roles=["admin", "dpo"], groups=["stadtlage-admins"]),
    "nora.neu": account("nora-neu"),
    "ohne.rolle": account("ohne-rolle"),
    "mia.mfa": account("kod-mia", amr=["pwd", "otp"]),
    "renamed": account("kod-kim"),  # a second identity claiming the same user name
}


@pytest.fixture(scope="module")
def idp() -> Iterator[OidcProvider]:
    with running_provider(redirect_bases=["http://testserver"], accounts=ACCOUNTS) as provider:
        yield provider


@pytest.fixture
def city(idp: OidcProvider) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        slug="stadt",
        name="Dienstkonto Stadt Dortmund (Test)",
        issuer=idp.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    provider.organisations.set(
        [OrganisationFactory(short_name="KOD"), OrganisationFactory(short_name="LAGE")]
    )
    return provider


@pytest.fixture
def browser() -> requests.Session:
    return requests.Session()


def sso_sign_in(client: Client, idp: OidcProvider, browser: requests.Session, login: str) -> Any:
    start = client.get("/konto/sso/stadt/?next=/kennzahlen/")
    assert start.status_code == 302 and start["Location"].startswith(idp.issuer)
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    callback = idp.sign_in(browser, start["Location"], login)
    assert callback.startswith("http://testserver/konto/sso/stadt/zurueck/?")
    return client.get(callback.removeprefix("http://testserver"))


def test_a_member_signs_in_through_the_provider(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user = user_with_role(Role.KOD_OFFICER, username="kod-kim")
    response = sso_sign_in(client, idp, browser, "kim.krause")
    assert response.status_code == 302 and response["Location"] == "/kennzahlen/"
    assert int(client.session["_auth_user_id"]) == user.pk
    link = ExternalIdentity.objects.get(provider=city)
    assert (link.subject, link.user) == ("kim.krause", user)
    assert SignedInDevice.objects.get(user=user).method == "sso"
    assert AuditEvent.objects.filter(action="login", actor=user).exists()
    # The provider's session is used again: no second password prompt.
    second = Client()
    start = second.get("/konto/sso/stadt/")
    callback = idp.sign_in(browser, start["Location"], "nobody-types-this")
    assert int(Client().session.get("_auth_user_id", 0) or 0) == 0
    assert second.get(callback.removeprefix("http://testserver")).status_code == 302
    assert int(second.session["_auth_user_id"]) == user.pk


def test_roles_come_from_memberships_never_from_claims(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    """The provider says roles=[admin, dpo]; stadtlage knows an analyst — an analyst it is."""
    user = user_with_role(Role.ANALYST, username="analyse-ada")
    sso_sign_in(client, idp, browser, "ada.admin")
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.roles == frozenset({Role.ANALYST})
    assert not user.is_staff and not user.is_superuser
    assert client.get("/protokoll/").status_code == 403
    assert client.get("/verwaltung/", follow=True).status_code == 403


def test_an_unknown_account_gets_a_clear_refusal(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    response = sso_sign_in(client, idp, browser, "nora.neu")
    assert response.status_code == 403
    assert "stadtlage kennt kein Konto „nora-neu“" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action="login_failed", object_repr="nora-neu").exists()


def test_an_account_without_membership_in_the_providers_organisations_is_refused(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user = user_with_role(Role.POLICE_OFFICER, username="ohne-rolle")  # POL, not KOD/LAGE
    response = sso_sign_in(client, idp, browser, "ohne.rolle")
    body = response.content.decode()
    assert response.status_code == 403
    assert "hat keine aktive Rolle in" in body and "Rollen und Zugänge vergibt" in body
    assert "_auth_user_id" not in client.session
    # A membership made in stadtlage opens the door; nothing at the provider changed.
    user.memberships.create(
        organisation=Organisation.objects.get(short_name="KOD"), role=Role.KOD_OFFICER
    )
    again = Client()
    start = again.get("/konto/sso/stadt/")
    assert (
        again.get(
            idp.sign_in(browser, start["Location"], "ohne.rolle").removeprefix("http://testserver")
        ).status_code
        == 302
    )
    assert int(again.session["_auth_user_id"]) == user.pk


def test_a_deactivated_account_is_refused(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user_with_role(Role.KOD_OFFICER, username="kod-kim", is_active=False)
    response = sso_sign_in(client, idp, browser, "kim.krause")
    assert response.status_code == 403
    assert "ist in stadtlage deaktiviert" in response.content.decode()


def test_after_the_first_match_only_the_subject_counts(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    """Another identity at the provider that claims the same user name gets nowhere."""
    user = user_with_role(Role.KOD_OFFICER, username="kod-kim")
    sso_sign_in(client, idp, browser, "kim.krause")
    other_client, other_browser = Client(), requests.Session()
    response = sso_sign_in(other_client, idp, other_browser, "renamed")
    assert response.status_code == 403
    assert "_auth_user_id" not in other_client.session
    assert list(ExternalIdentity.objects.values_list("subject", "user")) == [
        ("kim.krause", user.pk)
    ]


def test_sign_out_ends_the_providers_session_too(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user = user_with_role(Role.KOD_OFFICER, username="kod-kim")
    sso_sign_in(client, idp, browser, "kim.krause")
    response = client.post("/konto/abmelden/")
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(f"{idp.issuer}/session/end")
    assert parse_qs(urlsplit(end_session).query)["id_token_hint"]
    assert "_auth_user_id" not in client.session
    assert SignedInDevice.objects.get(user=user).ended_reason == "logout"
    back = idp.end_session(browser, end_session)
    assert back.startswith("http://testserver/konto/anmelden/")
    # The provider asks for the password again.
    start = Client().get("/konto/sso/stadt/")
    page = browser.get(start["Location"])
    assert 'name="login"' in page.text


def test_a_forged_or_replayed_callback_signs_nobody_in(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user_with_role(Role.KOD_OFFICER, username="kod-kim")
    start = client.get("/konto/sso/stadt/")
    callback = idp.sign_in(browser, start["Location"], "kim.krause").removeprefix(
        "http://testserver"
    )
    attacker = Client()  # a different browser without the state in its session
    response = attacker.get(callback)
    assert response.status_code == 400
    assert "wurde abgebrochen, ist abgelaufen" in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert client.get(callback).status_code == 302  # the real browser still can
    assert client.get(callback).status_code == 400  # but only once


def test_provider_errors_and_unreachable_providers_answer_in_german(
    client: Client, idp: OidcProvider, city: IdentityProvider
) -> None:
    denied = client.get("/konto/sso/stadt/zurueck/?error=access_denied&state=x")
    assert denied.status_code == 400
    city.issuer = "http://127.0.0.1:9"
    city.save()
    unreachable = client.get("/konto/sso/stadt/")
    assert unreachable.status_code == 502
    assert "nicht erreichbar" in unreachable.content.decode()
    assert client.get("/konto/sso/unbekannt/").status_code == 404


def test_the_login_page_offers_active_providers(client: Client, city: IdentityProvider) -> None:
    page = client.get("/konto/anmelden/?next=/kennzahlen/").content.decode()
    assert "Anmelden mit Dienstkonto Stadt Dortmund (Test)" in page
    assert 'href="/konto/sso/stadt/?next=/kennzahlen/"' in page
    city.is_active = False
    city.save()
    assert "Dienstkonto Stadt" not in client.get("/konto/anmelden/").content.decode()


@pytest.mark.two_factor
def test_second_factor_after_single_sign_on(
    client: Client, idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    user = user_with_role(Role.KOD_OFFICER, username="kod-kim")
    app_for(user)
    response = sso_sign_in(client, idp, browser, "kim.krause")
    assert response["Location"].startswith(SECOND_FACTOR)
    assert client.get("/kennzahlen/").status_code == 302


@pytest.mark.two_factor
def test_a_trusted_providers_second_factor_counts_only_when_it_says_so(
    idp: OidcProvider, city: IdentityProvider, browser: requests.Session
) -> None:
    city.trust_second_factor = True
    city.save()
    mia = user_with_role(Role.KOD_OFFICER, username="kod-mia")
    kim = user_with_role(Role.KOD_OFFICER, username="kod-kim")
    app_for(mia), app_for(kim)
    with_otp = Client()
    assert sso_sign_in(with_otp, idp, browser, "mia.mfa")["Location"] == "/kennzahlen/"
    assert with_otp.get("/streife/app/").status_code == 200
    password_only = Client()
    response = sso_sign_in(password_only, idp, requests.Session(), "kim.krause")
    assert response["Location"].startswith(SECOND_FACTOR)


def test_retention_removes_the_link_of_an_anonymised_account(settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stadtlage.audit.retention import run_retention

    provider = IdentityProvider.objects.create(
        slug="polizei", name="Polizei", issuer="https://idp.invalid", client_id="x"
    )
    gone = user_with_role(Role.KOD_OFFICER, username="ausgeschieden", is_active=False)
    gone.memberships.update(is_active=False)
    type(gone).objects.filter(pk=gone.pk).update(date_joined=timezone.now() - timedelta(days=400))
    staying = user_with_role(Role.ANALYST, username="bleibt")
    ExternalIdentity.objects.create(provider=provider, subject="s-1", user=gone)
    ExternalIdentity.objects.create(provider=provider, subject="s-2", user=staying)
    assert run_retention().counts()["staff_account"] == 1
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == ["s-2"]
