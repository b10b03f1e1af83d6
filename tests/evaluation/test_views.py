"""Pages of the evaluations: who sees what, German errors naming the field, no 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stadtlage.evaluation import services
from stadtlage.evaluation.models import Evaluation, EvaluationStatus
from tests.evaluation.conftest import design_input, history
from tests.factories import WorkingGroupFactory
from tests.taskforce.conftest import make_recommendation

pytestmark = pytest.mark.django_db


def _design_post(areas, outcome, **extra):
    data = {
        "target_areas": [areas["target"].pk],
        "target_polygon": "",
        "buffer_m": "200",
        "displacement_areas": [areas["near"].pk],
        "control_areas": [areas["control"].pk],
        "control_polygon": "",
        "outcomes": [outcome.pk],
        "start_date": "2025-03-03",
        "pre_weeks": "12",
        "post_weeks": "12",
        "expected_reduction_pct": "20",
    }
    data.update(extra)
    return data


def test_who_may_see_and_set_up(client, analyst, board, outsider):
    for user, list_status, create_status in ((analyst, 200, 200), (board, 200, 403)):
        client.force_login(user)
        assert client.get(reverse("evaluation:list")).status_code == list_status
        assert client.get(reverse("evaluation:create")).status_code == create_status
    client.force_login(outsider)
    assert client.get(reverse("evaluation:list")).status_code == 403
    client.logout()
    assert client.get(reverse("evaluation:list")).status_code == 302


def test_set_up_edit_and_errors_in_german(client, analyst, areas, outcome):
    client.force_login(analyst)
    response = client.post(reverse("evaluation:create"), {"title": "Doppelstreifen"})
    evaluation = Evaluation.objects.get()
    assert response.url == reverse("evaluation:design", kwargs={"pk": evaluation.pk})
    url = reverse("evaluation:design", kwargs={"pk": evaluation.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Zum Festlegen fehlt noch" in page.content.decode()
    # a broken polygon and a touching control: German messages at the fields, nothing stored
    bad = _design_post(
        areas,
        outcome,
        target_polygon='{"type": "Polygon", "coordinates": [[[7.46, 51.51]]]}',
        control_areas=[areas["touching"].pk],
    )
    response = client.post(url, bad)
    text = response.content.decode()
    assert response.status_code == 200
    assert "kein gültiges Polygon" in text
    assert evaluation.versions.get().target_area_ids == []
    response = client.post(url, _design_post(areas, outcome, control_areas=[areas["touching"].pk]))
    assert "berührt das Zielgebiet" in response.content.decode()
    response = client.post(url, _design_post(areas, outcome, pre_weeks="x"))
    assert response.status_code == 200 and "Vorzeitraum" in response.content.decode()
    response = client.post(url, _design_post(areas, outcome))
    assert response.status_code == 302
    assert evaluation.versions.get().control_area_ids == [areas["control"].pk]


def test_freeze_read_and_change_on_the_pages(
    client, analyst, board, areas, outcome, start, add_reports
):
    history(add_reports, start, target=[30] * 12 + [15] * 12, control=[30] * 24)
    evaluation = services.evaluation_create(title="Doppelstreifen", actor=analyst)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    client.force_login(analyst)
    freeze = reverse("evaluation:freeze", kwargs={"pk": evaluation.pk})
    detail = reverse("evaluation:detail", kwargs={"pk": evaluation.pk})
    page = client.post(freeze, {"retrospective_reason": ""}, follow=True)
    assert "braucht eine Begründung" in page.content.decode()
    client.post(freeze, {"retrospective_reason": "Daten lagen vor."})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FROZEN
    page = client.post(reverse("evaluation:compute", kwargs={"pk": evaluation.pk}), follow=True)
    text = page.content.decode()
    assert "Rückgang um 50 %" in text and "<svg" in text
    assert evaluation.versions.get().sha256 in text
    client.force_login(board)
    page = client.get(detail)
    assert page.status_code == 200 and "Rückgang um 50 %" in page.content.decode()
    assert "Design ändern" not in page.content.decode()
    assert client.post(freeze).status_code == 403
    client.force_login(analyst)
    client.post(reverse("evaluation:revise", kwargs={"pk": evaluation.pk}), {"reason": "Neu."})
    assert evaluation.versions.count() == 2


def test_recommendation_page_offers_evaluation_and_reason(client, lead, areas, outcome):
    rec = make_recommendation(WorkingGroupFactory(slug="ag"), state="completed")
    client.force_login(lead)
    url = reverse("taskforce:recommendation_detail", kwargs={"pk": rec.pk})
    text = client.get(url).content.decode()
    assert "Wirkung (Evaluation)" in text and f"?empfehlung={rec.pk}" in text
    response = client.post(
        reverse("evaluation:not_possible"), {"recommendation": rec.pk, "reason": "zu kurz"}
    )
    assert response.status_code == 302 and not Evaluation.objects.exists()
    client.post(
        reverse("evaluation:not_possible"),
        {"recommendation": rec.pk, "reason": "Keine ortsbezogene Zielgröße vorhanden."},
    )
    assert Evaluation.objects.get().status == EvaluationStatus.NOT_POSSIBLE
    assert "Keine ortsbezogene Zielgröße vorhanden." in client.get(url).content.decode()


def test_pages_in_english(client, analyst, areas, outcome):
    client.force_login(analyst)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("evaluation:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Evaluations of measures" in page.content.decode()
