"""Evaluations in the governance chain: "evaluiert" guard, agenda proposal, report to the OB."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from stadtlage.evaluation import services
from stadtlage.taskforce import agenda
from stadtlage.taskforce.errors import TransitionError
from stadtlage.taskforce.mayor_report_document import build_document
from stadtlage.taskforce.models import Meeting, RecommendationState
from stadtlage.taskforce.pdf import render_pdf
from stadtlage.taskforce.services import recommendation_transition
from tests.evaluation.conftest import design_input, history
from tests.factories import WorkingGroupFactory
from tests.taskforce.conftest import make_recommendation

pytestmark = pytest.mark.django_db
S = RecommendationState


@pytest.fixture
def rec():
    return make_recommendation(
        WorkingGroupFactory(slug="ag"), state=S.COMPLETED, milestones_done=True
    )


def _evaluated(rec, lead):
    return recommendation_transition(
        recommendation=rec,
        to_state=S.EVALUATED,
        actor=lead,
        evaluation="Meldungen gesunken, keine Verdrängung.",
    )


def test_evaluated_needs_a_completed_evaluation(
    rec, lead, analyst, areas, outcome, start, add_reports
):
    with pytest.raises(TransitionError) as refused:
        _evaluated(rec, lead)
    assert "abgeschlossene Evaluation der Wirkung" in str(refused.value)
    # a draft or frozen evaluation is not enough
    history(add_reports, start, target=[30] * 12 + [15] * 12, control=[30] * 24)
    evaluation = services.evaluation_create(title="Wirkung", recommendation=rec, actor=analyst)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    with pytest.raises(TransitionError):
        _evaluated(rec, lead)
    services.evaluation_compute(evaluation=evaluation, actor=analyst)
    _evaluated(rec, lead)
    rec.refresh_from_db()
    assert rec.state == S.EVALUATED


def test_evaluated_with_a_recorded_reason(rec, lead):
    services.evaluation_record_not_possible(
        recommendation=rec, reason="Plakataktion ohne ortsbezogene Zielgröße.", actor=lead
    )
    _evaluated(rec, lead)
    rec.refresh_from_db()
    assert rec.state == S.EVALUATED


def _meeting_on(day: date) -> Meeting:
    starts = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    return Meeting.objects.create(
        title="Sitzung", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def test_the_agenda_proposes_an_item_when_a_post_window_ends(
    rec, analyst, areas, outcome, add_reports
):
    start = timezone.localdate() - timedelta(weeks=12, days=3)  # last post day: 3 days ago
    history(add_reports, start, target=[10] * 13, control=[10] * 13)
    evaluation = services.evaluation_create(title="Wirkung", recommendation=rec, actor=analyst)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    meeting = _meeting_on(timezone.localdate() + timedelta(days=1))
    proposals = [p for p in agenda.propose(meeting) if p.source_key.startswith("evaluation:")]
    assert len(proposals) == 1
    assert proposals[0].title == "Evaluation auswerten: Wirkung"
    assert proposals[0].recommendation_id == rec.pk
    last_day = (start + timedelta(weeks=12, days=-1)).strftime("%d.%m.%Y")
    assert f"Nachzeitraum endete am {last_day}" in proposals[0].reason
    # once computed, or for a meeting a week later, it is no longer proposed
    later = _meeting_on(timezone.localdate() + timedelta(days=8))
    assert agenda.evaluations_due(meeting.starts_at, later.starts_at) == []


def test_the_report_to_the_mayor_shows_results(
    rec, lead, analyst, areas, outcome, start, add_reports
):
    history(add_reports, start, target=[30] * 12 + [15] * 12, control=[30] * 24)
    evaluation = services.evaluation_create(
        title="Wirkung am Ziel", recommendation=rec, actor=analyst
    )
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="Test.")
    services.evaluation_compute(evaluation=evaluation, actor=analyst)
    today = timezone.localdate()
    with translation.override("de"):
        doc = build_document(
            period="week", period_start=today - timedelta(days=6), period_end=today
        )
    entry = doc["evaluations"][0]
    assert entry["title"] == "Wirkung am Ziel"
    assert entry["headline"].startswith("Rückgang um 50 % gegenüber dem Kontrollgebiet")
    assert "95 %-Konfidenzintervall" in entry["headline"]
    assert any("nachträglich festgelegt" in w for w in entry["warnings"])
    # the PDF (Typst) prints the section too; old documents without it still render
    text = _pdf_text(render_pdf(doc))
    assert "Wirkung der Maßnahmen (Evaluationen)" in text and "Wirkung am Ziel" in text
    assert "Rückgang um 50 %" in text
    del doc["evaluations"]
    assert "Noch keine abgeschlossene Evaluation" in _pdf_text(render_pdf(doc))


def _pdf_text(data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_public_result_without_counts_and_with_small_counts_suppressed(
    rec, analyst, areas, outcome, start, add_reports
):
    from stadtlage.evaluation.display import public_result

    assert public_result(rec.pk) is None
    history(add_reports, start, target=[30] * 12 + [15] * 12, control=[30] * 24)
    evaluation = services.evaluation_create(title="Wirkung", recommendation=rec, actor=analyst)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    services.evaluation_compute(evaluation=evaluation, actor=analyst)
    shown = public_result(rec.pk)
    assert shown is not None and not shown.suppressed and shown.retrospective
    assert shown.text.startswith("Rückgang um 50 %") and "360" not in shown.text
    result = evaluation.versions.get().result
    result.data["outcomes"][0]["sums"]["control"] = [4.0, 30.0]
    result.save()
    hidden = public_result(rec.pk)
    assert hidden is not None and hidden.suppressed and "weniger als 5" in hidden.text


def test_the_public_measures_page_shows_the_result(
    client, rec, lead, board, analyst, areas, outcome, start, add_reports
):
    from stadtlage.taskforce import services as taskforce_services

    taskforce_services.recommendation_public_summary_draft(
        recommendation=rec, text="Doppelstreifen am Ziel.", actor=lead
    )
    taskforce_services.recommendation_public_summary_approve(recommendation=rec, actor=board)
    history(add_reports, start, target=[30] * 12 + [15] * 12, control=[30] * 24)
    evaluation = services.evaluation_create(title="Wirkung", recommendation=rec, actor=analyst)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
    )
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    services.evaluation_compute(evaluation=evaluation, actor=analyst)
    body = client.get("/massnahmen/").content.decode()
    assert "Doppelstreifen am Ziel." in body
    assert "Rückgang um 50 % gegenüber dem Kontrollgebiet" in body
    assert ">360<" not in body  # no counts in public
