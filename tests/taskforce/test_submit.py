"""The one path of the Sonderstab's form POSTs (``views.common.submit``): form → service →
message → redirect, with errors naming the field in German and nothing half-stored."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce.errors import TaskforceError
from stadtlage.taskforce.models import RecommendationMilestone
from stadtlage.taskforce.views.common import submit
from tests.taskforce.conftest import make_recommendation

pytestmark = pytest.mark.django_db


class _TitleForm(forms.Form):
    title = forms.CharField(label="Bezeichnung", max_length=5)


def _request() -> Any:
    request = RequestFactory().post("/sonderstab/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _texts(request: Any) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_invalid_input_names_the_field_by_its_label_and_calls_nothing() -> None:
    request, called = _request(), []
    response = submit(
        request,
        _TitleForm({"title": "zu lang"}),
        called.append,
        what="Gruppe",
        to="/ok/",
    )
    assert called == []
    assert response.status_code == 302 and response["Location"] == "/ok/"
    [text] = _texts(request)
    assert text.startswith("Gruppe: Bezeichnung: ")
    assert "title" not in text  # the label, not the field's code name


def test_a_refusal_after_a_first_write_leaves_nothing_stored() -> None:
    request = _request()

    def save_two(data: dict[str, Any]) -> None:
        WorkingGroup.objects.create(name=data["title"], slug="halb", order=9)
        raise TaskforceError("Der zweite Schritt ist nicht erlaubt.")

    response = submit(
        request,
        _TitleForm({"title": "Halb"}),
        save_two,
        success="Gespeichert.",
        to=lambda _result: "/weiter/",
        on_error="/zurueck/",
    )
    assert not WorkingGroup.objects.filter(slug="halb").exists()
    assert response["Location"] == "/zurueck/"
    assert _texts(request) == ["Der zweite Schritt ist nicht erlaubt."]


def test_success_follows_the_result(group: WorkingGroup) -> None:
    request = _request()
    response = submit(
        request,
        _TitleForm({"title": "Neu"}),
        lambda data: WorkingGroup.objects.create(name=data["title"], slug="neu", order=8),
        success=lambda created: f"{created.name} angelegt.",
        to=lambda created: f"/arbeitsgruppen/{created.slug}/",
    )
    assert response["Location"] == "/arbeitsgruppen/neu/"
    assert _texts(request) == ["Neu angelegt."]


def test_milestone_without_date_is_refused_in_german(client: Any, people: Any, group: Any) -> None:
    rec = make_recommendation(group, complete=False)
    client.force_login(people["member"])
    response = client.post(
        f"/sonderstab/empfehlungen/{rec.pk}/meilensteine/", {"title": "Start"}, follow=True
    )
    assert not RecommendationMilestone.objects.filter(recommendation=rec).exists()
    assert "Meilenstein: fällig am: " in response.content.decode()


def test_agenda_item_without_title_is_no_longer_dropped_silently(
    client: Any, people: Any, group: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stadtlage.taskforce.models import Meeting

    start = timezone.now() + timedelta(days=2)
    meeting = Meeting.objects.create(
        title="Wochensitzung", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    client.force_login(people["lead"])
    response = client.post(f"/sonderstab/sitzungen/{meeting.pk}/tagesordnung/", {}, follow=True)
    assert not meeting.agenda_items.exists()
    assert "Tagesordnung: Tagesordnungspunkt: " in response.content.decode()
