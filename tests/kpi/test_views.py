"""Pages a person uses: Lagebild, working-group dashboard, detail, editing, exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.display import FLAG_TEXT
from stadtlage.kpi.models import Indicator
from tests.kpi.factories import ObservationCategoryFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def test_lagebild_shows_tiles_with_chart_rule_and_quality(
    client: Client, login_as: Any, figures: Any, django_assert_max_num_queries: Any
) -> None:
    login_as("taskforce_lead")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("kpi:lagebild"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<article class="kpi-tile') == 3
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart compact"') == 3
    assert "Müll zählt" in html  # counting rule beside each figure
    assert "Abdeckung 100 %" in html
    assert "Definition V1" in html


def test_query_count_does_not_grow_with_indicators(
    client: Client,
    login_as: Any,
    figures: Any,
    make_indicator: Any,
    django_assert_num_queries: Any,
    settings: Any,
) -> None:
    settings.KPI_DASHBOARD_CACHE_SECONDS = 0  # the rendering path itself (the cache: below)
    login_as("analyst")
    client.get(reverse("kpi:lagebild"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("kpi:lagebild"))
    for i in range(3, 6):
        make_indicator(f"k{i}", category_codes=["litter"])
    recompute_all()
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("kpi:lagebild"))
    assert len(after) == len(before)


def test_field_officer_may_not_see_figures(client: Client, login_as: Any, figures: Any) -> None:
    login_as("kod_officer")
    assert client.get(reverse("kpi:lagebild")).status_code == 403
    assert client.get(reverse("kpi:indicator", args=["k0"])).status_code == 403


def test_working_group_dashboard_lists_only_its_indicators(
    client: Client, login_as: Any, make_indicator: Any
) -> None:
    from tests.factories import WorkingGroupFactory

    wg = WorkingGroupFactory(slug="campieren", name="Campieren reduzieren")
    make_indicator("mine", name="In der Gruppe", working_group=wg)
    make_indicator("other", name="Anderswo")
    login_as("wg_member")
    html = client.get(reverse("kpi:working_group", args=["campieren"])).content.decode()
    assert "In der Gruppe" in html and "Anderswo" not in html


def test_detail_page_has_chart_text_alternative_and_table(
    client: Client, login_as: Any, figures: Any
) -> None:
    login_as("wg_member")
    html = client.get(reverse("kpi:indicator", args=["k0"])).content.decode()
    assert 'role="img"' in html and 'id="chart-k0-title"' in html and 'id="chart-k0-desc"' in html
    assert "<figcaption>XmR-Karte (Einzelwerte), 20 Zeiträume" in html
    assert html.count('<tr><th scope="row">KW') == 20
    assert "Definition ändern" not in html  # a member reads, the analyst edits
    # plain words: what a change is compared with, categories by name, no "kein Signal"
    assert "<dt>ggü. Mittel der vier Vorwochen</dt>" in html
    assert "<dt>ggü. derselben Woche im Vorjahr</dt>" in html
    assert "Zeiträumen davor" not in html and "kein Signal" not in html
    assert "<dd>Litter</dd>" in html and "<dd>litter</dd>" not in html


def test_csv_export_has_definition_version_and_is_audited(
    client: Client, login_as: Any, figures: Any
) -> None:
    login_as("analyst")
    response = client.get(reverse("kpi:indicator_export", args=["k0", "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="k0-v1.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["kennzahl", "definitionsversion", "zeitraum_beginn"]
    assert len(rows) == 21 and {r[1] for r in rows[1:]} == {"1"}
    signal = rows[0].index("signal")
    assert {r[signal] for r in rows[1:]} <= {str(t) for t in FLAG_TEXT.values()}
    assert AuditEvent.objects.filter(action="export", object_id=str(figures[0].pk)).exists()
    assert client.get(reverse("kpi:indicator_export", args=["k0", "pdf"])).status_code == 404


def test_xlsx_export(client: Client, login_as: Any, figures: Any) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    login_as("analyst")
    response = client.get(reverse("kpi:indicator_export", args=["k0", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["Reihe"].max_row == 21
    rows = list(book["Reihe"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Kennzahl", "Definitionsversion", "Beginn des Zeitraums")
    # dates are dates (Excel sorts and filters them), shown the German way
    assert all(isinstance(r[2], datetime) for r in rows[1:])
    assert book["Reihe"]["C2"].number_format == "DD.MM.YYYY"
    signals = {r[10] for r in rows[1:]}
    assert signals and not any("_" in (s or "") for s in signals)
    assert signals <= {str(t) for t in FLAG_TEXT.values()}
    assert {r[11] for r in rows[1:]} <= {"ja", "nein"}
    assert ("Definitionsversion", 1) in [
        tuple(r) for r in book["Definition"].iter_rows(values_only=True)
    ]


def test_analyst_edits_definition_as_new_version(
    client: Client, login_as: Any, figures: Any, django_capture_on_commit_callbacks: Any
) -> None:
    login_as("analyst")
    url = reverse("kpi:indicator_edit", args=["k0"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        name="Müll (neu gezählt)",
        categories=["observations:litter"],
        change_note="Zählregel präzisiert",
        valid_from=(date.today() - timedelta(weeks=6)).isoformat(),
        rate_per="1",
    )
    data.pop("areas", None)
    with django_capture_on_commit_callbacks(execute=True):  # the series is recomputed on commit
        response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    indicator = Indicator.objects.get(code="k0")
    assert indicator.current_version.number == 2
    html = client.get(reverse("kpi:indicator", args=["k0"])).content.decode()
    assert 'class="version-break" data-version="V2"' in html
    assert "Zählregel präzisiert" in html


def test_edit_requires_a_reason(client: Client, login_as: Any, figures: Any) -> None:
    login_as("analyst")
    url = reverse("kpi:indicator_edit", args=["k0"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "areas"}
    data.update(name="anders", categories=["observations:litter"], rate_per="1")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "change_note" in response.context["form"].errors


def test_goal_status_comes_from_spc(
    client: Client, login_as: Any, figures: Any, django_capture_on_commit_callbacks: Any
) -> None:
    login_as("taskforce_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("kpi:goal_create", args=["k0"]),
            {
                "title": "Weniger Müll",
                "baseline_value": "4",
                "target_value": "1",
                "target_date": (date.today() + timedelta(days=200)).isoformat(),
            },
        )
    assert response.status_code == 302
    html = client.get(reverse("kpi:indicator", args=["k0"])).content.decode()
    assert "Weniger Müll" in html
    # Weekly values 2..5: mean 3.5, limits -0.5..7.5 contain the target 1: it may or may not
    # be hit; no straight line is drawn towards it.
    assert "offen: Ziel liegt im üblichen Schwankungsbereich" in html


def test_a_goal_in_force_is_edited_on_the_figures_page(
    client: Client, login_as: Any, figures: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from stadtlage.audit.models import AuditEvent
    from stadtlage.kpi.models import Goal

    user = login_as("taskforce_lead")
    due = date.today() + timedelta(days=200)
    goal = Goal.objects.create(
        indicator=figures[0],
        title="Weniger Müll",
        baseline_value=4,
        target_value=2,
        target_date=due,
    )
    prefix = f"ziel-{goal.pk}"
    page = client.get(reverse("kpi:indicator", args=["k0"])).content.decode()
    assert f'name="{prefix}-target_value"' in page
    url = reverse("kpi:goal_edit", args=[goal.pk])
    fields = {"title": "Weniger Müll", "baseline_value": "4", "target_date": due.isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {f"{prefix}-{k}": v for k, v in (fields | {"target_value": "1"}).items()}
        )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.target_value == 1
    audit = AuditEvent.objects.get(object_type="kpi.goal", action="update")
    assert audit.before["target_value"] == 2 and audit.after["target_value"] == 1
    assert audit.actor == user
    for bad, message in (
        ({"target_value": "viel"}, "Ziel nicht geändert: bitte alle Felder ausfüllen."),
        ({"target_value": "9"}, "Der Zielwert muss in der gewünschten Richtung liegen."),
    ):
        response = client.post(
            url, {f"{prefix}-{k}": v for k, v in (fields | bad).items()}, follow=True
        )
        assert message in response.content.decode()
    response = client.post(
        url,
        {f"{prefix}-{k}": v for k, v in (fields | {"target_value": "viel"}).items()},
        follow=True,
    )
    assert "Zielwert: " in response.content.decode()  # the field the error is about, by name
    goal.refresh_from_db()
    assert goal.target_value == 1
    Goal.objects.filter(pk=goal.pk).update(is_active=False)  # proposed with a recommendation
    response = client.post(
        url, {f"{prefix}-{k}": v for k, v in (fields | {"target_value": "0"}).items()}, follow=True
    )
    assert "gilt noch nicht" in response.content.decode()
    goal.refresh_from_db()
    assert goal.target_value == 1


def test_reclassification_report(client: Client, login_as: Any, figures: Any) -> None:
    from stadtlage.audit.services import audit_record

    user = login_as("analyst")
    ObservationCategoryFactory(code="drug-use-crack", name="Drogenkonsum Crack")
    obs = ObservationFactory(category__code="litter")
    audit_record(
        actor=user,
        action="update",
        obj=obs,
        before={"category": obs.category_id},
        after={"category": ObservationCategoryFactory(code="drug-use-crack").pk},
    )
    html = client.get(reverse("kpi:reclassifications")).content.decode()
    assert "Drogenkonsum Crack" in html and "<td>1</td>" in html
    # no internal codes: the source and the kind of record by name
    assert "<td>Feststellungen der Streifen</td>" in html
    assert f"Feststellung Nr. {obs.pk}" in html
    assert "patrols.observation" not in html and "<td>observations</td>" not in html
