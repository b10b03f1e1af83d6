"""The weekly meeting: proposed agenda, minutes frozen on closing, amendments, calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from stadtlage.kpi.models import IndicatorSeries
from stadtlage.taskforce import agenda, selectors, services
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TaskforceError
from stadtlage.taskforce.models import (
    AgendaKind,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    Recommendation,
    RecommendationState,
)
from stadtlage.taskforce.seed import load_demo_taskforce
from stadtlage.taskforce.services.common import canonical_sha256
from tests.taskforce.conftest import make_indicator, make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db


def _meeting(days: int, lead: Any) -> Meeting:
    starts = datetime.combine(
        today() + timedelta(days=days), time(10), tzinfo=timezone.get_current_timezone()
    )
    return services.meeting_create(
        title="Sitzung des Sonderstabs",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        actor=lead,
    )


def test_agenda_proposal_on_the_demo_city() -> None:
    call_command("demo", "--events", "3000", verbosity=0)
    now = timezone.now()
    load_demo_taskforce(now=now)
    # a decision of the board since the last meeting
    submitted = Recommendation.objects.get(state=S.SUBMITTED)
    services.recommendation_transition(
        recommendation=submitted,
        to_state=S.DECIDED,
        actor=None,
        decided_on=today(),
        wording="Der Verwaltungsvorstand beschließt die Sauberkeitsoffensive.",
    )
    meeting = selectors.next_meeting(now)
    assert meeting is not None and meeting.status == MeetingStatus.PLANNED
    created = services.agenda_propose(meeting=meeting, actor=None)
    kinds = {item.kind for item in created}
    assert {
        AgendaKind.BOARD_DECISION,
        AgendaKind.RECOMMENDATION,
        AgendaKind.MILESTONE,
        AgendaKind.ACTION_ITEM,
    } <= kinds
    titles = [item.title for item in created]
    decision = "Beschluss des Verwaltungsvorstands: Sauberkeitsoffensive Katharinentreppe"
    assert f"{decision} und Bahnhofsumfeld" in titles
    assert any(t.startswith("Empfehlung zur Beratung: Ruheplätze") for t in titles)
    assert any(
        t == "Meilenstein überfällig: Kooperationsvereinbarung fortgeschrieben" for t in titles
    )
    assert [i.order for i in created] == list(range(1, len(created) + 1))
    # the board decision comes first, and proposing again adds nothing
    assert created[0].kind == AgendaKind.BOARD_DECISION
    assert services.agenda_propose(meeting=meeting, actor=None) == []
    # idempotent seed
    assert load_demo_taskforce(now=now) == {"recommendations": 0, "meetings": 0}


def test_new_spc_signals_since_the_last_meeting_are_proposed(people: Any) -> None:
    lead = people["lead"]
    previous = _meeting(-7, lead)
    meeting = _meeting(0, lead)
    indicator = make_indicator(code="betteln", name="Aggressives Betteln")
    monday = today() - timedelta(days=today().weekday())
    periods = [monday - timedelta(weeks=k) for k in (4, 3, 2, 1)]
    IndicatorSeries.objects.create(
        indicator=indicator,
        version_number=1,
        computed_at=timezone.now(),
        data={
            "period": "week",
            "periods": [p.isoformat() for p in periods],
            "labels": [f"KW {p.isocalendar()[1]:02d}" for p in periods],
            "values": [10, 11, 30, 2],
            "spc": {
                "flags": [
                    "common_cause",
                    "special_cause_concern",
                    "common_cause",
                    "special_cause_improvement",
                ]
            },
        },
    )
    proposals = agenda.signals_since(previous.starts_at, meeting.starts_at)
    assert len(proposals) == 1
    p = proposals[0]
    assert p.kind == AgendaKind.SIGNAL and p.indicator_id == indicator.pk
    assert p.title == "Signal: Aggressives Betteln"
    # only the last completed week ended after the previous meeting
    assert p.reason.startswith("Verbesserung in KW")


def test_the_lead_edits_the_agenda_and_others_cannot(people: Any, group: Any) -> None:
    meeting = _meeting(1, people["lead"])
    make_recommendation(group, state=S.IN_COORDINATION, title="Ruheplätze")
    with pytest.raises(NotAllowed):
        services.agenda_propose(meeting=meeting, actor=people["group_lead"])
    services.agenda_propose(meeting=meeting, actor=people["lead"])
    extra = services.agenda_item_save(meeting=meeting, actor=people["lead"], title="Verschiedenes")
    services.agenda_item_move(item=extra, direction=-1, actor=people["lead"])
    titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles == ["Verschiedenes", "Empfehlung zur Beratung: Ruheplätze"]


def test_a_meeting_cannot_be_closed_before_it_has_started(people: Any) -> None:
    lead, member = people["lead"], people["member"]
    meeting = _meeting(1, lead)
    services.attendance_set(meeting=meeting, person=member, status="present", actor=lead)
    expected = f"{meeting.starts_at:%d.%m.%Y}"
    with pytest.raises(TaskforceError, match=f"beginnt erst am {expected}"):
        services.meeting_close(meeting=meeting, actor=lead)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.minutes_snapshot is None
    assert not meeting.has_started
    # once it has begun, it can be closed
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    assert meeting.has_started
    assert services.meeting_close(meeting=meeting, actor=lead).status == MeetingStatus.CLOSED


def test_closed_minutes_are_frozen_and_amended(people: Any) -> None:
    lead, member = people["lead"], people["member"]
    meeting = _meeting(-1, lead)
    item = services.agenda_item_save(meeting=meeting, actor=lead, title="Lage der Woche")
    services.minutes_record(
        item=item, minutes="Lage vorgestellt.", outcome="Kenntnis genommen.", actor=lead
    )
    action = services.action_item_create(
        meeting=meeting,
        agenda_item=item,
        title="Zahlen nachreichen",
        owner=member,
        due_date=today(),
        actor=lead,
    )
    with pytest.raises(TaskforceError, match="Anwesenheit"):
        services.meeting_close(meeting=meeting, actor=lead)
    services.attendance_set(meeting=meeting, person=member, status="present", actor=lead)
    closed = services.meeting_close(meeting=meeting, actor=lead)
    assert closed.status == MeetingStatus.CLOSED and len(closed.minutes_sha256) == 64
    snapshot = closed.minutes_snapshot
    assert snapshot["agenda"][0]["minutes"] == "Lage vorgestellt."
    assert snapshot["agenda"][0]["action_items"][0]["title"] == "Zahlen nachreichen"
    assert canonical_sha256(snapshot) == closed.minutes_sha256

    for attempt in (
        lambda: services.minutes_record(item=item, minutes="geändert", outcome="", actor=lead),
        lambda: services.agenda_item_save(meeting=closed, actor=lead, title="neu"),
        lambda: services.agenda_item_remove(item=item, actor=lead),
        lambda: services.attendance_set(meeting=closed, person=member, status="absent", actor=lead),
        lambda: services.action_item_create(
            meeting=closed, title="x", owner=member, due_date=today(), actor=lead
        ),
        lambda: services.meeting_close(meeting=closed, actor=lead),
    ):
        with pytest.raises(FrozenError, match="festgeschrieben"):
            attempt()
    item.refresh_from_db()
    assert item.minutes == "Lage vorgestellt."

    amendment = services.minutes_amend(
        meeting=closed,
        agenda_item=item,
        text="Richtig: 12 statt 21 Einsätze.",
        reason="Zahlendreher",
        actor=lead,
    )
    assert amendment.created_by == lead
    closed.refresh_from_db()
    assert closed.minutes_snapshot == snapshot  # the original stays as it was
    # action items are completed after the meeting by their owner
    services.action_item_set_status(item=action, status="done", actor=member)
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None


def test_amendments_only_for_closed_minutes(people: Any) -> None:
    meeting = _meeting(0, people["lead"])
    with pytest.raises(TaskforceError, match="abgeschlossenen"):
        services.minutes_amend(meeting=meeting, text="x", reason="y", actor=people["lead"])


def test_meetings_are_planned_from_the_schedule_idempotently(people: Any) -> None:
    schedule = MeetingSchedule.objects.create(
        title="Wochensitzung",
        weekday=1,
        start_time=time(10),
        duration_minutes=90,
        valid_from=today(),
    )
    first = services.meetings_plan(
        schedule=schedule, until=today() + timedelta(weeks=4), actor=people["lead"]
    )
    assert 4 <= len(first) <= 5
    assert all(timezone.localtime(m.starts_at).weekday() == 1 for m in first)
    assert all(timezone.localtime(m.starts_at).hour == 10 for m in first)
    again = services.meetings_plan(
        schedule=schedule, until=today() + timedelta(weeks=4), actor=people["lead"]
    )
    assert again == []


def test_calendar_export(client: Any, people: Any, group: Any) -> None:
    meeting = _meeting(2, people["lead"])
    rec = make_recommendation(group, state=S.IN_IMPLEMENTATION, title="Präsenz, Doppelstreifen")
    client.force_login(people["member"])
    response = client.get("/sonderstab/kalender.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"UID:meeting-{meeting.pk}@stadtlage" in body
    milestone = rec.milestones.get()
    assert f"UID:milestone-{milestone.pk}@stadtlage" in body
    assert f"DTSTART;VALUE=DATE:{milestone.due_date:%Y%m%d}" in body
    client.force_login(people["mayor"])
    assert client.get("/sonderstab/kalender.ics").status_code == 403
