"""Reporter follow-up: status e-mails after commit, and the signed link to confirm "fixed"
or reopen within 14 days."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.links import followup_token
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from stadtlage.reports.notifications import notify_reporter
from stadtlage.reports.services import report_assign, report_transition, reporter_language
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus


@pytest.fixture
def edg(syringes: ServiceCategory) -> Any:
    return user_with_role("cleaning_crew", username="edg-1")


@pytest.fixture
def report(syringes: ServiceCategory) -> Report:
    return ReportFactory(category=syringes, source="web", reporter_email="melder@example.org")


def _fix(report: Report, actor: Any, **kwargs: Any) -> Report:
    return report_transition(
        report=report, to_status=S.FIXED, actor=actor, public_note="Entsorgt.", **kwargs
    )


def test_status_mail_is_sent_after_commit_with_the_followup_link(
    report: Report, edg: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_transition(report=report, to_status=S.IN_PROGRESS, actor=edg)
        assert mail.outbox == []  # nothing before the commit
    assert len(_mails(callbacks)) == 1
    (message,) = mail.outbox
    assert message.to == ["melder@example.org"]
    assert message.subject == f"Ihre Meldung {report.pk}: in Bearbeitung"
    assert f"https://stadtlage.example/meldungen/{report.pk}/" in message.body
    assert "/meldungen/rueckmeldung/" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        _fix(report, edg)
    body = mail.outbox[1].body
    assert "Entsorgt." in body
    token = followup_token(report.uuid)
    assert f"https://stadtlage.example/meldungen/rueckmeldung/{token}/" in body
    assert "14 Tagen" in body


def test_no_mail_when_the_change_is_rolled_back_or_internal(
    report: Report, edg: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            report_transition(report=report, to_status=S.IN_PROGRESS, actor=edg)
            raise RuntimeError("something else failed")
        report_assign(report=report, assignee=edg, actor=edg)
    assert mail.outbox == []


def test_no_mail_without_an_address(
    syringes: ServiceCategory, edg: Any, django_capture_on_commit_callbacks: Any
) -> None:
    silent = ReportFactory(category=syringes, reporter_email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_transition(report=silent, to_status=S.IN_PROGRESS, actor=edg)
    assert _mails(callbacks) == [] and mail.outbox == []


def _mails(callbacks: list[Any]) -> list[Any]:
    """The e-mail callbacks among those run after commit (others invalidate caches)."""
    return [c for c in callbacks if getattr(c, "func", None) is notify_reporter]


def _url(report: Report) -> str:
    return f"/meldungen/rueckmeldung/{followup_token(report.uuid)}/"


def test_reporter_confirms_fixed(client: Client, report: Report, edg: Any) -> None:
    _fix(report, edg)
    page = client.get(_url(report)).content.decode()
    assert "Ja, der Mangel ist behoben" in page
    response = client.post(_url(report), {"action": "confirm"}, follow=True)
    assert "Danke für Ihre Bestätigung" in response.content.decode()
    report.refresh_from_db()
    assert report.status == S.FIXED
    entry = report.updates.latest("id")
    assert (entry.from_status, entry.to_status, entry.actor) == (S.FIXED, S.FIXED, None)
    assert "bestätigt" in entry.public_note
    client.post(_url(report), {"action": "confirm"})
    assert report.updates.filter(from_status=S.FIXED, to_status=S.FIXED).count() == 1
    assert "bereits bestätigt" in client.get(_url(report)).content.decode()


def test_reporter_reopens_within_14_days(client: Client, report: Report, edg: Any) -> None:
    _fix(report, edg, now=timezone.now() - timedelta(days=13))
    response = client.post(_url(report), {"action": "reopen", "note": "Liegen noch zwei da."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.REOPENED
    entry = report.updates.latest("id")
    assert entry.actor is None and "Liegen noch zwei da." in entry.internal_note
    assert "Liegen noch" not in entry.public_note  # the reporter's words stay internal
    event = AuditEvent.objects.filter(action="transition").latest("id")
    assert "meldende Person" in event.note and event.actor is None
    again = client.post(_url(report), {"action": "reopen"})
    assert again.status_code == 400 and "kann nicht" in again.content.decode()


def test_after_14_days_the_link_no_longer_acts(client: Client, report: Report, edg: Any) -> None:
    _fix(report, edg, now=timezone.now() - timedelta(days=15))
    assert "Frist von 14 Tagen" in client.get(_url(report)).content.decode()
    response = client.post(_url(report), {"action": "reopen"})
    assert response.status_code == 400
    assert "innerhalb von 14 Tagen" in response.content.decode()
    report.refresh_from_db()
    assert report.status == S.FIXED


def test_open_reports_cannot_be_reopened_by_the_reporter(client: Client, report: Report) -> None:
    response = client.post(_url(report), {"action": "reopen"})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == S.NEW


@pytest.mark.parametrize("token", ["kaputt", "x" * 300])
def test_forged_tokens_find_nothing(client: Client, report: Report, token: str) -> None:
    assert client.get(f"/meldungen/rueckmeldung/{token}/").status_code == 404
    forged = re.sub(r":.*$", ":abc", followup_token(report.uuid))
    assert client.get(f"/meldungen/rueckmeldung/{forged}/").status_code == 404


def test_status_mails_speak_the_language_the_report_was_made_in(
    client: Client, syringes: ServiceCategory, edg: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(
        "/meldungen/neu/spritzen/",
        {
            "lat": "51.5137",
            "lon": "7.4605",
            "description": "Two syringes",
            "email": "visitor@example.org",
            "attr_anzahl": "2",
            "attr_fundort": "gehweg",
            "website": "",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get(reporter_email="visitor@example.org")
    assert report.language == "en"
    translation.activate("de")  # the staff member works in German
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, to_status=S.IN_PROGRESS, actor=edg)
    (message,) = mail.outbox
    assert message.subject == f"Your report {report.pk}: in progress"
    assert message.body.startswith("Hello,")
    assert translation.get_language() == "de"  # the override ended with the message


@pytest.mark.parametrize(
    ("code", "expected"), [("en-gb", "en"), ("de", "de"), ("fr", "de"), ("", "de")]
)
def test_unknown_languages_fall_back_to_german(code: str, expected: str) -> None:
    assert reporter_language(code) == expected


def test_reporters_words_are_masked_staff_notes_refused(
    client: Client, report: Report, edg: Any
) -> None:
    _fix(report, edg, now=timezone.now() - timedelta(days=1))
    client.post(
        _url(report),
        {"action": "reopen", "note": "Der Klient von Herrn Meier liegt wieder da, HIV-positiv"},
    )
    entry = report.updates.latest("id")
    assert entry.internal_note == (
        "Rückmeldung der meldenden Person: Der [entfernt] von Herrn [entfernt] liegt wieder da, "
        "[entfernt]-positiv"
    )
    with pytest.raises(ValidationError) as exc:
        report_transition(
            report=report,
            to_status=S.IN_PROGRESS,
            actor=edg,
            internal_note="Mann vor Ort wirkte alkoholisiert",
        )
    assert "„alkoholisiert“" in exc.value.message_dict["internal_note"][0]
    report.refresh_from_db()
    assert report.status == S.REOPENED
