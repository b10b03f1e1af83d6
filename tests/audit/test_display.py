"""The audit trail in plain German: kinds and fields by name, differences, filters, links."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from stadtlage.accounts.models import Membership, Role
from stadtlage.audit.display import kind_label, plain, present
from stadtlage.audit.models import AuditEvent
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory, user_with_role
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def _role_change(actor: Any = None) -> tuple[Membership, AuditEvent]:
    """A membership whose role changed from KOD officer to shift lead."""
    person = UserFactory(username="m.muster", first_name="Maria", last_name="Muster")
    kod = OrganisationFactory(short_name="KOD", name="Kommunaler Ordnungsdienst")
    membership = Membership.objects.create(user=person, organisation=kod, role=Role.KOD_OFFICER)
    before = snapshot(membership)
    membership.role = Role.SHIFT_LEAD
    membership.save()
    event = audit_record(
        actor=actor, action="update", obj=membership, before=before, after=snapshot(membership)
    )
    return membership, event


def test_trail_names_kinds_fields_and_values_in_german(client: Client) -> None:
    admin_user = user_with_role("admin", first_name="Ada", last_name="Admin")
    membership, _event = _role_change(actor=admin_user)
    client.force_login(admin_user)
    body = client.get("/protokoll/").content.decode()
    row = body.split("<tbody>", 1)[1]
    assert "Mitgliedschaft" in row and f"(Nr. {membership.pk})" in row
    shown = re.sub(r'href="[^"]*"', "", row)  # (links and filter values keep the codes)
    assert "accounts.membership" not in shown
    # the difference: one line for the changed field, with its label and the choice labels
    assert '<th scope="row">Rolle</th>' in row
    assert '<td class="before">Kommunaler Ordnungsdienst' not in row  # organisation unchanged
    assert f'<td class="before">{Role.KOD_OFFICER.label}</td>' in row
    assert f'<td class="after">{Role.SHIFT_LEAD.label}</td>' in row
    assert "&#x27;role&#x27;" not in body and "{&#x27;" not in body  # no Python dicts
    assert "Ada Admin (" in row


def test_a_creation_lists_what_it_set_with_linked_records_by_name() -> None:
    kod = OrganisationFactory(short_name="KOD", name="Kommunaler Ordnungsdienst")
    person = UserFactory(username="k.kraft")
    membership = Membership.objects.create(user=person, organisation=kod, role=Role.KOD_OFFICER)
    event = audit_record(actor=None, action="create", obj=membership, after=snapshot(membership))
    viewer = user_with_role(Role.DATA_PROTECTION_OFFICER)
    with translation.override("de"):
        (row,) = present([event], viewer)
    changes = {c.label: (c.before, c.after) for c in row.changes}
    assert changes["Organisation"] == ("–", str(kod))
    assert changes["Person"] == ("–", str(person))
    assert changes["Aktiv"] == ("–", "ja")
    assert "Id" not in changes and "ID" not in changes
    assert row.person == "System"


def test_values_in_german_formats() -> None:
    with translation.override("de"):
        assert plain(315.1) == "315,1"
        assert plain(12500) == "12.500"
        assert plain(True) == "ja"
        assert plain(None) == "–"
        assert plain("2026-03-05") == "05.03.2026"
        assert plain("2026-03-05T09:00:00Z") == "05.03.2026 10:00"  # Europe/Berlin
        assert plain(["a", "b"]) == "a, b"
        assert plain({"access_log": 2}) == "Access log: 2"
        assert kind_label("taskforce.recommendation") == "Empfehlung"
        assert kind_label("reports.queue") == "Arbeitsliste der Meldungen"
        assert kind_label("home.panel.field") == "Startseite (Kachel)"


def test_filters_by_person_organisation_kind_and_period(client: Client) -> None:
    client.force_login(user_with_role("admin"))
    _role_change(actor=UserFactory(username="x.other"))
    police = OrganisationFactory(short_name="POL", name="Polizei Dortmund")
    officer = UserFactory(username="p.wache", first_name="Paul", last_name="Wache")
    Membership.objects.create(user=officer, organisation=police, role=Role.POLICE_OFFICER)
    old = audit_record(actor=officer, action="update", obj=police, object_repr="Polizei alt")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=20))
    audit_record(actor=officer, action="update", obj=police, object_repr="Polizei neu")

    def rows(**params: Any) -> str:
        response = client.get("/protokoll/", params)
        assert response.status_code == 200
        return response.content.decode().split("<tbody>", 1)[1].split('class="pagination"')[0]

    by_name = rows(actor="Wache")
    assert "Polizei neu" in by_name and "Mitgliedschaft" not in by_name
    by_org = rows(organisation=police.pk)
    assert "Polizei neu" in by_org and "Polizei alt" in by_org and "Mitgliedschaft" not in by_org
    by_kind = rows(object_type="accounts.membership")
    assert "Mitgliedschaft" in by_kind and "Polizei" not in by_kind
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    recent = rows(organisation=police.pk, date_from=since)
    assert "Polizei neu" in recent and "Polizei alt" not in recent
    page = client.get("/protokoll/").content.decode()
    # the kind filter offers the kinds by name
    assert '<option value="accounts.membership">Mitgliedschaft</option>' in page
    assert '<option value="organisations.organisation">Organisation</option>' in page
    bad = client.get("/protokoll/", {"object_type": "gibt.esnicht"})
    assert bad.status_code == 200 and "Auswahl" in bad.content.decode()


def test_links_only_where_the_viewer_may_open_the_record(client: Client) -> None:
    org = Organisation.objects.create(name="Jugendamt", short_name="JA", kind="city_department")
    audit_record(actor=None, action="update", obj=org)
    gone = OrganisationFactory(short_name="ALT")
    audit_record(actor=None, action="update", obj=gone)
    gone_url = f"/verwaltung/organisations/organisation/{gone.pk}/change/"
    gone.delete()
    staff = user_with_role("admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    body = client.get("/protokoll/").content.decode()
    assert f'href="/verwaltung/organisations/organisation/{org.pk}/change/"' in body
    assert gone_url not in body
    # the data-protection officer keeps the trail, but not the records themselves
    client.force_login(user_with_role(Role.DATA_PROTECTION_OFFICER))
    response = client.get("/protokoll/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jugendamt" in body and "/verwaltung/organisations/" not in body
    # and each read of the trail is logged
    assert AuditEvent.objects.filter(action="view", object_type="audit.auditevent").count() == 2


def test_reports_link_to_the_work_queue_for_who_works_on_them() -> None:
    edg_org = OrganisationFactory(short_name="EDG")
    report = ReportFactory(category=ServiceCategoryFactory(responsible=edg_org))
    event = audit_record(actor=None, action="update", obj=report)
    edg = user_with_role("cleaning_crew")
    (row,) = present([event], edg)
    assert row.url == f"/meldungen/arbeitsliste/{report.pk}/"
    (row,) = present([event], user_with_role("police_officer"))
    assert row.url == ""


def test_trail_with_differences_keeps_a_constant_query_count(client: Client) -> None:
    client.force_login(user_with_role("admin", is_staff=True, is_superuser=True))
    kod = OrganisationFactory(short_name="KOD")

    def add(n: int) -> None:
        for i in range(n):
            person = UserFactory(username=f"p{AuditEvent.objects.count()}-{i}")
            m = Membership.objects.create(user=person, organisation=kod, role=Role.KOD_OFFICER)
            before = snapshot(m)
            m.role = Role.SHIFT_LEAD
            audit_record(actor=None, action="update", obj=m, before=before, after=snapshot(m))

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/protokoll/")
    add(20)
    with CaptureQueriesContext(connection) as many:
        client.get("/protokoll/")
    assert len(many) == len(few)
