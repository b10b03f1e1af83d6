"""The report to the Oberbürgermeister: content, PDF text, frozen once issued, task, command."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.models import IndicatorSeries
from stadtlage.taskforce import mayor_report_document, services
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TaskforceError
from stadtlage.taskforce.models import MayorReport, MayorReportStatus, RecommendationState
from stadtlage.taskforce.services.common import canonical_sha256
from tests.taskforce.conftest import make_indicator, make_recommendation, today

S = RecommendationState
pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def situation(group: Any, people: Any) -> dict[str, Any]:
    """A decided measure with one reached and one overdue milestone, a key figure with SPC."""
    indicator = make_indicator(code="drogenkonsum", name="Bürgermeldungen zu Drogenkonsum")
    IndicatorSeries.objects.create(
        indicator=indicator,
        version_number=1,
        computed_at=timezone.now(),
        variation_icon="special_cause_improvement_low",
        assurance="",
        data={
            "period": "week",
            "periods": ["2025-01-06", "2025-01-13", "2025-01-20"],
            "labels": ["KW 02/2025", "KW 03/2025", "KW 04/2025"],
            "values": [700, 650, 120],
            "spc": {
                "chart_type": "xmr",
                "direction": "decrease",
                "target": None,
                "flags": ["common_cause", "common_cause", "special_cause_improvement"],
                "mean": [600, 600, 600],
                "lower": [400, 400, 400],
                "upper": [800, 800, 800],
                "trial": [True, True, True],
                "group": [0, 0, 0],
                "variation_icon": "special_cause_improvement_low",
                "assurance": None,
            },
            "summary": {"latest": 120, "latest_period": "2025-01-20", "change_previous": -555},
            "quality": {"coverage": 1.0},
            "breaks": [],
        },
    )
    rec = make_recommendation(
        group, state=S.SUBMITTED, indicator=indicator, title="Präsenzkonzept <Innenstadt> #1 $x$"
    )
    services.recommendation_transition(
        recommendation=rec,
        to_state=S.DECIDED_WITH_CONDITIONS,
        actor=people["board"],
        decided_on=today(),
        wording="Der Verwaltungsvorstand beschließt das Präsenzkonzept [Innenstadt].",
        conditions="Monatlicher Bericht.",
    )
    services.recommendation_transition(
        recommendation=rec, to_state=S.IN_IMPLEMENTATION, actor=people["lead"]
    )
    late = services.milestone_save(
        recommendation=rec,
        actor=people["lead"],
        title="Beleuchtung Katharinentreppe",
        due_date=today() - timedelta(days=3),
    )
    done = rec.milestones.get(title="Doppelstreifen im Dienst")
    services.milestone_set_status(milestone=done, status="done", actor=people["member"])
    make_recommendation(
        group, state=S.IN_COORDINATION, title="Ruheplätze statt Lager", complete=False
    )
    return {"rec": rec, "late": late, "done": done}


def _issue(people: Any, period: str = "week") -> MayorReport:
    start, end = services.current_period(period, today())
    report = services.mayor_report_request(
        period=period, period_start=start, period_end=end, actor=people["lead"], enqueue=False
    )
    return services.mayor_report_generate(report_id=report.pk)


def test_document_content(situation: Any) -> None:
    start, end = services.current_period("week", today())
    doc = mayor_report_document.build_document(period="week", period_start=start, period_end=end)
    assert doc["summary"]["decisions"] == 1
    assert doc["summary"]["milestones_overdue"] == 1
    assert [k["name"] for k in doc["indicators"]] == ["Bürgermeldungen zu Drogenkonsum"]
    assert doc["indicators"][0]["chart_svg"].startswith("<svg")
    assert doc["milestones_reached"][0]["title"] == "Doppelstreifen im Dienst"
    assert doc["milestones_overdue"][0]["title"] == "Beleuchtung Katharinentreppe"
    assert doc["measures"][0]["status"] == "late"
    assert doc["risks"] and "überfällig" in doc["risks"][0]["text"]
    assert doc["next"] == [
        {
            "group": "Belästigungen bekämpfen",
            "items": [
                {"title": "Ruheplätze statt Lager", "state": "in Abstimmung (Arbeitsgruppe)"}
            ],
        }
    ]
    labels = [g["label"] for g in doc["by_status"]]
    assert labels == ["in Abstimmung (Arbeitsgruppe)", "in Umsetzung"]


def test_milestones_are_judged_at_the_end_of_the_period(situation: Any) -> None:
    """A milestone reached after the period counts as open in that period's report."""
    start, end = services.last_complete_period("week", today())
    doc = mayor_report_document.build_document(period="week", period_start=start, period_end=end)
    assert doc["milestones_reached"] == []
    assert doc["summary"]["decisions"] == 0


