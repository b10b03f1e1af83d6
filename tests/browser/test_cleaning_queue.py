"""An EDG worker opens the queue, sees the overdue syringe task first, accepts it, tries to
close it with a note about a person (German error at the field), then reports it done with a photo;
the task leaves the list of tasks to do. The queue and the task page pass axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.cleaning.models import CleaningKind, CleaningStatus, CleaningTask
from tests.browser.test_accessibility import axe_page, serious_violations  # noqa: F401
from tests.cleaning.factories import CleaningTaskFactory, jpeg_bytes
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edg_worker_accepts_and_completes_a_task(
    live_server: Any, page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = user_with_role("cleaning_crew", username="edg-browser")
    now = timezone.now()
    litter = CleaningTaskFactory(kind=CleaningKind.LITTER, due_at=now + timedelta(hours=30))
    syringes = CleaningTaskFactory(
        created_at=now - timedelta(hours=5), due_at=now - timedelta(hours=1)
    )
    photo = tmp_path / "ort.jpg"
    photo.write_bytes(jpeg_bytes())

    base = live_server.url
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(worker.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Reinigung", exact=True).click()
    rows = page.locator("#cleaning-tasks tbody tr")
    assert rows.nth(0).get_attribute("data-task-id") == str(syringes.pk)
    assert rows.nth(1).get_attribute("data-task-id") == str(litter.pk)
    first = rows.nth(0)
    assert "deadline-overdue" in (first.get_attribute("class") or "")
    assert "überfällig" in first.inner_text()

    first.get_by_role("button", name="Annehmen").click()
    assert "Auftrag angenommen." in page.locator(".messages").inner_text()
    row = page.locator(f"tr[data-task-id='{syringes.pk}']")
    assert "angenommen" in row.inner_text()
    row.get_by_role("link", name="Ergebnis melden").click()

    form = page.locator("#done-form")
    form.get_by_label("Rückmeldung").fill("Mann im Eingang wirkt betrunken")
    form.get_by_role("button", name="Als erledigt melden").click()
    errors = page.locator("#done-form .field-errors").inner_text()
    assert "Rückmeldung: keine Angaben zu einzelnen Personen oder zur Gesundheit" in errors
    assert CleaningTask.objects.get(pk=syringes.pk).status == CleaningStatus.ACCEPTED

    form = page.locator("#done-form")
    form.get_by_label("Entsorgte Spritzen").fill("3")
    form.get_by_label("Rückmeldung").fill("Drei Spritzen am Treppenabgang entsorgt")
    form.get_by_label("Foto nach der Reinigung").set_input_files(str(photo))
    form.get_by_role("button", name="Als erledigt melden").click()
    assert page.locator("#task-status").inner_text() == "erledigt"
    photo_url = page.locator("#task-photo").get_attribute("src")
    answer = page.request.get(f"{base}{photo_url}")
    assert answer.status == 200 and answer.headers["content-type"] == "image/jpeg"
    task = CleaningTask.objects.get(pk=syringes.pk)
    assert (task.status, task.syringes_count, task.closed_by_id) == ("done", 3, worker.pk)
    assert task.photo

    page.get_by_role("link", name="Reinigungsaufträge").first.click()
    rows = page.locator("#cleaning-tasks tbody tr")
    assert rows.count() == 1 and rows.nth(0).get_attribute("data-task-id") == str(litter.pk)


def test_queue_and_task_pages_have_no_serious_axe_violations(
    live_server: Any,
    axe_page: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = user_with_role("cleaning_crew", username="edg-axe")
    now = timezone.now()
    CleaningTaskFactory(created_at=now - timedelta(hours=5), due_at=now - timedelta(hours=1))
    accepted = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    page, base = axe_page, live_server.url
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(worker.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")
    found = {}
    for path in ("/", "/reinigung/", f"/reinigung/{accepted.pk}/"):
        page.goto(f"{base}{path}")
        found[path] = serious_violations(page)
    # A page with an error at a field.
    page.get_by_label("Rückmeldung").first.fill("Mann im Eingang wirkt betrunken")
    page.locator("#done-form").get_by_role("button", name="Als erledigt melden").click()
    page.wait_for_selector("#done-form .field-errors")
    found["error"] = serious_violations(page)
    assert found == {path: [] for path in found}
