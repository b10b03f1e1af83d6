"""The meeting pages: the lead proposes and edits the agenda, records minutes and closes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.taskforce.models import (
    ActionItem,
    Attendance,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
    RecommendationState,
)
from tests.taskforce.conftest import make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting() -> Meeting:
    starts = timezone.now() + timedelta(days=1)
    return Meeting.objects.create(
        title="Sitzung des Sonderstabs", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def test_a_meeting_from_proposal_to_frozen_minutes(
    client: Any, people: Any, group: Any, meeting: Meeting
) -> None:
    rec = make_recommendation(group, state=S.IN_COORDINATION, title="Ruheplätze")
    base = f"/sonderstab/sitzungen/{meeting.pk}/"
    client.force_login(people["lead"])
    response = client.post(base + "vorschlagen/", follow=True)
    assert "1 Punkt(e) vorgeschlagen." in response.content.decode()
    item = meeting.agenda_items.get()
    page = client.get(base).content.decode()
    assert "Als im Sonderstab beraten festhalten" in page
    # deliberated from the agenda: the history links the meeting
    client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/status/",
        {"to_state": S.DISCUSSED, "meeting": meeting.pk, "next": base},
    )
    rec.refresh_from_db()
    assert rec.state == S.DISCUSSED and rec.events.get(kind="transition").meeting == meeting
    client.post(
        f"/sonderstab/top/{item.pk}/protokoll/",
        {"minutes": "Beraten.", "outcome": "Vorlage an den Vorstand."},
    )
    client.post(
        base + "auftraege/",
        {
            "agenda_item": item.pk,
            "title": "Kosten ergänzen",
            "owner": people["member"].pk,
            "due_date": (today() + timedelta(days=7)).isoformat(),
        },
    )
    client.post(
        base + "anwesenheit/",
        {f"person_{people['member'].pk}": "present", f"person_{people['lead'].pk}": "present"},
    )
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    # tomorrow's meeting cannot be closed yet: the refusal shows as an error, not as success
    page = client.get(base).content.decode()
    assert "Abschließen lässt sich die Sitzung erst nach ihrem Beginn" in page
    assert "Sitzung abschließen und Protokoll festschreiben" not in page
    response = client.post(base + "abschliessen/", follow=True)
    body = response.content.decode()
    assert '<p class="message error" role="alert">Die Sitzung beginnt erst am' in body
    assert 'class="message success"' not in body
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    assert "Sitzung abschließen und Protokoll festschreiben" in client.get(base).content.decode()
    response = client.post(base + "abschliessen/", follow=True)
    assert '<p class="message success">' in response.content.decode()
    assert "Protokoll festgeschrieben" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    response = client.post(
        f"/sonderstab/top/{item.pk}/protokoll/",
        {"minutes": "Überschrieben", "outcome": ""},
        follow=True,
    )
    assert "Korrekturen bitte als Nachtrag erfassen" in response.content.decode()
    item.refresh_from_db()
    assert item.minutes == "Beraten."
    client.post(
        base + "nachtrag/",
        {"agenda_item": item.pk, "text": "Kosten: 130.000 €.", "reason": "Zahl ergänzt"},
    )
    assert MinutesAmendment.objects.get().text == "Kosten: 130.000 €."
    # the owner ticks off the action item after the meeting
    action = ActionItem.objects.get()
    client.force_login(people["member"])
    client.post(f"/sonderstab/auftraege/{action.pk}/status/", {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"


def test_members_read_meetings_but_do_not_run_them(
    client: Any, people: Any, group: Any, meeting: Meeting
) -> None:
    make_recommendation(group, state=S.IN_COORDINATION)  # what a proposal would put on it
    client.force_login(people["member"])
    page = client.get(f"/sonderstab/sitzungen/{meeting.pk}/").content.decode()
    assert "Tagesordnung vorschlagen" not in page
    assert client.post(f"/sonderstab/sitzungen/{meeting.pk}/vorschlagen/").status_code == 403
    assert client.post(f"/sonderstab/sitzungen/{meeting.pk}/abschliessen/").status_code == 403
    meeting.refresh_from_db()
    assert not meeting.agenda_items.exists()
    assert meeting.agenda_proposed_at is None
    assert (meeting.closed_at, meeting.minutes_sha256) == (None, "")


def test_group_page_lists_members_by_organisation(client: Any, people: Any, group: Any) -> None:
    client.force_login(people["member"])
    page = client.get(f"/sonderstab/arbeitsgruppen/{group.slug}/").content.decode()
    assert "Lagezentrum" in page and str(people["group_lead"]) in page
