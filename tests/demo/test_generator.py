"""Determinism, scaling, the documented operations and the partner figures."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from stadtlage.audit.models import AuditEvent
from stadtlage.demo import scenario as sc
from stadtlage.demo.field import FOCUS_CAMPING_WARNINGS, SPECIAL_MEASURES, block_plan
from stadtlage.demo.generator import generate, resolve_until
from stadtlage.demo.partners import generate_partner_values
from stadtlage.demo.reset import clear_scenario
from stadtlage.kpi.models import PartnerValue
from stadtlage.patrols.models import Measure, Observation
from stadtlage.reports.models import Report


def _first_rows() -> list[tuple[Any, ...]]:
    return [
        *Observation.objects.order_by("id").values_list(
            "uuid", "category__code", "occurred_at", "lat", "lon", "persons_count"
        )[:20],
        *Measure.objects.order_by("id").values_list("uuid", "measure_type__code", "occurred_at")[
            :20
        ],
        *Report.objects.order_by("id").values_list("uuid", "category__code", "status", "lat")[:20],
    ]


@pytest.mark.django_db
def test_same_seed_same_data(demo_accounts: Any) -> None:
    until = dt.date(2023, 8, 20)
    first = generate(until=until, events=3_000)
    rows = _first_rows()
    clear_scenario()
    second = generate(until=until, events=3_000)
    assert first.counts == second.counts
    assert _first_rows() == rows
    clear_scenario()
    other = generate(until=until, events=3_000, seed=7)
    assert _first_rows() != rows
    assert other.counts != first.counts


@pytest.mark.django_db
def test_events_scale_the_volume(demo_accounts: Any) -> None:
    result = generate(until=dt.date(2023, 9, 30), events=5_000)
    assert 4_250 <= result.events <= 5_750
    assert result.scale < 0.2
    assert AuditEvent.objects.filter(action="import", object_type="demo.scenario").count() == 1


def test_focus_week_and_special_operation_are_exact_at_scale_one() -> None:
    plan = block_plan(2023, 1.0)
    focus = [plan[d] for d in sc.day_range(*sc.FOCUS_WEEK)]
    drugs = sum(day[c][0] for day in focus for c in ("drug-use-crack", "drug-use-other"))
    assert drugs == 160
    assert sum(day["aggressive-begging"][0] for day in focus) == 56
    assert sum(day["camping"][1] for day in focus) == FOCUS_CAMPING_WARNINGS == 55
    assert {code: total for code, (total, _) in SPECIAL_MEASURES.items()} == {
        "identity-check": 150,
        "offence-report": 78,
        "platzverweis": 63,
        "warning-fine": 18,
    }


def test_published_levels_in_the_scenario() -> None:
    days = sc.day_range(dt.date(2023, 8, 1), dt.date(2025, 12, 31))
    begging = sc.begging_weekly(days)
    wave = (days >= sc.d64(sc.BEGGING_WAVE[0])) & (days <= sc.d64(sc.BEGGING_WAVE[1]))
    assert begging[wave].sum() / 7 == pytest.approx(408, abs=1)
    drugs = sc.drop_curve(days, 700, 100)
    assert drugs[0] == pytest.approx(700) and drugs[-1] == pytest.approx(100)
    patrols = sc.patrols_per_shift(days).sum(axis=1)
    assert patrols[days == sc.d64(sc.PRESENCE_CONCEPT)][0] > patrols[0]


@pytest.mark.django_db
def test_partner_values_match_published_totals(demo_accounts: Any) -> None:
    until = dt.date(2025, 8, 31)
    generate_partner_values(seed=2023, until=until, until_dt=resolve_until(until))

    def total(code: str, first: dt.date, last: dt.date) -> float:
        values = PartnerValue.objects.filter(
            series__code=code, period_start__gte=first, period_start__lte=last
        )
        return float(values.aggregate(s=Sum("value"))["s"])

    window = (dt.date(2023, 8, 14), dt.date(2025, 7, 21))
    assert total("police-platzverweise", *window) == 7_958
    assert total("police-focus-operations", *window) == 622
    assert total("police-staff-hours", *window) == 47_646
    assert total("police-platzverweise", dt.date(2023, 8, 14), dt.date(2023, 10, 9)) == 1_800
    kick = total("kick-consumption", dt.date(2024, 1, 1), dt.date(2024, 12, 29))
    assert kick == pytest.approx(139_000, rel=0.03)
    missing = PartnerValue.objects.filter(
        series__code="edg-syringe-finds",
        period_start__in=[dt.date(2024, 12, 23), dt.date(2024, 12, 30)],
    )
    assert not missing.exists()
    assert PartnerValue.objects.filter(series__code="edg-syringe-finds").count() > 100
    survey = PartnerValue.objects.filter(series__code="survey-safety")
    assert {d.month for d in survey.values_list("period_start", flat=True)} <= {1, 4, 7, 10}
    assert not PartnerValue.objects.exclude(channel="demo").exists()
    assert np.all(np.array(PartnerValue.objects.values_list("value", flat=True)) >= 0)


@pytest.mark.django_db
def test_demo_command(settings: Any) -> None:
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo", "--until", "2023-08-10", "--events", "1500", stdout=out)
    text = out.getvalue()
    assert "Demo-Stadt geladen" in text and "sonderstab" in text
    # it says what it is building while it builds, step by step
    steps = [line for line in text.splitlines() if line.startswith("[")]
    assert steps[0].startswith("[1/7] Stammdaten und Demo-Zugänge")
    assert steps[-1].startswith("[7/7] ") and len(steps) == 7
    assert text.index("[1/7]") < text.index("Demo-Stadt geladen")
    assert Observation.objects.exists()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "bereits Daten" in out.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("demo", "--until", "2023-08-10", "--events", "1500", stdout=StringIO())
    count = Observation.objects.count()
    call_command(
        "demo", "--until", "2023-08-10", "--events", "1500", "--replace", stdout=StringIO()
    )
    assert Observation.objects.count() == count


@pytest.mark.django_db
def test_demo_command_refuses_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="Demo-Modus"):
        call_command("demo", stdout=StringIO())
    call_command("baseline", stdout=StringIO())
    assert not Observation.objects.exists()
