"""Numbers wider than the database's integers are refused as bad input, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client, RequestFactory

from stadtlage.hotspots.forms import PlanForm
from stadtlage.paging import MAX_PAGE, page_number
from stadtlage.places.models import Area
from stadtlage.taskforce.forms import RecommendationForm
from tests.factories import AreaFactory, square, user_with_role

WIDE = "99999999999999999999999"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [WIDE, "-" + WIDE])
def test_a_choice_of_many_refuses_a_key_beyond_the_integers(bad: str) -> None:
    area = AreaFactory(name="Nordmarkt", slug="nordmarkt", geometry=square(51.52, 7.46))
    data = QueryDict(mutable=True)
    data.setlist("areas", [str(area.pk), bad])
    form = RecommendationForm(data=data)
    assert not form.is_valid()
    assert bad in form.errors["areas"][0]
    data.setlist("areas", [str(area.pk)])
    form = RecommendationForm(data=data)
    form.is_valid()
    assert "areas" not in form.errors
    assert list(form.cleaned_data["areas"]) == [Area.objects.get(pk=area.pk)]


@pytest.mark.parametrize(
    ("raw", "page"),
    [("", 1), ("3", 3), ("-4", 1), ("x", 1), (WIDE, MAX_PAGE), ("9" * 5000, 1)],
)
def test_page_numbers_are_bounded(raw: str, page: int) -> None:
    request = RequestFactory().get("/", {"seite": raw} if raw else {})
    assert page_number(request) == page


@pytest.mark.django_db
def test_a_page_beyond_any_cleaning_queue_is_its_last_page(client: Client, db: Any) -> None:
    client.force_login(user_with_role("cleaning_crew"))
    response = client.get("/reinigung/", {"seite": WIDE})
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_plan_day_far_from_our_time_is_a_field_error(day: str) -> None:
    form = PlanForm(data={"day": day, "start": "20:00", "end": "02:00"})
    assert not form.is_valid()
    assert form.errors["day"] == ["Bitte ein Datum zwischen 2000 und 2100 angeben."]
