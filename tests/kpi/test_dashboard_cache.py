"""The staff Lagebild's tiles come from the cache until the key figures change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.models import Indicator, IndicatorSeries

pytestmark = pytest.mark.django_db


def _get(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("kpi:lagebild"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _tiles(html: str) -> str:
    return html[html.index('<section class="kpi-group"') : html.rindex("</section>")]


def test_second_request_reads_no_series_and_shows_the_same_tiles(
    client: Client, login_as: Any, figures: list[Indicator]
) -> None:
    login_as("analyst")
    first, built = _get(client)
    second, cached = _get(client)
    assert _tiles(second) == _tiles(first)
    assert _tiles(first).count('<article class="kpi-tile') == 3
    assert cached < built
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("kpi:lagebild"))
    assert not any("kpi_indicatorseries" in q["sql"] for q in queries.captured_queries)


def test_a_recomputed_series_shows_at_once(
    client: Client, login_as: Any, figures: list[Indicator]
) -> None:
    login_as("analyst")
    before, _ = _get(client)
    series = IndicatorSeries.objects.get(indicator=figures[0])
    data = series.data
    data["summary"]["latest"] = 987654.0
    series.data = data
    series.save()
    after, _ = _get(client)
    assert "987654" not in before
    assert "987654" in after or "987.654" in after


def test_a_renamed_definition_and_a_recompute_show_at_once(
    client: Client, login_as: Any, figures: list[Indicator]
) -> None:
    login_as("analyst")
    _get(client)
    version = figures[1].current_version
    assert version is not None
    version.name = "Umbenannte Kennzahl"
    version.save()
    assert "Umbenannte Kennzahl" in _get(client)[0]
    recompute_all()
    assert "Umbenannte Kennzahl" in _get(client)[0]


def test_each_language_has_its_own_tiles(
    client: Client, login_as: Any, figures: list[Indicator]
) -> None:
    login_as("analyst")
    german = _tiles(_get(client)[0])
    client.cookies["django_language"] = "en"
    english = _tiles(_get(client)[0])
    assert "Abdeckung" in german
    assert "Abdeckung" not in english


def test_without_the_cache_every_request_renders(
    client: Client, login_as: Any, figures: list[Indicator], settings: Any
) -> None:
    settings.KPI_DASHBOARD_CACHE_SECONDS = 0
    login_as("analyst")
    _, first = _get(client)
    _, second = _get(client)
    assert first == second
