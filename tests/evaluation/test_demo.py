"""The demo city's measures evaluated: its displacement episode is found as displacement, the
extension to the Nordstadt (no simulated change) as a measure without effect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import generate
from stadtlage.evaluation import display
from stadtlage.evaluation.models import Evaluation, EvaluationStatus, Verdict
from stadtlage.evaluation.seed import DEMO, load_demo_evaluations
from stadtlage.kpi.seed import load_indicators
from stadtlage.taskforce.seed import load_demo_taskforce

UNTIL = dt.date(2024, 7, 14)  # after the Nordstadt evaluation's post window


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Evaluation]]:
    """The demo city until mid-July 2024 with the Sonderstab and its evaluations (rolled back)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_baseline()
            create_demo_accounts()
            generate(until=UNTIL)
            load_indicators()
            now = timezone.make_aware(dt.datetime.combine(UNTIL, dt.time(18)))
            load_demo_taskforce(now=now)
            assert load_demo_evaluations(now=now) == len(DEMO)
            assert load_demo_evaluations(now=now) == 0  # idempotent
            yield {e.title: e for e in Evaluation.objects.all()}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _primary(evaluation: Evaluation) -> dict[str, Any]:
    result = evaluation.versions.get().result
    return display.primary_outcome(result.data)


@pytest.mark.django_db
def test_the_displacement_episode_is_found_as_displacement(demo):
    evaluation = demo[DEMO[0].title]
    assert evaluation.status == EvaluationStatus.COMPLETED
    o = _primary(evaluation)
    assert o["code"] == "drogenkonsum-meldungen"  # demand side, not the Kontrolldelikt
    assert o["verdict"] == Verdict.DECREASE
    assert o["displacement"]["reading"] == "displacement"
    assert o["displacement"]["wdq"] < 0
    assert o["displacement"]["buffer_test"]["low"] > 1  # Keuning-Park/Nordmarkt rose
    text = display.outcome_headline(o)
    assert text.startswith("Rückgang um") and "Verdrängung in die Umgebung erkennbar" in text
    records = next(x for x in evaluation.versions.get().result.data["outcomes"] if not x["primary"])
    assert records["enforcement_driven"]
    assert "enforcement" in {w["code"] for w in records["warnings"]}


@pytest.mark.django_db
def test_the_measure_without_effect_is_reported_as_such(demo):
    evaluation = demo[DEMO[1].title]
    o = _primary(evaluation)
    assert o["verdict"] == Verdict.NO_EFFECT
    assert o["effect"]["low"] < 1 < o["effect"]["high"]
    assert o["mde"]["reduction"] <= 0.35  # an effect like the one hoped for would have shown
    assert display.outcome_headline(o).startswith("Keine Wirkung erkennbar")


@pytest.mark.django_db
def test_a_measure_still_to_come_is_frozen_in_advance(demo):
    evaluation = demo[DEMO[2].title]  # relief area, opens 10.02.2025: after this scenario
    design = evaluation.versions.get()
    assert evaluation.status == EvaluationStatus.FROZEN
    assert design.sha256 and not design.retrospective
