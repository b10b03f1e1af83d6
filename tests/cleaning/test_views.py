"""The EDG queue: who may open it, what it lists in which order, the actions with their
German field errors (400, never 500), the photo, and constant queries per page."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from stadtlage.audit.models import AuditEvent
from stadtlage.cleaning.models import CleaningKind, CleaningStatus, CleaningTask
from tests.cleaning.factories import CleaningTaskFactory, edg_organisation, jpeg_bytes
from tests.factories import MembershipFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def crew_client(client: Client) -> Client:
    client.force_login(user_with_role("cleaning_crew", username="edg-crew"))
    return client


def _ids(response: Any) -> list[int]:
    return [int(n) for n in re.findall(r'data-task-id="(\d+)"', response.content.decode())]


def test_queue_lists_the_tasks_to_do_by_deadline_with_overdue_marked(
    crew_client: Client,
) -> None:
    now = timezone.now()
    late = CleaningTaskFactory(created_at=now - timedelta(hours=6), due_at=now - timedelta(hours=2))
    litter = CleaningTaskFactory(kind=CleaningKind.LITTER, due_at=now + timedelta(hours=40))
    accepted = CleaningTaskFactory(status=CleaningStatus.ACCEPTED, due_at=now + timedelta(hours=3))
    CleaningTaskFactory(status=CleaningStatus.DONE, done_at=now)
    response = crew_client.get("/reinigung/")
    assert response.status_code == 200
    assert _ids(response) == [late.pk, accepted.pk, litter.pk]
    html = response.content.decode()
    row = re.search(rf'<tr class="deadline-(\w+)" data-task-id="{late.pk}"', html)
    assert row and row.group(1) == "overdue"
    assert "seit 2 Std." in html and "überfällig" in html
    assert re.search(r'id="overdue-count">1<', html)
    assert re.search(r'id="open-count">2<', html) and re.search(r'id="accepted-count">1<', html)
    backwards = crew_client.get("/reinigung/", {"sortierung": "frist-absteigend"})
    assert _ids(backwards) == [litter.pk, accepted.pk, late.pk]
    done = crew_client.get("/reinigung/", {"status": "done"})
    assert len(_ids(done)) == 1
    assert AuditEvent.objects.filter(action="view", object_type="cleaning.cleaningtask").exists()


def test_bad_filter_values_fall_back_instead_of_failing(crew_client: Client) -> None:
    CleaningTaskFactory()
    response = crew_client.get(
        "/reinigung/", {"status": "kaputt", "sortierung": "x", "seite": "zwei"}
    )
    assert response.status_code == 200 and len(_ids(response)) == 1


def test_queue_queries_do_not_grow_with_the_tasks(crew_client: Client) -> None:
    CleaningTaskFactory.create_batch(2)
    crew_client.get("/reinigung/")
    with CaptureQueriesContext(connection) as few:
        crew_client.get("/reinigung/")
    CleaningTaskFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        response = crew_client.get("/reinigung/")
    assert len(_ids(response)) == 22
    assert len(many) == len(few)


def test_who_may_open_the_queue(client: Client) -> None:
    task = CleaningTaskFactory()
    assert client.get("/reinigung/").status_code == 302  # sign in first
    for role in ("kod_officer", "police_officer", "analyst", "streetworker"):
        client.force_login(user_with_role(role))
        assert client.get("/reinigung/").status_code == 403, role
        assert client.post(f"/reinigung/{task.pk}/annehmen/").status_code == 403, role
    # A shift lead of the KOD opens the page but sees no task of EDG.
    client.force_login(user_with_role("shift_lead"))
    assert _ids(client.get("/reinigung/")) == []
    assert client.get(f"/reinigung/{task.pk}/").status_code == 404
    assert client.post(f"/reinigung/{task.pk}/annehmen/").status_code == 404
    # EDG's own shift lead works the queue.
    edg_lead = UserFactory(username="edg-lead")
    MembershipFactory(user=edg_lead, organisation=edg_organisation(), role="shift_lead")
    client.force_login(edg_lead)
    assert _ids(client.get("/reinigung/")) == [task.pk]
    assert client.post(f"/reinigung/{task.pk}/annehmen/").status_code == 302
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED


def test_accept_done_and_the_photo(crew_client: Client) -> None:
    task = CleaningTaskFactory()
    response = crew_client.post(f"/reinigung/{task.pk}/annehmen/", {"zurueck": "liste"})
    assert response.status_code == 302 and response["Location"] == "/reinigung/"
    photo = SimpleUploadedFile("ort.jpg", jpeg_bytes(exif_gps=True), content_type="image/jpeg")
    response = crew_client.post(
        f"/reinigung/{task.pk}/erledigt/",
        {
            "erledigt-note": "Spritzen entsorgt",
            "erledigt-syringes_count": "4",
            "erledigt-photo": photo,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/reinigung/{task.pk}/"
    task.refresh_from_db()
    assert (task.status, task.syringes_count, task.outcome_note) == ("done", 4, "Spritzen entsorgt")
    page = crew_client.get(f"/reinigung/{task.pk}/").content.decode()
    assert "Der Auftrag ist abgeschlossen." in page and 'id="task-photo"' in page
    image = crew_client.get(f"/reinigung/{task.pk}/foto.jpg")
    assert image.status_code == 200 and image["Cache-Control"] == "private, no-store"
    data = b"".join(image.streaming_content) if image.streaming else image.content
    assert b"Telefonhersteller" not in data
    assert Image.open(io.BytesIO(data)).getexif() == {}


def test_done_before_accept_is_a_german_error_not_a_change(crew_client: Client) -> None:
    task = CleaningTaskFactory()
    response = crew_client.post(
        f"/reinigung/{task.pk}/erledigt/", {"erledigt-syringes_count": "abc"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Status: Ein Auftrag kann nicht von „offen“ zu „erledigt“ wechseln." in html
    assert "zuerst annehmen" in html
    task.refresh_from_db()
    assert task.status == CleaningStatus.OPEN


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"erledigt-syringes_count": "drei"},
            "Entsorgte Spritzen: Bitte eine ganze Zahl eingeben.",
        ),
        ({"erledigt-syringes_count": "-2"}, "Entsorgte Spritzen: mindestens 0."),
        ({"erledigt-note": "x" * 201}, "Rückmeldung: höchstens 200 Zeichen (jetzt 201)."),
        (
            {"erledigt-photo": SimpleUploadedFile("x.jpg", b"kein Bild", "image/jpeg")},
            "Foto: Die Datei ist kein lesbares Foto",
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    crew_client: Client, fields: dict[str, Any], message: str, settings: Any
) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    response = crew_client.post(f"/reinigung/{task.pk}/erledigt/", fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED and not task.photo
    assert not AuditEvent.objects.filter(action="transition").exists()


def test_not_found_and_unknown_actions(crew_client: Client) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    assert crew_client.post(f"/reinigung/{task.pk}/zaubern/").status_code == 404
    assert crew_client.get(f"/reinigung/{task.pk}/annehmen/").status_code == 405
    assert crew_client.post("/reinigung/999999/annehmen/").status_code == 404
    response = crew_client.post(
        f"/reinigung/{task.pk}/nicht-vorgefunden/", {"nicht-vorgefunden-note": "sauber"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == CleaningStatus.NOT_FOUND and task.outcome_note == "sauber"
    assert crew_client.get(f"/reinigung/{task.pk}/foto.jpg").status_code == 404


def test_navigation_shows_the_queue_to_crews_only(client: Client) -> None:
    client.force_login(user_with_role("cleaning_crew"))
    assert 'href="/reinigung/"' in client.get("/").content.decode()
    client.force_login(user_with_role("analyst"))
    assert 'href="/reinigung/"' not in client.get("/").content.decode()


def test_task_count_is_unchanged_by_a_refused_post(crew_client: Client) -> None:
    CleaningTaskFactory(status=CleaningStatus.DONE, done_at=timezone.now())
    before = CleaningTask.objects.filter(status=CleaningStatus.DONE).count()
    task = CleaningTask.objects.get()
    assert crew_client.post(f"/reinigung/{task.pk}/annehmen/").status_code == 400
    assert CleaningTask.objects.filter(status=CleaningStatus.DONE).count() == before


def test_a_photo_whose_file_is_gone_is_a_404(crew_client: Client, settings: Any) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.DONE, done_at=timezone.now())
    task.photo.name = "cleaning/photos/weg.jpg"
    task.save(update_fields=["photo"])
    assert crew_client.get(f"/reinigung/{task.pk}/foto.jpg").status_code == 404
