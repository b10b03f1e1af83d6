"""The GET requests list from stored documents (`open311.stored`): the reference's very bytes,
cold and warm, after every kind of write (the database triggers mark documents stale whoever
writes), with a write racing the reader, and under changed settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from stadtlage.audit.retention import run_retention
from stadtlage.open311 import stored
from stadtlage.open311.models import RequestDocument
from stadtlage.organisations.models import Organisation
from stadtlage.reports import selectors
from stadtlage.reports.models import (
    PhotoState,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from tests.open311.helpers import NASTY, WINDOW, add_photo, reference_list

QUESTIONS = [
    WINDOW,
    {**WINDOW, "statuses": ["closed"]},
    {**WINDOW, "service_codes": ["camping"], "offset": 3, "limit": 4},
    {"ids": [999_999]},
]


def _stored(*, extensions: bool = False, **filters: Any) -> bytes:
    return stored.requests_json(selectors.page_question(**filters), extensions=extensions)


def _assert_reference(**filters: Any) -> None:
    for extensions in (False, True):
        expected = reference_list("json", extensions=extensions, **filters)
        assert _stored(extensions=extensions, **filters) == expected, (filters, extensions)


def _ready() -> int:
    return RequestDocument.objects.filter(
        body__isnull=False, fingerprint=stored.fingerprint()
    ).count()


@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"REPORT_DESCRIPTION_REVIEW": True},
        {"STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS": False},
        {"PUBLIC_CELL_METRES": 100, "TIME_ZONE": "UTC"},
        {"STADTLAGE_BASE_URL": "https://stadtlage.example.org/"},
    ],
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_stored_documents_give_the_reference_bytes_cold_and_warm(
    city: list[Report], rules: dict[str, Any], language: str
) -> None:
    with override_settings(**rules), translation.override(language):
        assert _ready() == 0
        for _ in ("cold", "warm"):
            for filters in [*QUESTIONS, {"ids": [r.pk for r in city[::3]]}]:
                _assert_reference(**filters)
        assert _ready() == len(city)  # every public report of the window, and nothing else


def test_a_warm_list_is_one_query(city: list[Report]) -> None:
    _stored(**WINDOW)
    with CaptureQueriesContext(connection) as queries:
        answer = _stored(extensions=True, **WINDOW)
    assert len(queries) == 1
    assert answer == reference_list("json", extensions=True, **WINDOW)


@pytest.mark.parametrize("extensions", [False, True])
def test_a_ready_page_is_one_row(city: list[Report], extensions: bool) -> None:
    _stored(**WINDOW)
    with CaptureQueriesContext(connection) as queries:
        answer = _stored(extensions=extensions, **WINDOW)
    assert len(queries) == 1 and "AS page" in queries[0]["sql"]
    assert answer == reference_list("json", extensions=extensions, **WINDOW)


@pytest.mark.parametrize(
    ("keys", "in_order"),
    [
        ("2026-01-02 10:00:00 2,2026-01-01 10:00:00.500000 9,2026-01-01 10:00:00 7", True),
        ("2026-01-01 10:00:00 07,2026-01-01 10:00:00 09", False),  # same time: id descending
        ("2026-01-01 10:00:00 7,2026-01-01 10:00:00.5 3", False),  # the fraction is later
        ("2026-01-01 10:00:00 7,2026-01-01 10:00:00 7", False),
        (None, True),  # PostgreSQL orders in SQL
    ],
)
def test_sqlite_sort_keys_prove_the_page_order(keys: str | None, in_order: bool) -> None:
    assert stored._in_page_order(keys) is in_order


@pytest.mark.parametrize("extensions", [False, True])
def test_documents_joined_out_of_order_are_read_row_by_row(
    city: list[Report], monkeypatch: pytest.MonkeyPatch, extensions: bool
) -> None:
    _stored(**WINDOW)
    monkeypatch.setattr(stored, "_in_page_order", lambda keys: False)
    with CaptureQueriesContext(connection) as queries:
        answer = _stored(extensions=extensions, **WINDOW)
    assert len(queries) == 2
    assert answer == reference_list("json", extensions=extensions, **WINDOW)


def _rename_category(city: list[Report]) -> None:
    ServiceCategory.objects.filter(code="camping").update(name="Lagern <neu>")


def _flip_person_related(city: list[Report]) -> None:
    category = ServiceCategory.objects.get(code="camping")
    category.person_related = False
    category.save()


def _rename_organisation(city: list[Report]) -> None:
    organisation = Organisation.objects.get(pk=city[2].responsible_id)
    organisation.name = "EDG & Partner"
    organisation.save()


def _public_note(city: list[Report]) -> None:
    ReportUpdate.objects.create(
        report=city[3], at=timezone.now(), to_status="in_progress", public_note=NASTY
    )


def _edit_note(city: list[Report]) -> None:
    ReportUpdate.objects.filter(report=city[0], internal_only=False).update(public_note="neu")


def _delete_notes(city: list[Report]) -> None:
    ReportUpdate.objects.filter(report=city[0]).delete()


def _approve_photo(city: list[Report]) -> None:
    ReportPhoto.objects.filter(report=city[0], state=PhotoState.PENDING).update(
        state=PhotoState.APPROVED
    )


def _reject_photos(city: list[Report]) -> None:
    for photo in ReportPhoto.objects.filter(report=city[4]):
        photo.state = PhotoState.REJECTED
        photo.save()


def _new_photo(city: list[Report]) -> None:
    add_photo(city[6], PhotoState.APPROVED, timezone.now())


def _close_report(city: list[Report]) -> None:
    report = Report.objects.get(pk=city[0].pk)
    report.status = ReportStatus.FIXED
    report.save()


def _scrub_texts(city: list[Report]) -> None:  # what retention does: a bulk update()
    Report.objects.filter(pk__in=[r.pk for r in city]).update(
        public_description="", address_string=""
    )


def _raw_sql(city: list[Report]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET lat = lat + 0.001 WHERE id = %s", [city[2].pk])


def _mark_duplicate(city: list[Report]) -> None:
    Report.objects.filter(pk=city[7].pk).update(duplicate_of=city[1], status=ReportStatus.DUPLICATE)


def _hide_report(city: list[Report]) -> None:
    Report.objects.filter(pk=city[8].pk).update(source="field")


def _delete_report(city: list[Report]) -> None:
    Report.objects.filter(pk=city[9].pk).delete()


@pytest.mark.parametrize(
    "write",
    [
        _rename_category,
        _flip_person_related,
        _rename_organisation,
        _public_note,
        _edit_note,
        _delete_notes,
        _approve_photo,
        _reject_photos,
        _new_photo,
        _close_report,
        _scrub_texts,
        _raw_sql,
        _mark_duplicate,
        _hide_report,
        _delete_report,
    ],
)
def test_every_write_makes_its_documents_stale(
    city: list[Report], write: Callable[[list[Report]], None]
) -> None:
    before = _stored(extensions=True, **WINDOW)
    assert _ready() == len(city)
    write(city)
    after = reference_list("json", extensions=True, **WINDOW)
    assert after != before  # the write changed the public answer
    assert _stored(extensions=True, **WINDOW) == after
    assert _stored(**WINDOW) == reference_list("json", extensions=False, **WINDOW)


def test_a_deleted_report_takes_its_document_along(city: list[Report]) -> None:
    _stored(**WINDOW)
    city[9].delete()
    assert not RequestDocument.objects.filter(report_id=city[9].pk).exists()


def test_the_retention_of_report_texts_empties_the_stored_copies(city: list[Report]) -> None:
    closed = Report.objects.get(pk=city[2].pk)  # with a description and an address
    closed.status, closed.closed_at = ReportStatus.FIXED, timezone.now() - timedelta(days=400)
    closed.save()
    _stored(**WINDOW)
    assert b"Ende" in RequestDocument.objects.get(report=closed).body
    assert run_retention().counts()["report_text"] == 1
    assert RequestDocument.objects.get(report=closed).body is None
    assert _stored(**WINDOW) == reference_list("json", extensions=False, **WINDOW)


def test_an_unrelated_category_change_keeps_the_documents(city: list[Report]) -> None:
    _stored(**WINDOW)
    ServiceCategory.objects.filter(code="camping").update(description="Neue Erklärung", order=9)
    assert _ready() == len(city)


@pytest.mark.parametrize("stored_before", [True, False])
def test_a_write_between_reading_and_storing_is_not_lost(
    city: list[Report], monkeypatch: pytest.MonkeyPatch, stored_before: bool
) -> None:
    """The reader renders from the data before a write and stores after it: compare and set
    refuses (an update of a stored document, or an insert where none was), so the next reader
    renders the written state."""
    report = city[0] if stored_before else city[3]
    if stored_before:
        _stored(**WINDOW)
        assert RequestDocument.objects.get(report=report).body is not None
    else:  # never rendered and never written since the triggers came
        RequestDocument.objects.filter(report=report).delete()
    render = stored._render

    def render_then_write(missing: Any) -> Any:
        rendered = render(missing)
        ReportUpdate.objects.create(
            report=report, at=timezone.now(), to_status="new", public_note="spätere Notiz"
        )
        return rendered

    monkeypatch.setattr(stored, "_render", render_then_write)
    if stored_before:
        ReportUpdate.objects.filter(report=report).update(public_note="erste Notiz")
    assert "spätere Notiz".encode() not in _stored(**WINDOW)  # answers from what it read
    monkeypatch.setattr(stored, "_render", render)
    assert RequestDocument.objects.get(report=report).body is None  # but did not keep it
    assert "spätere Notiz".encode() in _stored(**WINDOW)
    assert _stored(**WINDOW) == reference_list("json", extensions=False, **WINDOW)


@pytest.mark.parametrize("extensions", [False, True])
def test_a_report_hidden_while_the_page_is_rendered_is_left_out(
    city: list[Report], monkeypatch: pytest.MonkeyPatch, extensions: bool
) -> None:
    hidden = city[3]  # no stored document: rendered after the page was read
    RequestDocument.objects.filter(report=hidden).delete()
    _stored(**WINDOW)
    RequestDocument.objects.filter(report=hidden).delete()
    render = stored._render

    def hide_then_render(ids: Any) -> Any:
        Report.objects.filter(pk=hidden.pk).update(source="field")
        return render(ids)

    monkeypatch.setattr(stored, "_render", hide_then_render)
    answer = _stored(extensions=extensions, **WINDOW)
    assert f'"service_request_id":"{hidden.pk}"'.encode() not in answer
    assert answer == reference_list("json", extensions=extensions, **WINDOW)


def test_the_migrations_leave_every_trigger_in_place(db: Any) -> None:
    stored.triggers_present.cache_clear()
    assert stored.triggers_present("default")


def test_without_its_triggers_the_list_renders_from_the_reports(
    city: list[Report], caplog: pytest.LogCaptureFixture
) -> None:
    """A later migration that rebuilds `reports_report` on SQLite drops its triggers: the
    stored documents could go stale, so they are not used (and the log says why)."""
    _stored(**WINDOW)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER open311_doc_report_update")
        else:
            cursor.execute("DROP TRIGGER open311_doc_report ON reports_report")
    stored.triggers_present.cache_clear()
    try:
        _close_report(city)  # no longer marks its document stale
        with caplog.at_level(logging.ERROR, logger="stadtlage.open311"):
            for extensions in (False, True):
                expected = reference_list("json", extensions=extensions, **WINDOW)
                assert _stored(extensions=extensions, **WINDOW) == expected
        assert "open311_doc_report" in caplog.text
    finally:
        stored.triggers_present.cache_clear()  # the test's transaction brings them back


def test_storing_is_best_effort(
    city: list[Report], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def busy(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("database is locked")

    RequestDocument.objects.all().delete()
    monkeypatch.setattr(QuerySet, "bulk_create", busy)
    with caplog.at_level(logging.INFO, logger="stadtlage.open311"):
        assert _stored(**WINDOW) == reference_list("json", extensions=False, **WINDOW)
    assert "database is locked" in caplog.text
    assert not RequestDocument.objects.exists()


def test_changed_settings_render_the_documents_again(city: list[Report]) -> None:
    _stored(**WINDOW)
    with override_settings(PUBLIC_CELL_METRES=500):
        assert _ready() == 0
        _assert_reference(**WINDOW)
        assert _ready() == len(city)
