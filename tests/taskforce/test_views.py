"""Pages of the Sonderstab: who sees what, forms through the services, stable query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stadtlage.taskforce.models import Recommendation, RecommendationState
from tests.taskforce.conftest import make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db

PAGES = {
    "/sonderstab/": {"member", "group_lead", "lead", "board"},
    "/sonderstab/empfehlungen/": {"member", "group_lead", "lead", "board"},
    "/sonderstab/sitzungen/": {"member", "group_lead", "lead", "board"},
    "/sonderstab/ergebnisse/": {"member", "group_lead", "lead", "board"},
    "/sonderstab/vorstand/": {"lead", "board"},
    "/sonderstab/berichte/": {"lead", "board", "mayor"},
}


@pytest.mark.parametrize("url", PAGES)
def test_pages_by_role(client: Any, people: Any, url: str) -> None:
    for who, user in people.items():
        client.force_login(user)
        status = client.get(url).status_code
        assert status == (200 if who in PAGES[url] else 403), (who, url, status)
    client.logout()
    assert client.get(url).status_code == 302


def test_navigation_and_start_panel(client: Any, people: Any) -> None:
    client.force_login(people["lead"])
    page = client.get("/").content.decode()
    assert 'href="/sonderstab/"' in page and 'data-panel="taskforce"' in page
    client.force_login(people["mayor"])
    page = client.get("/").content.decode()
    assert 'href="/sonderstab/berichte/"' in page and 'href="/sonderstab/"' not in page


def test_create_edit_and_release_a_draft(client: Any, people: Any, group: Any) -> None:
    client.force_login(people["member"])
    response = client.post(
        "/sonderstab/empfehlungen/neu/",
        {"working_group": group.pk, "title": "Ruheplätze", "problem": "30 Schlaflager"},
    )
    rec = Recommendation.objects.get(title="Ruheplätze")
    assert response["Location"] == f"/sonderstab/empfehlungen/{rec.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Für die Vorlage an den Verwaltungsvorstand fehlt noch" in page
    assert "In die Abstimmung geben" not in page  # members do not release
    client.force_login(people["group_lead"])
    response = client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/status/", {"to_state": S.IN_COORDINATION}, follow=True
    )
    assert "mindestens eine vorgeschlagene Maßnahme" in response.content.decode()
    rec.refresh_from_db()
    assert rec.state == S.DRAFT  # refused: nothing moved, nothing in the history
    assert not rec.events.filter(kind="transition").exists()
    client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/massnahmen/", {"title": "Aufsuchende Sozialarbeit"}
    )
    response = client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/status/", {"to_state": S.IN_COORDINATION}, follow=True
    )
    assert "Neuer Status: in Abstimmung (Arbeitsgruppe)" in response.content.decode()
    rec.refresh_from_db()
    assert rec.state == S.IN_COORDINATION


def test_detail_of_a_draft_is_hidden_from_other_groups_and_the_board(
    client: Any, people: Any, group: Any
) -> None:
    rec = make_recommendation(group)
    client.force_login(people["board"])
    assert client.get(f"/sonderstab/empfehlungen/{rec.pk}/").status_code == 404
    client.force_login(people["member"])
    assert client.get(f"/sonderstab/empfehlungen/{rec.pk}/").status_code == 200


def test_board_records_a_decision_on_its_desk(client: Any, people: Any, group: Any) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    client.force_login(people["board"])
    page = client.get("/sonderstab/vorstand/").content.decode()
    assert rec.title in page and "Beschluss: mit Auflagen beschlossen" in page
    client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/status/",
        {
            "to_state": S.DECIDED,
            "decided_on": today().isoformat(),
            "wording": "Beschlossen wie vorgelegt.",
            "next": "/sonderstab/vorstand/",
        },
    )
    rec.refresh_from_db()
    assert rec.state == S.DECIDED
    assert rec.decisions.get().wording == "Beschlossen wie vorgelegt."


def test_next_parameter_must_stay_on_the_site(client: Any, people: Any, group: Any) -> None:
    rec = make_recommendation(group, state=S.SUBMITTED)
    client.force_login(people["board"])
    response = client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/status/",
        {
            "to_state": S.DEFERRED,
            "decided_on": today().isoformat(),
            "wording": "Später.",
            "next": "https://example.org/",
        },
    )
    assert response["Location"] == f"/sonderstab/empfehlungen/{rec.pk}/"
    rec.refresh_from_db()
    assert rec.state == S.DEFERRED
    assert (rec.decisions.get().outcome, rec.decisions.get().wording) == ("deferred", "Später.")


def test_group_lead_sets_lead_and_deputy(client: Any, people: Any, group: Any) -> None:
    client.force_login(people["group_lead"])
    response = client.post(
        f"/sonderstab/arbeitsgruppen/{group.slug}/bearbeiten/",
        {
            "mission": "Belästigungen unterbinden.",
            "lead": people["group_lead"].pk,
            "deputy": people["member"].pk,
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.lead, group.deputy) == (people["group_lead"], people["member"])
    client.force_login(people["member"])
    assert client.get(f"/sonderstab/arbeitsgruppen/{group.slug}/bearbeiten/").status_code == 403


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/sonderstab/empfehlungen/",
        "/sonderstab/ergebnisse/",
        "/sonderstab/vorstand/",
        "/sonderstab/",
    ],
)
def test_list_pages_do_not_grow_with_the_rows(
    client: Any, people: Any, group: Any, url: str
) -> None:
    states = [S.SUBMITTED, S.IN_IMPLEMENTATION]
    for k, state in enumerate(states):
        make_recommendation(group, state=state, title=f"E{k}")
    client.force_login(people["lead"])
    few = _queries(client, url)
    for k in range(6):
        make_recommendation(group, state=states[k % 2], title=f"F{k}")
    assert _queries(client, url) == few


def test_a_key_figure_without_a_target_is_named_so(client: Any, people: Any, group: Any) -> None:
    """A link may name a key figure the recommendation hopes to move without a target."""
    from stadtlage.taskforce.models import RecommendationIndicator
    from tests.taskforce.conftest import make_indicator

    submitted = make_recommendation(group, state=S.SUBMITTED)
    decided = make_recommendation(group, state=S.DECIDED, title="Reinigung Hauptbahnhof")
    for rec in (submitted, decided):
        RecommendationIndicator.objects.create(
            recommendation=rec, indicator=make_indicator(code=f"ohne-{rec.pk}", name="Müll")
        )
    client.force_login(people["board"])
    board = client.get("/sonderstab/vorstand/").content.decode()
    assert "Müll: ohne Zielwert" in board
    assert " bis <br>" not in board and "→  bis" not in board
    client.force_login(people["lead"])
    results = client.get("/sonderstab/ergebnisse/").content.decode()
    assert "Müll (ohne Zielwert" in results
    assert "Ziel  bis" not in results