def test_pdf_is_issued_frozen_and_its_text_extractable(situation: Any, people: Any) -> None:
    report = _issue(people)
    assert report.status == MayorReportStatus.ISSUED and report.progress == 100
    data = bytes(report.pdf)
    assert data.startswith(b"%PDF")
    assert report.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert report.snapshot_sha256 == canonical_sha256(report.snapshot)
    text = pdf_text(data)
    for expected in (
        "Bericht an den Oberbürgermeister",
        "Lagebild",
        "Bürgermeldungen zu Drogenkonsum",
        "Präsenzkonzept <Innenstadt> #1 $x$",  # user text is data, not Typst markup
        "mit Auflagen beschlossen",
        "Der Verwaltungsvorstand beschließt das Präsenzkonzept [Innenstadt].",
        "Monatlicher Bericht.",
        "Doppelstreifen im Dienst",
        "Beleuchtung Katharinentreppe",
        "Ruheplätze statt Lager",
        "Risiken",
        report.snapshot_sha256[:16],
    ):
        assert expected in text, expected
    with pytest.raises(FrozenError, match="unveränderlich"):
        services.mayor_report_generate(report_id=report.pk)
    assert (
        AuditEvent.objects.filter(object_type="taskforce.mayorreport", action="export").count() == 1
    )


def test_the_issued_report_does_not_change_with_the_data(
    situation: Any, people: Any, client: Any
) -> None:
    report = _issue(people)
    situation["late"].title = "Umbenannt"
    situation["late"].save()
    client.force_login(people["mayor"])
    page = client.get(f"/sonderstab/berichte/{report.pk}/").content.decode()
    assert "Beleuchtung Katharinentreppe" in page and "Umbenannt" not in page
    response = client.get(f"/sonderstab/berichte/{report.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == report.pdf_sha256


def test_generation_runs_as_a_task_after_the_commit(
    situation: Any, people: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(people["lead"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/sonderstab/berichte/anfordern/", {"period": "month", "which": "current"}
        )
    assert len(callbacks) == 1
    report = MayorReport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/sonderstab/berichte/{report.pk}/"
    )
    assert report.status == MayorReportStatus.ISSUED and report.task_id
    assert report.period == "month" and report.period_start == today().replace(day=1)


def test_progress_is_shown_while_queued(people: Any, client: Any) -> None:
    start, end = services.current_period("week", today())
    report = services.mayor_report_request(
        period="week", period_start=start, period_end=end, actor=people["lead"], enqueue=False
    )
    client.force_login(people["lead"])
    page = client.get(f"/sonderstab/berichte/{report.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page
    assert client.get(f"/sonderstab/berichte/{report.pk}/pdf/").status_code == 404


def test_a_failed_generation_is_recorded(people: Any, monkeypatch: Any) -> None:
    from stadtlage.taskforce import pdf

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("Typst kaputt")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    start, end = services.current_period("week", today())
    report = services.mayor_report_request(
        period="week", period_start=start, period_end=end, actor=people["lead"], enqueue=False
    )
    with pytest.raises(RuntimeError):
        services.mayor_report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == MayorReportStatus.FAILED and "Typst kaputt" in report.error


def test_who_may_issue_and_read(people: Any, client: Any) -> None:
    start, end = services.current_period("week", today())
    for who in ("mayor", "board", "member"):
        with pytest.raises(NotAllowed):
            services.mayor_report_request(
                period="week", period_start=start, period_end=end, actor=people[who]
            )
    with pytest.raises(TaskforceError, match="Zukunft"):
        services.mayor_report_request(
            period="week",
            period_start=today() + timedelta(days=8),
            period_end=today() + timedelta(days=14),
            actor=people["lead"],
        )
    client.force_login(people["mayor"])
    assert client.get("/sonderstab/berichte/").status_code == 200
    assert (
        client.post(
            "/sonderstab/berichte/anfordern/", {"period": "week", "which": "current"}
        ).status_code
        == 403
    )
    client.force_login(people["member"])
    assert client.get("/sonderstab/berichte/").status_code == 403


def test_ob_report_command_issues_the_last_completed_period(situation: Any, tmp_path: Path) -> None:
    out = tmp_path / "bericht.pdf"
    call_command("ob_report", "--output", str(out), stdout=io.StringIO())
    start, end = services.last_complete_period("week", today())
    report = MayorReport.objects.get()
    assert (report.period_start, report.period_end, report.trigger) == (start, end, "schedule")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == report.pdf_sha256
    assert "Bericht an den Oberbürgermeister" in pdf_text(out.read_bytes())
    # a second run does not issue the same period again
    call_command("ob_report", "--output", str(out), stdout=io.StringIO())
    assert MayorReport.objects.count() == 1
