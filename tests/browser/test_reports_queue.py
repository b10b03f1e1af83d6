"""EDG works its queue: an overdue syringe report is taken over, marked fixed with a note;
the reporter gets the e-mail, follows its link and reopens it; the queue shows it again."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from tests.factories import PASSWORD, user_with_role
from tests.reports.conftest import _fresh_cache_and_media, syringes  # noqa: F401
from tests.reports.factories import ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(MAP_TILE_URL="")
def test_queue_flow_new_fixed_reopened(
    live_server: Any,
    page: Any,
    settings: Any,
    syringes: ServiceCategory,  # noqa: F811
) -> None:
    settings.STADTLAGE_BASE_URL = live_server.url
    worker = user_with_role("cleaning_crew", username="edg-browser")
    now = timezone.now()
    report = ReportFactory(
        category=syringes,
        responsible=syringes.responsible,
        source="web",
        reporter_email="melder@example.org",
        address_string="Nordmarkt, Spielplatz",
        submitted_at=now - timedelta(hours=6),
        due_at=now - timedelta(hours=2),
    )
    base = live_server.url
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(worker.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Meldungen", exact=True).click()
    row = page.locator(f"tr[data-report-id='{report.pk}']")
    assert "sla-overdue" in (row.get_attribute("class") or "")
    assert "überfällig" in row.inner_text()
    page.locator("summary", has_text="Karte anzeigen").click()
    page.wait_for_selector("#reports-map[data-state=ready]")
    assert page.locator("#reports-map").get_attribute("data-count") == "1"
    row.get_by_role("link", name=str(report.pk)).click()

    page.get_by_label("Zuweisen an").select_option(label=str(worker))
    page.get_by_role("button", name="Zuweisen", exact=True).click()
    assert "Zugewiesen an" in page.locator(".messages").inner_text()

    status = page.locator("#status-form")
    status.get_by_label("Neuer Status").select_option(label="in Bearbeitung")
    status.get_by_role("button", name="Status speichern").click()
    assert page.locator("#report-status").inner_text() == "in Bearbeitung"

    status.get_by_label("Neuer Status").select_option(label="erledigt")
    status.get_by_role("button", name="Status speichern").click()
    assert "was erledigt wurde" in page.locator("#status-form").inner_text()
    status.get_by_label("Neuer Status").select_option(label="erledigt")
    status.get_by_label("Öffentliche Notiz").fill("Drei Spritzen entsorgt, Sandkasten geprüft.")
    status.get_by_role("button", name="Status speichern").click()
    assert page.locator("#report-status").inner_text() == "erledigt"

    # The reporter's e-mail (sent after the commit) carries the follow-up link.
    assert [m.subject for m in mail.outbox] == [
        f"Ihre Meldung {report.pk}: in Bearbeitung",
        f"Ihre Meldung {report.pk}: erledigt",
    ]
    link = re.search(r"(http://\S+/meldungen/rueckmeldung/\S+/)", mail.outbox[-1].body)
    assert link is not None
    reporter = page.context.browser.new_context(locale="de-DE").new_page()
    reporter.goto(link.group(1))
    reporter.get_by_label("Was ist noch nicht erledigt? (freiwillig)").fill(
        "Unter der Rutsche liegt noch eine."
    )
    reporter.get_by_role("button", name="Nein, das besteht noch – wieder öffnen").click()
    reporter.wait_for_url(f"{base}/meldungen/{report.pk}/")
    assert "wieder geöffnet" in reporter.locator(".messages").inner_text()
    reporter.context.close()

    page.goto(f"{base}/meldungen/arbeitsliste/")
    assert "wieder geöffnet" in page.locator(f"tr[data-report-id='{report.pk}']").inner_text()
    page.get_by_role("link", name=str(report.pk), exact=True).click()
    timeline = page.locator("ol.timeline").inner_text()
    assert "Unter der Rutsche liegt noch eine." in timeline
    assert "meldende Person / System" in timeline
    report.refresh_from_db()
    assert report.status == ReportStatus.REOPENED
    assert list(Report.objects.values_list("assignee", flat=True)) == [worker.pk]
