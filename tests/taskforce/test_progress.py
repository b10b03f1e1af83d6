"""Pure rules for the progress of decided measures (no database)."""

from __future__ import annotations

from datetime import date, timedelta

from stadtlage.taskforce import progress as P

TODAY = date(2025, 3, 10)


def ms(title: str, days: int, status: str = "open") -> P.MilestoneFacts:
    return P.MilestoneFacts(title, TODAY + timedelta(days=days), status)


def test_milestone_states() -> None:
    assert P.milestone_state(ms("a", -1, "done"), TODAY) == P.DONE
    assert P.milestone_state(ms("a", -1), TODAY) == P.LATE
    assert P.milestone_state(ms("a", 0), TODAY) == P.DUE
    assert P.milestone_state(ms("a", 14), TODAY) == P.DUE
    assert P.milestone_state(ms("a", 15), TODAY) == P.PLANNED
    assert P.milestone_state(ms("a", -5, "cancelled"), TODAY) == P.CANCELLED


def test_progress_ignores_cancelled_milestones() -> None:
    p = P.progress([ms("a", -3, "done"), ms("b", 30), ms("c", -1, "cancelled")], TODAY)
    assert (p.done, p.total, p.late, p.percent) == (1, 2, 0, 50)
    assert P.progress([], TODAY).percent == 0


def test_status_late_beats_at_risk_beats_on_track() -> None:
    assert P.tracking_status([ms("a", -1), ms("b", 3)], TODAY) == P.LATE_STATUS
    assert P.tracking_status([ms("a", 3)], TODAY) == P.AT_RISK
    assert P.tracking_status([ms("a", 60)], TODAY) == P.ON_TRACK
    assert P.tracking_status([ms("a", 60)], TODAY, started=False) == P.NOT_STARTED
    assert P.tracking_status([ms("a", -60)], TODAY, finished=True) == P.FINISHED


def test_status_from_the_indicators_assurance_and_signals() -> None:
    far = [ms("a", 60)]
    assert P.tracking_status(far, TODAY, assurances=["fail"]) == P.AT_RISK
    assert P.tracking_status(far, TODAY, assurances=["inconsistent", "pass"]) == P.ON_TRACK
    assert P.tracking_status(far, TODAY, flags=["special_cause_concern"]) == P.AT_RISK
    assert P.tracking_status(far, TODAY, flags=["special_cause_improvement"]) == P.ON_TRACK


def test_milestones_after_the_target_date_are_flagged() -> None:
    flags = P.milestone_flags(
        [ms("Evaluation", 200), ms("Start", 10), ms("Alt", 300, "cancelled")],
        target_dates=[TODAY + timedelta(days=100), None, TODAY + timedelta(days=150)],
        decided_on=None,
    )
    assert [f.milestone for f in flags] == ["Evaluation"]
    assert "liegt nach dem Zieldatum" in flags[0].message
    assert "(07.08.2025)" in flags[0].message  # the latest target date


def test_milestones_before_the_decision_are_flagged() -> None:
    flags = P.milestone_flags(
        [ms("Start", -10), ms("Später", 10)], target_dates=[], decided_on=TODAY
    )
    assert [f.milestone for f in flags] == ["Start"]
    assert "vor dem Beschluss des Verwaltungsvorstands (10.03.2025)" in flags[0].message


def test_undecided_recommendations_flag_past_open_milestones() -> None:
    flags = P.milestone_flags(
        [ms("Start", -1), ms("Fertig", -1, "done")], target_dates=[], decided_on=None, today=TODAY
    )
    assert [f.milestone for f in flags] == ["Start"]
