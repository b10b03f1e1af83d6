"""Whole public pages come from the cache for visitors without a session (`public_page`):
each visitor still gets a CSRF token of their own, a change to the data shows at once, and
signed-in people and visitors with a message always get a page of their own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from stadtlage.accounts.models import User
from stadtlage.reports.models import Report, ReportSource, ServiceCategory
from stadtlage.reports.services import report_create
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def litter(db: Any) -> ServiceCategory:
    return ServiceCategoryFactory(code="muell", name="Müll", order=1)


def _rename_quietly(report: Report, text: str) -> None:
    """A change the cache is not told about (no signal): shows whether a page was cached."""
    Report.objects.filter(pk=report.pk).update(public_description=text, description=text)


def test_an_anonymous_page_is_built_once_and_served_from_the_cache(
    litter: ServiceCategory,
) -> None:
    report = ReportFactory(category=litter, description="Volle Tonne am Markt")
    first = Client().get(f"/meldungen/{report.pk}/")
    assert "Volle Tonne am Markt" in first.content.decode()

    _rename_quietly(report, "Geänderter Text")
    again = Client().get(f"/meldungen/{report.pk}/")
    assert "Volle Tonne am Markt" in again.content.decode()  # from the cache

    report_create(
        category=litter, lat=51.5136, lon=7.4653, description="Neue Meldung",
        source=ReportSource.WEB,
    )  # fmt: skip
    after_change = Client().get(f"/meldungen/{report.pk}/")
    assert "Geänderter Text" in after_change.content.decode()  # the data version moved on


def test_every_visitor_gets_a_working_csrf_token_of_their_own() -> None:
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/lagebild/")
        found = TOKEN.findall(page.content.decode())
        assert found, "the language switch carries a token"
        assert "\x00" not in page.content.decode()
        assert settings.CSRF_COOKIE_NAME in page.cookies
        tokens.append(found[0])
        form = {"language": "en", "next": "/lagebild/", "csrfmiddlewaretoken": found[0]}
        switched = client.post("/i18n/setlang/", form)
        assert switched.status_code == 302, "the token of the cached page is accepted"
        english = client.get("/lagebild/")
        assert english["Content-Language"] == "en"
    assert tokens[0] != tokens[1]


def test_a_signed_in_person_never_gets_the_shared_page(
    litter: ServiceCategory, django_user_model: type[User]
) -> None:
    report = ReportFactory(category=litter, description="Volle Tonne am Markt")
    Client().get(f"/meldungen/{report.pk}/")
    _rename_quietly(report, "Geänderter Text")

    person = django_user_model.objects.create_user(username="anna", password="x" * 16)
    client = Client()
    client.force_login(person)
    page = client.get(f"/meldungen/{report.pk}/").content.decode()
    assert "Geänderter Text" in page
    assert "anna" in page


def test_a_visitor_with_a_message_gets_a_page_of_their_own(litter: ServiceCategory) -> None:
    report = ReportFactory(category=litter, description="Volle Tonne am Markt")
    Client().get(f"/meldungen/{report.pk}/")
    _rename_quietly(report, "Geänderter Text")

    client = Client()
    client.cookies["messages"] = "anything"
    assert "Geänderter Text" in client.get(f"/meldungen/{report.pk}/").content.decode()


def test_a_visit_of_the_public_start_page_leaves_no_trace_in_the_audit_trail() -> None:
    from stadtlage.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    for _ in range(2):
        assert Client().get("/").status_code == 200
    assert AuditEvent.objects.count() == before


def test_error_pages_and_other_languages_are_not_mixed_up(litter: ServiceCategory) -> None:
    assert Client().get("/meldungen/999999/").status_code == 404
    assert Client().get("/meldungen/999999/").status_code == 404
    german = Client().get("/lagebild/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/lagebild/")
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"
    assert german.content != english.content


def test_with_a_refresh_interval_new_reports_reach_public_pages_within_it(
    litter: ServiceCategory, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PUBLIC_REFRESH_SECONDS: public answers follow the data after at most that long (while
    reports arrive every second they are not rebuilt for each one); Open311 at once."""
    from stadtlage.public import cache as public_cache

    settings.PUBLIC_REFRESH_SECONDS = 60
    clock = [1_000_000.0]
    monkeypatch.setattr(public_cache.time, "time", lambda: clock[0])
    ReportFactory(category=litter)
    Client().get("/meldungen/")  # built and cached

    new = report_create(
        category=litter, lat=51.5136, lon=7.4653, description="Neue Meldung",
        source=ReportSource.WEB,
    )  # fmt: skip
    link = f'href="/meldungen/{new.pk}/"'
    clock[0] += 59
    assert link not in Client().get("/meldungen/").content.decode()  # not yet rebuilt
    open311 = Client().get("/open311/v2/requests.json").json()
    assert new.pk in [int(r["service_request_id"]) for r in open311]  # Open311 at once

    clock[0] += 2
    assert link in Client().get("/meldungen/").content.decode()


def test_without_a_refresh_interval_public_pages_follow_at_once(
    litter: ServiceCategory, settings: Any
) -> None:
    settings.PUBLIC_REFRESH_SECONDS = 0
    ReportFactory(category=litter)
    Client().get("/meldungen/")
    new = report_create(
        category=litter, lat=51.5136, lon=7.4653, description="Neue Meldung",
        source=ReportSource.WEB,
    )  # fmt: skip
    assert f'href="/meldungen/{new.pk}/"' in Client().get("/meldungen/").content.decode()
