"""What each released key figure on `/lagebild/` carries (issue 11.1): its working group's
status in plain words, the SPC reading in words, the counting rule, the data quality and the
date of the last update."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.kpi.compute import indicator_recompute
from stadtlage.kpi.models import Indicator
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area
from stadtlage.reports.models import ServiceCategory
from tests.public.test_pages import _publish, _weekly_reports, area, litter  # noqa: F401
from tests.taskforce.conftest import group, make_indicator, people  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_released_figure_shows_reading_rule_quality_and_date(
    client: Client,
    group: WorkingGroup,  # noqa: F811
    people: dict[str, User],  # noqa: F811
    litter: ServiceCategory,  # noqa: F811
    area: Area,  # noqa: F811
) -> None:
    indicator = make_indicator(code="muell-woche", name="Müll-Meldungen je Woche")
    indicator.current_version.working_group = group  # type: ignore[union-attr]
    indicator.current_version.save()  # type: ignore[union-attr]
    _weekly_reports(litter, area, [12, 14, 11, 13])
    indicator_recompute(Indicator.objects.get(pk=indicator.pk))
    _publish(indicator, people)
    response = client.get("/lagebild/")
    body = response.content.decode()
    (section,) = [s for s in response.context["sections"] if s["figures"]]
    assert section["group"] == group and section["status"]
    (figure,) = section["figures"]
    # a reading in words, never a bare flag name
    assert figure.reading and "_" not in figure.reading
    assert f"<strong>{figure.reading[:1].upper()}{figure.reading[1:]}</strong>" in body
    assert "Bürgermeldungen der Kategorie Drogenkonsum je Woche." in body  # the counting rule
    assert re.search(r"Datenqualität: Abdeckung \d+ %", body)
    updated = figure.last_update
    assert updated is not None
    assert f"Stand {timezone.localtime(updated):%d.%m.%Y}" in body
