"""Evaluation designs: validation, freezing with timestamp and hash, versions, computing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from shapely.geometry import shape

from stadtlage.audit.models import AuditEvent
from stadtlage.evaluation import services
from stadtlage.evaluation.models import EvaluationStatus, Verdict
from stadtlage.taskforce.services.common import canonical_sha256
from tests.evaluation.conftest import (
    CONTROL,
    TARGET,
    design_input,
    history,
    make_indicator,
    monday_weeks_ago,
    set_up,
)
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def test_a_frozen_design_has_timestamp_hash_and_the_geometries(
    analyst, areas, outcome, start, add_reports
):
    history(add_reports, start, target=[10] * 24, control=[10] * 24)
    evaluation = set_up(analyst, areas, outcome, start)
    before = timezone.now()
    design = services.design_freeze(
        evaluation=evaluation, actor=analyst, retrospective_reason="Nachträglich für den Test."
    )
    assert design.frozen_at >= before and design.frozen_by == analyst
    assert design.sha256 == canonical_sha256(design.snapshot)
    assert design.snapshot["frozen_at"] == design.frozen_at.isoformat()
    snap = design.snapshot
    assert shape(snap["target"]["geometry"]).contains(shape(square(*TARGET, 99)))
    buffer = shape(snap["buffer"]["geometry"])
    near = shape(areas["near"].geometry)  # the chosen displacement area (rounded to 1e-6°)
    assert near.difference(buffer).area < 1e-2 * near.area
    assert not buffer.intersects(shape(square(*TARGET, 99)))  # the ring leaves the target out
    assert snap["outcomes"][0]["category_codes"] == ["public-drug-use"]
    assert snap["outcomes"][0]["primary"] is True
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FROZEN
    audit = AuditEvent.objects.filter(object_type="evaluation.evaluation", action="transition")
    assert audit.get().after["sha256"] == design.sha256


def test_a_frozen_design_never_changes(analyst, areas, outcome, start, add_reports):
    history(add_reports, start, target=[10] * 24, control=[10] * 24)
    evaluation = set_up(analyst, areas, outcome, start)
    design = services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    design.refresh_from_db()
    frozen = design.snapshot
    # moving the area afterwards does not move the frozen design
    areas["target"].geometry = square(51.52, 7.45, 100)
    areas["target"].save()
    with pytest.raises(services.EvaluationError, match="neue Version"):
        services.design_update(
            evaluation=evaluation, data=design_input(areas, outcome, start), actor=analyst
        )
    design.refresh_from_db()
    assert design.snapshot == frozen


def test_a_change_is_a_new_visible_version(analyst, areas, outcome, start, add_reports):
    history(add_reports, start, target=[10] * 24, control=[10] * 24)
    evaluation = set_up(analyst, areas, outcome, start)
    first = services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    with pytest.raises(services.EvaluationError, match="Begründung"):
        services.design_revise(evaluation=evaluation, reason=" ", actor=analyst)
    second = services.design_revise(
        evaluation=evaluation, reason="Kontrollgebiet war Baustelle.", actor=analyst
    )
    assert (second.number, second.is_frozen, second.change_reason) == (
        2,
        False,
        "Kontrollgebiet war Baustelle.",
    )
    assert second.target_area_ids == first.target_area_ids
    assert second.control_area_ids == first.control_area_ids
    first.refresh_from_db()
    assert first.is_frozen and first.sha256
    assert evaluation.status == EvaluationStatus.DRAFT
    assert [v.number for v in evaluation.versions.all()] == [1, 2]


def test_freezing_after_the_start_needs_a_reason(analyst, areas, outcome, start, add_reports):
    history(add_reports, start, target=[10] * 24, control=[10] * 24)
    evaluation = set_up(analyst, areas, outcome, start)
    with pytest.raises(services.EvaluationError) as refused:
        services.design_freeze(evaluation=evaluation, actor=analyst)
    assert "Nachzeitraum hat am" in str(refused.value)
    assert "retrospective_reason" in refused.value.errors
    design = services.design_freeze(
        evaluation=evaluation, actor=analyst, retrospective_reason="Daten lagen schon vor."
    )
    assert design.retrospective and design.retrospective_reason == "Daten lagen schon vor."


def test_freezing_in_advance_is_not_retrospective(analyst, areas, outcome, add_reports):
    future = timezone.localdate() + timedelta(days=10)
    add_reports(TARGET, future - timedelta(weeks=20), [5] * 19)
    evaluation = set_up(analyst, areas, outcome, future)
    design = services.design_freeze(evaluation=evaluation, actor=analyst)
    assert not design.retrospective
    with pytest.raises(services.EvaluationError, match="Nachzeitraum endet am"):
        services.evaluation_compute(evaluation=evaluation, actor=analyst)


def test_the_pre_window_must_have_data(analyst, areas, outcome, start, add_reports):
    add_reports(TARGET, start - timedelta(weeks=4), [5] * 10)  # data only from 4 weeks before
    evaluation = set_up(analyst, areas, outcome, start)
    with pytest.raises(services.EvaluationError) as refused:
        services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    assert "pre_weeks" in refused.value.errors
    assert "Vorzeitraum beginnt am" in refused.value.errors["pre_weeks"][0]


def test_validation_names_the_field(analyst, areas, outcome, start):
    evaluation = services.evaluation_create(title="Test", actor=analyst)
    data = design_input(areas, outcome, start, control_areas=[areas["touching"]])
    with pytest.raises(services.EvaluationError) as refused:
        services.design_update(evaluation=evaluation, data=data, actor=analyst)
    assert "berührt das Zielgebiet" in refused.value.errors["control_areas"][0]
    data = design_input(areas, outcome, start, pre_weeks=1, expected_reduction_pct=95)
    with pytest.raises(services.EvaluationError) as refused:
        services.design_update(evaluation=evaluation, data=data, actor=analyst)
    assert set(refused.value.errors) == {"pre_weeks", "expected_reduction_pct"}
    with pytest.raises(services.EvaluationError) as refused:
        services.design_freeze(evaluation=evaluation, actor=analyst)
    assert {"target_areas", "control_areas", "outcomes", "start_date"} <= set(refused.value.errors)


def test_an_enforcement_driven_outcome_needs_its_demand_side_pair(analyst, areas, outcome, start):
    records = make_indicator(
        "drogenkonsum-feststellungen",
        "Feststellungen öffentlicher Drogenkonsum",
        source="observations",
        codes=("drug-use-crack",),
        enforcement=True,
        pair=outcome,
    )
    lonely = make_indicator(
        "platzverweise", "Platzverweise", source="measures", codes=("x",), enforcement=True
    )
    evaluation = services.evaluation_create(title="Test", actor=analyst)
    for chosen, message in (
        ([records], "bitte auch die Vergleichskennzahl „Bürgermeldungen zu Drogenkonsum“"),
        ([lonely, outcome], "keine Vergleichskennzahl der Nachfrageseite"),
    ):
        data = design_input(areas, outcome, start, outcomes=chosen)
        with pytest.raises(services.EvaluationError) as refused:
            services.design_update(evaluation=evaluation, data=data, actor=analyst)
        assert message in " ".join(refused.value.errors["outcomes"])
    data = design_input(areas, outcome, start, outcomes=[records, outcome])
    design = services.design_update(evaluation=evaluation, data=data, actor=analyst)
    assert design.outcome_codes == ["drogenkonsum-feststellungen", "drogenkonsum-meldungen"]


def test_only_analysts_and_the_taskforce_lead_set_up(board, areas, outcome, start):
    with pytest.raises(services.NotAllowed):
        services.evaluation_create(title="Test", actor=board)


def test_compute_finds_a_decrease_with_displacement(analyst, areas, outcome, start, add_reports):
    history(
        add_reports,
        start,
        target=[30] * 12 + [15] * 12,
        control=[30] * 24,
        near=[10] * 12 + [25] * 12,
    )
    evaluation = set_up(analyst, areas, outcome, start)
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    result = services.evaluation_compute(evaluation=evaluation, actor=analyst)
    assert result.verdict == Verdict.DECREASE
    o = result.data["outcomes"][0]
    assert o["sums"] == {
        "target": [360.0, 180.0],
        "buffer": [120.0, 300.0],
        "control": [360.0, 360.0],
    }
    assert o["effect"]["irr"] == pytest.approx(0.5, abs=1e-6)
    assert o["effect"]["scale"] == 1.0  # no extra variation in the weekly counts
    assert o["displacement"]["reading"] == "displacement"
    assert o["displacement"]["wdq"] == pytest.approx((300 / 360 - 120 / 360) / (180 / 360 - 1))
    # WDD per week; without a control for the surroundings only target vs control: −15
    assert (o["wdd"]["wdd"], o["wdd"]["with_displacement"]) == (-15, False)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.COMPLETED


def test_records_are_counted_by_place_week_and_hours(analyst, areas, start, add_reports):
    evening = make_indicator("abends", "Meldungen abends", hours=(18, 24))
    add_reports(TARGET, start - timedelta(weeks=30), [4] * 42, hour=20)
    add_reports(TARGET, start - timedelta(weeks=30), [9] * 42, hour=10)  # outside the hours
    add_reports(CONTROL, start - timedelta(weeks=30), [4] * 42, hour=21)
    add_reports((51.40, 7.30), start - timedelta(weeks=30), [50] * 42, hour=20)  # elsewhere
    evaluation = set_up(analyst, areas, evening, start)
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    result = services.evaluation_compute(evaluation=evaluation, actor=analyst)
    o = result.data["outcomes"][0]
    assert o["series"]["target"] == [4.0] * 24 and o["series"]["control"] == [4.0] * 24
    # data begin on a Wednesday 30 weeks before the start: 17 whole weeks before the pre-window
    assert o["rtm"]["baseline_weeks"] == 17 and not o["rtm"]["suspect"]


def test_a_measure_without_effect_is_reported_as_such(analyst, areas, outcome, start, add_reports):
    history(add_reports, start, target=[40] * 24, control=[40] * 24, near=[20] * 24)
    evaluation = set_up(analyst, areas, outcome, start, expected_reduction_pct=30)
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    result = services.evaluation_compute(evaluation=evaluation, actor=analyst)
    assert result.verdict == Verdict.NO_EFFECT
    o = result.data["outcomes"][0]
    assert o["effect"]["low"] < 1 < o["effect"]["high"]
    assert o["displacement"]["reading"] == "not_interpretable"
    assert o["mde"]["reduction"] < 0.3
    assert "few_events" not in {w["code"] for w in o["warnings"]}


def test_warnings_few_events_regression_to_mean_and_pretrend(
    analyst, areas, outcome, start, add_reports
):
    rising = [4 + 3 * k for k in range(12)]
    history(
        add_reports,
        start,
        target=rising + [30] * 12,
        control=[20] * 24,
        baseline=30,
        baseline_level=5,
    )
    evaluation = set_up(analyst, areas, outcome, start, expected_reduction_pct=10)
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    result = services.evaluation_compute(evaluation=evaluation, actor=analyst)
    codes = {w["code"] for w in result.data["outcomes"][0]["warnings"]}
    assert {"few_events", "rtm", "pretrend"} <= codes
    assert {w["code"] for w in result.data["warnings"]} == {"retrospective"}


def test_overlapping_measures_are_named(analyst, areas, outcome, start, add_reports):
    history(add_reports, start, target=[10] * 24, control=[10] * 24)
    other = set_up(analyst, areas, outcome, start + timedelta(weeks=2))
    services.design_freeze(evaluation=other, actor=analyst, retrospective_reason="x")
    evaluation = set_up(analyst, areas, outcome, start)
    services.design_freeze(evaluation=evaluation, actor=analyst, retrospective_reason="x")
    result = services.evaluation_compute(evaluation=evaluation, actor=analyst)
    overlap = [w for w in result.data["warnings"] if w["code"] == "overlap"]
    assert overlap and overlap[0]["measures"][0]["title"] == "Doppelstreifen am Ziel"


def test_recording_that_no_evaluation_is_possible(lead):
    from tests.factories import WorkingGroupFactory
    from tests.taskforce.conftest import make_recommendation

    rec = make_recommendation(WorkingGroupFactory(slug="ag"), state="completed")
    with pytest.raises(services.EvaluationError, match="begründen"):
        services.evaluation_record_not_possible(recommendation=rec, reason="kurz", actor=lead)
    evaluation = services.evaluation_record_not_possible(
        recommendation=rec, reason="Keine ortsbezogene Zielgröße: Plakataktion.", actor=lead
    )
    assert evaluation.status == EvaluationStatus.NOT_POSSIBLE
    assert evaluation.recommendation == rec


def test_suggested_start_from_the_measure(analyst) -> None:
    from tests.factories import WorkingGroupFactory
    from tests.taskforce.conftest import make_recommendation

    rec = make_recommendation(
        WorkingGroupFactory(slug="ag"), state="in_implementation", milestones_done=True
    )
    measure = rec.measures.get()
    measure.milestones.update(completed_on=monday_weeks_ago(3))
    evaluation = services.evaluation_create(title="Test", measure=measure, actor=analyst)
    assert evaluation.recommendation == rec
    assert evaluation.versions.get().start_date == monday_weeks_ago(3)


def test_control_suggestions_match_level_and_trend_and_never_touch(
    analyst, areas, outcome, start, add_reports
):
    from stadtlage.evaluation.suggest import suggest_controls

    similar = AreaFactory(name="Ähnlich", slug="aehnlich", geometry=square(51.5000, 7.4300, 100))
    rising = AreaFactory(name="Steigend", slug="steigend", geometry=square(51.4980, 7.4800, 100))
    first = start - timedelta(weeks=12)
    add_reports(TARGET, first, [20] * 12)
    add_reports((51.5000, 7.4300), first, [21] * 12)
    add_reports((51.4980, 7.4800), first, [5 + 3 * k for k in range(12)])
    add_reports((51.5165, 7.4600), first, [20] * 12)  # the touching area: never suggested
    suggestions = suggest_controls(design_input(areas, outcome, start))
    names = [s.area.name for s in suggestions]
    assert names[0] == similar.name
    assert "Dicht dran" not in names and "Ziel" not in names and "Nebenan" not in names
    assert names.index(rising.name) > 0
    assert suggestions[0].level_ratio == pytest.approx(21 / 20)
