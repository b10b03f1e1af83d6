"""The data-protection officer sees who read or changed a record, and exports it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.services import report_transition
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db
URL = "/verarbeitung/verlauf/"


@pytest.fixture
def read_and_changed(client: Client) -> dict[str, Any]:
    report = ReportFactory()
    worker = user_with_role("kod_officer", username="kim")
    client.force_login(worker)
    client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    report_transition(report=report, to_status="in_progress", actor=worker)
    ReportFactory()  # another record: not in the list
    return {"report": report, "worker": worker}


def test_officer_sees_reads_and_changes_of_one_record(
    client: Client, read_and_changed: dict[str, Any]
) -> None:
    report = read_and_changed["report"]
    officer = user_with_role("dpo", username="dana")
    client.force_login(officer)
    response = client.get(URL, {"object_type": "reports.report", "object_id": report.pk})
    assert response.status_code == 200
    events = list(response.context["events"])
    assert [(e.actor_name, e.action) for e in events] == [("kim", "transition"), ("kim", "view")]
    # Reading the history is itself logged.
    logged = AuditEvent.objects.filter(actor=officer, action__in=["view", "export"]).get()
    assert (logged.action, logged.object_type, logged.object_id) == (
        "view",
        "audit.auditevent",
        f"reports.report#{report.pk}",
    )


def test_export_for_an_access_request(client: Client, read_and_changed: dict[str, Any]) -> None:
    report = read_and_changed["report"]
    officer = user_with_role("dpo", username="dana")
    client.force_login(officer)
    response = client.get(
        URL.rstrip("/") + ".csv", {"object_type": "reports.report", "object_id": report.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="verlauf-reports.report-{report.pk}.csv"'
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("zeitpunkt;person;aktion;objektart;objekt_id")
    # kinds and data domains by name, no page codes in the notes
    assert all(line.split(";")[3] == "Meldung" for line in lines[1:])
    assert "reports.report" not in "".join(lines[1:]) and "reports:" not in "".join(lines[1:])
    assert [line.split(";")[1:3] for line in lines[1:]] == [
        ["kim", "Statuswechsel"],
        ["kim", "eingesehen"],
    ]
    assert AuditEvent.objects.filter(actor=officer, action="export").count() == 1


def test_bad_input_is_named_and_others_may_not_look(client: Client) -> None:
    client.force_login(user_with_role("dpo"))
    response = client.get(URL, {"object_type": "Meldung 12", "object_id": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"object_type", "object_id"}
    csv = client.get(URL.rstrip("/") + ".csv", {"object_type": "x"})
    assert csv.status_code == 400 and "Art des Datensatzes" in csv.content.decode()
    client.force_login(user_with_role("kod_officer"))
    assert client.get(URL).status_code == 403


def test_history_page_in_plain_words_and_linked_from_the_trail(
    client: Client, read_and_changed: dict[str, Any]
) -> None:
    report = read_and_changed["report"]
    client.force_login(user_with_role("dpo", username="dana"))
    page = client.get(URL, {"object_type": "reports.report", "object_id": report.pk})
    body = page.content.decode()
    assert '<option value="reports.report" selected>Meldung</option>' in body
    table = body.split("<tbody>", 1)[1]
    assert "<td>Städtischer Ordnungsdienst</td>" in table or "<td>–</td>" in table
    assert "city_operations" not in table and "reports:queue_detail" not in table
    trail = client.get("/protokoll/", {"object_type": "reports.report"}).content.decode()
    assert f"/verarbeitung/verlauf/?object_type=reports.report&amp;object_id={report.pk}" in trail
