"""The public summary of a recommendation: drafted by the Sonderstab, published only when a
member of the Verwaltungsvorstand approves it; every step in the history and the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client

from stadtlage.accounts.models import User
from stadtlage.audit.models import AuditEvent
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import services
from stadtlage.taskforce.errors import NotAllowed, TransitionError
from tests.taskforce.conftest import make_recommendation

pytestmark = pytest.mark.django_db
TEXT = "Doppelstreifen von KOD und Polizei am Westenhellweg, täglich 10 bis 20 Uhr."


def test_draft_then_board_approval_publishes_exactly_the_draft(
    group: WorkingGroup, people: dict[str, User]
) -> None:
    rec = make_recommendation(group, state="decided")
    services.recommendation_public_summary_draft(
        recommendation=rec, text=TEXT, actor=people["group_lead"]
    )
    assert rec.public_summary == TEXT and rec.public_summary_approved == ""
    with pytest.raises(NotAllowed):
        services.recommendation_public_summary_approve(recommendation=rec, actor=people["lead"])
    services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    rec.refresh_from_db()
    assert rec.public_summary_approved == TEXT
    assert rec.public_summary_approved_by == people["board"]
    # a later draft does not change what is public until the next approval
    services.recommendation_public_summary_draft(
        recommendation=rec, text="Neuer Entwurf", actor=people["lead"]
    )
    rec.refresh_from_db()
    assert rec.public_summary_approved == TEXT
    notes = list(rec.events.values_list("note", flat=True))
    assert "Öffentliche Zusammenfassung freigegeben" in notes
    audited = AuditEvent.objects.filter(
        object_id=str(rec.pk), object_type="taskforce.recommendation"
    )
    assert {e.note for e in audited} >= {
        "Öffentliche Zusammenfassung: Entwurf",
        "Öffentliche Zusammenfassung: Freigabe",
    }


def test_only_decided_recommendations_can_be_published(
    group: WorkingGroup, people: dict[str, User]
) -> None:
    rec = make_recommendation(group, state="submitted")
    services.recommendation_public_summary_draft(
        recommendation=rec, text=TEXT, actor=people["lead"]
    )
    with pytest.raises(NotAllowed):  # the board cannot publish before deciding
        services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    decided = make_recommendation(group, state="decided", title="Ohne Entwurf")
    with pytest.raises(TransitionError, match="keinen Entwurf"):
        services.recommendation_public_summary_approve(
            recommendation=decided, actor=people["board"]
        )


def test_members_cannot_draft(group: WorkingGroup, people: dict[str, User]) -> None:
    rec = make_recommendation(group, state="decided")
    with pytest.raises(NotAllowed):
        services.recommendation_public_summary_draft(
            recommendation=rec, text=TEXT, actor=people["member"]
        )


def test_the_page_offers_draft_and_approval_to_the_right_people(
    client: Client, group: WorkingGroup, people: dict[str, User]
) -> None:
    rec = make_recommendation(group, state="decided")
    url = f"/sonderstab/empfehlungen/{rec.pk}/"
    client.force_login(people["lead"])
    response = client.post(f"{url}oeffentlich/", {"public_summary": TEXT}, follow=True)
    body = response.content.decode()
    assert TEXT in body and "Entwurf freigeben" not in body
    client.force_login(people["board"])
    body = client.get(url).content.decode()
    assert "Entwurf freigeben und veröffentlichen" in body
    client.post(f"{url}oeffentlich/freigeben/")
    rec.refresh_from_db()
    assert rec.public_summary_approved == TEXT
