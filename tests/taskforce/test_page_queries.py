"""The board (Verwaltungsvorstand), results and public Lagebild pages read with a number of
queries that does not grow with the data: N and 3N recommendations (each with a decision, a
history, two measures, two milestones and a key figure), seen by every role that opens the page,
take the same number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.kpi.models import Indicator
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce.models import Recommendation, RecommendationState
from stadtlage.taskforce.services import recommendation_transition
from tests.taskforce.conftest import make_indicator, make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db
N = 2


def _grow(group: WorkingGroup, people: dict[str, User], n: int, tag: str) -> None:
    """n recommendations waiting for the board and n decided ones in implementation."""
    board, lead = people["board"], people["lead"]
    for k in range(n):
        pending = make_recommendation(group, state=S.SUBMITTED, title=f"Vorlage {tag}{k}")
        decided = make_recommendation(group, state=S.SUBMITTED, title=f"Beschluss {tag}{k}")
        recommendation_transition(
            recommendation=decided,
            to_state=S.DECIDED,
            actor=board,
            decided_on=today(),
            wording="Der Verwaltungsvorstand beschließt.",
        )
        recommendation_transition(recommendation=decided, to_state=S.IN_IMPLEMENTATION, actor=lead)
        Recommendation.objects.filter(pk=decided.pk).update(
            public_summary_approved=f"Mehr Präsenz ({tag}{k}).",
            public_summary_approved_at=timezone.now(),
            public_summary_approved_by=board,
        )
        for rec in (pending, decided):
            measure = rec.measures.create(title="Bessere Beleuchtung", order=2)
            rec.milestones.create(
                measure=measure,
                title="Leuchten bestellt",
                due_date=today() - timedelta(days=3),
                status="done",
                completed_on=today(),
                completed_by=lead,
            )
        indicator = make_indicator(code=f"oeffentlich-{tag}{k}", name=f"Kennzahl {tag}{k}")
        Indicator.objects.filter(pk=indicator.pk).update(
            public_proposed_by=lead,
            public_proposed_at=timezone.now(),
            public_confirmed_by=board,
            public_confirmed_at=timezone.now(),
        )
        version = indicator.current_version
        assert version is not None
        version.working_group = group
        version.save()


def _queries(client: Client, url: str, expected: str) -> int:
    cache.clear()  # the public pages are cached; count the work of building them
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert expected in response.content.decode()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "who", "label"),
    [
        ("/sonderstab/vorstand/", "board", "Vorlage"),
        ("/sonderstab/vorstand/", "lead", "Vorlage"),
        ("/sonderstab/ergebnisse/", "member", "Beschluss"),
        ("/sonderstab/ergebnisse/", "lead", "Beschluss"),
        ("/sonderstab/ergebnisse/?ag=belaestigungen-bekaempfen", "board", "Beschluss"),
        ("/lagebild/", "", "Kennzahl"),
    ],
)
def test_the_query_count_does_not_grow_with_the_rows(
    client: Client, group: WorkingGroup, people: dict[str, User], url: str, who: str, label: str
) -> None:
    if who:
        client.force_login(people[who])
    _grow(group, people, N, "A")
    _queries(client, url, "")  # the first request of a session also records the device
    few = _queries(client, url, f"{label} A{N - 1}")
    _grow(group, people, 2 * N, "C")  # 3N in all
    assert _queries(client, url, f"{label} C{2 * N - 1}") == few
