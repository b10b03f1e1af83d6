"""A key figure is public only when an analyst proposes it and a second person confirms it
(four eyes); each step is audited, withdrawing takes effect at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi import publication
from tests.factories import user_with_role
from tests.taskforce.conftest import make_indicator

pytestmark = pytest.mark.django_db


def test_four_eyes_and_audit() -> None:
    indicator = make_indicator()
    analyst = user_with_role("analyst", username="analyse-1")
    second = user_with_role("analyst", username="analyse-2")
    lead = user_with_role("taskforce_lead", username="stab-1")
    with pytest.raises(PermissionDenied):  # the lead confirms, but does not propose
        publication.indicator_public_propose(indicator=indicator, actor=lead, note="x")
    with pytest.raises(ValidationError, match="begründen"):
        publication.indicator_public_propose(indicator=indicator, actor=analyst, note=" ")
    with pytest.raises(ValidationError, match="kein Vorschlag"):
        publication.indicator_public_confirm(indicator=indicator, actor=second)
    indicator = publication.indicator_public_propose(
        indicator=indicator, actor=analyst, note="Kernzahl der AG"
    )
    assert not indicator.is_public
    with pytest.raises(ValidationError, match="Vier-Augen"):
        publication.indicator_public_confirm(indicator=indicator, actor=analyst)
    indicator = publication.indicator_public_confirm(indicator=indicator, actor=second)
    assert indicator.is_public and indicator.public_confirmed_by == second
    indicator = publication.indicator_public_withdraw(indicator=indicator, actor=lead)
    assert not indicator.is_public and indicator.public_proposed_at is None
    notes = list(
        AuditEvent.objects.filter(object_type="kpi.indicator")
        .order_by("at", "id")
        .values_list("note", flat=True)
    )
    assert notes == [
        "Veröffentlichung vorgeschlagen",
        "Veröffentlichung bestätigt (zweite Person)",
        "Veröffentlichung zurückgenommen",
    ]


def test_buttons_on_the_indicator_page(client: Client) -> None:
    indicator = make_indicator()
    analyst = user_with_role("analyst", username="analyse-1")
    lead = user_with_role("taskforce_lead", username="stab-1")
    url = f"/kennzahlen/k/{indicator.code}/"
    client.force_login(analyst)
    client.post(f"{url}oeffentlich/vorschlagen/", {"note": "Kernzahl"})
    body = client.get(url).content.decode()
    assert "eine zweite Person muss bestätigen" in body
    assert "Veröffentlichung bestätigen (zweite Person)" not in body  # not for the proposer
    client.force_login(lead)
    assert "Veröffentlichung bestätigen (zweite Person)" in client.get(url).content.decode()
    client.post(f"{url}oeffentlich/bestaetigen/")
    indicator.refresh_from_db()
    assert indicator.is_public
    assert client.post(f"{url}oeffentlich/unbekannt/").status_code == 404
