"""Measures: legal catalogue, roles, Verwarnungsgeld tariff, case numbers, cleaning tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from stadtlage.cleaning.models import CleaningTask
from stadtlage.patrols.models import Measure
from stadtlage.patrols.sync import measure_record, observation_record
from tests.patrols.conftest import Api
from tests.patrols.factories import observation_data, record

pytestmark = pytest.mark.django_db


def measure(observation_id: str, code: str, **extra: Any) -> dict[str, Any]:
    return {
        "observation": observation_id,
        "measure_type": code,
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


@pytest.fixture
def obs(api: Api, cat: dict[str, Any], westenhellweg: Any) -> dict[str, Any]:
    rec = record("observation", observation_data("t-begging"))
    assert api.sync([rec]).json()["results"][0]["status"] == 201
    return rec


def test_measure_in_the_same_batch_as_its_observation(api: Api, cat: dict[str, Any]) -> None:
    obs = record("observation", observation_data())
    talk = record("measure", measure(obs["id"], "t-talk"))
    results = api.sync([talk, obs]).json()["results"]
    assert [r["status"] for r in results] == [201, 201]
    assert Measure.objects.get().observation.uuid.hex == obs["id"].replace("-", "")


def test_measure_without_its_observation_waits(api: Api, cat: dict[str, Any]) -> None:
    answer = api.sync([record("measure", measure(record("o", {})["id"], "t-talk"))]).json()
    assert answer["results"][0]["status"] == 424
    assert answer["results"][0]["errors"][0]["field"] == "observation"


def test_police_only_measure_is_refused_for_kod(api: Api, obs: dict[str, Any]) -> None:
    answer = api.sync([record("measure", measure(obs["id"], "t-ban"))]).json()["results"][0]
    assert answer["status"] == 403
    assert answer["errors"][0]["field"] == "measure_type"
    assert "nicht zulässig" in answer["errors"][0]["message"]
    assert "Polizeibeamtin" in answer["errors"][0]["message"]
    assert not Measure.objects.exists()


def test_police_may_and_their_measure_stays_with_the_police(
    cat: dict[str, Any], police: Any, westenhellweg: Any
) -> None:
    obs_id = "5a1f1c1e-0000-4000-8000-000000000001"
    assert (
        observation_record(record_id=obs_id, data=observation_data(), actor=police)["status"] == 201
    )
    answer = measure_record(
        record_id="5a1f1c1e-0000-4000-8000-000000000002",
        data=measure(obs_id, "t-ban"),
        actor=police,
    )
    assert answer["status"] == 201
    assert Measure.objects.get().data_domain == "police"


@pytest.mark.parametrize(
    ("amount", "ok", "message"),
    [
        (15, True, ""),
        (55, True, ""),
        (None, False, "Bitte das Verwarnungsgeld"),
        (4, False, "5 bis 55 €"),
        (60, False, "5 bis 55 €"),
        (10, False, "Tarifs für diesen Verstoß (15–55 €)"),
    ],
)
def test_verwarnungsgeld_within_owig_and_tariff(
    api: Api, obs: dict[str, Any], amount: int | None, ok: bool, message: str
) -> None:
    extra = {} if amount is None else {"amount_eur": amount}
    answer = api.sync([record("measure", measure(obs["id"], "t-fine", **extra))]).json()["results"][
        0
    ]
    if ok:
        assert answer["status"] == 201
        assert Measure.objects.get().amount_eur == amount
    else:
        assert answer["status"] == 422
        assert answer["errors"][0]["field"] == "amount_eur"
        assert message in answer["errors"][0]["message"]
        assert not Measure.objects.exists()


def test_no_amount_on_a_talk(api: Api, obs: dict[str, Any]) -> None:
    answer = api.sync([record("measure", measure(obs["id"], "t-talk", amount_eur=20))]).json()
    assert answer["results"][0]["errors"][0]["field"] == "amount_eur"


@pytest.mark.parametrize(
    ("case_number", "ok"),
    [("BGS-2025/001234", True), ("", False), ("Max Mustermann", False), ("x" * 41, False)],
)
def test_only_the_case_number_is_stored(
    api: Api, obs: dict[str, Any], case_number: str, ok: bool
) -> None:
    answer = api.sync(
        [record("measure", measure(obs["id"], "t-owi", case_number=case_number))]
    ).json()
    result = answer["results"][0]
    assert (result["status"] == 201) is ok, result
    if not ok:
        assert result["errors"][0]["field"] == "case_number"


def test_referral_needs_a_listed_service(api: Api, obs: dict[str, Any]) -> None:
    bad = api.sync(
        [record("measure", measure(obs["id"], "t-referral", referral_service="Kiosk"))]
    ).json()
    assert bad["results"][0]["errors"][0]["field"] == "referral_service"
    good = api.sync(
        [record("measure", measure(obs["id"], "t-referral", referral_service="Suchthilfe"))]
    ).json()
    assert good["results"][0]["status"] == 201


def test_cleaning_request_creates_a_task_for_edg(
    api: Api, obs: dict[str, Any], westenhellweg: Any
) -> None:
    data = measure(
        obs["id"],
        "t-cleaning",
        cleaning_kind="drug_waste",
        cleaning_what="Spritzen am Treppenabgang",
        syringes_count=3,
    )
    answer = api.sync([record("measure", data)]).json()["results"][0]
    assert answer["status"] == 201
    task = CleaningTask.objects.get(pk=answer["cleaning_task"])
    assert (task.kind, task.what, task.syringes_count, task.organisation.short_name) == (
        "drug_waste",
        "Spritzen am Treppenabgang",
        3,
        "EDG",
    )
    assert (task.lat, task.lon) == (51.5137, 7.4605)
    assert list(task.areas.all()) == [westenhellweg]
    assert task.measure.uuid.hex == answer["id"].replace("-", "")


def test_cleaning_request_needs_a_kind(api: Api, obs: dict[str, Any]) -> None:
    answer = api.sync([record("measure", measure(obs["id"], "t-cleaning"))]).json()["results"][0]
    assert answer["errors"][0]["field"] == "cleaning_kind"
    assert not CleaningTask.objects.exists()


def test_unknown_measure_type(api: Api, obs: dict[str, Any]) -> None:
    answer = api.sync([record("measure", measure(obs["id"], "zauberei"))]).json()["results"][0]
    assert answer["status"] == 422 and answer["errors"][0]["field"] == "measure_type"


def test_cleaning_text_names_things_not_people(api: Api, obs: dict[str, Any]) -> None:
    about_people = measure(
        obs["id"],
        "t-cleaning",
        cleaning_kind="drug_waste",
        cleaning_what="Spritzen neben dem Klienten, wirkte high",
    )
    answer = api.sync([record("measure", about_people)]).json()["results"][0]
    assert answer["status"] == 422
    assert answer["errors"][0]["field"] == "cleaning_what"
    assert "„Klienten“, „high“" in answer["errors"][0]["message"]
    assert not CleaningTask.objects.exists() and not Measure.objects.exists()
    with_phone = measure(
        obs["id"],
        "t-cleaning",
        cleaning_kind="bulky",
        cleaning_what="Matratze, Hausmeister 0231 123456",
    )
    stored = api.sync([record("measure", with_phone)]).json()["results"][0]
    assert stored["status"] == 201
    task = CleaningTask.objects.get(pk=stored["cleaning_task"])
    assert task.what == "Matratze, Hausmeister [entfernt]" == task.measure.cleaning_what
