"""The cleaning-task workflow: open → accepted → done / nothing found, guarded by one function
that writes the audit record in the same transaction; deadlines by kind from settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.cleaning import services
from stadtlage.cleaning.models import CleaningStatus, CleaningTask
from stadtlage.cleaning.services import (
    TaskRequest,
    cleaning_task_accept,
    cleaning_task_done,
    cleaning_task_not_found,
    cleaning_tasks_create,
    due_at_for,
)
from tests.cleaning.factories import CleaningTaskFactory, edg_organisation, jpeg_bytes
from tests.factories import AreaFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def crew() -> Any:
    return user_with_role("cleaning_crew", username="edg-crew")


def _transitions(task: CleaningTask) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(
        object_type="cleaning.cleaningtask", object_id=str(task.pk), action="transition"
    ).order_by("id")
    return [(e.before["status"], e.after["status"]) for e in events]


def test_deadlines_by_kind_come_from_settings(settings: Any) -> None:
    start = timezone.now()
    assert due_at_for("drug_waste", start) - start < due_at_for("litter", start) - start
    settings.CLEANING_DUE_HOURS = {**settings.CLEANING_DUE_HOURS, "drug_waste": 2}
    assert due_at_for("drug_waste", start) == start + timedelta(hours=2)


def test_accept_then_done_with_audit_rows(crew: Any) -> None:
    task = CleaningTaskFactory()
    cleaning_task_accept(task=task, actor=crew)
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED
    assert task.accepted_by == crew and task.accepted_at is not None
    cleaning_task_done(task=task, actor=crew, note="Drei Spritzen entsorgt", syringes_count=3)
    task.refresh_from_db()
    assert (task.status, task.closed_by, task.outcome_note, task.syringes_count) == (
        CleaningStatus.DONE,
        crew,
        "Drei Spritzen entsorgt",
        3,
    )
    assert task.done_at is not None and task.in_time is True
    assert _transitions(task) == [("open", "accepted"), ("accepted", "done")]
    events = AuditEvent.objects.filter(object_id=str(task.pk), action="transition")
    event = events.order_by("id").last()
    assert event is not None and event.actor == crew and event.note == "accepted → done"


def test_not_found_after_accept(crew: Any) -> None:
    task = CleaningTaskFactory()
    cleaning_task_accept(task=task, actor=crew)
    cleaning_task_not_found(task=task, actor=crew, note="Ort sauber vorgefunden")
    task.refresh_from_db()
    assert task.status == CleaningStatus.NOT_FOUND and task.done_at is not None
    assert _transitions(task) == [("open", "accepted"), ("accepted", "not_found")]


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (CleaningStatus.OPEN, cleaning_task_done),
        (CleaningStatus.OPEN, cleaning_task_not_found),
        (CleaningStatus.ACCEPTED, cleaning_task_accept),
        (CleaningStatus.DONE, cleaning_task_accept),
        (CleaningStatus.DONE, cleaning_task_not_found),
        (CleaningStatus.NOT_FOUND, cleaning_task_done),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    crew: Any, start: str, action: Any
) -> None:
    task = CleaningTaskFactory(status=start)
    with pytest.raises(ValidationError) as exc:
        action(task=task, actor=crew)
    message = exc.value.message_dict["status"][0]
    assert message.startswith("Status: Ein Auftrag kann nicht von")
    if start == CleaningStatus.OPEN:
        assert "zuerst annehmen" in message
    task.refresh_from_db()
    assert task.status == start
    assert not AuditEvent.objects.filter(action="transition").exists()


def test_only_crews_of_the_addressed_organisation(crew: Any) -> None:
    task = CleaningTaskFactory()
    for outsider in (user_with_role("kod_officer"), user_with_role("analyst"), None):
        with pytest.raises(PermissionDenied):
            cleaning_task_accept(task=task, actor=outsider)
    lead = user_with_role("shift_lead")  # shift lead of the KOD, not of EDG
    with pytest.raises(PermissionDenied):
        cleaning_task_accept(task=task, actor=lead)
    task.refresh_from_db()
    assert task.status == CleaningStatus.OPEN


def test_photo_with_not_found_is_refused(crew: Any) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        services._apply_transition(
            task=task, to_status=CleaningStatus.NOT_FOUND, actor=crew, photo_jpeg=jpeg_bytes()
        )
    assert exc.value.message_dict == {"photo": ["Foto: nur, wenn der Auftrag erledigt ist."]}
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED and not task.photo


def test_done_with_photo_stores_the_file(crew: Any, settings: Any) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    cleaning_task_done(task=task, actor=crew, photo_jpeg=jpeg_bytes())
    task.refresh_from_db()
    assert task.photo.name.startswith("cleaning/photos/")
    assert (Path(settings.MEDIA_ROOT) / task.photo.name).exists()
    event = AuditEvent.objects.filter(object_id=str(task.pk), action="transition").get()
    assert event.after["photo"] == task.photo.name


def test_a_failed_write_leaves_no_photo_file(
    crew: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("Datenbank weg")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        cleaning_task_done(task=task, actor=crew, photo_jpeg=jpeg_bytes())
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED and not task.photo
    photos = Path(settings.MEDIA_ROOT) / "cleaning" / "photos"
    assert not photos.exists() or list(photos.iterdir()) == []


def test_notes_are_screened_and_limited(crew: Any) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        cleaning_task_done(task=task, actor=crew, note="x" * 201)
    assert exc.value.message_dict["note"][0].startswith("Rückmeldung: höchstens 200 Zeichen")
    with pytest.raises(ValidationError) as exc:
        cleaning_task_done(task=task, actor=crew, syringes_count=-1)
    assert exc.value.message_dict["syringes_count"][0].startswith("Spritzen:")
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED


def test_bulk_creation_with_areas_and_audit_rows(crew: Any) -> None:
    area = AreaFactory(name="Westenhellweg")
    edg = edg_organisation()
    now = timezone.now()
    tasks = cleaning_tasks_create(
        requests=[
            TaskRequest("drug_waste", 51.5137, 7.4605, now, edg.pk, area_ids=(area.pk,)),
            TaskRequest("litter", 51.5137, 7.4605, now, edg.pk),
        ],
        actor=crew,
        note="Test",
    )
    assert [t.due_at - now for t in tasks] == [timedelta(hours=4), timedelta(hours=48)]
    assert list(tasks[0].areas.all()) == [area] and not tasks[1].areas.exists()
    events = AuditEvent.objects.filter(action="create", object_type="cleaning.cleaningtask")
    assert sorted(int(e.object_id) for e in events) == sorted(t.pk for t in tasks)
    with pytest.raises(ValidationError):
        cleaning_tasks_create(
            requests=[TaskRequest("zauberei", 51.5, 7.46, now, edg.pk)], actor=crew
        )
    assert CleaningTask.objects.count() == 2


def test_an_outcome_note_about_a_person_is_refused_and_nothing_changes(crew: Any) -> None:
    task = CleaningTaskFactory(status=CleaningStatus.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        cleaning_task_not_found(task=task, actor=crew, note="Mann im Eingang wirkt betrunken")
    message = exc.value.message_dict["note"][0]
    assert message.startswith("Rückmeldung: keine Angaben zu einzelnen Personen")
    task.refresh_from_db()
    assert task.status == CleaningStatus.ACCEPTED and task.outcome_note == ""
