"""The demo city opens its public face the way staff would: four eyes, audited."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.kpi.models import Indicator
from stadtlage.public.seed import publish_demo
from stadtlage.taskforce.models import Recommendation

pytestmark = pytest.mark.django_db


def test_demo_releases_figures_and_summaries(client: Client) -> None:
    out = StringIO()
    call_command("demo", "--events", "3000", stdout=out)
    public = Indicator.objects.filter(public_confirmed_at__isnull=False)
    assert public.exists()
    for indicator in public:
        assert indicator.public_proposed_by.username == "analyse"  # type: ignore[union-attr]
        assert indicator.public_confirmed_by.username == "sonderstab"  # type: ignore[union-attr]
    approved = Recommendation.objects.exclude(public_summary_approved="")
    assert approved.exists()
    assert all(r.public_summary_approved_by.username == "vorstand" for r in approved)  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(note="Veröffentlichung bestätigt (zweite Person)").count() == (
        public.count()
    )
    assert "öffentlich:" in out.getvalue()
    assert publish_demo() == {"figures": 0, "summaries": 0}  # idempotent
    body = client.get("/lagebild/").content.decode()
    assert public.first().current_version.name in body  # type: ignore[union-attr]
    assert client.get("/massnahmen/").context["count"] == approved.count()
