"""Report services: creation with validation, the status workflow, duplicates."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import (
    OPEN_STATES,
    AttributeDatatype,
    Report,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from stadtlage.reports.services import (
    TRANSITIONS,
    report_create,
    report_mark_duplicate,
    report_transition,
)
from tests.factories import AreaFactory, square, user_with_role
from tests.reports.factories import (
    LAT,
    LON,
    ReportFactory,
    ServiceAttributeFactory,
    ServiceCategoryFactory,
)

pytestmark = pytest.mark.django_db
S = ReportStatus
NOW = datetime(2025, 5, 1, 10, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def category() -> ServiceCategory:
    return ServiceCategoryFactory(code="spritzen", name="Spritzenfund", sla_hours=4)


def _create(category: ServiceCategory, **overrides: Any) -> Report:
    values: dict[str, Any] = {
        "category": category,
        "lat": LAT,
        "lon": LON,
        "description": "Spritzen am Eingang",
        "email": "melder@example.org",
        "source": ReportSource.WEB,
        "now": NOW,
    }
    values.update(overrides)
    return report_create(**values)


def _counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportUpdate.objects.count(), AuditEvent.objects.count()


def test_create_routes_assigns_areas_and_writes_timeline_and_audit(
    category: ServiceCategory,
) -> None:
    inside = AreaFactory(name="Westenhellweg", geometry=square(LAT, LON))
    AreaFactory(name="Nordmarkt", geometry=square(51.5260, 7.4580))
    report = _create(category)
    assert report.status == S.NEW
    assert report.responsible == category.responsible
    assert report.submitted_at == report.updated_at == NOW
    assert report.due_at == NOW + timedelta(hours=4)
    assert report.closed_at is None
    assert list(report.areas.all()) == [inside]
    update = report.updates.get()
    assert (update.from_status, update.to_status, update.at) == ("", S.NEW, NOW)
    event = AuditEvent.objects.get(object_type="reports.report")
    assert event.action == "create"
    assert event.after["description"] == "Spritzen am Eingang"
    assert "reporter_email" not in event.after  # kept out of the longer-lived audit trail


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"lat": 48.1374, "lon": 11.5755}, "location", "außerhalb von Dortmund"),
        ({"lat": float("nan")}, "location", "Zahlen"),
        ({"description": "x" * 4001}, "description", "Beschreibung: höchstens 4000 Zeichen"),
        ({"description": "Hallo <b>fett</b>"}, "description", "kein HTML"),
        ({"address_string": "x" * 251}, "address_string", "Adresse"),
        ({"email": "nicht@"}, "email", "E-Mail"),
        ({"source": "brieftaube"}, "source", "Eingangsweg"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(
    category: ServiceCategory, overrides: dict[str, Any], field: str, fragment: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as info:
        _create(category, **overrides)
    assert field in info.value.message_dict
    assert fragment in " ".join(info.value.message_dict[field])
    assert _counts() == before


def test_create_accepts_plain_text_and_normalises_it(category: ServiceCategory) -> None:
    report = _create(category, description="  Ich <3 Dortmund\r\nzweite Zeile\x07  ")
    assert report.description == "Ich <3 Dortmund\nzweite Zeile"


def test_inactive_category_takes_no_reports(category: ServiceCategory) -> None:
    category.is_active = False
    category.save()
    with pytest.raises(ValidationError, match="keine Meldungen"):
        _create(category)


@pytest.mark.parametrize(
    ("datatype", "answer", "stored"),
    [
        (AttributeDatatype.STRING, " hinter der Bank ", "hinter der Bank"),
        (AttributeDatatype.TEXT, "eins\r\nzwei", "eins\nzwei"),
        (AttributeDatatype.NUMBER, "3", 3),
        (AttributeDatatype.NUMBER, "2,5", 2.5),
        (AttributeDatatype.DATETIME, "2025-05-01T14:30:00Z", "2025-05-01T14:30:00+00:00"),
        (AttributeDatatype.DATETIME, "2025-05-01T14:30", "2025-05-01T14:30:00+02:00"),
        (AttributeDatatype.SINGLEVALUELIST, "a", "a"),
        (AttributeDatatype.SINGLEVALUELIST, ["b"], "b"),
        (AttributeDatatype.MULTIVALUELIST, ["a", "b", "a"], ["a", "b"]),
        (AttributeDatatype.MULTIVALUELIST, "b", ["b"]),
    ],
)
def test_attribute_answers_are_checked_and_normalised(
    category: ServiceCategory, datatype: str, answer: Any, stored: Any
) -> None:
    ServiceAttributeFactory(category=category, code="frage", datatype=datatype)
    report = _create(category, attributes={"frage": answer})
    assert report.attributes == {"frage": stored}


@pytest.mark.parametrize(
    ("datatype", "answer", "fragment"),
    [
        (AttributeDatatype.STRING, "zwei\nZeilen", "Zeilenumbruch"),
        (AttributeDatatype.STRING, "x" * 251, "höchstens 250"),
        (AttributeDatatype.TEXT, "<a href='x'>", "kein HTML"),
        (AttributeDatatype.NUMBER, "drei", "Zahl"),
        (AttributeDatatype.NUMBER, "Infinity", "Zahl"),
        (AttributeDatatype.NUMBER, ["1", "2"], "genau einen Wert"),
        (AttributeDatatype.DATETIME, "1. Mai", "ISO 8601"),
        (AttributeDatatype.SINGLEVALUELIST, "c", "unzulässiger Wert „c“"),
        (AttributeDatatype.SINGLEVALUELIST, ["a", "b"], "genau einen Wert"),
        (AttributeDatatype.MULTIVALUELIST, ["a", "z"], "unzulässiger Wert „z“"),
    ],
)
def test_wrong_attribute_answers(
    category: ServiceCategory, datatype: str, answer: Any, fragment: str
) -> None:
    ServiceAttributeFactory(
        category=category, code="frage", description="Die Frage", datatype=datatype
    )
    with pytest.raises(ValidationError) as info:
        _create(category, attributes={"frage": answer})
    messages = " ".join(info.value.message_dict["attributes"])
    assert "„Die Frage“" in messages
    assert fragment in messages
    assert not Report.objects.exists()


def test_required_and_unknown_attributes(category: ServiceCategory) -> None:
    ServiceAttributeFactory(category=category, code="anzahl", description="Anzahl", required=True)
    ServiceAttributeFactory(category=category, code="info", description="Hinweis", variable=False)
    with pytest.raises(ValidationError) as info:
        _create(category, attributes={"anzahl": "  ", "fremd": "x", "info": "egal"})
    assert info.value.message_dict["attributes"] == [
        "Unbekannte Zusatzangabe „fremd“ für diese Kategorie.",
        "„Anzahl“ ist eine Pflichtangabe.",
    ]
    report = _create(category, attributes={"anzahl": "1", "info": "egal"})
    assert report.attributes == {"anzahl": "1"}


def test_a_failure_inside_the_transaction_stores_nothing(
    category: ServiceCategory, monkeypatch: pytest.MonkeyPatch
) -> None:
    AreaFactory()

    def broken(**kwargs: Any) -> None:
        raise DatabaseError("audit table locked")

    monkeypatch.setattr("stadtlage.reports.services.audit_record", broken)
    before = _counts()
    with pytest.raises(DatabaseError):
        _create(category)
    assert _counts() == before
    assert not Report.areas.through.objects.exists()


# --- workflow -------------------------------------------------------------------------------


@pytest.fixture
def officer(category: ServiceCategory) -> Any:
    """Queue staff of the responsible organisation (KOD)."""
    return user_with_role("kod_officer")


ALL_PAIRS = list(itertools.product(S.values, S.values))


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_pair_of_states_follows_the_transition_map(
    category: ServiceCategory, officer: Any, from_status: str, to_status: str
) -> None:
    report = ReportFactory(category=category, status=from_status)
    original = ReportFactory(category=category)
    allowed = to_status in TRANSITIONS.get(from_status, frozenset())
    updates_before = ReportUpdate.objects.count()

    def act() -> Report:
        if to_status == S.DUPLICATE:
            return report_mark_duplicate(report=report, original=original, actor=officer, now=NOW)
        return report_transition(
            report=report, to_status=to_status, actor=officer, public_note="Erledigt.", now=NOW
        )

    if not allowed:
        with pytest.raises(ValidationError) as info:
            act()
        assert "kann nicht von" in str(info.value.message_dict["to_status"])
        report.refresh_from_db()
        assert report.status == from_status
        assert ReportUpdate.objects.count() == updates_before
        return
    act()
    report.refresh_from_db()
    assert report.status == to_status
    assert report.updated_at == NOW
    assert report.closed_at == (None if to_status in OPEN_STATES else NOW)
    update = report.updates.latest("id")
    assert (update.from_status, update.to_status, update.actor) == (from_status, to_status, officer)
    event = AuditEvent.objects.get(action="transition")
    assert event.before["status"] == from_status
    assert event.after["status"] == to_status


def test_the_map_itself() -> None:
    closed = set(S.values) - OPEN_STATES
    assert set(TRANSITIONS) == set(S.values)
    assert all(S.NEW not in targets for targets in TRANSITIONS.values())
    assert all(TRANSITIONS[state] == {S.REOPENED} for state in closed)
    assert all(state not in TRANSITIONS[state] for state in S.values)
    assert all(S.FIXED in TRANSITIONS[state] for state in OPEN_STATES)


@pytest.mark.parametrize("note", ["", "   "])
def test_fixed_needs_a_public_note(category: ServiceCategory, officer: Any, note: str) -> None:
    report = ReportFactory(category=category, status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as info:
        report_transition(report=report, to_status=S.FIXED, actor=officer, public_note=note)
    assert "öffentlichen Notiz" in str(info.value.message_dict["public_note"])
    report.refresh_from_db()
    assert report.status == S.IN_PROGRESS


def test_fixed_then_reopened(category: ServiceCategory, officer: Any) -> None:
    report = ReportFactory(category=category)
    report_transition(
        report=report,
        to_status=S.FIXED,
        actor=officer,
        public_note="Spritzen entsorgt.",
        internal_note="Team Mitte, 2 Stück",
        now=NOW,
    )
    assert report.status == S.FIXED and report.closed_at == NOW  # caller's object is updated
    report_transition(report=report, to_status=S.REOPENED, actor=officer)
    report.refresh_from_db()
    assert report.status == S.REOPENED
    assert report.closed_at is None
    notes = list(
        report.updates.order_by("id").values_list("to_status", "public_note", "internal_note")
    )
    assert notes[1:] == [
        (S.FIXED, "Spritzen entsorgt.", "Team Mitte, 2 Stück"),
        (S.REOPENED, "", ""),
    ]


def test_duplicate_only_with_an_original(category: ServiceCategory, officer: Any) -> None:
    report = ReportFactory(category=category)
    with pytest.raises(ValidationError, match="Duplikat"):
        report_transition(report=report, to_status=S.DUPLICATE, actor=officer)


def test_mark_duplicate_points_at_the_first_report(category: ServiceCategory, officer: Any) -> None:
    first = ReportFactory(category=category)
    second = ReportFactory(category=category)
    third = ReportFactory(category=category)
    report_mark_duplicate(report=second, original=first, actor=officer)
    report_mark_duplicate(report=third, original=second, actor=officer)
    third.refresh_from_db()
    assert third.duplicate_of == first
    assert third.status == S.DUPLICATE
    assert (
        third.updates.latest("id").public_note
        == f"Diese Meldung liegt bereits vor (Meldung {first.pk})."
    )
    report_transition(report=third, to_status=S.REOPENED, actor=officer)
    third.refresh_from_db()
    assert third.duplicate_of is None


def test_a_report_is_no_duplicate_of_itself(category: ServiceCategory, officer: Any) -> None:
    report = ReportFactory(category=category)
    with pytest.raises(ValidationError, match="sich selbst"):
        report_mark_duplicate(report=report, original=report, actor=officer)


@pytest.mark.parametrize("role", ["police_officer", "analyst", "streetworker", None])
def test_only_the_responsible_queue_or_admin_changes_status(
    category: ServiceCategory, role: str | None
) -> None:
    report = ReportFactory(category=category)
    actor = user_with_role(role) if role else None
    with pytest.raises(PermissionDenied):
        report_transition(report=report, to_status=S.INVESTIGATING, actor=actor)
    report.refresh_from_db()
    assert report.status == S.NEW


def test_admin_may_change_status(category: ServiceCategory) -> None:
    report = ReportFactory(category=category)
    report_transition(report=report, to_status=S.INVESTIGATING, actor=user_with_role("admin"))
    assert report.status == S.INVESTIGATING


def test_unknown_status(category: ServiceCategory, officer: Any) -> None:
    report = ReportFactory(category=category)
    with pytest.raises(ValidationError, match="Unbekannter Status"):
        report_transition(report=report, to_status="verschwunden", actor=officer)


def test_cleaning_tasks_follow_their_report(category: ServiceCategory, officer: Any) -> None:
    from stadtlage.cleaning.models import CleaningStatus, CleaningTask

    report = ReportFactory(category=category)
    task = CleaningTask.objects.create(
        kind="drug_waste",
        lat=report.lat,
        lon=report.lon,
        created_at=NOW,
        due_at=NOW + timedelta(hours=4),
        organisation=report.responsible,
        report=report,
    )
    report_transition(
        report=report, to_status=S.FIXED, actor=officer, public_note="Entsorgt.", now=NOW
    )
    task.refresh_from_db()
    assert (task.status, task.done_at) == (CleaningStatus.DONE, NOW)
    assert AuditEvent.objects.filter(object_type="cleaning.cleaningtask", action="transition")
    report_transition(report=report, to_status=S.REOPENED, actor=officer)
    task.refresh_from_db()
    assert (task.status, task.done_at) == (CleaningStatus.OPEN, None)
