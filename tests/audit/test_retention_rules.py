"""Single retention rules at their edges, and the start-up check of the retention settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.checks import retention_settings
from stadtlage.audit.retention import rules, run_retention
from stadtlage.reports.models import ReportPhoto, ReportStatus
from tests.factories import user_with_role
from tests.kpi.factories import PartnerValueFactory
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def test_reporter_email_stays_through_the_follow_up_window_and_not_beyond_the_maximum(
    settings: Any,
) -> None:
    settings.RETENTION_DAYS = {
        **settings.RETENTION_DAYS,
        "reporter_email": 20,
        "reporter_email_max": 100,
    }
    just_fixed = ReportFactory(status=ReportStatus.FIXED, closed_at=_days_ago(15))
    fixed_long_ago = ReportFactory(status=ReportStatus.FIXED, closed_at=_days_ago(21))
    open_young = ReportFactory(submitted_at=_days_ago(99))
    open_old = ReportFactory(submitted_at=_days_ago(101))
    counts = run_retention().counts()
    assert (counts["reporter_email"], counts["reporter_email_max"]) == (1, 1)
    emails = {}
    for report in (just_fixed, fixed_long_ago, open_young, open_old):
        report.refresh_from_db()
        emails[report.pk] = report.reporter_email
    assert emails == {
        just_fixed.pk: "melder@example.org",
        fixed_long_ago.pk: "",
        open_young.pk: "melder@example.org",
        open_old.pk: "",
    }
    # The report itself, its text (within its own period) and its place stay.
    fixed_long_ago.refresh_from_db()
    assert fixed_long_ago.description and fixed_long_ago.lat


def test_partner_notes_go_the_value_stays(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "partner_note": 10}
    old = PartnerValueFactory(
        note="Zählanlage ausgefallen", submitted_at=_days_ago(11), period_start=date(2025, 3, 3)
    )
    young = PartnerValueFactory(
        series=old.series,
        note="Fest auf dem Platz",
        submitted_at=_days_ago(9),
        period_start=date(2025, 3, 10),
    )
    assert run_retention().counts()["partner_note"] == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.note, old.value) == ("", old.value)
    assert young.note == "Fest auf dem Platz"


def test_inactive_unused_accounts_are_anonymised(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "staff_account": 30}
    left = user_with_role("kod_officer", username="ehemalig", email="e@example.org")
    left.memberships.update(is_active=False)
    User.objects.filter(pk=left.pk).update(is_active=False, last_login=_days_ago(31))
    paused = user_with_role("analyst", username="pausiert")
    User.objects.filter(pk=paused.pk).update(is_active=False, last_login=_days_ago(31))
    active = user_with_role("admin", username="aktiv")
    User.objects.filter(pk=active.pk).update(last_login=_days_ago(400))
    assert run_retention().counts()["staff_account"] == 1
    left.refresh_from_db()
    assert (left.username, left.first_name, left.last_name, left.email) == (
        f"geloescht-{left.pk}",
        "",
        "",
        "",
    )
    assert not left.has_usable_password()
    # An account with an active membership (only paused) and an active account stay.
    assert User.objects.filter(username__in=["pausiert", "aktiv"]).count() == 2
    assert run_retention().counts()["staff_account"] == 0


def test_every_data_class_has_a_rule_a_period_and_a_basis() -> None:
    assert retention_settings() == []
    registered = [rule.data_class for rule in rules()]
    assert len(registered) == len(set(registered))


def test_too_short_or_unexplained_periods_stop_the_start(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "observation": 30, "reporter_email": 7}
    settings.RETENTION_BASIS = {
        key: value for key, value in settings.RETENTION_BASIS.items() if key != "patrol"
    }
    messages = {error.id: error.msg for error in retention_settings()}
    assert set(messages) == {"stadtlage.E103", "stadtlage.E104"}
    errors = [e.msg for e in retention_settings()]
    assert any("'observation'] = 30 is shorter than 62" in m for m in errors)
    assert any("'reporter_email'] = 7 is shorter than 14" in m for m in errors)
    assert any("RETENTION_BASIS['patrol']" in m for m in errors)


def test_documentation_lists_every_data_class(settings: Any) -> None:
    text = (Path(__file__).parents[2] / "docs" / "datenschutz.md").read_text(encoding="utf-8")
    for key in settings.RETENTION_DAYS:
        assert f"| `{key}` |" in text, key


def test_a_period_that_is_not_a_number_stops_the_start() -> None:
    env = {**os.environ, "RETENTION_OBSERVATION_DAYS": "zwei Jahre"}
    result = subprocess.run(
        [sys.executable, "-c", "import stadtlage.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "RETENTION_OBSERVATION_DAYS must be a whole number of days" in result.stderr


def test_photos_of_closed_reports_go_with_their_files_after_the_commit(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "report_photo": 10}
    closed = ReportFactory(status=ReportStatus.FIXED, closed_at=_days_ago(11))
    still_open = ReportFactory()
    names = []
    for report in (closed, still_open):
        photo = ReportPhoto(
            report=report, width=1, height=1, size_bytes=3, uploaded_at=_days_ago(20)
        )
        photo.image.save(f"{photo.uuid}.jpg", ContentFile(b"jpg"), save=True)
        names.append(photo.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        run_retention(dry_run=True)
    assert all(default_storage.exists(n) for n in names)  # a dry run deletes no file
    with django_capture_on_commit_callbacks(execute=True):
        assert run_retention().counts()["report_photo"] == 1
    assert not default_storage.exists(names[0]) and default_storage.exists(names[1])
    assert list(ReportPhoto.objects.values_list("report_id", flat=True)) == [still_open.pk]
